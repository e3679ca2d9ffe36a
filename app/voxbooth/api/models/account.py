"""Credits, API keys, login sessions and TTS voices: the account-level answers."""

from __future__ import annotations

from voxbooth.api.models.base import VoxModel


class Credits(VoxModel):
    credits: float | None = None


class ApiKey(VoxModel):
    """A newly generated key: shown once, the server keeps only its hash."""

    api_key: str | None = None

    @property
    def secret(self) -> str | None:
        extra = self.model_extra or {}
        value = self.api_key or extra.get("key") or extra.get("token")
        return str(value) if value else None


class LoginSession(VoxModel):
    csrf_token: str | None = None
    user_id: str | None = None
    email: str | None = None


class TtsVoice(VoxModel):
    id: str
    visibility: str | None = None
    name: str | None = None
    f0: float | None = None
    is_default: bool = False
    language: str | None = None  # ISO 639-1 (VoxBooth adds it to the seed)
