"""The visible time span of a take's waveform, kept inside the take: no negative time, no empty
time past its end, no zoom out beyond its length and no zoom in below `MIN_SPAN_S`. Qt-free."""

from __future__ import annotations

MIN_SPAN_S = 0.01  # the closest zoom: 10 ms across the view (480 samples at 48 kHz)
EMPTY_TAKE_S = 1.0  # what the view spans before any take is shown
WHEEL_NOTCH = 120  # one notch of a mouse wheel, in Qt's eighths of a degree
SCROLL_PER_NOTCH = 0.1  # of the visible span
ZOOM_PER_NOTCH = 0.8  # span kept by one notch of Ctrl+wheel towards you


def take_span_s(duration_s: float) -> float:
    return duration_s if duration_s > 0 else EMPTY_TAKE_S


def clamp_view(left_s: float, right_s: float, duration_s: float) -> tuple[float, float]:
    """The span asked for, shifted and shrunk until it lies within the take."""
    total = take_span_s(duration_s)
    span = min(max(right_s - left_s, min(MIN_SPAN_S, total)), total)
    left = min(max(left_s, 0.0), total - span)
    return left, left + span


def zoomed_view(left_s: float, right_s: float, centre_s: float, factor: float,
                duration_s: float) -> tuple[float, float]:
    """The span scaled by `factor` (< 1 zooms in) so that `centre_s` stays where it is on
    screen (the time under the pointer stays under the pointer), then kept within the take."""
    span = right_s - left_s
    if span <= 0:
        return clamp_view(0.0, take_span_s(duration_s), duration_s)
    total = take_span_s(duration_s)
    new_span = min(max(span * factor, min(MIN_SPAN_S, total)), total)
    share = min(max((centre_s - left_s) / span, 0.0), 1.0)
    left = centre_s - share * new_span
    return clamp_view(left, left + new_span, duration_s)


def scrolled_view(left_s: float, right_s: float, notches: float,
                  duration_s: float) -> tuple[float, float]:
    """The span moved later by `notches` wheel notches (negative: earlier), same width."""
    shift = (right_s - left_s) * SCROLL_PER_NOTCH * notches
    return clamp_view(left_s + shift, right_s + shift, duration_s)


def followed_view(left_s: float, right_s: float, playhead_s: float,
                  duration_s: float) -> tuple[float, float] | None:
    """Where the view pages to when playback leaves it (the playhead at its left edge, as DAWs
    page), or None while the playhead is within it."""
    if left_s <= playhead_s <= right_s:
        return None
    return clamp_view(playhead_s, playhead_s + (right_s - left_s), duration_s)
