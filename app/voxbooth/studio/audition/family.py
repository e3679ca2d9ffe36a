"""Which takes are auditioned together (no Qt).

Picking any take of an original auditions the whole family: the original and every finished
conversion of it, numbered in the order they were made, so a number key means the same take for
as long as the family is loaded.
"""

from __future__ import annotations

from collections.abc import Callable

from voxbooth.studio.entities import TakeInfo

MAX_TRACKS = 9  # one number key each


def family_of(take: TakeInfo, conversions_of: Callable[[str], list[TakeInfo]],
              original_of: Callable[[str], TakeInfo | None]) -> list[TakeInfo]:
    """The takes to audition when `take` is picked: its original first, then every finished
    conversion, oldest first (at most nine; the picked one always among them). Empty while
    there is nothing to hear yet."""
    original = original_of(take.original_id or "") if take.is_conversion else take
    if original is None or original.state != "done":
        # a conversion listed without its original (filtered out): it alone
        return [take] if take.is_conversion and take.state == "done" else []
    done = sorted((c for c in conversions_of(original.id) if c.state == "done"),
                  key=lambda c: (c.created_at.timestamp() if c.created_at else 0.0, c.id))
    if len(done) > MAX_TRACKS - 1:
        picked = [c.id for c in done if c.id == take.id]
        others = [c.id for c in done if c.id != take.id]
        kept = set(picked + others[:MAX_TRACKS - 1 - len(picked)])  # the picked, the oldest
        done = [c for c in done if c.id in kept]
    return [original, *done]


def track_label(take: TakeInfo, in_family: bool) -> str:
    """What a track is called on its button: in a family the original is "Original" and a
    conversion its voice; two takes compared keep their own labels."""
    if not in_family:
        return take.label
    return (take.voice_name or take.label) if take.is_conversion else "Original"
