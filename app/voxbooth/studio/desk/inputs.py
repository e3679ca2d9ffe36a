"""The desk's microphones: listing, opening and looking for them again, as worker functions.

Each waits on PortAudio (ALSA can take a second to answer), so the desk runs them in workers and
never on the GUI thread (STYLE.md habit 3).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from voxbooth.audio.capture import InputCapture
from voxbooth.audio.devices import AudioDevice, list_devices, refresh_devices
from voxbooth.studio import heap

CaptureOpener = Callable[[str | None], InputCapture]
InputLister = Callable[[], list[AudioDevice]]
Rescanner = Callable[[], bool]


def open_capture(name: str | None) -> InputCapture:
    """Worker: opens the input (the remembered device, else the default) at 48 kHz."""
    return InputCapture(name or None, 48000, live_seconds=30.0).start()


def reopen_capture(old: InputCapture | None, name: str | None,
                   opener: CaptureOpener) -> InputCapture:
    """Worker: releases the previous input, then opens the chosen one."""
    if old is not None:
        old.close()
    return opener(name)


def list_inputs() -> list[AudioDevice]:
    """Worker: the input devices PortAudio knows, the system default first."""
    return list_devices("input")


def stream_types() -> tuple[type, ...]:
    """Any thread: sounddevice's stream classes; none before a worker has imported it (and
    started PortAudio), as no stream can be open before then."""
    sd = sys.modules.get("sounddevice")
    if sd is None:
        return ()
    return (sd.InputStream, sd.OutputStream, sd.Stream,
            sd.RawInputStream, sd.RawOutputStream, sd.RawStream)


def streams_open() -> bool:
    """Whether any PortAudio stream is open in this process (an audition playing, say).

    sounddevice keeps no list of its streams, so the collector's list of objects is asked
    (`heap.find`: those set aside at start-up too); it takes a few milliseconds, in a worker."""
    return any(not getattr(o, "closed", True) for o in heap.find(stream_types()))


def restart_portaudio() -> bool:
    """Worker: makes PortAudio look for devices again; False (nothing done) while a stream is
    open. PortAudio lists devices once, when it starts, so a microphone plugged in later is only
    seen after a restart - and a restart closes every stream under its owner's feet."""
    if streams_open():
        return False
    refresh_devices()
    return True


def rescan_inputs(old: InputCapture | None, rescanner: Rescanner,
                  lister: InputLister) -> tuple[list[AudioDevice], bool]:
    """Worker: releases the input, restarts PortAudio if it can, lists the inputs again.
    The inputs, and whether PortAudio looked for new devices."""
    if old is not None:
        old.close()
    rescanned = rescanner()
    return lister(), rescanned
