"""JSON bodies with the audio base64-encoded (001: `{"file": "<base64>", ...}`).

The body is first received whole into a temporary file (bounded like every upload), then
parsed on a worker thread from a memory map of that file: whitespace, strings and small values
are scanned by C code (`re`, `bytes.find`, `json`'s decoder), and the audio field's string is
decoded to the spool file in blocks by `binascii`, so neither a 67 MB base64 string nor 20 MB
of whitespace costs Python a loop per byte, and the event loop never waits on any of it.
"""

from __future__ import annotations

import binascii
import json
import mmap
import re
from pathlib import Path

from voxbooth.server.text import LONE_SURROGATE_MSG, lone_surrogate_at
from voxbooth.server.uploads.common import (
    MAX_FIELD_BYTES,
    SpoolFile,
    UploadRejected,
    add_field,
    no_file_detail,
    safe_filename,
)

_WHITESPACE = b" \t\r\n"
_SKIP_WHITESPACE = re.compile(rb"[ \t\r\n]*")
_KEY = re.compile(rb'"(?:[^"\\]|\\.){0,256}"', re.DOTALL)
_URLSAFE_TO_STD = bytes.maketrans(b"-_", b"+/")
_DECODE_EVERY = 256 * 1024  # base64 characters buffered before a decode
_READ_BLOCK = 1024 * 1024  # base64 characters taken from the body at a time
_DECODER = json.JSONDecoder()


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
        return UploadRejected(422, f"The '{self.field_name}' field is not valid base64: {why}",
                              loc=("body", self.field_name))

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


class _Body:
    """A cursor over the body's bytes (a memory map, or bytes in tests)."""

    def __init__(self, data: bytes | mmap.mmap) -> None:
        self.data = data
        self.pos = 0
        self.key = ""
        self.released = 0

    def release(self) -> None:
        """Drops the pages of the map already read from this process's memory: a 67 MB body
        then costs a block of RSS, not 67 MB of page cache mapped in."""
        if not isinstance(self.data, mmap.mmap):
            return
        upto = self.pos - self.pos % mmap.PAGESIZE
        if upto > self.released:
            self.data.madvise(mmap.MADV_DONTNEED, self.released, upto - self.released)
            self.released = upto

    def skip_whitespace(self) -> None:
        while True:  # a block at a time, so that read pages can be released between
            end = min(len(self.data), self.pos + _READ_BLOCK)
            match = _SKIP_WHITESPACE.match(self.data, self.pos, end)
            self.pos = match.end() if match else self.pos
            self.release()
            if self.pos < end or end == len(self.data):
                return

    def peek(self) -> bytes:
        return bytes(self.data[self.pos: self.pos + 1])

    def expect(self, wanted: bytes, why: str) -> None:
        self.skip_whitespace()
        if self.peek() != wanted:
            raise _malformed(why)
        self.pos += 1

    def key_string(self) -> str:
        match = _KEY.match(self.data, self.pos)
        if match is None:
            if self.peek() != b'"':
                raise _malformed("expected a quoted field name")
            raise _malformed("a field name is longer than 256 bytes or never ends")
        self.pos = match.end()
        key = _loads(match.group(0), self.key)
        if not isinstance(key, str):
            raise _malformed("expected a quoted field name")
        return key

    def small_value(self) -> object:
        """One JSON value of at most MAX_FIELD_BYTES, decoded by json's C scanner."""
        window = bytes(self.data[self.pos: self.pos + MAX_FIELD_BYTES + 1])
        # surrogateescape keeps a character cut at the window's end (and any byte that is not
        # UTF-8) as lone surrogates: decoded values holding them are refused below
        text = window.decode("utf-8", "surrogateescape")
        try:
            value, end = _DECODER.raw_decode(text)
        except json.JSONDecodeError as exc:
            if len(window) > MAX_FIELD_BYTES:
                raise UploadRejected(422, f"Field '{self.key}' is longer than {MAX_FIELD_BYTES} "
                                     "bytes", loc=("body", self.key)) from exc
            raise _malformed(f"{exc.msg} in the value of \"{self.key}\"") from exc
        self.pos += len(text[:end].encode("utf-8", "surrogateescape"))
        return value

    def base64_string(self, sink: _Base64Sink) -> None:
        """Decodes the string that starts after the opening quote into `sink`, a block at a
        time (the closing quote too is looked for block by block: each page is read once)."""
        carry = b""
        while True:
            block_end = min(len(self.data), self.pos + _READ_BLOCK)
            quote = self.data.find(b'"', self.pos, block_end)
            if quote < 0 and block_end == len(self.data):
                raise _malformed(f"the value of \"{self.key}\" never ends")
            segment = carry + bytes(self.data[self.pos: block_end if quote < 0 else quote])
            carry = b""
            if segment.endswith(b"\\"):
                if quote >= 0:  # escaping the closing quote: a quote inside base64
                    raise sink._broken("it contains an escaped quote")
                segment, carry = segment[:-1], b"\\"  # an escape cut by the block's end
            sink.add(_unescape(segment, sink))
            self.pos = block_end if quote < 0 else quote + 1
            self.release()
            if quote >= 0:
                sink.finish()
                return


