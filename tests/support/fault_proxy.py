"""A small real HTTP proxy on loopback in front of the real service, that spoils chosen answers.

Every request is forwarded to the service as it came, except those a test aims at (a method and
a path prefix): each of those takes the next fault from the script - answer 503 or 429 itself
without forwarding, or forward and then drop the connection before answering (the service did
the work, the client never hears of it), or answer late. What the script does not cover passes
through.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

PASS = "pass"
LOST = "lost"  # forwarded, answer never sent


@dataclass
class Fault:
    """`status`: answered by the proxy itself (503, 429...); or `LOST`, or `PASS`."""

    kind: str | int = PASS
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0  # waited before anything else: a slow answer


class FaultProxy:
    def __init__(self, upstream: str, method: str, path_prefix: str, script: list[Fault]) -> None:
        self.upstream = upstream.rstrip("/")
        self.method = method
        self.path_prefix = path_prefix
        self.script = list(script)
        self.aimed: list[str | int] = []  # what each aimed request met, in order
        self._lock = threading.Lock()
        self._client = httpx.Client(timeout=120.0)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                fault = outer._fault_for(self.command, self.path)
                if fault.delay_s:
                    time.sleep(fault.delay_s)
                if isinstance(fault.kind, int):
                    self._answer(fault.kind, fault.headers, b'{"detail": "spoiled by the proxy"}',
                                 {"content-type": "application/json"})
                    return
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("host", "content-length", "connection")}
                reply = outer._client.request(self.command, outer.upstream + self.path,
                                              headers=headers, content=body)
                if fault.kind == LOST:  # the service kept it; the answer never comes
                    self.close_connection = True
                    return
                self._answer(reply.status_code, {}, reply.content, dict(reply.headers))

            def _answer(self, status: int, extra: dict[str, str], body: bytes,
                        headers: dict[str, str]) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    if name.lower() not in ("content-length", "transfer-encoding", "connection",
                                            "content-encoding", "date", "server"):
                        self.send_header(name, value)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def _fault_for(self, method: str, path: str) -> Fault:
        if method != self.method or not path.startswith(self.path_prefix):
            return Fault()
        with self._lock:
            fault = self.script.pop(0) if self.script else Fault()
            self.aimed.append(fault.kind)
            return fault

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self) -> FaultProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._client.close()


@contextmanager
def fault_proxy(upstream: str, method: str, path_prefix: str,
                script: list[Fault]) -> Iterator[FaultProxy]:
    proxy = FaultProxy(upstream, method, path_prefix, script).start()
    try:
        yield proxy
    finally:
        proxy.stop()
