"""Takes against the real service: streamed uploads and downloads, progress, cancellation,
the error classes of bad uploads, notes and stats."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest
import soundfile as sf

from tests.api.conftest import write_silent_wav
from tests.support.blob_store import blob_keys, read_blob, remove_blob
from tests.support.leftovers import temporaries
from tests.support.server import LiveServer
from voxbooth.api import (
    BadRequest,
    Cancelled,
    CancelToken,
    Conflict,
    Gone,
    NotFound,
    PayloadTooLarge,
    Unprocessable,
    VoxBoothClient,
)
from voxbooth.api.models import Folder


@pytest.fixture(scope="module")
def folder(client: VoxBoothClient) -> Folder:
    project = client.projects.create("Takes")
    return client.folders.create(project.id, "Session 1")


def stored_files(live_server: LiveServer) -> set[str]:
    """Every blob key and spooled upload the service keeps (not its database), for leak
    checks."""
    return blob_keys(live_server.data_dir) | {str(p) for p in temporaries(live_server.data_dir)}


def settle_background_work(client: VoxBoothClient) -> None:
    """Waits until every take's waveform peaks exist, so no job adds a blob behind our back."""
    for project in client.projects.iter():
        for recording in client.recordings.iter(project_id=project.id):
            if recording.state == "done":
                client.recordings.waveform(recording)


def files_once_settled(live_server: LiveServer, expected: set[str]) -> set[str]:
    """The stored files, given a few seconds to match `expected`: the service removes an
    aborted upload's spool file when it notices the dropped connection, just after we drop it."""
    deadline = time.monotonic() + 5.0
    while (files := stored_files(live_server)) != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return files


def test_upload_streams_with_progress(client: VoxBoothClient, folder: Folder,
                                      long_speech_path: Path) -> None:
    reports: list[tuple[int, int]] = []
    take = client.recordings.upload(long_speech_path, folder_id=folder.id, label="Line 1",
                                    on_progress=lambda sent, total: reports.append((sent, total)))
    size = long_speech_path.stat().st_size
    assert len(reports) > 1
    assert [s for s, _ in reports] == sorted(s for s, _ in reports)
    assert reports[-1] == (size, size) and {t for _, t in reports} == {size}
    assert take.state == "done" and take.type == "original" and take.label == "Line 1"
    assert take.size == size
    assert take.duration == pytest.approx(sf.info(long_speech_path).duration, abs=0.02)
    assert take.parent_folder_id == folder.id and take.microphone == "file"


def test_get_list_update_replace_delete(client: VoxBoothClient, folder: Folder,
                                        speech_path: Path) -> None:
    take = client.recordings.upload(speech_path, folder_id=folder.id)
    assert client.recordings.get(take.id).file_name == speech_path.name
    assert take.id in {r.id for r in client.recordings.iter(folder_id=folder.id)}
    assert take.id in {r.id for r in client.recordings.iter(project_id=take.project_id)}
    assert take.id in {r.id for r in client.recordings.originals(folder.id).items}
    assert client.recordings.conversions(take.id).items == []
    updated = client.recordings.update(take.id, label="Best take", starred=True)
    assert (updated.label, updated.starred) == ("Best take", True)
    replaced = client.recordings.replace(take.id, label="Keeper", starred=False,
                                         parent_folder_id=folder.id, listen_count=3)
    assert (replaced.label, replaced.starred, replaced.listen_count) == ("Keeper", False, 3)
    client.recordings.delete(take.id)
    with pytest.raises(NotFound):
        client.recordings.get(take.id)


def test_download_as_wav_flac_and_original(client: VoxBoothClient, folder: Folder,
                                           speech_path: Path, tmp_path: Path) -> None:
    take = client.recordings.upload(speech_path, folder_id=folder.id)
    reports: list[tuple[int, int]] = []
    wav = client.recordings.download(take.id, tmp_path / "take.wav",
                                     on_progress=lambda d, t: reports.append((d, t)))
    source, rate = sf.read(speech_path)
    served, served_rate = sf.read(wav)
    assert served_rate == rate and len(served) == len(source)
    assert reports and reports[-1][0] == wav.stat().st_size
    flac = client.recordings.download(take.id, tmp_path / "take.flac", format="flac")
    assert sf.info(flac).format == "FLAC" and sf.info(flac).frames == len(source)
    original = client.recordings.download(take.id, tmp_path / "original.wav", format="original")
    assert original.read_bytes() == speech_path.read_bytes()


def test_cancelled_download_leaves_no_file(client: VoxBoothClient, folder: Folder,
                                           long_speech_path: Path, tmp_path: Path) -> None:
    take = client.recordings.upload(long_speech_path, folder_id=folder.id)
    token = CancelToken()
    with pytest.raises(Cancelled):
        client.recordings.download(take.id, tmp_path / "take.wav",
                                   on_progress=lambda done, total: token.cancel(), cancel=token)
    assert list(tmp_path.iterdir()) == []


