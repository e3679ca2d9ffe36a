"""Typed models mirroring the seed API's fields; unknown fields are kept."""

from voxbooth.api.models.account import ApiKey, Credits, LoginSession, TtsVoice
from voxbooth.api.models.base import Page, Pagination, VoxModel
from voxbooth.api.models.calibrations import CALIBRATION_FINAL_STATES, Calibration
from voxbooth.api.models.folders import Folder
from voxbooth.api.models.limits import (
    AudioLimits,
    Limits,
    MeasuredUploadLimits,
    Quote,
    TakeLimits,
)
from voxbooth.api.models.projects import Project
from voxbooth.api.models.recordings import CONVERSION_FINAL_STATES, Note, Recording, Waveform
from voxbooth.api.models.stats import (
    AccountStats,
    ConversionCounts,
    FolderStats,
    MonthDuration,
    ProjectStats,
    TimeConverted,
    VoiceStats,
)
from voxbooth.api.models.transcripts import (
    TRANSCRIPT_FINAL_STATES,
    Transcript,
    TranscriptIssue,
    TranscriptWord,
)
from voxbooth.api.models.voice_samples import PrivateVoice, VoiceSample
from voxbooth.api.models.voices import (
    Accent,
    AccentInfo,
    AccentSample,
    AccentSettings,
    NarrationStyle,
    Tier,
    Voice,
)

__all__ = [
    "CALIBRATION_FINAL_STATES",
    "CONVERSION_FINAL_STATES",
    "TRANSCRIPT_FINAL_STATES",
    "Accent",
    "AccentInfo",
    "AccentSample",
    "AccentSettings",
    "AccountStats",
    "ApiKey",
    "AudioLimits",
    "Calibration",
    "ConversionCounts",
    "Credits",
    "Folder",
    "FolderStats",
    "Limits",
    "LoginSession",
    "MeasuredUploadLimits",
    "MonthDuration",
    "NarrationStyle",
    "Note",
    "Page",
    "Pagination",
    "PrivateVoice",
    "Project",
    "ProjectStats",
    "Quote",
    "Recording",
    "TakeLimits",
    "Tier",
    "TimeConverted",
    "Transcript",
    "TranscriptIssue",
    "TranscriptWord",
    "TtsVoice",
    "Voice",
    "VoiceSample",
    "VoiceStats",
    "VoxModel",
    "Waveform",
]
