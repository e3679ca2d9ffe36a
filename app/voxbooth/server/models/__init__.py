"""The service's tables. Import models from here: `from voxbooth.server.models import Recording`."""

from voxbooth.server.models.account import ApiKey, CreditEntry, LoginLimit, User, WebSession
from voxbooth.server.models.base import Base
from voxbooth.server.models.idempotency import IdempotencyRecord
from voxbooth.server.models.jobs import Job
from voxbooth.server.models.library import Folder, Note, Project, Recording
from voxbooth.server.models.transcripts import Transcript
from voxbooth.server.models.voices import (
    AccentSample,
    Calibration,
    PrivateVoice,
    VoiceSample,
    VoiceSetting,
)

__all__ = [
    "AccentSample",
    "ApiKey",
    "Base",
    "Calibration",
    "CreditEntry",
    "Folder",
    "IdempotencyRecord",
    "Job",
    "LoginLimit",
    "Note",
    "PrivateVoice",
    "Project",
    "Recording",
    "Transcript",
    "User",
    "VoiceSample",
    "VoiceSetting",
    "WebSession",
]
