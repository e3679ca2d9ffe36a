"""JSON bodies with the audio base64-encoded (001: `{"file": "<base64>", ...}`), streamed.

A general JSON parser would hold the whole base64 string (67 MB for a 50 MB take) in memory.
This one understands just the shape uploads have, a flat object, and decodes the audio field's
string straight into the spool file as it arrives; other values are small and parsed whole.
"""

from __future__ import annotations

import binascii
import json
from collections.abc import AsyncIterator
from pathlib import Path

from voxbooth.server.uploads.common import (
    MAX_FIELD_BYTES,
    SpoolFile,
    UploadRejected,
    add_field,
    no_file_detail,
    safe_filename,
)

_WHITESPACE = b" \t\r\n"
_URLSAFE_TO_STD = bytes.maketrans(b"-_", b"+/")
_DECODE_EVERY = 256 * 1024  # base64 characters buffered before a decode


def _malformed(why: str) -> UploadRejected:
    return UploadRejected(400, f"Malformed JSON body: {why}")


class _Base64Sink:
    """Decodes base64 text arriving in pieces into the spool file."""

    def __init__(self, spool: SpoolFile, field_name: str) -> None:
        self.spool = spool
        self.field_name = field_name
        self.pending = bytearray()
        self.seen_chars = 0
        self.padded = False
        self.started = False

    def _broken(self, why: str) -> UploadRejected:
        return UploadRejected(422, f"The '{self.field_name}' field is not valid base64: {why}")

    def add(self, text: bytes) -> None:
        self.pending += text
        if len(self.pending) >= _DECODE_EVERY:
            self._decode(final=False)

    def _decode(self, *, final: bool) -> None:
        data = bytes(self.pending).translate(_URLSAFE_TO_STD, _WHITESPACE)
        if not self.started and data.startswith(b"data:"):
            # a data URI ("data:audio/wav;base64,....") as browsers' FileReader makes
            _, comma, data = data.partition(b",")
            if not comma:
                raise self._broken("a data: URI without a comma")
        self.started = True
        usable = len(data) if final else len(data) - len(data) % 4
        if final and usable % 4 == 1:
            raise self._broken(f"it ends with a stray character after {self.seen_chars + usable}")
        if final and usable % 4:
            data += b"=" * (4 - usable % 4)  # accept unpadded base64
            usable = len(data)
        chunk, rest = data[:usable], data[usable:]
        if chunk:
            if self.padded:
                raise self._broken(f"data continues after '=' padding near character "
                                   f"{self.seen_chars}")
            try:
                self.spool.write(binascii.a2b_base64(chunk, strict_mode=True))
            except binascii.Error as exc:
                raise self._broken(f"{exc} (within characters {self.seen_chars}-"
                                   f"{self.seen_chars + usable})") from exc
            self.padded = chunk.endswith(b"=")
            self.seen_chars += usable
        self.pending = bytearray(rest)

    def finish(self) -> None:
        self._decode(final=True)


