"""The service's calls on uploaded audio: each runs in the audio worker (`media.isolation`).

Header limits (`media.header`) are checked here first, in plain Python, so a file that says it
is a bomb never even reaches the worker. The worker's functions (and with them numpy and the
codecs) are imported on the first call: the service's own process only sends them by name.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from voxbooth.server.media.header import check_header
from voxbooth.server.media.isolation import CHECKS, RENDERS, shared_workers
from voxbooth.server.media.limits import TAKES, AudioLimits, check_timeout_s, work_timeout_s

if TYPE_CHECKING:
    import numpy as np

    from voxbooth.dsp.peaks import PeakPyramid
    from voxbooth.server.media.verify import AudioInfo


def probe(path: Path, limits: AudioLimits = TAKES) -> AudioInfo:
    """Sniffs, checks and decodes all of `path`; raises an AudioRejected naming the problem."""
    from voxbooth.server.media import worker

    path = Path(path)
    check_header(path, limits)
    return shared_workers(CHECKS).run(worker.verify, str(path), limits,
                                      timeout_s=check_timeout_s(path.stat().st_size),
                                      what="checking the audio")


def read_audio(path: Path, *, mono: bool = False, target_rate_hz: int | None = None,
               limits: AudioLimits = TAKES) -> tuple[np.ndarray, int]:
    """All samples as float32, shape (frames, channels), or (frames,) when `mono`."""
    from voxbooth.server.media import worker

    path = Path(path)
    check_header(path, limits)
    return shared_workers(RENDERS).run(worker.read_samples, str(path), mono, target_rate_hz,
                                       limits, timeout_s=work_timeout_s(limits.max_s),
                                       what="decoding")


def transcode(src: Path, dest: Path, fmt: str, *, subtype: str | None = None,
              duration_s: float | None = None) -> None:
    """Re-encodes `src` into `dest` in `fmt` (see `media.encode` for what each format holds)."""
    from voxbooth.server.media import worker

    check_header(Path(src), TAKES)
    shared_workers(RENDERS).run(worker.transcode, str(src), str(dest), fmt, subtype,
                                timeout_s=work_timeout_s(duration_s),
                                what=f"converting the audio to {fmt.upper()}")


def waveform_peaks(path: Path, *, duration_s: float | None = None) -> PeakPyramid:
    from voxbooth.dsp.peaks import PeakPyramid
    from voxbooth.server.media import worker

    check_header(Path(path), TAKES)
    data = shared_workers(RENDERS).run(worker.peaks, str(path),
                                       timeout_s=work_timeout_s(duration_s),
                                       what="drawing the waveform")
    return PeakPyramid.from_bytes(data)
