"""A tiny FastAPI app around `receive_upload`, served by uvicorn in a child process in tests.

Run as `python -m tests.support.upload_app PORT TMP_DIR MAX_BYTES`. It echoes what it received
and reports its own memory, so a test can see that a large body streams instead of piling up.
"""

from __future__ import annotations

import hashlib
import resource
import sys
from pathlib import Path

import psutil
import uvicorn
from fastapi import FastAPI, Request

from voxbooth.server import errors
from voxbooth.server.uploads import UPLOAD_OPENAPI, receive_upload


def make_app(tmp_dir: Path, max_bytes: int) -> FastAPI:
    app = FastAPI()
    app.state.api_routes = []
    errors.install_handlers(app)  # the service's error answers (422 as the list, ...)

    @app.post("/upload", openapi_extra=UPLOAD_OPENAPI)
    async def upload(request: Request) -> dict[str, object]:
        received = await receive_upload(request, max_bytes=max_bytes, tmp_dir=tmp_dir)
        with received:
            with received.path.open("rb") as stored:
                digest = hashlib.file_digest(stored, "sha256").hexdigest()
            return {"filename": received.filename, "fields": received.fields,
                    "size_bytes": received.size_bytes, "sha256": digest,
                    "content_type": received.content_type}

    @app.get("/memory")
    def memory() -> dict[str, int]:
        # ru_maxrss is in KiB on Linux: the peak since the process started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        return {"rss_bytes": psutil.Process().memory_info().rss, "peak_rss_bytes": peak}

    @app.get("/health")
    def health() -> dict[str, bool]:
        return {"ok": True}

    return app


if __name__ == "__main__":
    port, tmp, limit = int(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    uvicorn.run(make_app(tmp, limit), host="127.0.0.1", port=port, log_level="warning")
