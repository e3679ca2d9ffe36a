"""Orders, calibrations, TTS, accent samples and voice cloning against the real service.

These routes come from the conversion engine's issue, written at the same time as this client:
each test skips with "route not served yet" until the service offers its route.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.support.server import LiveServer
from voxbooth.api import Conflict, InsufficientCredits, NotFound, VoxBoothClient
from voxbooth.api.models import Folder, Recording


@pytest.fixture(scope="module")
def folder(client: VoxBoothClient) -> Folder:
    project = client.projects.create("Conversions")
    return client.folders.create(project.id, "Takes")


def test_order_two_voices_wait_and_download(client: VoxBoothClient, folder: Folder,
                                            speech_path: Path, tmp_path: Path) -> None:
    take = client.recordings.upload(speech_path, folder_id=folder.id)
    marcus, elena = client.voices.find("Marcus"), client.voices.find("Elena")
    ordered = client.orders.create(take.id, [marcus.id, {"voice_id": elena.id,
                                                         "semitones_correction": 2}])
    assert [c.model_id for c in ordered] == [marcus.id, elena.id]
    assert all(c.original_id == take.id and not c.is_final for c in ordered)
    seen: list[Recording] = []
    for conversion in ordered:
        done = client.recordings.wait_for_conversion(conversion.id, timeout_s=240, poll_s=0.5,
                                                     on_progress=seen.append)
        assert done.state == "done", done.error
        audio = client.recordings.download(done.id, tmp_path / f"{done.model_name}.wav")
        assert sf.info(audio).duration == pytest.approx(sf.info(speech_path).duration, abs=0.05)
    assert seen[-1].state == "done"
    assert {c.id for c in client.recordings.conversions(take.id).items} == {
        c.id for c in ordered}
    with pytest.raises(Conflict):  # only a failed conversion can be retried
        client.orders.retry(ordered[0].id)


def test_order_beyond_the_credits_is_refused(live_server: LiveServer, speech_path: Path,
                                             tmp_path: Path) -> None:
    email, password = f"poor-{secrets.token_hex(4)}@example.com", secrets.token_urlsafe(12)
    live_server.admin("create-user", email, stdin=password + "\n")
    audio, rate = sf.read(speech_path, dtype="int16")
    long_take = tmp_path / "four_minutes.wav"
    sf.write(long_take, np.concatenate([audio] * 60), rate)  # 4 credits per voice
    with VoxBoothClient(live_server.url) as vb:
        vb.login(email, password)
        balance = vb.credits.get().credits or 0
        folder = vb.folders.create(vb.projects.create("Short of credits").id, "Takes")
        take = vb.recordings.upload(long_take, folder_id=folder.id)
        marcus = vb.voices.find("Marcus").id
        voices_wanted = int(balance // 4) + 1
        with pytest.raises(InsufficientCredits) as caught:
            vb.orders.create(take.id, [marcus] * voices_wanted)
        assert caught.value.status == 402 and "credits" in caught.value.user_message
        assert vb.recordings.conversions(take.id).items == []  # nothing was queued
        assert vb.credits.get().credits == balance


def test_retry_of_an_unknown_conversion_is_not_found(client: VoxBoothClient) -> None:
    with pytest.raises(NotFound):
        client.orders.retry("00000000-0000-4000-8000-000000000000")


def test_calibration_lifecycle(client: VoxBoothClient, long_speech_path: Path) -> None:
    created = client.calibrations.create(long_speech_path, name="Morning voice")
    assert created.name == "Morning voice"
    done = client.wait_for_calibration(created.id, timeout_s=120, poll_s=0.5)
    assert done.state == "calibrated", done.error
    assert 70 < (done.f0 or 0) < 200  # the ARCTIC speaker is a man
    assert created.id in {c.id for c in client.calibrations.list()}
    with pytest.raises(Conflict):  # names are unique per artist
        client.calibrations.create(long_speech_path, name="Morning voice")
    client.calibrations.enable(created.id)
    assert client.calibrations.get(created.id).enabled
    client.calibrations.use_auto()
    assert not client.calibrations.get(created.id).enabled
    client.calibrations.delete(created.id)
    with pytest.raises(NotFound):
        client.calibrations.get(created.id)


def test_tts_original(client: VoxBoothClient, folder: Folder) -> None:
    voices = client.tts.voices()
    assert voices and any(v.is_default for v in voices)
    original = client.tts.create(folder.id, "Once upon a time, in a quiet studio.",
                                 text_language="en", label="Opening line")
    assert original.tts and original.text == "Once upon a time, in a quiet studio."
    ready = client.wait_for_conversion(original.id, timeout_s=60, poll_s=0.5)
    assert ready.state == "done" and (ready.duration or 0) > 1.0


def test_tts_original_through_the_deprecated_route(client: VoxBoothClient,
                                                   folder: Folder) -> None:
    voice = next(v for v in client.tts.voices() if v.language == "en")
    original = client.recordings.create_tts_v1(
        project_id=folder.project_id or "", parent_folder_id=folder.id, voice_id=voice.id,
        text="Chapter two.")
    assert original.tts and original.tts_voice_id == voice.id


def test_accent_samples(client: VoxBoothClient, tmp_path: Path) -> None:
    marcus = client.voices.find("Marcus")
    accent = marcus.default_accent()
    assert accent is not None
    (sample, *_) = client.accents.samples(accent.id)
    assert sample.accent_id == accent.id and sample.voice_id == marcus.id and sample.text
    audio = client.accents.download_sample(sample, tmp_path)
    assert sf.info(audio).duration == pytest.approx(sample.duration, abs=0.05)


def test_private_voice_from_samples(client: VoxBoothClient, long_speech_path: Path) -> None:
    voice = client.private_voices.create("My own voice")
    sample = client.voice_samples.upload(voice.id, long_speech_path, name="Sample 1",
                                         tags=["clear", "studio"])
    assert sample.status in ("uploaded", "processing", "ready")
    ready = client.private_voices.wait_until_ready(voice.id, timeout_s=180, poll_s=0.5)
    assert ready.status == "ready"
    assert [s.id for s in ready.samples] == [sample.id]
    private = list(client.voices.iter(visibility="private"))
    assert voice.id in {v.id for v in private}
    assert voice.id in {v.id for v in client.private_voices.list()}
    assert [s.name for s in client.voice_samples.list(voice.id)] == ["Sample 1"]
    client.voice_samples.delete(voice.id, sample.id)
    assert client.voice_samples.list(voice.id) == []
    client.private_voices.delete(voice.id)
    with pytest.raises(NotFound):
        client.private_voices.get(voice.id)