class JsonUploadParser:
    """A push parser for `{"key": value, ...}` where the audio value may be huge."""

    def __init__(self, tmp_dir: Path, max_bytes: int, file_fields: tuple[str, ...]) -> None:
        self.tmp_dir, self.max_bytes, self.file_fields = tmp_dir, max_bytes, file_fields
        self.state = "start"
        self.token = bytearray()  # the key or small value being read
        self.depth = 0
        self.in_string = False
        self.escaped = False
        self.key = ""
        self.fields: dict[str, str] = {}
        self.spool: SpoolFile | None = None
        self.sink: _Base64Sink | None = None
        self.b64_carry = b""

    def feed(self, data: bytes) -> None:
        i = 0
        while i < len(data):
            if self.state == "base64":
                i = self._feed_base64(data, i)
                continue
            self._step(data[i: i + 1])
            i += 1

    def _feed_base64(self, data: bytes, i: int) -> int:
        """Takes base64 text in bulk up to the closing quote (or the end of the chunk)."""
        assert self.sink is not None
        quote = data.find(b'"', i)
        segment = self.b64_carry + data[i: len(data) if quote < 0 else quote]
        self.b64_carry = b""
        if segment.endswith(b"\\"):
            if quote >= 0:
                raise self.sink._broken("it contains an escaped quote")
            # an escape cut by the chunk boundary: finish it with the next chunk
            segment, self.b64_carry = segment[:-1], b"\\"
        # JSON writers may escape "/" and wrap lines (base64 -w 76): both are harmless here
        cleaned = segment
        if b"\\" in cleaned:
            cleaned = (cleaned.replace(b"\\n", b"").replace(b"\\/", b"/")
                       .replace(b"\\r", b"").replace(b"\\t", b""))
        if b"\\" in cleaned:
            at = cleaned.index(b"\\")
            raise self.sink._broken(
                f"unexpected escape '{cleaned[at: at + 2].decode('latin-1')}'")
        self.sink.add(cleaned)
        if quote < 0:
            return len(data)
        self.sink.finish()
        self.sink = None
        self.state = "after_value"
        return quote + 1

    def _step(self, char: bytes) -> None:
        state = self.state
        if state == "in_key":
            self._key_char(char)
        elif state == "value":
            self._value_char(char)
        elif char in _WHITESPACE:
            return
        elif state == "start":
            self._expect(char, b"{", "it must be a JSON object")
            self.state = "key_or_end"
        elif state in ("key_or_end", "key"):
            if char == b"}" and state == "key_or_end":
                self.state = "done"
            else:
                self._expect(char, b'"', "expected a quoted field name")
                self.state = "in_key"
        elif state == "colon":
            self._expect(char, b":", f"expected ':' after \"{self.key}\"")
            self.state = "before_value"
        elif state == "before_value":
            self._begin_value(char)
        elif state == "after_value":
            if char not in b",}":
                raise _malformed(f"expected ',' or '}}' after the value of \"{self.key}\"")
            self.state = "key" if char == b"," else "done"
        else:
            raise _malformed("unexpected data after the closing '}'")

    @staticmethod
    def _expect(char: bytes, wanted: bytes, why: str) -> None:
        if char != wanted:
            raise _malformed(why)

    def _key_char(self, char: bytes) -> None:
        if char == b'"' and not self.escaped:
            self.key = str(self._loads(b'"' + bytes(self.token) + b'"'))
            self.token.clear()
            self.state = "colon"
            return
        self.escaped = char == b"\\" and not self.escaped
        self.token += char
        if len(self.token) > 256:
            raise _malformed("a field name is longer than 256 bytes")

    def _begin_value(self, char: bytes) -> None:
        if self.key in self.file_fields and char == b'"':
            if self.spool is not None:
                raise UploadRejected(422, "More than one audio file in the request; send one")
            self.spool = SpoolFile(self.tmp_dir, self.max_bytes)
            self.sink = _Base64Sink(self.spool, self.key)
            self.state = "base64"
            return
        if self.key in self.file_fields and char != b"n":  # null means "no file here"
            raise UploadRejected(422, f"The '{self.key}' field must be a base64 string")
        self.token = bytearray()
        self.depth, self.in_string, self.escaped = 0, False, False
        self.state = "value"
        self._value_char(char)

    def _value_char(self, char: bytes) -> None:
        if not self.in_string and self.depth == 0 and self.token and char in b",}":
            self._end_value()
            self._step(char)
            return
        if self.in_string:
            if self.escaped:
                self.escaped = False
            elif char == b"\\":
                self.escaped = True
            elif char == b'"':
                self.in_string = False
        elif char == b'"':
            self.in_string = True
        elif char in b"[{":
            self.depth += 1
        elif char in b"]}":
            self.depth -= 1
        self.token += char
        if len(self.token) > MAX_FIELD_BYTES:
            raise UploadRejected(422, f"Field '{self.key}' is longer than {MAX_FIELD_BYTES} bytes")

    def _end_value(self) -> None:
        value = self._loads(bytes(self.token).strip())
        self.token.clear()
        self.state = "after_value"
        if value is None:
            return
        add_field(self.fields, self.key, value if isinstance(value, str) else json.dumps(value))

    def _loads(self, raw: bytes) -> object:
        try:
            return json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise _malformed(f"{exc.__class__.__name__} near \"{self.key}\"") from exc

    def finish(self) -> None:
        if self.state != "done":
            raise _malformed("the body ends before the closing '}'")
        if self.spool is not None:
            self.spool.close()

    def discard(self) -> None:
        if self.spool is not None:
            self.spool.discard()


async def receive_json(
    chunks: AsyncIterator[bytes], *, max_bytes: int, tmp_dir: Path,
    file_fields: tuple[str, ...],
) -> tuple[SpoolFile, str | None, dict[str, str]]:
    """Returns the spool file, a safe file name (from `filename`/`file_name`) and the fields."""
    parser = JsonUploadParser(tmp_dir, max_bytes, file_fields)
    try:
        async for chunk in chunks:
            parser.feed(chunk)
        parser.finish()
    except BaseException:
        parser.discard()
        raise
    if parser.spool is None:
        raise UploadRejected(422, no_file_detail(file_fields))
    raw_name = parser.fields.get("filename") or parser.fields.get("file_name")
    return parser.spool, safe_filename(raw_name), parser.fields
