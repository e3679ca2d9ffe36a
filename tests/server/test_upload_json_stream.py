"""The streaming base64 JSON parser gives the same result however the body is cut into chunks."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest

from voxbooth.server.uploads.common import UploadRejected
from voxbooth.server.uploads.json_body import JsonUploadParser

AUDIO = os.urandom(5000)


def _parse(tmp_path: Path, raw: bytes, chunk_sizes: list[int]) -> tuple[bytes, dict[str, str]]:
    parser = JsonUploadParser(tmp_path, 10**6, ("data", "file"))
    start, i = 0, 0
    while start < len(raw):
        size = chunk_sizes[i % len(chunk_sizes)]
        parser.feed(raw[start: start + size])
        start, i = start + size, i + 1
    parser.finish()
    assert parser.spool is not None
    data = parser.spool.path.read_bytes()
    parser.discard()
    return data, parser.fields


BODY = json.dumps({
    "label": "Take \u00e9 \"quoted\" \\ back",
    "n\u00e4me": "key with unicode",
    "params": {"nested": [1, {"deep": "}"}]},
    "file": base64.encodebytes(AUDIO).decode().replace("/", "\\/"),
    "starred": False,
    "note": None,
}, ensure_ascii=True).replace("\\\\/", "\\/").encode()


def test_body_really_holds_escaped_slashes() -> None:
    assert b"\\/" in BODY


@pytest.mark.parametrize("chunks", [[1], [2, 3], [7], [4096], [len(BODY)]])
def test_any_chunking_gives_the_same_upload(tmp_path: Path, chunks: list[int]) -> None:
    data, fields = _parse(tmp_path, BODY, chunks)
    assert data == AUDIO
    assert fields == {
        "label": "Take \u00e9 \"quoted\" \\ back",
        "n\u00e4me": "key with unicode",
        "params": '{"nested": [1, {"deep": "}"}]}',
        "starred": "false",
    }


def test_two_audio_fields_are_refused(tmp_path: Path) -> None:
    raw = json.dumps({"file": "QUJD", "data": "QUJD"}).encode()
    with pytest.raises(UploadRejected, match="More than one audio file"):
        _parse(tmp_path, raw, [3])
