"""Bench-only tracing of a `voxbooth serve` (BENCH_TRACE=DIR in tests/bench/test_server_burst.py
puts this folder first on the service's PYTHONPATH). Writes JSON lines to
$VOXBOOTH_BENCH_TRACE:

- `health`: each /api/health request's times (time.perf_counter, system-wide on Linux): the
  loop read its bytes (`rx`), the app was called (`app`), the answer was written (`done`);
- `stall`: an event-loop callback posted from a monitor thread ran late (`since`, `ms`), with
  the loop thread's stack when it was last sampled late (its innermost frames first);
- `gc`: a garbage collection over 5 ms (`t0`, `ms`, generation, thread).

Only for the service process (`serve` in argv); nothing in the repository imports it.
"""

from __future__ import annotations

import os
import sys

_PATH = os.environ.get("VOXBOOTH_BENCH_TRACE")
if _PATH and "serve" in sys.argv:
    import gc
    import json
    import threading
    import time
    from typing import Any

    _events: list[dict[str, Any]] = []
    _lock = threading.Lock()

    def _emit(event: dict[str, Any]) -> None:
        with _lock:
            _events.append(event)

    def _flush() -> None:
        with _lock:
            events, _events[:] = list(_events), []
        with open(_PATH, "a") as out:
            out.writelines(json.dumps(e) + "\n" for e in events)

    _gc_started: dict[str, float] = {}

    def _on_gc(phase: str, info: dict[str, int]) -> None:
        now = time.perf_counter()
        if phase == "start":
            _gc_started["t"] = now
        elif now - _gc_started.get("t", now) > 0.005:
            _emit({"k": "gc", "t0": _gc_started["t"], "ms": (now - _gc_started["t"]) * 1e3,
                   "gen": info["generation"], "thread": threading.current_thread().name})

    gc.callbacks.append(_on_gc)

    def _stack(frame: Any, depth: int = 8) -> list[str]:
        out = []
        while frame is not None and len(out) < depth:
            code = frame.f_code
            out.append(f"{os.path.basename(code.co_filename)}:{frame.f_lineno}:{code.co_name}")
            frame = frame.f_back
        return out

    def _monitor(loop: Any, loop_thread: int) -> None:
        flushed = time.perf_counter()
        while True:
            ran = threading.Event()
            posted = time.perf_counter()
            loop.call_soon_threadsafe(ran.set)
            stack: list[str] = []
            while not ran.wait(0.004):
                stack = _stack(sys._current_frames().get(loop_thread))
            late = time.perf_counter() - posted
            if late > 0.01:
                _emit({"k": "stall", "since": posted, "ms": late * 1e3, "loop": stack})
            if time.perf_counter() - flushed > 0.5:
                _flush()
                flushed = time.perf_counter()
            time.sleep(0.002)

    def _traced(app: Any) -> Any:
        started: list[bool] = []

        async def traced(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "lifespan" and not started:
                import asyncio

                started.append(True)
                threading.Thread(target=_monitor, daemon=True, name="bench-trace",
                                 args=(asyncio.get_running_loop(), threading.get_ident())).start()
            if scope["type"] != "http" or scope.get("path") != "/api/health":
                await app(scope, receive, send)
                return
            called = time.perf_counter()
            done: list[float] = []

            async def timed_send(message: Any) -> None:
                await send(message)
                if message["type"] == "http.response.body" and not message.get("more_body"):
                    done.append(time.perf_counter())

            await app(scope, receive, timed_send)
            _emit({"k": "health", "rx": scope.get("bench_rx"), "app": called,
                   "done": done[0] if done else None})

        return traced

    import atexit

    import uvicorn.config
    from uvicorn.protocols.http import httptools_impl

    _load = uvicorn.config.Config.load
    _received = httptools_impl.HttpToolsProtocol.data_received
    _on_url = httptools_impl.HttpToolsProtocol.on_url

    def load(self: Any) -> None:
        _load(self)
        self.loaded_app = _traced(self.loaded_app)

    def data_received(self: Any, data: bytes) -> None:
        self._bench_rx = time.perf_counter()
        _received(self, data)

    def on_url(self: Any, url: bytes) -> None:
        _on_url(self, url)
        self.scope["bench_rx"] = getattr(self, "_bench_rx", None)

    uvicorn.config.Config.load = load  # type: ignore[method-assign]
    httptools_impl.HttpToolsProtocol.data_received = data_received  # type: ignore[method-assign]
    httptools_impl.HttpToolsProtocol.on_url = on_url  # type: ignore[method-assign]
    atexit.register(_flush)
