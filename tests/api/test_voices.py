"""The voice library against the real service and its shipped catalogue."""

from __future__ import annotations

import json

import pytest

from voxbooth.api import NotFound, VoxBoothClient
from voxbooth.resources import resources_dir


@pytest.fixture(scope="module")
def catalogue() -> list[dict[str, object]]:
    data = json.loads((resources_dir() / "voices" / "catalogue.json").read_text())
    return list(data["voices"])


def test_iter_walks_every_catalogue_voice(client: VoxBoothClient,
                                          catalogue: list[dict[str, object]]) -> None:
    first_page = client.voices.list()
    assert first_page.pagination.count >= len(catalogue)
    walked = list(client.voices.iter(page_size=7))
    assert {v.id for v in walked} >= {str(v["id"]) for v in catalogue}
    marcus = next(v for v in walked if v.name == "Marcus")
    assert marcus.pitch == 98 and marcus.gender == "male" and marcus.accents
    assert marcus.default_narration_style() is not None


def test_filters_and_sort(client: VoxBoothClient,
                          catalogue: list[dict[str, object]]) -> None:
    animals = list(client.voices.iter(species="animal"))
    expected = {v["name"] for v in catalogue if v["species"] == "animal"}
    assert {v.name for v in animals} == expected
    by_pitch = [v.pitch or 0 for v in client.voices.iter(sort="pitch", direction="desc",
                                                         gender="female")]
    assert by_pitch == sorted(by_pitch, reverse=True) and by_pitch


def test_search_and_find(client: VoxBoothClient) -> None:
    assert "Elena" in [v.name for v in client.voices.search("ele")]
    assert client.voices.find("elena").name == "Elena"
    with pytest.raises(NotFound):
        client.voices.find("No Such Voice")


def test_favorite_and_settings(client: VoxBoothClient) -> None:
    theo = client.voices.find("Theo")
    toggled = client.voices.favorite(theo.id)
    assert toggled.favorite is not theo.favorite
    accent = theo.default_accent()
    assert accent is not None
    saved = client.voices.settings(theo.id, accent_id=accent.id, semitones_correction=-2)
    saved_accent = next(a for a in saved.accents if a.id == accent.id)
    assert saved_accent.settings.semitones_correction == -2
    assert client.voices.find("Theo").favorite is toggled.favorite
