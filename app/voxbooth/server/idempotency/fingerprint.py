"""What makes two requests "the same request" for an Idempotency-Key.

JSON bodies: their canonical form (keys sorted, no spacing), so a client that re-serialises the
same object is not refused. Uploads: the form fields, the file's name, size and sha256 (computed
while the body streamed in), never the raw body, whose multipart boundary changes per attempt.
"""

from __future__ import annotations

import hashlib
import json

from voxbooth.server.uploads import ReceivedUpload


def json_fingerprint(body: bytes) -> str:
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"),
                               ensure_ascii=True).encode()
    except (ValueError, RecursionError):
        canonical = body  # not JSON: the route will refuse it; the bytes still identify it
    return hashlib.sha256(b"json\0" + canonical).hexdigest()


def upload_fingerprint(upload: ReceivedUpload) -> str:
    described = {
        "fields": dict(sorted(upload.fields.items())),
        "filename": upload.filename,
        "size_bytes": upload.size_bytes,
        "sha256": upload.sha256,
    }
    return hashlib.sha256(b"upload\0" + json.dumps(described, sort_keys=True).encode()
                          ).hexdigest()
