"""Blocking calls of the voices room (library, favourites, accents, private voices) and the
balance, through the studio's `StudioBackend`; each returns the studio's own records. Run them
through `Requests.run`, never on the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from voxbooth.studio.entities import VoiceInfo
from voxbooth.studio.service.backend import Progress, StudioBackend

if TYPE_CHECKING:
    from voxbooth.api import VoxBoothClient
    from voxbooth.api.models import PrivateVoice


def _client(backend: StudioBackend) -> VoxBoothClient:
    return backend.client


def list_voices(backend: StudioBackend) -> list[VoiceInfo]:
    """Every voice: the catalogue and the artist's ready private voices."""
    return [VoiceInfo.from_api(v) for v in _client(backend).voices.iter(page_size=100)]


def toggle_favorite(backend: StudioBackend, voice_id: str) -> VoiceInfo:
    return VoiceInfo.from_api(_client(backend).voices.favorite(voice_id))


def save_semitones(backend: StudioBackend, voice_id: str, accent_id: str,
                   semitones: float) -> VoiceInfo:
    return VoiceInfo.from_api(_client(backend).voices.settings(
        voice_id, accent_id=accent_id, semitones_correction=semitones))


def fetch_bytes(backend: StudioBackend, url: str) -> bytes:
    """A file the service links to (portrait, accent sample), with the client's credentials."""
    return backend.fetch_bytes(url)


def fetch_portraits(backend: StudioBackend, voices: list[VoiceInfo]) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    by_url: dict[str, bytes] = {}
    for voice in voices:
        if not voice.image_url:
            continue
        if voice.image_url not in by_url:
            try:
                by_url[voice.image_url] = fetch_bytes(backend, voice.image_url)
            except Exception:  # a missing portrait is not worth an error box
                by_url[voice.image_url] = b""
        if by_url[voice.image_url]:
            found[voice.id] = by_url[voice.image_url]
    return found


def accent_sample_file(backend: StudioBackend, accent_id: str, folder: Path) -> Path | None:
    """Downloads the accent's first playable sample into `folder`; None when it has none."""
    samples = _client(backend).accents.samples(accent_id)
    sample = next((s for s in samples if s.url), None)
    if sample is None or sample.url is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"accent-{accent_id}{Path(urlsplit(sample.url).path).suffix or '.wav'}"
    target.write_bytes(fetch_bytes(backend, sample.url))
    return target


def credits_left(backend: StudioBackend) -> float | None:
    return _client(backend).credits.get().credits


def enabled_calibration_f0(backend: StudioBackend) -> float | None:
    """The artist's enabled calibration (Hz), None for auto or when none is served."""
    for calibration in _client(backend).calibrations.list():
        if calibration.enabled and calibration.f0:
            return float(calibration.f0)
    return None


class SamplesRefused(Exception):
    """Samples the service would refuse (too short, too long, not audio it takes): nothing was
    sent; says which and why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.user_message = reason


def sample_problems(backend: StudioBackend, samples: list[Path]) -> list[str]:
    """Worker: what is wrong with each sample by the service's rules (its voice-sample length
    range, upload limit and formats, as `GET /api/limits` gave them); asks for them when the
    connection has not yet."""
    from voxbooth.studio.uploadcheck import check_sample

    rules = backend.rules or backend.fetch_rules()
    checks = [check_sample(path, rules.sample_min_s, rules.sample_max_s,
                           rules.max_upload_bytes, rules.audio_formats) for path in samples]
    return [c.problem for c in checks if c.problem]


def create_private_voice(backend: StudioBackend, name: str, samples: list[Path], *,
                         progress: Progress = None) -> str:
    """A private voice from the artist's samples (seed 000); returns its id. Samples the
    service would refuse are said before anything is sent (SamplesRefused)."""
    problems = sample_problems(backend, samples)
    if problems:
        raise SamplesRefused("; ".join(problems))
    client = _client(backend)
    voice = client.private_voices.create(name)
    total = sum(p.stat().st_size for p in samples) or 1
    sent_before = 0
    for path in samples:
        def step(done: int, _total: int, base: int = sent_before) -> None:
            if progress is not None:
                progress(base + done, total)

        client.voice_samples.upload(voice.id, path, name=path.stem, on_progress=step)
        sent_before += path.stat().st_size
    return str(voice.id)


@dataclass(frozen=True)
class PrivateVoiceState:
    """Where the service is with a private voice: uploaded -> processing -> ready | failed."""

    voice_id: str
    name: str
    state: str
    reason: str = ""  # why it failed, in the service's words
    samples: int = 0

    @property
    def final(self) -> bool:
        return self.state in ("ready", "failed")


def _state_of(voice: PrivateVoice) -> PrivateVoiceState:
    state = voice.status or (voice.model_extra or {}).get("state") or ""
    # the voice's own reason; else its samples' (each sample is checked on its own)
    reason = voice.error or "; ".join(f"{s.name or s.filename}: {s.error}"
                                      for s in voice.samples if s.error)
    return PrivateVoiceState(str(voice.id), voice.name or "", str(state), reason or "",
                             len(voice.samples))


def private_voice_state(backend: StudioBackend, voice_id: str) -> PrivateVoiceState:
    return _state_of(_client(backend).private_voices.get(voice_id))


def unfinished_private_voices(backend: StudioBackend) -> list[PrivateVoiceState]:
    """Private voices whose samples are still being processed (a restart follows them again);
    one with no sample stays `uploaded` for good and is left out."""
    states = [_state_of(v) for v in _client(backend).private_voices.list()]
    return [s for s in states if not s.final and s.samples]
