"""A virtual microphone: a private PulseAudio daemon whose null sink `vmic` is heard by PortAudio.

Whatever is played into the sink (`VirtualMic.play`) is what the default input device records,
through ALSA's `pulse`/`default` device. The daemon runs in a temp dir with its own socket, so it
never touches another user's sound server, and it is stopped by its PID.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

SINK_RATE_HZ = 48000
# pacat's buffer. 20 ms starts the monitor promptly but underruns (gaps of silence in what the
# "microphone" hears) when the machine is busy; 150 ms still starts within a few ms here.
PLAY_LATENCY_MS = 150

_CONFIG = """\
load-module module-native-protocol-unix auth-anonymous=1 socket={socket}
load-module module-null-sink sink_name=vmic rate={rate} channels=1
set-default-source vmic.monitor
set-default-sink vmic
"""


def pulseaudio_missing_reason() -> str | None:
    for binary in ("pulseaudio", "pacat", "pactl"):
        if shutil.which(binary) is None:
            return f"{binary} is not installed (Debian packages pulseaudio, pulseaudio-utils)"
    return None


@dataclass
class VirtualMic:
    """A running private PulseAudio daemon; `env` reaches it from child processes."""

    directory: Path
    proc: subprocess.Popen[bytes]
    env: dict[str, str]
    players: list[subprocess.Popen[bytes]] = field(default_factory=list)
    drain: subprocess.Popen[bytes] | None = None

    def play(self, samples: np.ndarray, rate_hz: int,
             latency_ms: int = PLAY_LATENCY_MS) -> subprocess.Popen[bytes]:
        """Start playing mono samples into the sink; returns the `pacat` process.

        Floats go as float32; int16 samples go as they are (the sink stores s16, so what the
        microphone hears is then bit for bit what was played).
        """
        pcm16 = samples.dtype == np.int16
        data = np.ascontiguousarray(samples, dtype="<i2" if pcm16 else "<f4").tobytes()
        player = subprocess.Popen(
            ["pacat", "--playback", "--device=vmic", f"--latency-msec={latency_ms}",
             f"--format={'s16le' if pcm16 else 'float32le'}", f"--rate={rate_hz}",
             "--channels=1", "--raw"],
            stdin=subprocess.PIPE, env=self.env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        stdin = player.stdin
        assert stdin is not None

        def feed() -> None:  # the pipe holds 64 KiB: writing blocks for as long as it plays
            with contextlib.suppress(BrokenPipeError, ValueError):
                stdin.write(data)
                stdin.close()

        threading.Thread(target=feed, daemon=True).start()
        self.players.append(player)
        return player

    def record_monitor(self, path: Path, rate_hz: int = SINK_RATE_HZ) -> subprocess.Popen[bytes]:
        """Start `parec` on the sink's monitor, writing a WAV file (to check playback)."""
        proc = subprocess.Popen(
            ["parec", "--device=vmic.monitor", f"--latency-msec={PLAY_LATENCY_MS}",
             "--file-format=wav",
             "--format=float32le", f"--rate={rate_hz}", "--channels=1", str(path)],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        self.players.append(proc)
        return proc

    def stop_players(self) -> None:
        """Stop what tests started playing or recording (each test should start in silence)."""
        for player in self.players:
            if player.poll() is None:
                player.terminate()
                try:
                    player.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    player.kill()
        self.players.clear()

    def kill_daemon(self) -> None:
        """Stop the daemon by its PID (also used by tests to make the device disappear)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


def _wait_until_ready(env: dict[str, str], proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 15.0
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"pulseaudio exited with {proc.returncode}")
        done = subprocess.run(["pactl", "info"], env=env, capture_output=True, timeout=5)
        if done.returncode == 0:
            return
        time.sleep(0.1)
    raise RuntimeError("pulseaudio did not answer `pactl info` within 15 s")


def _reinitialise_portaudio() -> None:
    # PortAudio enumerates devices once, at initialisation: make it see the new daemon.
    import sounddevice

    sounddevice._terminate()
    sounddevice._initialize()


def _warm_up(kind: str, timeout_s: float = 20.0) -> None:
    """Open streams until one runs promptly.

    The first stream or two of a process take a second or more to start moving; a test that
    started recording (or playing) then would miss its opening.
    """
    import sounddevice

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        frames = [0]

        def count(data: np.ndarray, *rest: object, frames: list[int] = frames) -> None:
            frames[0] += len(data)
            if kind == "output":
                data[:] = 0  # type: ignore[index]

        stream_class = sounddevice.InputStream if kind == "input" else sounddevice.OutputStream
        stream = stream_class(samplerate=SINK_RATE_HZ, channels=1, dtype="float32",
                              callback=count)
        stream.start()
        time.sleep(0.4)
        stream.abort()
        stream.close()
        if frames[0] >= SINK_RATE_HZ // 5:
            return
    raise RuntimeError(f"no {kind} stream of the virtual microphone ran within {timeout_s} s")


@contextmanager
def virtual_mic() -> Iterator[VirtualMic]:
    """Start the daemon, point this process (and children, via `env`) at it, stop it after."""
    directory = Path(tempfile.mkdtemp(prefix="vmic-"))
    config = directory / "daemon.pa"
    config.write_text(_CONFIG.format(socket=directory / "native", rate=SINK_RATE_HZ))
    overrides = {
        "PULSE_SERVER": f"unix:{directory / 'native'}",
        "PULSE_RUNTIME_PATH": str(directory / "runtime"),
        "PULSE_STATE_PATH": str(directory / "state"),
        "PULSE_CONFIG_PATH": str(directory / "config"),
        "HOME": os.environ.get("HOME", str(directory)),
    }
    saved = {key: os.environ.get(key) for key in overrides}
    env = {**os.environ, **overrides}
    log = (directory / "daemon.log").open("wb")
    proc = subprocess.Popen(
        ["pulseaudio", "-n", "-F", str(config), "--daemonize=no", "--exit-idle-time=-1",
         "--use-pid-file=no", "--disallow-exit"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    mic = VirtualMic(directory=directory, proc=proc, env=env)
    try:
        _wait_until_ready(env, proc)
        os.environ.update(overrides)
        _reinitialise_portaudio()
        # PortAudio's output through ALSA's pulse plugin stalls after its first buffer while
        # nothing reads the null sink's monitor; a reader that discards keeps playback flowing.
        drain = subprocess.Popen(
            ["parec", "--device=vmic.monitor", "--latency-msec=50", "--raw"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        mic.drain = drain
        _warm_up("input")
        _warm_up("output")
        yield mic
    finally:
        if mic.drain is not None:
            mic.players.append(mic.drain)
        mic.stop_players()
        # PortAudio lets go of the daemon while it still answers: closing ALSA's pulse plugin
        # against a daemon already gone was seen to hang Pa_Terminate in C, where no test
        # timeout can reach it (a whole run waited there).
        import sounddevice

        sounddevice._terminate()
        mic.kill_daemon()
        log.close()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        sounddevice._initialize()
        shutil.rmtree(directory, ignore_errors=True)


@contextmanager
def virtual_mic_or_skip() -> Iterator[VirtualMic]:
    """`virtual_mic()` for a pytest fixture: the test is skipped, saying why, where PulseAudio is
    not installed."""
    import pytest

    reason = pulseaudio_missing_reason()
    if reason:
        pytest.skip(f"no virtual microphone: {reason}")
    with virtual_mic() as mic:
        yield mic

