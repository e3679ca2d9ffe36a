"""Audio files for the service: sniff, check, decode, encode, and the limits uploads must meet.

Formats are told from the bytes, never from the name. libsndfile (soundfile) reads WAV, RF64,
AIFF/AIFF-C, FLAC, Ogg Vorbis, Ogg Opus and MP3; PyAV (FFmpeg) reads M4A/AAC and is the
fallback.

`probe`, `read_audio`, `transcode` and `waveform_peaks` run the codecs in the audio worker
process (`isolation`), never in the service's own: use them for anything a client uploaded.
`read_audio_blocks`, `audio_rate_hz`, `encode_audio` and `write_audio` run codecs in the
calling process: for the worker itself and for audio the service made (TTS, conversions).

The names below load their module on first use (PEP 562): the service's own process imports the
package for its errors and limits at start, and numpy, libsndfile and FFmpeg (half a second of
every start) only when a route first touches audio.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from voxbooth.server.media.decode import audio_rate_hz, read_audio_blocks
    from voxbooth.server.media.encode import encode_audio, write_audio
    from voxbooth.server.media.errors import (
        AudioRejected,
        EmptyAudio,
        UndecodableAudio,
        UnsupportedAudio,
    )
    from voxbooth.server.media.limits import (
        CALIBRATION_MAX_S,
        CALIBRATION_MIN_S,
        CALIBRATIONS,
        TAKES,
        VOICE_SAMPLE_MAX_S,
        VOICE_SAMPLE_MIN_S,
        VOICE_SAMPLES,
        AudioLimits,
        check_duration,
        check_take_duration,
        format_duration,
    )
    from voxbooth.server.media.served import SERVABLE_FORMATS, served_extension, served_mime
    from voxbooth.server.media.sniff import MIME_BY_FORMAT, Sniffed, sniff_bytes, sniff_file
    from voxbooth.server.media.untrusted import probe, read_audio, transcode, waveform_peaks
    from voxbooth.server.media.verify import AudioInfo

_MODULE_OF = {
    "audio_rate_hz": "decode",
    "read_audio_blocks": "decode",
    "SERVABLE_FORMATS": "served",
    "encode_audio": "encode",
    "served_extension": "served",
    "served_mime": "served",
    "write_audio": "encode",
    "AudioRejected": "errors",
    "EmptyAudio": "errors",
    "UndecodableAudio": "errors",
    "UnsupportedAudio": "errors",
    "CALIBRATION_MAX_S": "limits",
    "CALIBRATION_MIN_S": "limits",
    "CALIBRATIONS": "limits",
    "TAKES": "limits",
    "VOICE_SAMPLE_MAX_S": "limits",
    "VOICE_SAMPLE_MIN_S": "limits",
    "VOICE_SAMPLES": "limits",
    "AudioLimits": "limits",
    "check_duration": "limits",
    "check_take_duration": "limits",
    "format_duration": "limits",
    "AudioInfo": "verify",
    "MIME_BY_FORMAT": "sniff",
    "Sniffed": "sniff",
    "sniff_bytes": "sniff",
    "sniff_file": "sniff",
    "probe": "untrusted",
    "read_audio": "untrusted",
    "transcode": "untrusted",
    "waveform_peaks": "untrusted",
}


if not TYPE_CHECKING:  # mypy reads the imports above and still flags a misspelt name

    def __getattr__(name: str) -> Any:
        module = _MODULE_OF.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
        globals()[name] = value  # later look-ups skip this function
        return value


__all__ = [
    "CALIBRATIONS",
    "CALIBRATION_MAX_S",
    "CALIBRATION_MIN_S",
    "MIME_BY_FORMAT",
    "SERVABLE_FORMATS",
    "TAKES",
    "VOICE_SAMPLES",
    "VOICE_SAMPLE_MAX_S",
    "VOICE_SAMPLE_MIN_S",
    "AudioInfo",
    "AudioLimits",
    "AudioRejected",
    "EmptyAudio",
    "Sniffed",
    "UndecodableAudio",
    "UnsupportedAudio",
    "audio_rate_hz",
    "check_duration",
    "check_take_duration",
    "encode_audio",
    "format_duration",
    "probe",
    "read_audio",
    "read_audio_blocks",
    "served_extension",
    "served_mime",
    "sniff_bytes",
    "sniff_file",
    "transcode",
    "waveform_peaks",
    "write_audio",
]
