"""From a voice id to the engine's `VoiceProfile`: catalogue voices and cloned private voices."""

from __future__ import annotations

from sqlalchemy.orm import Session

from voxbooth.engine.profiles import ProfileError, VoiceProfile, profile_for_voice
from voxbooth.server.models import PrivateVoice


def voice_profile(session: Session, voice_id: str) -> VoiceProfile:
    """The profile of a catalogue voice or of a private voice that has been ready once."""
    private = session.get(PrivateVoice, voice_id)
    if private is None:
        return profile_for_voice(voice_id)
    if not private.profile:
        raise ProfileError(f"the private voice {private.name!r} has no processed samples yet")
    return VoiceProfile.from_dict(private.profile)


def is_private(session: Session, voice_id: str) -> bool:
    return session.get(PrivateVoice, voice_id) is not None
