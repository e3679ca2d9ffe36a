"""Audio files for the service: sniff, probe, decode, encode, and the limits uploads must meet.

Formats are told from the bytes, never from the name. libsndfile (soundfile) reads WAV, RF64,
FLAC, Ogg Vorbis, Ogg Opus and MP3; PyAV (FFmpeg) reads M4A/AAC and is the fallback.
"""

from voxbooth.server.media.decode import audio_rate_hz, read_audio, read_audio_blocks, resample
from voxbooth.server.media.encode import (
    SERVABLE_FORMATS,
    encode_audio,
    served_extension,
    served_mime,
    transcode,
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
    VOICE_SAMPLE_MAX_S,
    VOICE_SAMPLE_MIN_S,
    check_duration,
    check_take_duration,
    format_duration,
)
from voxbooth.server.media.probe import AudioInfo, probe
from voxbooth.server.media.sniff import MIME_BY_FORMAT, Sniffed, sniff_bytes, sniff_file

__all__ = [
    "CALIBRATION_MAX_S",
    "CALIBRATION_MIN_S",
    "MIME_BY_FORMAT",
    "SERVABLE_FORMATS",
    "VOICE_SAMPLE_MAX_S",
    "VOICE_SAMPLE_MIN_S",
    "AudioInfo",
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
    "resample",
    "served_extension",
    "served_mime",
    "sniff_bytes",
    "sniff_file",
    "transcode",
    "write_audio",
]
