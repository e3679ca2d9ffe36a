"""Exported files are named from the artist's words, safely for Windows, macOS and Linux, with the
voice once; the zip is named after the project; the audio comes as stored, 24-bit WAV, FLAC or
MP3. On the real service."""

from __future__ import annotations

import io
import json
import random
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
import soundfile as sf
from sqlalchemy import create_engine, text

from tests.server.helpers import add_conversion, make_folder, make_project, ok, upload
from tests.support.server import LiveServer
from voxbooth.server.services.export_names import (
    DEFAULT_TEMPLATE,
    MAX_NAME_BYTES,
    check_template,
    portable_name,
    render_name,
)

WINDOWS_REFUSED = set('<>:"/\\|?*') | {chr(c) for c in range(32)} | {"\x7f"}
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)),
                    *(f"LPT{i}" for i in range(10))}


def assert_portable(name: str) -> None:
    """What Windows, macOS and Linux all accept as one file or folder name."""
    assert name and name == unicodedata.normalize("NFC", name)
    assert not WINDOWS_REFUSED & set(name), name
    assert name[-1] not in " ." and not name.startswith("."), name
    assert name.split(".")[0].strip().upper() not in WINDOWS_RESERVED, name
    assert len(name.encode("utf-8")) <= 255, name


def test_any_name_comes_out_portable() -> None:
    rng = random.Random(11)
    pieces = ['Take 17:37:28', "CON", "nul.txt", "..", " . ", "a/b\\c", '<"?*|>', "\x00\x1f",
              "e\u0301", "🎙️ voix", "Łódź", "名前", "x" * 300, "é" * 200, "   ", "-", "Lpt1 "]
    for _ in range(3000):
        raw = "".join(rng.choice([*pieces, chr(rng.randrange(0x20, 0x3000))])
                      for _ in range(rng.randrange(1, 6)))
        name = portable_name(raw, "take")
        assert_portable(name)
        assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert portable_name("Take 17:37:28", "x") == "Take 17-37-28"  # a time stays readable
    assert portable_name("con.wav", "x") == "con_.wav"


def test_the_template_names_the_voice_once() -> None:
    fields = {"project": "Book", "folder": "Ch 1", "line": "Take 17:37:28",
              "take": "Take 17:37:28 as Elena", "voice": "Elena"}
    assert render_name(DEFAULT_TEMPLATE, fields) == "Take 17-37-28 - Elena"
    assert render_name(DEFAULT_TEMPLATE, {**fields, "voice": ""}) == "Take 17-37-28"
    assert render_name("{project} {folder} {voice} {line}", {**fields, "folder": ""}) == \
        "Book Elena Take 17-37-28"
    for bad, says in (("{speaker}", "{speaker}"), ("no field", "names no field"),
                      ("{line", "cannot be read"), ("{voice!r}", "no format")):
        with pytest.raises(ValueError, match=r"(?i)" + says.replace("{", r"\{")):
            check_template(bad)


# -- on the real service ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def http(live_server: LiveServer) -> Iterator[httpx.Client]:
    with live_server.client() as client:
        yield client


def _with_audio(server: LiveServer, conversion_id: str, original_id: str) -> None:
    """Gives a conversion row the original's stored audio, as if the engine had made it."""
    engine = create_engine(server.database_url)  # SQLite or the tests' PostgreSQL
    with engine.begin() as conn:
        conn.execute(text(
            "UPDATE recordings SET (blob_key, format, sample_rate, channels) = (SELECT blob_key,"
            " format, sample_rate, channels FROM recordings WHERE id = :original) WHERE id = :id"),
            {"id": conversion_id, "original": original_id})
    engine.dispose()


@pytest.fixture(scope="module")
def book(http: httpx.Client, live_server: LiveServer, speech_path: Path) -> dict[str, Any]:
    project = make_project(http, "Dana's audiobook: Part 1/2")
    folder = make_folder(http, project["id"], "Ch. 1: Intro?")
    take = upload(http, folder["id"], "Take 17:37:28", path=speech_path)
    device = upload(http, folder["id"], "CON")
    conversions = []
    for voice in ("Elena", "Marcus"):
        conversion = add_conversion(live_server, take, voice_name=voice)
        _with_audio(live_server, conversion, take["id"])
        conversions.append(conversion)
    return {"project": project, "folder": folder, "take": take, "device": device,
            "conversions": conversions}


