"""Real audio files of every upload format, written in the test (soundfile and PyAV encode them)."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import soundfile as sf


def tone(duration_s: float, rate_hz: int, channels: int = 1, freq_hz: float = 440.0) -> np.ndarray:
    """A sine per channel (channel k at freq_hz * (k + 1)), amplitude 0.5, float32 (frames, ch)."""
    t = np.arange(round(duration_s * rate_hz)) / rate_hz
    cols = [0.5 * np.sin(2 * np.pi * freq_hz * (k + 1) * t) for k in range(channels)]
    return np.stack(cols, axis=1).astype(np.float32)


# name -> (soundfile format, subtype, extension)
SOUNDFILE_KINDS: dict[str, tuple[str, str, str]] = {
    "wav": ("WAV", "PCM_16", "wav"),
    "wav_u8": ("WAV", "PCM_U8", "wav"),
    "wav_24": ("WAV", "PCM_24", "wav"),
    "wav_float": ("WAV", "FLOAT", "wav"),
    "wavex": ("WAVEX", "PCM_16", "wav"),
    "rf64": ("RF64", "PCM_16", "wav"),
    "flac": ("FLAC", "PCM_16", "flac"),
    "ogg": ("OGG", "VORBIS", "ogg"),
    "opus": ("OGG", "OPUS", "opus"),
    "mp3": ("MP3", "MPEG_LAYER_III", "mp3"),
    "aiff": ("AIFF", "PCM_16", "aiff"),
    "aifc_float": ("AIFF", "FLOAT", "aif"),  # libsndfile writes float AIFF as AIFF-C (fl32)
}


def write_soundfile(path: Path, kind: str, samples: np.ndarray, rate_hz: int) -> Path:
    major, subtype, _ = SOUNDFILE_KINDS[kind]
    sf.write(str(path), samples, rate_hz, format=major, subtype=subtype)
    return path


def write_pyav(path: Path, samples: np.ndarray, rate_hz: int, container: str = "mp4",
               codec: str = "aac") -> Path:
    """M4A (container "mp4"/"ipod") or ADTS AAC (container "adts") through FFmpeg's encoder."""
    channels = samples.shape[1]
    layout = {1: "mono", 2: "stereo"}[channels]
    with av.open(str(path), "w", format=container) as out:
        stream = out.add_stream(codec, rate=rate_hz, layout=layout)
        frame_size = 1024
        for start in range(0, samples.shape[0], frame_size):
            chunk = np.ascontiguousarray(samples[start: start + frame_size].T)
            frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout=layout)
            frame.sample_rate = rate_hz
            frame.pts = start
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def write_kind(folder: Path, kind: str, duration_s: float = 1.0, rate_hz: int = 16000,
               channels: int = 1) -> Path:
    """A file of `kind` (SOUNDFILE_KINDS, or "m4a"/"aac"/"mp3_id3") holding a tone; name by kind."""
    samples = tone(duration_s, rate_hz, channels)
    if kind == "m4a":
        return write_pyav(folder / "take.m4a", samples, rate_hz, "ipod")
    if kind == "aac":
        return write_pyav(folder / "take.aac", samples, rate_hz, "adts")
    if kind == "mp3_id3":  # FFmpeg's LAME output starts with an ID3v2 tag
        return write_pyav(folder / "take-id3.mp3", samples, rate_hz, "mp3", "libmp3lame")
    ext = SOUNDFILE_KINDS[kind][2]
    return write_soundfile(folder / f"take-{kind}.{ext}", kind, samples, rate_hz)