def _unescape(segment: bytes, sink: _Base64Sink) -> bytes:
    # JSON writers may escape "/" and wrap lines (base64 -w 76): both are harmless here
    if b"\\" not in segment:
        return segment
    cleaned = (segment.replace(b"\\n", b"").replace(b"\\/", b"/")
               .replace(b"\\r", b"").replace(b"\\t", b""))
    if b"\\" in cleaned:
        at = cleaned.index(b"\\")
        raise sink._broken(f"unexpected escape '{cleaned[at: at + 2].decode('latin-1')}'")
    return cleaned


def _loads(raw: bytes, near: str) -> object:
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise _malformed(f"{exc.__class__.__name__} near \"{near}\"") from exc


def _refuse_lone_surrogates(key: str, value: object) -> None:
    if lone_surrogate_at(key) is not None:
        raise UploadRejected(422, f"A field name: {LONE_SURROGATE_MSG}")
    if lone_surrogate_at(value) is not None:
        raise UploadRejected(422, f"Field '{key}': {LONE_SURROGATE_MSG}", loc=("body", key))


def parse_json_upload(
    data: bytes | mmap.mmap, *, max_bytes: int, tmp_dir: Path, file_fields: tuple[str, ...],
) -> tuple[SpoolFile | None, dict[str, str]]:
    """Parses a flat JSON object; the audio field goes to a spool file, other fields to text.

    Blocking (it writes the spool file): call it on a worker thread. On any failure the spool
    file is removed before raising."""
    body = _Body(data)
    fields: dict[str, str] = {}
    spool: SpoolFile | None = None
    try:
        body.expect(b"{", "it must be a JSON object")
        body.skip_whitespace()
        if body.peek() == b"}":
            body.pos += 1
        else:
            while True:
                body.skip_whitespace()
                key = body.key_string()
                body.key = key
                body.expect(b":", f"expected ':' after \"{key}\"")
                body.skip_whitespace()
                if key in file_fields and body.peek() == b'"':
                    if spool is not None:
                        raise UploadRejected(
                            422, "More than one audio file in the request; send one")
                    spool = SpoolFile(tmp_dir, max_bytes)
                    body.pos += 1
                    body.base64_string(_Base64Sink(spool, key))
                else:
                    value = body.small_value()
                    if key in file_fields and value is not None:
                        raise UploadRejected(422, f"The '{key}' field must be a base64 string",
                                             loc=("body", key))
                    _refuse_lone_surrogates(key, value)
                    if value is not None:
                        add_field(fields, key, value if isinstance(value, str)
                                  else json.dumps(value))
                body.skip_whitespace()
                separator = body.peek()
                if separator not in (b",", b"}"):
                    if not separator:
                        raise _malformed("the body ends before the closing '}'")
                    raise _malformed(f"expected ',' or '}}' after the value of \"{key}\"")
                body.pos += 1
                if separator == b"}":
                    break
        body.skip_whitespace()
        if body.pos < len(data):
            raise _malformed("unexpected data after the closing '}'")
        if spool is not None:
            spool.close()
    except BaseException:
        if spool is not None:
            spool.discard()
        raise
    return spool, fields


def parse_json_file(
    path: Path, *, max_bytes: int, tmp_dir: Path, file_fields: tuple[str, ...],
) -> tuple[SpoolFile, str | None, dict[str, str]]:
    """Parses a received JSON body file: the spool file, a safe file name (from
    `filename`/`file_name`) and the other fields. Blocking: call it on a worker thread."""
    with path.open("rb") as handle:
        if path.stat().st_size == 0:
            raise _malformed("the body is empty")
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            spool, fields = parse_json_upload(
                mapped, max_bytes=max_bytes, tmp_dir=tmp_dir, file_fields=file_fields)
    if spool is None:
        raise UploadRejected(422, no_file_detail(file_fields))
    raw_name = fields.get("filename") or fields.get("file_name")
    return spool, safe_filename(raw_name), fields
