"""A fixed-length scrolling series for live plots: appends without np.roll, reads as views.

The storage is twice the shown length; when the write position reaches the end, the newest
`capacity` points are copied back to the front once (amortised O(1) per point), so the visible
window is always one contiguous slice that `setData` can take as is.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


class ScrollingSeries:
    """The last `capacity` (x, y) points; y may hold NaN (gaps in a curve)."""

    def __init__(self, capacity: int) -> None:
        if capacity <= 0:
            raise ValueError("capacity must be positive")
        self.capacity = capacity
        self._x: FloatArray = np.zeros(2 * capacity)
        self._y: FloatArray = np.full(2 * capacity, np.nan)
        self._end = 0
        self._count = 0

    def __len__(self) -> int:
        return min(self._count, self.capacity)

    def clear(self) -> None:
        self._end = 0
        self._count = 0

    def extend(self, x: FloatArray, y: FloatArray) -> None:
        n = int(x.shape[0])
        if n == 0:
            return
        if n > self.capacity:
            x, y, n = x[-self.capacity:], y[-self.capacity:], self.capacity
        if self._end + n > self._x.shape[0]:
            keep = min(len(self), self.capacity - n)
            start = self._end - keep
            self._x[:keep] = self._x[start:self._end]
            self._y[:keep] = self._y[start:self._end]
            self._end = keep
        self._x[self._end:self._end + n] = x
        self._y[self._end:self._end + n] = y
        self._end += n
        self._count += n

    def view(self) -> tuple[FloatArray, FloatArray]:
        """The visible points, oldest first (views: copy to keep them past the next extend)."""
        start = self._end - len(self)
        return self._x[start:self._end], self._y[start:self._end]

    def last_x(self) -> float:
        return float(self._x[self._end - 1]) if self._end else 0.0
