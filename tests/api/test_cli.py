"""`voxbooth upload / order / download` as a user runs them, against the real service."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import soundfile as sf

from tests.support.server import LiveServer
from voxbooth.api import VoxBoothClient
from voxbooth.api.models import Folder


def voxbooth(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "voxbooth", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def folder(client: VoxBoothClient) -> Folder:
    return client.folders.create(client.projects.create("From the shell").id, "Takes")


@pytest.fixture
def env(live_server: LiveServer) -> dict[str, str]:
    return {**os.environ, "VOXBOOTH_URL": live_server.url,
            "VOXBOOTH_API_KEY": live_server.api_key}


def test_upload_then_download(client: VoxBoothClient, folder: Folder, speech_path: Path,
                              env: dict[str, str], tmp_path: Path) -> None:
    done = voxbooth("upload", str(speech_path), str(speech_path), "--folder", folder.id,
                    env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    take_ids = done.stdout.split()
    assert len(take_ids) == 2 and "100%" in done.stderr
    assert {r.id for r in client.recordings.iter(folder_id=folder.id)} >= set(take_ids)
    got = voxbooth("download", take_ids[0], "-o", "take.flac", "--format", "flac",
                   env=env, cwd=tmp_path)
    assert got.returncode == 0, got.stderr
    assert sf.info(tmp_path / "take.flac").frames == sf.info(speech_path).frames


def test_key_from_the_keyring(live_server: LiveServer, folder: Folder, speech_path: Path,
                              tmp_path: Path) -> None:
    # a file keyring in a temp dir stands in for the desktop's keyring
    env = {k: v for k, v in os.environ.items() if k not in ("VOXBOOTH_API_KEY",)}
    env.update({"PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
                "XDG_DATA_HOME": str(tmp_path / "data"), "VOXBOOTH_URL": live_server.url})
    refused = voxbooth("upload", str(speech_path), "--folder", folder.id, env=env, cwd=tmp_path)
    assert refused.returncode == 1 and "credentials" in refused.stderr
    store = subprocess.run(
        [sys.executable, "-c", "import sys, keyring; keyring.set_password('voxbooth', "
         "sys.argv[1], sys.argv[2])", live_server.url, live_server.api_key],
        env=env, check=True, capture_output=True, text=True)
    assert store.returncode == 0
    done = voxbooth("upload", str(speech_path), "--folder", folder.id, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr


def test_errors_are_told_in_words(folder: Folder, env: dict[str, str], tmp_path: Path) -> None:
    fake = tmp_path / "list.mp3"
    fake.write_text("eggs, milk, tea\n" * 40)
    done = voxbooth("upload", str(fake), "--folder", folder.id, env=env, cwd=tmp_path)
    assert done.returncode == 1 and done.stdout == ""
    assert "could not accept" in done.stderr
    absent = voxbooth("upload", "no_such_take.wav", "--folder", folder.id, env=env, cwd=tmp_path)
    assert absent.returncode == 1 and "no_such_take.wav: No such file" in absent.stderr
    missing = voxbooth("download", "00000000-0000-4000-8000-000000000000", "-o", "x.wav",
                       env=env, cwd=tmp_path)
    assert missing.returncode == 1 and "Not found" in missing.stderr
    assert not (tmp_path / "x.wav").exists()


def test_order_into_a_voice_and_wait(client: VoxBoothClient, folder: Folder, speech_path: Path,
                                     env: dict[str, str], tmp_path: Path) -> None:
    take = client.recordings.upload(speech_path, folder_id=folder.id)
    done = voxbooth("order", take.id, "--voice", "Rosa", "--semitones", "-1", "--wait",
                    env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    (conversion_id,) = done.stdout.split()
    conversion = client.recordings.get(conversion_id)
    assert conversion.state == "done" and conversion.model_name == "Rosa"
    assert conversion.params and conversion.params.get("semitones_correction") == -1


def test_order_a_tts_original_by_voice_id(client: VoxBoothClient, folder: Folder,
                                          env: dict[str, str], tmp_path: Path) -> None:
    original = client.tts.create(folder.id, "Good evening.", text_language="en")
    client.wait_for_conversion(original.id, timeout_s=60, poll_s=0.5)
    greta = client.voices.find("Greta")
    done = voxbooth("order", original.id, "--voice", greta.id, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    (conversion_id,) = done.stdout.split()
    conversion = client.recordings.get(conversion_id)
    style = greta.default_narration_style()
    assert conversion.model_id == greta.id and style is not None
    assert (conversion.params or {}).get("narration_style_id") == style.id


def test_limits_and_a_quote_from_the_shell(client: VoxBoothClient, folder: Folder,
                                           speech_path: Path, env: dict[str, str],
                                           tmp_path: Path) -> None:
    import json

    shown = voxbooth("limits", env=env, cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["max_upload_bytes"] == client.limits.get().max_upload_bytes
    take = client.recordings.upload(speech_path, folder_id=folder.id)
    before = client.credits.get().credits
    quoted = voxbooth("order", take.id, "--voice", "Rosa", "--voice", "Marcus", "--quote",
                      env=env, cwd=tmp_path)
    assert quoted.returncode == 0, quoted.stderr
    assert quoted.stdout.startswith("2 credit(s) (1 per voice)") and "enough" in quoted.stdout
    assert client.credits.get().credits == before
    assert client.recordings.conversions(take.id).items == []
