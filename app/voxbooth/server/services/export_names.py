"""Names of exported files: made from a template of the artist's words (project, folder, line,
take, voice), and safe on Windows, macOS and Linux alike.

Safe means: none of the characters Windows refuses (`<>:"/\\|?*`, control characters), no name
Windows reserves for devices (CON, NUL, COM1... with any extension), no trailing dot or space
(Windows drops them), no leading dot (hidden on macOS and Linux), NFC-normalised, and short
enough for every file system (`MAX_NAME_BYTES` of UTF-8 per file or folder name).
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Mapping

NAME_FIELDS = ("project", "folder", "line", "take", "voice")
DEFAULT_TEMPLATE = "{line} - {voice}"  # "Take 17-37-28 - Elena"; an original: "Take 17-37-28"
MAX_TEMPLATE_CHARS = 200
MAX_NAME_BYTES = 120  # of 255 allowed: room for " (2)", an extension and a deep folder path

_TIME_COLON = re.compile(r"(?<=\d):(?=\d)")  # 17:37:28 reads best as 17-37-28
_REFUSED = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_SPACES = re.compile(r"\s+")
_DANGLING = " -_.,;"  # what an empty field leaves behind: "Take 1 - " -> "Take 1"
_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
                       *(f"COM{i}" for i in "0123456789¹²³"),
                       *(f"LPT{i}" for i in "0123456789¹²³")})


def _clip_bytes(text: str, max_bytes: int) -> str:
    """The longest prefix of whole characters that fits in `max_bytes` of UTF-8."""
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    return encoded[:max_bytes].decode("utf-8", errors="ignore")


def portable_name(text: str, fallback: str, max_bytes: int = MAX_NAME_BYTES) -> str:
    """`text` as a file or folder name every common file system accepts (no extension added)."""
    name = unicodedata.normalize("NFC", text)
    name = _TIME_COLON.sub("-", name)
    name = _REFUSED.sub("_", name)
    name = _SPACES.sub(" ", name).strip()
    name = _clip_bytes(name, max_bytes - 1).lstrip(" ._").rstrip(" .")  # 1: room for "_"
    if not name.strip(_DANGLING):
        name = fallback
    stem, dot, rest = name.partition(".")
    if stem.rstrip().upper() in _RESERVED:  # "con.txt" is the console too
        name = f"{stem.rstrip()}_{dot}{rest}"
    return name


def check_template(template: str) -> str:
    """The template, or ValueError naming what is wrong with it."""
    if len(template) > MAX_TEMPLATE_CHARS:
        raise ValueError(f"a name template has at most {MAX_TEMPLATE_CHARS} characters")
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(f"the name template cannot be read ({exc}); write fields as "
                         f"{{field}} and a brace as {{{{ or }}}}") from None
    used = [(field, spec, conversion) for _text, field, spec, conversion in parsed
            if field is not None]
    for field, spec, conversion in used:
        if field not in NAME_FIELDS:
            raise ValueError(f"the name template uses {{{field}}}; the fields are "
                             + ", ".join(f"{{{f}}}" for f in NAME_FIELDS))
        if spec or conversion:
            raise ValueError(f"{{{field}}} takes no format or conversion in a name template")
    if not used:
        raise ValueError("the name template names no field, so every file would be called "
                         "the same; use some of " + ", ".join(f"{{{f}}}" for f in NAME_FIELDS))
    return template


def render_name(template: str, fields: Mapping[str, str], fallback: str = "take") -> str:
    """The template filled in and made portable; what an empty field leaves dangling goes."""
    values = {name: fields.get(name, "") or "" for name in NAME_FIELDS}
    filled = check_template(template).format(**values)
    filled = re.sub(r"(\s*[-_,;]\s*){2,}", " - ", filled)  # "a -  - b" after an empty field
    return portable_name(filled.strip(_DANGLING), fallback)


def unique_key(path: str) -> str:
    """Two paths with the same key collide on a case-insensitive file system (Windows, macOS)."""
    return unicodedata.normalize("NFC", path).casefold()
