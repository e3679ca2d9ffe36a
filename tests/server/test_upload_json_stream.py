"""The JSON upload parser gives the same result however the base64 string is cut into read
blocks (escapes cut at a block's end included), and refuses what it must."""

from __future__ import annotations

import base64
import json
import random
from pathlib import Path

import pytest

from voxbooth.server.uploads import json_body
from voxbooth.server.uploads.common import UploadRejected

AUDIO = random.Random(5000).randbytes(5000)  # the same in every process: xdist compares ids


def _parse(tmp_path: Path, raw: bytes, block_sizes: list[int],
           monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[bytes, dict[str, str]]:
    if monkeypatch is not None:
        monkeypatch.setattr(json_body, "_READ_BLOCK", block_sizes[0])
    spool, fields = json_body.parse_json_upload(
        raw, max_bytes=10**6, tmp_dir=tmp_path, file_fields=("data", "file"))
    assert spool is not None
    data = spool.path.read_bytes()
    spool.discard()
    return data, fields


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


@pytest.mark.parametrize("block", [1, 2, 3, 7, 4096, len(BODY)])
def test_any_read_block_gives_the_same_upload(tmp_path: Path, block: int,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    data, fields = _parse(tmp_path, BODY, [block], monkeypatch)
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


@pytest.mark.parametrize("raw, status, words", [
    (b"", 400, "must be a JSON object"),
    (b"[1]", 400, "must be a JSON object"),
    (b'{"file": "QUJD"', 400, "ends before the closing"),
    (b'{"file": "QUJD"} x', 400, "unexpected data after"),
    (b'{"file": "QU\\"JD"}', 422, "escaped quote"),
    (b'{"file": 12}', 422, "must be a base64 string"),
    (b'{"file": "QUJD", "label": "\\ud800"}', 422, "lone surrogate"),
    (b'{"file": "QUJD", "label": "\xff"}', 422, "lone surrogate"),
    (b'{"file": "QUJD", "label": "' + b"x" * 70000 + b'"}', 422, "longer than"),
    (b'{"file": "QUJD", "label": tru}', 400, "Malformed JSON"),
])
def test_bad_bodies_are_refused_with_the_reason(tmp_path: Path, raw: bytes, status: int,
                                                words: str) -> None:
    with pytest.raises(UploadRejected) as caught:
        _parse(tmp_path, raw, [3])
    assert caught.value.status_code == status and words in str(caught.value.detail)
    assert list(tmp_path.iterdir()) == []  # nothing left behind


def test_whitespace_anywhere_between_tokens(tmp_path: Path) -> None:
    """20 MB of whitespace around the fields (byte by byte in Python this took 34 s)."""
    pad = b" \n\t" * (20 * 1024 * 1024 // 3)
    raw = b"{" + pad + b'"label"' + pad + b":" + pad + b'"x",' + pad + b'"file":"QUJD"' + pad + b"}"
    data, fields = _parse(tmp_path, raw, [json_body._READ_BLOCK])
    assert data == b"ABC" and fields == {"label": "x"}
