"""A small real HTTP proxy on loopback in front of the real service, that loses answers.

Each request goes to the service whole; for the first `count` requests matching a rule, the
proxy then either drops the connection without answering (the answer is lost on the way back,
as when a network dies) or holds the answer past the client's timeout. Everything it forwards
is recorded, so a test can see what the client sent on each attempt.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal

import httpx

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host",
               "proxy-connection", "te", "trailer", "upgrade"}


@dataclass
class Loss:
    method: str
    path_prefix: str
    how: Literal["drop", "delay"] = "drop"
    count: int = 1
    delay_s: float = 0.0
    hits: int = 0

    def applies(self, method: str, path: str) -> bool:
        return method == self.method and path.startswith(self.path_prefix) \
            and self.hits < self.count


@dataclass
class Forwarded:
    method: str
    path: str
    headers: dict[str, str]
    body_bytes: int
    status: int
    lost: bool


@dataclass
class LossyProxy:
    upstream: str
    losses: list[Loss] = field(default_factory=list)
    seen: list[Forwarded] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._http = httpx.Client(base_url=self.upstream, timeout=120.0)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in _HOP_BY_HOP}
                answer = outer._http.request(self.command, self.path, content=body,
                                             headers=headers)
                with outer._lock:
                    loss = next((x for x in outer.losses
                                 if x.applies(self.command, self.path)), None)
                    if loss is not None:
                        loss.hits += 1
                    outer.seen.append(Forwarded(self.command, self.path, dict(self.headers),
                                                len(body), answer.status_code, loss is not None))
                if loss is not None and loss.how == "drop":
                    self.close_connection = True  # the service answered; the client never hears
                    return
                if loss is not None:
                    time.sleep(loss.delay_s)
                try:
                    self.send_response(answer.status_code)
                    for name, value in answer.headers.items():
                        if name.lower() not in _HOP_BY_HOP and name.lower() not in (
                                "date", "server"):
                            self.send_header(name, value)
                    self.send_header("Content-Length", str(len(answer.content)))
                    self.end_headers()
                    self.wfile.write(answer.content)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):  # the client gave up
                    self.close_connection = True

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def posts(self, path_prefix: str) -> list[Forwarded]:
        return [f for f in self.seen if f.method == "POST" and f.path.startswith(path_prefix)]


@contextmanager
def lossy_proxy(upstream: str, *losses: Loss) -> Iterator[LossyProxy]:
    proxy = LossyProxy(upstream, list(losses))
    thread = threading.Thread(target=proxy.httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        proxy.httpd.shutdown()
        proxy.httpd.server_close()
        proxy._http.close()
        thread.join(timeout=5)
