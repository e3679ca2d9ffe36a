"""Streaming uploads from files and downloads to files, with progress and cancellation.

Neither holds a file in memory: uploads read it chunk by chunk into the socket
(`MultipartFileBody`), downloads write each chunk as it arrives to a `.part` file that is
renamed into place only when complete, so a cancelled or failed download leaves no
half-written file under the wanted name.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from voxbooth.api._http import HttpCore
from voxbooth.api.idempotency import checked_key
from voxbooth.api.multipart import MultipartFileBody
from voxbooth.api.progress import Cancel, ProgressCallback, raise_if_cancelled

DOWNLOAD_CHUNK_BYTES = 256 * 1024
# uploads of up to 50 MB on a slow link: the read timeout applies per chunk, the write one too
UPLOAD_TIMEOUT_S = 300.0


def upload_file(
    core: HttpCore,
    path: str,
    file: str | os.PathLike[str],
    *,
    file_field: str,
    fields: Mapping[str, Any],
    on_progress: ProgressCallback | None = None,
    cancel: Cancel = None,
    filename: str | None = None,
    idempotency_key: str | None = None,
) -> Any:
    """POSTs `file` as multipart/form-data and returns the JSON.

    It creates, so it goes with an Idempotency-Key (`idempotency_key`, else a fresh one) and is
    retried like an idempotent call: each attempt re-opens the file and streams it again, and
    the service answers a repeat of an upload it already kept with the same object.
    """
    source = Path(file)
    text_fields = {k: str(v) for k, v in fields.items() if v is not None}
    source.stat()  # a missing file fails here, before any attempt

    def fresh_body() -> tuple[Iterator[bytes], dict[str, str]]:
        body = MultipartFileBody(source, file_field=file_field, fields=text_fields,
                                 filename=filename, on_progress=on_progress, cancel=cancel)
        return iter(body), body.headers()

    return core.request_json("POST", path, content_factory=fresh_body,
                             timeout=UPLOAD_TIMEOUT_S,
                             idempotency_key=checked_key(idempotency_key))


def _filename_from(disposition: str | None) -> str | None:
    if not disposition:
        return None
    match = re.search(r"filename\*?=(?:UTF-8'')?\"?([^\";]+)\"?", disposition)
    return os.path.basename(match.group(1)) if match else None


def download_to_file(
    core: HttpCore,
    path: str,
    dest: str | os.PathLike[str],
    *,
    params: Mapping[str, Any] | None = None,
    on_progress: ProgressCallback | None = None,
    cancel: Cancel = None,
) -> Path:
    """GETs `path` into `dest` (a file, or a directory to use the server's file name)."""
    target = Path(dest)
    raise_if_cancelled(cancel, "Download")
    with core.stream("GET", path, params=params) as response:
        if target.is_dir():
            name = _filename_from(response.headers.get("content-disposition"))
            target = target / (name or Path(path).name)
        total = int(response.headers.get("content-length") or 0)
        part = target.with_name(target.name + ".part")
        received = 0
        try:
            with part.open("wb") as out:
                for chunk in response.iter_bytes(DOWNLOAD_CHUNK_BYTES):
                    raise_if_cancelled(cancel, "Download")
                    out.write(chunk)
                    received += len(chunk)
                    if on_progress is not None:
                        on_progress(received, max(total, received))
            os.replace(part, target)
        except BaseException:
            with contextlib.suppress(OSError):
                part.unlink()
            raise
    return target
