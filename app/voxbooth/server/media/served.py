"""The formats the service serves a take in (`?format=wav|flac|ogg|mp3`): their libsndfile
names, MIME types and file extensions. Plain data, so routes can name them without loading the
codecs (`media.encode` writes them)."""

from __future__ import annotations

# format -> (libsndfile major format, default subtype, MIME type, file extension)
FORMATS: dict[str, tuple[str, str, str, str]] = {
    "wav": ("WAV", "PCM_16", "audio/wav", "wav"),
    "flac": ("FLAC", "PCM_16", "audio/flac", "flac"),
    "ogg": ("OGG", "VORBIS", "audio/ogg", "ogg"),
    "mp3": ("MP3", "MPEG_LAYER_III", "audio/mpeg", "mp3"),
}
SERVABLE_FORMATS: tuple[str, ...] = tuple(FORMATS)


def served_mime(fmt: str) -> str:
    return FORMATS[check_format(fmt)][2]


def served_extension(fmt: str) -> str:
    return FORMATS[check_format(fmt)][3]


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    return fmt
