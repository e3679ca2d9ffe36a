"""Which audio files the studio offers to upload: the formats the service says it takes
(`GET /api/limits`, `audio.formats`), spelled as file names and as words.

The service is the one home of the list; this module only knows how each of its formats is
named on disk and to a person. Until a service has answered, every format the studio can name
is offered (the check before each upload, and the service, still have the last word).
"""

from __future__ import annotations

from collections.abc import Iterable

# the service's format names (what its sniffer tells from the bytes) -> file name endings
SUFFIXES_BY_FORMAT: dict[str, tuple[str, ...]] = {
    "wav": (".wav",),
    "aiff": (".aif", ".aiff", ".aifc"),
    "flac": (".flac",),
    "ogg": (".ogg",),
    "opus": (".opus",),
    "mp3": (".mp3",),
    "m4a": (".m4a", ".mp4"),
    "aac": (".aac",),
}
# how an artist calls them, in the order they are said
WORDS_BY_FORMAT: dict[str, str] = {
    "wav": "WAV", "aiff": "AIFF", "flac": "FLAC", "ogg": "OGG", "opus": "Opus", "mp3": "MP3",
    "m4a": "M4A", "aac": "AAC",
}
# libsndfile's major formats (soundfile's `info().format`) -> the service's format names
_SOUNDFILE_MAJOR = {"WAV": "wav", "WAVEX": "wav", "RF64": "wav", "AIFF": "aiff", "FLAC": "flac",
                    "MP3": "mp3"}


def known_formats(formats: Iterable[str] | None) -> tuple[str, ...]:
    """The service's formats that the studio can name, in `WORDS_BY_FORMAT` order; all of
    them while no service has said (None)."""
    if formats is None:
        return tuple(WORDS_BY_FORMAT)
    wanted = set(formats)
    return tuple(f for f in WORDS_BY_FORMAT if f in wanted)


def accepted_suffixes(formats: Iterable[str] | None) -> frozenset[str]:
    """File name endings (lower case, with the dot) of the formats the service takes."""
    return frozenset(s for f in known_formats(formats) for s in SUFFIXES_BY_FORMAT.get(f, ()))


def formats_in_words(formats: Iterable[str] | None) -> str:
    """'WAV, AIFF, FLAC, OGG, Opus, MP3, M4A, AAC' (Opus and AAC said with OGG and M4A)."""
    shown = [f for f in known_formats(formats) if f not in ("opus", "aac")]
    return ", ".join(WORDS_BY_FORMAT[f] for f in shown)


def file_dialog_filter(formats: Iterable[str] | None) -> str:
    """A QFileDialog name filter offering the accepted audio files (and, second, any file)."""
    patterns = " ".join(f"*{s}" for s in sorted(accepted_suffixes(formats)))
    return f"Audio ({patterns});;All files (*)"


def format_of(major: str, subtype: str = "") -> str | None:
    """The service's name for what libsndfile read (None: not one the studio can name)."""
    if major == "OGG":
        return "opus" if subtype == "OPUS" else "ogg"
    return _SOUNDFILE_MAJOR.get(major)
