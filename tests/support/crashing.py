"""Functions that crash or hang the process they run in: sent to the audio worker by tests."""

from __future__ import annotations

import ctypes
import os
import time


def abort_now() -> None:
    os.abort()  # SIGABRT, as LAME's failed assertion does


def segfault_now() -> None:
    ctypes.string_at(0)  # SIGSEGV, as libsndfile on a 1024-channel Vorbis encode


def sleep_s(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def allocate_bytes(count: int) -> int:
    """Touches `count` bytes (a codec that believes a header's size claim)."""
    block = bytearray(count)
    return len(block)
