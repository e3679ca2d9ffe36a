"""What an order costs: one credit per started minute of the original, per voice (the service's
rule, `GET /api/credits`)."""

from __future__ import annotations

import math
from collections.abc import Sequence


def credits_for(duration_s: float) -> int:
    return max(1, math.ceil(max(duration_s, 0.0) / 60.0 - 1e-9))


def order_cost(original_durations_s: Sequence[float], voice_count: int) -> int:
    return sum(credits_for(d) for d in original_durations_s) * voice_count


def describe_cost(original_durations_s: Sequence[float], voice_count: int,
                  balance: float | None) -> str:
    if not original_durations_s or voice_count == 0:
        return "Select one or more originals in the takes list and one or more voices"
    count = len(original_durations_s) * voice_count
    cost = order_cost(original_durations_s, voice_count)
    text = f"{count} conversion(s) · {cost} credit(s)"
    if balance is not None:
        text += f" · you have {balance:g}"
        if cost > balance:
            text += " — not enough credits"
    return text
