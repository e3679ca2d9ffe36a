"""Voices v2 on the real service: every filter, sort and paging of the seed, search, favourites,
per-accent settings, portraits, and private (cloned) voices from the database."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import bindparam, create_engine, text

from tests.server.helpers import db_url, message, ok
from tests.support.server import LiveServer
from voxbooth.resources import resources_dir
from voxbooth.server.models.base import UTCDateTime

CATALOGUE = json.loads((resources_dir() / "voices" / "catalogue.json").read_text())["voices"]
MARCUS = next(v for v in CATALOGUE if v["slug"] == "marcus")


@pytest.fixture(scope="module")
def http(live_server: LiveServer) -> Iterator[httpx.Client]:
    with live_server.client() as client:
        yield client


def all_voices(http: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    return list(ok(http.get("/api/v2/voices", params={"limit": 1000, **params}))["list"])


def test_voice_fields_as_the_seed(http: httpx.Client) -> None:
    page = ok(http.get("/api/v2/voices"))
    assert page["pagination"] == {"count": len(CATALOGUE), "limit": 25, "offset": 0}
    voice = page["list"][0]
    assert set(voice) == {
        "id", "owner_id", "name", "slug", "visibility", "species", "artist", "verified_artist",
        "gender", "pitch", "age_group", "pitch_group", "nationality", "image_url",
        "thumbnail_url", "description", "rating", "active", "created_at", "favorite",
        "available", "accents", "narration_styles", "tiers"}
    accent = voice["accents"][0]
    assert set(accent) == {"id", "is_default", "native", "info", "tiers", "available",
                           "settings"}
    assert accent["settings"] == {"favorite": False, "semitones_correction": 0}
    assert set(voice["narration_styles"][0]) == {"id", "is_default", "info", "settings"}


@pytest.mark.parametrize("field", ["visibility", "species", "gender", "age_group",
                                   "pitch_group", "nationality"])
def test_every_filter(http: httpx.Client, field: str) -> None:
    values = {v[field] for v in CATALOGUE}
    assert len(values) >= 2
    for value in values:
        listed = all_voices(http, **{field: value})
        assert listed and all(v[field] == value for v in listed)
        assert len(listed) == sum(v[field] == value for v in CATALOGUE)


def test_filters_combine_and_refuse_unknown_values(http: httpx.Client) -> None:
    listed = all_voices(http, species="human", gender="female", age_group="senior")
    assert {v["slug"] for v in listed} == {
        v["slug"] for v in CATALOGUE
        if (v["species"], v["gender"], v["age_group"]) == ("human", "female", "senior")}
    assert all_voices(http, nationality="american") == all_voices(http, nationality="American")
    for bad in ({"species": "robot"}, {"gender": "x"}, {"age_group": "old"},
                {"pitch_group": "ultra"}, {"visibility": "secret"}, {"sort": "size"},
                {"limit": -5}, {"limit": 100000}, {"offset": -1}):
        reply = http.get("/api/v2/voices", params=bad)
        assert reply.status_code == 422, bad
        assert message(reply)


@pytest.mark.parametrize("sort", ["name", "pitch", "rating", "created_at"])
def test_sorting_both_ways(http: httpx.Client, sort: str) -> None:
    asc = all_voices(http, sort=sort)
    keys = [v[sort].lower() if sort == "name" else v[sort] for v in asc]
    assert keys == sorted(keys)
    desc = all_voices(http, sort=sort, direction="desc")
    assert [v[sort] for v in desc] == sorted((v[sort] for v in asc), reverse=True)


def test_paging(http: httpx.Client) -> None:
    pages = [ok(http.get("/api/v2/voices", params={"limit": 10, "offset": o}))
             for o in (0, 10, 20, 30)]
    ids = [v["id"] for page in pages for v in page["list"]]
    assert len(ids) == len(set(ids)) == len(CATALOGUE)
    assert pages[-1]["list"] == [] and pages[-1]["pagination"]["offset"] == 30


def test_search_by_name(http: httpx.Client) -> None:
    found = ok(http.get("/api/v2/voices/search", params={"name": "MAR"}))
    names = [v["name"] for v in found]
    assert names[:2] == ["Marcus", "Margaret"]  # prefix matches first
    assert all("mar" in n.lower() for n in names)
    assert len(ok(http.get("/api/v2/voices/search", params={"name": "a", "limit": 3}))) == 3
    assert ok(http.get("/api/v2/voices/search", params={"name": "zzz"})) == []


def test_favourite_toggles(http: httpx.Client) -> None:
    first = ok(http.post(f"/api/v2/voices/favorite/{MARCUS['id']}"))
    assert first["favorite"] is True and first["id"] == MARCUS["id"]
    listed = {v["id"]: v for v in all_voices(http)}
    assert listed[MARCUS["id"]]["favorite"] is True
    assert ok(http.post(f"/api/v2/voices/favorite/{MARCUS['id']}"))["favorite"] is False
    assert http.post(f"/api/v2/voices/favorite/{uuid.uuid4()}").status_code == 404
    assert http.post("/api/v2/voices/favorite/marcus").status_code == 422


def test_settings_per_accent_and_narration_style(http: httpx.Client) -> None:
    accent, style = MARCUS["accents"][0]["id"], MARCUS["narration_styles"][2]["id"]
    voice = ok(http.post("/api/v2/voices/settings", json={
        "voice_id": MARCUS["id"], "accent_id": accent, "semitones_correction": -3.5}))
    assert voice["accents"][0]["settings"]["semitones_correction"] == -3.5
    voice = ok(http.post("/api/v2/voices/settings", json={
        "voice_id": MARCUS["id"], "narration_style_id": style}))
    styles = {s["id"]: s["settings"]["favorite"] for s in voice["narration_styles"]}
    assert styles[style] is True and sum(styles.values()) == 1
    kept = {v["id"]: v for v in all_voices(http)}[MARCUS["id"]]
    assert kept["accents"][0]["settings"]["semitones_correction"] == -3.5
    other_accent = CATALOGUE[1]["accents"][0]["id"]
    assert http.post("/api/v2/voices/settings", json={
        "voice_id": MARCUS["id"], "accent_id": other_accent}).status_code == 404
    for bad in ({"voice_id": MARCUS["id"], "accent_id": accent, "semitones_correction": 99},
                {"accent_id": accent}, {"voice_id": "x"}):
        assert http.post("/api/v2/voices/settings", json=bad).status_code == 422, bad


def test_portraits_are_served(http: httpx.Client) -> None:
    seen = set()
    for voice in all_voices(http):
        reply = http.get(voice["image_url"])
        assert reply.status_code == 200 and reply.headers["content-type"] == "image/svg+xml"
        assert reply.content.startswith(b"<svg") and voice["name"].encode() in reply.content
        assert http.get(voice["thumbnail_url"]).status_code == 200
        seen.add(reply.content)
    assert len(seen) == len(CATALOGUE)  # every voice has its own face
    for bad in ("../catalogue.json", "..%2Fcatalogue.json", "nobody.svg", "generate.py"):
        assert http.get(f"/api/voices/images/{bad}").status_code == 404, bad


def test_private_voice_listed_once_ready(http: httpx.Client, live_server: LiveServer) -> None:
    voice_id = str(uuid.uuid4())
    engine = create_engine(db_url(live_server))
    with engine.begin() as conn:
        user_id = conn.execute(text("SELECT id FROM users WHERE is_local = :yes"),
                               {"yes": True}).scalar_one()
        conn.execute(text(
            "INSERT INTO private_voices (id, owner_id, name, slug, description, species, gender,"
            " pitch, pitch_group, state, profile, accent_id, narration_style_id, active,"
            " created_at) VALUES (:id, :owner, 'My Clone', 'my-clone', 'cloned', 'human',"
            " 'female', 210, 'mid', 'processing', '{}', :accent, :style, :yes,"
            " :created)").bindparams(bindparam("created", type_=UTCDateTime())),
            {"id": voice_id, "owner": user_id, "accent": str(uuid.uuid4()),
             "style": str(uuid.uuid4()), "yes": True,
             "created": datetime(2026, 11, 21, 10, tzinfo=UTC)})
    assert all_voices(http, visibility="private") == []
    with engine.begin() as conn:
        conn.execute(text("UPDATE private_voices SET state = 'ready' WHERE id = :id"),
                     {"id": voice_id})
    engine.dispose()
    private = all_voices(http, visibility="private")
    assert [v["id"] for v in private] == [voice_id]
    assert private[0]["owner_id"] == user_id and private[0]["available"] is True
    assert http.get(private[0]["image_url"]).status_code == 200
    assert ok(http.post(f"/api/v2/voices/favorite/{voice_id}"))["favorite"] is True
    assert len(all_voices(http)) == len(CATALOGUE) + 1
    assert [v["id"] for v in ok(http.get("/api/v2/voices/search",
                                         params={"name": "clone"}))] == [voice_id]