def _download_name(reply: httpx.Response) -> str:
    disposition = reply.headers["content-disposition"]
    if "filename*=utf-8''" in disposition:
        return unquote(disposition.split("filename*=utf-8''")[1].split(";")[0])
    return disposition.split('filename="')[1].split('"')[0]


def _export(http: httpx.Client, project_id: str, **params: Any) -> tuple[str, zipfile.ZipFile]:
    reply = http.get(f"/api/projects/{project_id}/export", params=params)
    assert reply.status_code == 200, reply.text
    return _download_name(reply), zipfile.ZipFile(io.BytesIO(reply.content))


def test_an_export_unpacks_anywhere_with_the_voice_named_once(
        http: httpx.Client, book: dict[str, Any], tmp_path: Path) -> None:
    name, archive = _export(http, book["project"]["id"])
    assert name == "Dana's audiobook_ Part 1_2.zip"  # the project's own name, made safe
    audio = sorted(n for n in archive.namelist() if n != "manifest.json")
    assert audio == ["Ch. 1_ Intro_/CON_.wav", "Ch. 1_ Intro_/Take 17-37-28 - Elena.wav",
                     "Ch. 1_ Intro_/Take 17-37-28 - Marcus.wav",
                     "Ch. 1_ Intro_/Take 17-37-28.wav"]
    for path in audio:
        for part in path.split("/"):
            assert_portable(part)
    archive.extractall(tmp_path)
    assert len(list(tmp_path.rglob("*.wav"))) == 4
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["name_template"] == DEFAULT_TEMPLATE
    assert {e["path"] for e in manifest["recordings"]} == set(audio)


def test_names_follow_the_template_asked_for(http: httpx.Client, book: dict[str, Any]) -> None:
    _name, archive = _export(http, book["project"]["id"],
                             name_template="{project} - {folder} - {voice} - {take}")
    names = sorted(n.split("/")[-1] for n in archive.namelist() if n != "manifest.json")
    assert "Dana's audiobook_ Part 1_2 - Ch. 1_ Intro_ - Elena - Take 17-37-28 as Elena.wav" \
        in names
    assert "Dana's audiobook_ Part 1_2 - Ch. 1_ Intro_ - Take 17-37-28.wav" in names
    # the same name twice gets a number, and never differs only by case (Windows, macOS)
    _name, same = _export(http, book["project"]["id"], name_template="{folder}")
    lowered = [n.casefold() for n in same.namelist()]
    assert len(lowered) == len(set(lowered)) == 5
    for bad, says in (("{speaker}", "{speaker}"), ("plain", "no field")):
        reply = http.get(f"/api/projects/{book['project']['id']}/export",
                         params={"name_template": bad})
        assert reply.status_code == 422
        assert reply.json()["detail"][0]["loc"] == ["query", "name_template"]
        assert says in reply.json()["detail"][0]["msg"]


@pytest.mark.parametrize(("fmt", "ext", "subtype"), [("wav", "wav", "PCM_24"),
                                                     ("flac", "flac", "PCM_24"),
                                                     ("mp3", "mp3", None)])
def test_audio_comes_in_the_format_chosen(http: httpx.Client, book: dict[str, Any],
                                          fmt: str, ext: str, subtype: str | None) -> None:
    _name, archive = _export(http, book["project"]["id"], format=fmt)
    audio = [n for n in archive.namelist() if n != "manifest.json"]
    assert audio and all(n.endswith(f".{ext}") for n in audio)
    take = next(n for n in audio if n.endswith(f"Take 17-37-28.{ext}"))
    info = sf.info(io.BytesIO(archive.read(take)))
    assert info.duration == pytest.approx(book["take"]["duration"], abs=0.1)
    if subtype:
        assert info.subtype == subtype
    assert http.get(f"/api/projects/{book['project']['id']}/export",
                    params={"format": "aiff"}).status_code == 422


def test_one_take_exports_under_its_own_name(http: httpx.Client, book: dict[str, Any]) -> None:
    reply = http.get("/api/recordings/export", params={"original_id": book["take"]["id"]})
    assert reply.status_code == 200
    assert _download_name(reply) == "Take 17-37-28.zip"
    names = sorted(zipfile.ZipFile(io.BytesIO(reply.content)).namelist())
    assert names == ["Take 17-37-28 - Elena.wav", "Take 17-37-28 - Marcus.wav",
                     "Take 17-37-28.wav", "manifest.json"]
    assert ok(http.get(f"/api/recordings/{book['take']['id']}"))["label"] == "Take 17:37:28"
