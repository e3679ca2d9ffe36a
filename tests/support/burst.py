"""A burst against a live service: concurrent uploads and lists, with /api/health probed
throughout. Shared by the suite (everything answers, health stays up) and tests/bench (figures).

Each request runs on its own thread and connection, as independent clients would; with
`client_niceness` those threads lower their own CPU priority, as clients on other machines
would take none of the service's (Linux). A 503 with
`Retry-After` is an honest "busy": the request is sent again after that delay and counts as
answered when the retry succeeds; anything else that is not 2xx counts as a failure.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from queue import Empty
from typing import Any

import httpx

from tests.support.server import LiveServer

MEGABYTE = 1024 * 1024
MAX_RETRY_WAIT_S = 5.0


@dataclass
class Outcome:
    """One logical request: its final status, total time with retries, and the 503s it met."""

    kind: str
    status: int = 0
    seconds: float = 0.0
    busy_answers: int = 0
    error: str = ""


@dataclass
class BurstResult:
    outcomes: list[Outcome] = field(default_factory=list)
    health_s: list[float] = field(default_factory=list)  # each probe's latency
    #: each probe's (sent, answered) in time.perf_counter (system-wide on Linux)
    health_spans: list[tuple[float, float]] = field(default_factory=list)
    health_failures: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    #: how long the probe waited for a CPU while probing (Linux schedstat), None if unknown
    probe_cpu_wait_s: float | None = None

    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not 200 <= o.status < 300]

    def seconds(self, kind: str) -> list[float]:
        return sorted(o.seconds for o in self.outcomes if o.kind == kind)


def _send(kind: str, call: Callable[[httpx.Client], httpx.Response], server: LiveServer,
          deadline: float) -> Outcome:
    outcome = Outcome(kind)
    started = time.perf_counter()
    with server.client() as http:
        while True:
            try:
                reply = call(http)
            except httpx.HTTPError as exc:
                outcome.error = f"{type(exc).__name__}: {exc}"
                break
            outcome.status = reply.status_code
            retry_after = reply.headers.get("retry-after")
            if reply.status_code == 503 and retry_after and time.monotonic() < deadline:
                outcome.busy_answers += 1
                time.sleep(min(float(retry_after), MAX_RETRY_WAIT_S))
                continue
            if not 200 <= reply.status_code < 300:
                outcome.error = reply.text[:300]
            break
    outcome.seconds = time.perf_counter() - started
    return outcome


def cpu_wait_s(pid: int, tid: int | None = None) -> float | None:
    """Time thread `tid` of `pid` (its main thread by default) has spent runnable but waiting
    for a CPU, from Linux's schedstat; None where the kernel does not say."""
    try:
        with open(f"/proc/{pid}/task/{tid or pid}/schedstat") as stat:
            return int(stat.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return None


def _probe_health(url: str, stop: Any, ready: Any, latencies: Any, failures: Any,
                  cpu_wait: Any) -> None:
    """In its own process, so the burst's client threads do not delay the probe itself.
    `ready` is set once it probes: a loaded machine may take seconds to start it, and a probe
    that starts after the burst would measure nothing. Puts its own wait for a CPU while
    probing in `cpu_wait`: a probe not scheduled cannot read an answer however fast it was."""
    with httpx.Client(base_url=url, timeout=10.0) as http:
        http.get("/api/health")
        ready.set()
        waited_before = cpu_wait_s(os.getpid())
        while not stop.is_set():
            started = time.perf_counter()
            try:
                reply = http.get("/api/health")
                if reply.status_code != 200:
                    failures.put(f"{reply.status_code}: {reply.text[:100]}")
            except httpx.HTTPError as exc:
                failures.put(f"{type(exc).__name__}: {exc}")
            latencies.put((started, time.perf_counter()))
            stop.wait(0.02)
        waited_after = cpu_wait_s(os.getpid())
        cpu_wait.put(None if waited_before is None or waited_after is None
                     else waited_after - waited_before)


def _drain(queue: Any) -> list[Any]:
    items = []
    while True:
        try:
            items.append(queue.get(timeout=0.5))
        except Empty:
            return items


def _lower_own_priority(niceness: int) -> None:
    if niceness and hasattr(os, "setpriority"):
        tid = threading.get_native_id()  # Linux: a thread's own niceness
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + niceness)


def run_burst(server: LiveServer, folder_id: str, audio: bytes, *, uploads: int = 20,
              lists: int = 50, timeout_s: float = 120.0, client_niceness: int = 0) -> BurstResult:
    """`uploads` concurrent multipart uploads of `audio` and `lists` concurrent folder lists;
    each client thread `client_niceness` below this process's CPU priority."""
    deadline = time.monotonic() + timeout_s
    result = BurstResult()

    def upload(http: httpx.Client) -> httpx.Response:
        return http.post("/api/recordings", timeout=timeout_s,
                         files={"data": ("burst.wav", audio, "audio/wav")},
                         data={"parent_folder_id": folder_id, "label": "burst"})

    def listing(http: httpx.Client) -> httpx.Response:
        return http.get("/api/recordings", params={"folder_id": folder_id}, timeout=timeout_s)

    calls = [("upload", upload)] * uploads + [("list", listing)] * lists
    # interleave so lists arrive while upload bodies are still streaming in
    order = sorted(range(len(calls)), key=lambda i: (i % 3, i))
    lock = threading.Lock()
    gate = threading.Barrier(len(calls) + 1)

    def worker(kind: str, call: Callable[[httpx.Client], httpx.Response]) -> None:
        _lower_own_priority(client_niceness)
        gate.wait()
        outcome = _send(kind, call, server, deadline)
        with lock:
            result.outcomes.append(outcome)

    context = multiprocessing.get_context("spawn")
    stop, ready = context.Event(), context.Event()
    latencies, failures, cpu_wait = context.Queue(), context.Queue(), context.Queue()
    prober = context.Process(target=_probe_health, daemon=True,
                             args=(server.url, stop, ready, latencies, failures, cpu_wait))
    threads = [threading.Thread(target=worker, args=calls[i], daemon=True) for i in order]
    for thread in threads:
        thread.start()
    prober.start()
    if not ready.wait(timeout=120):
        raise RuntimeError("the /api/health probe process did not start within 120 s")
    time.sleep(0.2)  # a few probes before the burst
    started = time.perf_counter()
    gate.wait()
    for thread in threads:
        thread.join(timeout=max(1.0, deadline - time.monotonic() + 10))
    result.wall_s = time.perf_counter() - started
    stop.set()
    result.health_spans = _drain(latencies)
    result.health_s = [answered - sent for sent, answered in result.health_spans]
    result.health_failures = _drain(failures)
    result.probe_cpu_wait_s = next(iter(_drain(cpu_wait)), None)
    prober.join(timeout=15)
    if prober.is_alive():
        prober.kill()
    return result


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]