def test_cancelled_upload_leaves_nothing_on_the_server(client: VoxBoothClient,
                                                       live_server: LiveServer,
                                                       long_speech_path: Path) -> None:
    project = client.projects.create("Cancelled uploads")
    target = client.folders.create(project.id, "Never filled")
    settle_background_work(client)
    before = stored_files(live_server)
    token = CancelToken()
    sent: list[int] = []

    def on_progress(sent_bytes: int, total_bytes: int) -> None:
        sent.append(sent_bytes)
        token.cancel()  # the artist pressed Cancel after the first chunk went out

    with pytest.raises(Cancelled):
        client.recordings.upload(long_speech_path, folder_id=target.id,
                                 on_progress=on_progress, cancel=token)
    assert len(sent) == 1 and sent[0] < long_speech_path.stat().st_size
    assert client.recordings.list(folder_id=target.id).pagination.count == 0
    assert files_once_settled(live_server, before) == before
    # the client is still usable afterwards (the aborted connection was dropped, not reused)
    assert client.recordings.upload(long_speech_path, folder_id=target.id).state == "done"


def test_over_size_upload_is_payload_too_large(client: VoxBoothClient, folder: Folder,
                                               tmp_path: Path) -> None:
    big = write_silent_wav(tmp_path / "too_big.wav", 51 * 1024 * 1024)
    before = client.recordings.list(folder_id=folder.id).pagination.count
    with pytest.raises(PayloadTooLarge) as caught:
        client.recordings.upload(big, folder_id=folder.id)
    assert caught.value.status == 413
    assert "too large" in caught.value.user_message
    assert client.recordings.list(folder_id=folder.id).pagination.count == before


def test_text_named_mp3_is_unprocessable(client: VoxBoothClient, folder: Folder,
                                         tmp_path: Path) -> None:
    fake = tmp_path / "notes.mp3"
    fake.write_text("this is a shopping list, not audio\n" * 50)
    with pytest.raises(Unprocessable) as caught:
        client.recordings.upload(fake, folder_id=folder.id)
    # every 422 is the [{loc, msg, type}] list; the studio shows the msg in its own words
    [error] = caught.value.errors
    assert "audio" in error["msg"].lower()
    assert error["msg"] in caught.value.user_message


def test_malformed_body_is_bad_request(client: VoxBoothClient) -> None:
    with pytest.raises(BadRequest) as caught:
        client.request("POST", "/api/recordings", content=b"--x\r\nnot a form",
                       headers={"Content-Type": "multipart/form-data"})
    assert caught.value.status == 400 and "multipart" in caught.value.user_message


def test_lost_audio_is_gone(client: VoxBoothClient, live_server: LiveServer, folder: Folder,
                            speech_path: Path, tmp_path: Path) -> None:
    before = blob_keys(live_server.data_dir)
    take = client.recordings.upload(speech_path, folder_id=folder.id)
    uploaded = speech_path.read_bytes()
    (blob,) = [key for key in blob_keys(live_server.data_dir) - before
               if read_blob(live_server.data_dir, key) == uploaded]
    remove_blob(live_server.data_dir, blob)  # a disk failure on the server's side
    with pytest.raises(Gone) as caught:
        client.recordings.download(take.id, tmp_path / "take.wav", format="original")
    assert caught.value.status == 410 and isinstance(caught.value, NotFound)
    assert not (tmp_path / "take.wav").exists()
    client.recordings.delete(take.id)


def test_waveform_and_export(client: VoxBoothClient, folder: Folder, speech_path: Path,
                             tmp_path: Path) -> None:
    take = client.recordings.upload(speech_path, folder_id=folder.id)
    overview = client.recordings.waveform(take)
    assert overview.frames == sf.info(speech_path).frames and len(overview.levels) > 1
    assert overview.peaks and all(low <= high for low, high in overview.peaks)
    finest = client.recordings.waveform(take.id, level=0, start_frame=0, end_frame=1600)
    assert finest.samples_per_peak == overview.levels[0]
    assert len(finest.peaks) == -(-1600 // overview.levels[0])  # just the span asked for
    zip_path = client.recordings.export(take.id, tmp_path)
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
    assert "manifest.json" in names and len(names) >= 2


def test_notes(client: VoxBoothClient, folder: Folder, speech_path: Path) -> None:
    take = client.recordings.upload(speech_path, folder_id=folder.id)
    note = client.notes.create(take.id, "breath at 0:02")
    assert note.text == "breath at 0:02"
    with pytest.raises(Conflict) as caught:
        client.notes.create(take.id, "a second note")
    assert caught.value.status == 409
    assert client.notes.update(take.id, "breath at 0:03").text == "breath at 0:03"
    fetched = client.recordings.get(take.id).note
    assert fetched is not None and fetched.text == "breath at 0:03"
    client.notes.delete(take.id)
    assert client.recordings.get(take.id).note is None


def test_stats(client: VoxBoothClient, folder: Folder) -> None:
    account = client.stats.account()
    assert account.conversions.total >= 0
    (project_stats,) = client.stats.projects([folder.project_id or ""])
    assert project_stats.project_id == folder.project_id
    (folder_stats,) = client.stats.folders([folder.id])
    assert folder_stats.folder_id == folder.id
