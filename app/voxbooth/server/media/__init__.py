"""Audio files for the service: sniff, check, decode, encode, and the limits uploads must meet.

Formats are told from the bytes, never from the name. libsndfile (soundfile) reads WAV, RF64,
AIFF/AIFF-C, FLAC, Ogg Vorbis, Ogg Opus and MP3; PyAV (FFmpeg) reads M4A/AAC and is the
fallback.

`probe`, `read_audio`, `transcode` and `waveform_peaks` run the codecs in the audio worker
process (`isolation`), never in the service's own: use them for anything a client uploaded.
`read_audio_blocks`, `audio_rate_hz`, `encode_audio` and `write_audio` run codecs in the
calling process: for the worker itself and for audio the service made (TTS, conversions).
"""

from voxbooth.server.media.decode import audio_rate_hz, read_audio_blocks
from voxbooth.server.media.encode import (
    SERVABLE_FORMATS,
    encode_audio,
    served_extension,
    served_mime,
    write_audio,
)
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
from voxbooth.server.media.probe import AudioInfo
from voxbooth.server.media.sniff import MIME_BY_FORMAT, Sniffed, sniff_bytes, sniff_file
from voxbooth.server.media.untrusted import probe, read_audio, transcode, waveform_peaks

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
