"""multipart/form-data bodies (002's `data`, 000's `file`), parsed as they stream in.

python-multipart's push parser sees each received block once; file bytes go straight to the
spool file and text fields are capped, so memory stays at a block whatever the body size.
The caller feeds it on a worker thread: parsing and file writes never run on the event loop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from voxbooth.server.uploads.common import (
    MAX_FIELD_BYTES,
    SpoolFile,
    UploadRejected,
    add_field,
    no_file_detail,
    safe_filename,
)


@dataclass
class _Part:
    headers: dict[str, bytes] = field(default_factory=dict)
    header_name: bytearray = field(default_factory=bytearray)
    header_value: bytearray = field(default_factory=bytearray)
    name: str = ""
    filename: str | None = None
    content_type: str | None = None
    text: bytearray | None = None  # a text field's value; None for the file part


@dataclass
class MultipartResult:
    spool: SpoolFile | None = None
    filename: str | None = None
    content_type: str | None = None
    fields: dict[str, str] = field(default_factory=dict)


class _Receiver:
    """The parser's callbacks: routes each part to the spool file or a capped text buffer."""

    def __init__(self, tmp_dir: Path, max_bytes: int, file_fields: tuple[str, ...]) -> None:
        self.tmp_dir = tmp_dir
        self.max_bytes = max_bytes
        self.file_fields = file_fields
        self.part = _Part()
        self.result = MultipartResult()
        self.ended = False

    def on_end(self) -> None:
        self.ended = True

    def on_part_begin(self) -> None:
        self.part = _Part()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.part.header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.part.header_value += data[start:end]

    def on_header_end(self) -> None:
        name = self.part.header_name.decode("latin-1").strip().lower()
        self.part.headers[name] = bytes(self.part.header_value)
        self.part.header_name.clear()
        self.part.header_value.clear()

    def on_headers_finished(self) -> None:
        part = self.part
        disposition, options = parse_options_header(part.headers.get("content-disposition"))
        if disposition != b"form-data" or b"name" not in options:
            raise UploadRejected(400, "Malformed multipart body: a part has no form-data name")
        part.name = options[b"name"].decode("utf-8", errors="replace")
        raw_filename = options.get(b"filename")
        if part.name not in self.file_fields:
            if raw_filename is not None:
                raise UploadRejected(
                    422, f"Unexpected file in field '{part.name}'; "
                    + no_file_detail(self.file_fields).split(": ", 1)[1], loc=("body", part.name))
            part.text = bytearray()
            return
        if self.result.spool is not None:
            raise UploadRejected(422, "More than one audio file in the request; send one")
        part.filename = safe_filename(
            raw_filename.decode("utf-8", errors="replace") if raw_filename else None)
        ctype = part.headers.get("content-type")
        part.content_type = ctype.decode("latin-1").strip() if ctype else None
        self.result.spool = SpoolFile(self.tmp_dir, self.max_bytes)
        self.result.filename = part.filename
        self.result.content_type = part.content_type

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        part = self.part
        if part.text is None:
            assert self.result.spool is not None
            self.result.spool.write(memoryview(data)[start:end])
            return
        part.text += data[start:end]
        if len(part.text) > MAX_FIELD_BYTES:
            raise UploadRejected(
                422, f"Form field '{part.name}' is longer than {MAX_FIELD_BYTES} bytes",
                loc=("body", part.name))

    def on_part_end(self) -> None:
        part = self.part
        if part.text is None:
            return
        try:
            value = part.text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UploadRejected(422, f"Form field '{part.name}' is not UTF-8 text",
                                 loc=("body", part.name)) from exc
        add_field(self.result.fields, part.name, value)


class MultipartReceiver:
    """Parses a multipart body fed in pieces. Blocking (it writes the spool file): feed it on
    a worker thread. On any failure the spool file is removed before raising."""

    def __init__(self, content_type: str, *, max_bytes: int, tmp_dir: Path,
                 file_fields: tuple[str, ...]) -> None:
        _, params = parse_options_header(content_type)
        boundary = params.get(b"boundary")
        if not boundary:
            raise UploadRejected(400, "Malformed multipart body: the Content-Type has no boundary")
        self.receiver = _Receiver(tmp_dir, max_bytes, file_fields)
        callbacks = {name: getattr(self.receiver, name) for name in (
            "on_part_begin", "on_header_field", "on_header_value", "on_header_end",
            "on_headers_finished", "on_part_data", "on_part_end", "on_end")}
        self.parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]

    def _guarded(self, step: Callable[[], object]) -> None:
        try:
            step()
        except MultipartParseError as exc:
            _discard(self.receiver.result)
            raise UploadRejected(400, f"Malformed multipart body: {exc}") from exc
        except BaseException:
            _discard(self.receiver.result)
            raise

    def feed(self, data: bytes) -> None:
        self._guarded(lambda: self.parser.write(data))

    def finish(self) -> MultipartResult:
        def end() -> None:
            self.parser.finalize()
            if not self.receiver.ended:
                raise UploadRejected(
                    400, "Malformed multipart body: it ends before the closing boundary")
            if self.receiver.result.spool is not None:
                self.receiver.result.spool.close()

        self._guarded(end)
        return self.receiver.result

    def discard(self) -> None:
        _discard(self.receiver.result)


def _discard(result: MultipartResult) -> None:
    if result.spool is not None:
        result.spool.discard()
