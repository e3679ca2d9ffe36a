"""Sample-rate conversion of a stream of blocks, with memory of one block (libswresample).

Runs in the audio worker (it is FFmpeg code). Each channel has its own resampler, so any
channel count works; the output length follows the input's, not the block edges (no seams).
"""

from __future__ import annotations

import av
import numpy as np


class StreamResampler:
    """Feed float32 (frames, channels) blocks to `process`, then call `flush` once."""

    def __init__(self, rate_hz: int, target_rate_hz: int, channels: int) -> None:
        self.rate_hz, self.target_rate_hz, self.channels = rate_hz, target_rate_hz, channels
        self._resamplers = [av.AudioResampler(format="flt", layout="mono", rate=target_rate_hz)
                            for _ in range(channels)]

    def _run(self, index: int, column: np.ndarray | None) -> np.ndarray:
        frame = None
        if column is not None:
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(column, dtype=np.float32).reshape(1, -1),
                format="flt", layout="mono")
            frame.sample_rate = self.rate_hz
        outs = self._resamplers[index].resample(frame)
        if not outs:
            return np.zeros(0, np.float32)
        return np.concatenate([out.to_ndarray().reshape(-1) for out in outs])

    def _stack(self, columns: list[np.ndarray]) -> np.ndarray:
        frames = min(column.shape[0] for column in columns)
        return np.stack([column[:frames] for column in columns], axis=1)

    def process(self, block: np.ndarray) -> np.ndarray:
        if block.shape[0] == 0:
            return np.zeros((0, self.channels), np.float32)
        return self._stack([self._run(k, block[:, k]) for k in range(self.channels)])

    def flush(self) -> np.ndarray:
        return self._stack([self._run(k, None) for k in range(self.channels)])
