"""Text the service accepts: Unicode that UTF-8 can carry.

JSON may escape a lone surrogate (`"\\ud800"`); Python's parser turns it into a `str` that no
database, file name or response can encode, so it is refused at the door with a 422 naming the
field, whichever route the body goes to.
"""

from __future__ import annotations

from typing import Any

Loc = tuple[str | int, ...]

LONE_SURROGATE_MSG = "Text must be valid Unicode: it holds a lone surrogate (such as \\ud800)"
LONE_SURROGATE_TYPE = "string_unicode"


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def lone_surrogate_at(value: Any, loc: Loc = ("body",)) -> Loc | None:
    """Where in a parsed JSON value a string (or an object's key) holds a lone surrogate."""
    if isinstance(value, str):
        return None if _encodable(value) else loc
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and not _encodable(key):
                return (*loc, key.encode("utf-8", "backslashreplace").decode("ascii"))
            found = lone_surrogate_at(item, (*loc, key))
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = lone_surrogate_at(item, (*loc, index))
            if found is not None:
                return found
    return None


def validation_error(loc: Loc) -> dict[str, Any]:
    """The `[{loc, msg, type}]` item for a lone surrogate at `loc` (without the bad input)."""
    shown = tuple(p.encode("utf-8", "backslashreplace").decode("ascii") if isinstance(p, str)
                  else p for p in loc)
    return {"loc": list(shown), "msg": LONE_SURROGATE_MSG, "type": LONE_SURROGATE_TYPE}
