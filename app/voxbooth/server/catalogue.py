"""The shipped voice catalogue (`resources/voices/catalogue.json`), loaded once at start-up."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from voxbooth.resources import resources_dir


@dataclass(frozen=True)
class Catalogue:
    voices: list[dict[str, Any]]
    by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_slug: dict[str, dict[str, Any]] = field(default_factory=dict)


def load_catalogue() -> Catalogue:
    data = json.loads((resources_dir() / "voices" / "catalogue.json").read_text("utf-8"))
    voices: list[dict[str, Any]] = list(data["voices"])
    return Catalogue(
        voices=voices,
        by_id={voice["id"]: voice for voice in voices},
        by_slug={voice["slug"]: voice for voice in voices},
    )
