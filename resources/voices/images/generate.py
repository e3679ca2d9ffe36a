"""Draws a simple, distinct SVG portrait for every catalogue voice (and one for cloned voices).

Run again after editing the catalogue: `python resources/voices/images/generate.py`.
The drawing follows the metadata, so a portrait hints at the voice: species sets the figure
(a face, an animal with ears, a robot / ghost / goblin shape), age sets the hair colour and size,
pitch group sets the background's brightness, and the slug picks the hue.
"""

from __future__ import annotations

import colorsys
import hashlib
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
CATALOGUE = HERE.parent / "catalogue.json"


def _hex(h: float, s: float, v: float) -> str:
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, s, v)
    return f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"


def _hue(slug: str) -> float:
    return int(hashlib.sha256(slug.encode()).hexdigest()[:6], 16) / 0xFFFFFF


def _human(voice: dict, hue: float) -> str:
    skin = _hex(0.07 + hue * 0.05, 0.35 + 0.3 * hue, 0.95 - 0.45 * hue)
    hair = {"child": _hex(hue + 0.1, 0.6, 0.55), "young": _hex(hue + 0.5, 0.7, 0.35),
            "adult": _hex(hue + 0.05, 0.55, 0.3), "senior": "#d8d8d8"}[voice["age_group"]]
    scale = 0.82 if voice["age_group"] == "child" else 1.0
    long_hair = voice["gender"] == "female"
    hair_shape = (f'<ellipse cx="64" cy="66" rx="{40 * scale}" ry="{46 * scale}" fill="{hair}"/>'
                  if long_hair else
                  f'<ellipse cx="64" cy="48" rx="{33 * scale}" ry="{22 * scale}" fill="{hair}"/>')
    return (f'{hair_shape}<rect x="34" y="96" width="60" height="40" rx="24" fill="{_hex(hue + 0.5, 0.5, 0.6)}"/>'
            f'<circle cx="64" cy="60" r="{28 * scale}" fill="{skin}"/>'
            f'<circle cx="{64 - 10 * scale}" cy="58" r="3" fill="#222"/>'
            f'<circle cx="{64 + 10 * scale}" cy="58" r="3" fill="#222"/>'
            f'<path d="M{64 - 9 * scale} {72 * scale + 4} q{9 * scale} 7 {18 * scale} 0" '
            f'stroke="#8a3b3b" stroke-width="3" fill="none"/>')


def _animal(voice: dict, hue: float) -> str:
    fur = _hex(hue + 0.08, 0.5, 0.7)
    ears = {"bruno": "round", "whiskers": "pointed", "rex": "floppy"}.get(voice["slug"], "bird")
    if ears == "bird":
        return (f'<circle cx="64" cy="66" r="34" fill="{fur}"/>'
                f'<polygon points="64,66 92,72 64,78" fill="#f2a516"/>'
                f'<circle cx="54" cy="58" r="5" fill="#222"/><circle cx="74" cy="58" r="5" fill="#222"/>')
    ear = {"round": '<circle cx="36" cy="34" r="14" fill="{f}"/><circle cx="92" cy="34" r="14" fill="{f}"/>',
           "pointed": '<polygon points="30,46 40,12 56,36" fill="{f}"/><polygon points="98,46 88,12 72,36" fill="{f}"/>',
           "floppy": '<ellipse cx="32" cy="62" rx="10" ry="24" fill="{f}"/><ellipse cx="96" cy="62" rx="10" ry="24" fill="{f}"/>'}[ears]
    return (ear.format(f=_hex(hue + 0.08, 0.6, 0.5)) + f'<circle cx="64" cy="64" r="34" fill="{fur}"/>'
            '<circle cx="52" cy="58" r="4" fill="#222"/><circle cx="76" cy="58" r="4" fill="#222"/>'
            '<ellipse cx="64" cy="74" rx="7" ry="5" fill="#3a2a2a"/>')


def _other(voice: dict, hue: float) -> str:
    body = _hex(hue, 0.35, 0.8)
    if voice["slug"] == "ghost":
        return ('<path d="M34 110 V60 a30 30 0 0 1 60 0 V110 l-10 -8 l-10 8 l-10 -8 l-10 8 l-10 -8 z" '
                'fill="#f4f6ff" stroke="#c8cce8" stroke-width="2"/>'
                '<circle cx="54" cy="58" r="5" fill="#333"/><circle cx="74" cy="58" r="5" fill="#333"/>')
    if voice["slug"] == "goblin":
        return ('<polygon points="22,50 46,58 40,70" fill="#5f8f3a"/><polygon points="106,50 82,58 88,70" fill="#5f8f3a"/>'
                '<circle cx="64" cy="64" r="28" fill="#7cae4a"/>'
                '<circle cx="54" cy="60" r="4" fill="#ff3"/><circle cx="74" cy="60" r="4" fill="#ff3"/>'
                '<path d="M52 76 h24" stroke="#333" stroke-width="3"/>')
    return (f'<line x1="64" y1="20" x2="64" y2="34" stroke="#555" stroke-width="3"/><circle cx="64" cy="18" r="5" fill="{_hex(hue + 0.5, 0.8, 0.9)}"/>'
            f'<rect x="34" y="34" width="60" height="54" rx="10" fill="{body}" stroke="#555" stroke-width="3"/>'
            f'<rect x="44" y="48" width="14" height="10" fill="{_hex(hue + 0.5, 0.9, 1.0)}"/>'
            f'<rect x="70" y="48" width="14" height="10" fill="{_hex(hue + 0.5, 0.9, 1.0)}"/>'
            '<path d="M48 72 h32" stroke="#333" stroke-width="3" stroke-dasharray="4 3"/>')


def portrait(voice: dict) -> str:
    hue = _hue(voice["slug"])
    brightness = {"low": 0.45, "mid": 0.7, "high": 0.92}.get(voice.get("pitch_group") or "mid", 0.7)
    figure = {"human": _human, "animal": _animal}.get(voice["species"], _other)(voice, hue)
    initial = voice["name"][:1].upper()
    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 128 128" width="128" height="128" '
            f'role="img" aria-label="{voice["name"]}">'
            f'<title>{voice["name"]}</title>'
            f'<rect width="128" height="128" rx="16" fill="{_hex(hue, 0.45, brightness)}"/>'
            f'{figure}'
            f'<text x="112" y="120" font-family="sans-serif" font-size="16" font-weight="bold" '
            f'text-anchor="end" fill="#ffffff" fill-opacity="0.85">{initial}</text></svg>\n')


def main() -> None:
    voices = json.loads(CATALOGUE.read_text("utf-8"))["voices"]
    for voice in voices:
        (HERE / f"{voice['slug']}.svg").write_text(portrait(voice), "utf-8")
    cloned = {"slug": "cloned-voice", "name": "Your voice", "species": "human",
              "gender": "male", "age_group": "adult", "pitch_group": "mid"}
    (HERE / "cloned-voice.svg").write_text(portrait(cloned), "utf-8")
    print(f"wrote {len(voices) + 1} portraits to {HERE}")


if __name__ == "__main__":
    main()
