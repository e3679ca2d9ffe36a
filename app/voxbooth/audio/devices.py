"""Audio devices: one entry per device, remembered by name and host API, opened at a working rate.

PortAudio lists the same device once per host API (ALSA and OSS on Linux; MME, DirectSound,
WASAPI and WDM-KS on Windows). The artist should see it once, so we keep the entry of the host API
we trust most for that platform and drop the rest.

sounddevice is imported on first use (`portaudio`), never with these modules: importing it starts
PortAudio, which lists every device (ALSA can take a second to answer), and a GUI that merely
imports the audio layer must not wait for that - its workers open and list the devices first.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Literal

Direction = Literal["input", "output"]

# Most preferred first; a host API not named here ranks after these.
_HOST_API_PREFERENCE: dict[str, tuple[str, ...]] = {
    "linux": ("ALSA", "JACK Audio Connection Kit", "OSS"),
    "win32": ("Windows WASAPI", "Windows DirectSound", "MME", "Windows WDM-KS"),
    "darwin": ("Core Audio",),
}

# ALSA plugin aliases that reach a card already listed (or nothing a person would pick).
_ALSA_ALIASES = frozenset({
    "sysdefault", "dmix", "dsnoop", "front", "surround21", "surround40", "surround41",
    "surround50", "surround51", "surround71", "iec958", "spdif", "lavrate", "samplerate",
    "speexrate", "upmix", "vdownmix", "speex", "oss", "jack", "pipewire", "hdmi",
})

# Rates tried, in order, after the requested one fails.
FALLBACK_RATES_HZ: tuple[int, ...] = (48000, 44100)


@dataclass(frozen=True)
class DeviceRef:
    """How the studio remembers a device between sessions: name plus host API."""

    name: str
    host_api: str


@dataclass(frozen=True)
class AudioDevice:
    index: int
    name: str
    host_api: str
    max_input_channels: int
    max_output_channels: int
    default_rate_hz: float
    is_default_input: bool
    is_default_output: bool

    @property
    def ref(self) -> DeviceRef:
        return DeviceRef(self.name, self.host_api)

    def channels(self, direction: Direction) -> int:
        return self.max_input_channels if direction == "input" else self.max_output_channels


@dataclass(frozen=True)
class ResolvedDevice:
    """The device a stream will use; `fell_back` says the remembered one is gone."""

    device: AudioDevice
    fell_back: bool


class NoDeviceError(RuntimeError):
    """No usable device for the direction asked."""


def _host_api_rank(name: str) -> int:
    preference = _HOST_API_PREFERENCE.get(sys.platform, ())
    return preference.index(name) if name in preference else len(preference)


def portaudio() -> ModuleType:
    """sounddevice, PortAudio started (on the first call: it lists the devices then)."""
    import sounddevice

    return sounddevice


def _same_device(a: str, b: str) -> bool:
    # Windows MME cuts names at 31 characters; the WASAPI entry carries the whole name.
    return a == b or (min(len(a), len(b)) >= 31 and (a.startswith(b) or b.startswith(a)))


def _all_devices() -> list[AudioDevice]:
    sd = portaudio()
    host_apis: Any = sd.query_hostapis()
    default_in, default_out = sd.default.device
    devices: list[AudioDevice] = []
    for raw in sd.query_devices():
        info: dict[str, Any] = dict(raw)
        index = int(info["index"])
        devices.append(AudioDevice(
            index=index,
            name=str(info["name"]),
            host_api=str(host_apis[int(info["hostapi"])]["name"]),
            max_input_channels=int(info["max_input_channels"]),
            max_output_channels=int(info["max_output_channels"]),
            default_rate_hz=float(info["default_samplerate"]),
            is_default_input=index == default_in,
            is_default_output=index == default_out,
        ))
    return devices


def list_devices(direction: Direction) -> list[AudioDevice]:
    """Each device able to go `direction` once, the system default first."""
    candidates = [
        d for d in _all_devices()
        if d.channels(direction) > 0 and not (d.host_api == "ALSA" and d.name in _ALSA_ALIASES)
    ]
    candidates.sort(key=lambda d: _host_api_rank(d.host_api))
    kept: list[AudioDevice] = []
    for device in candidates:
        if not any(_same_device(device.name, other.name) for other in kept):
            kept.append(device)
    is_default = (lambda d: d.is_default_input) if direction == "input" else (
        lambda d: d.is_default_output)
    kept.sort(key=lambda d: (not is_default(d), d.index))
    return kept


def default_device(direction: Direction) -> AudioDevice:
    devices = [d for d in _all_devices() if d.channels(direction) > 0]
    for device in devices:
        if (device.is_default_input if direction == "input" else device.is_default_output):
            return device
    if not devices:
        raise NoDeviceError(f"no {direction} device is available")
    return sorted(devices, key=lambda d: _host_api_rank(d.host_api))[0]


def resolve_device(ref: DeviceRef | str | None, direction: Direction) -> ResolvedDevice:
    """The remembered device if it is still there, else the system default.

    A plain string matches a device name on any host API (the command line's `--device NAME`).
    """
    if ref is None:
        return ResolvedDevice(default_device(direction), fell_back=False)
    devices = [d for d in _all_devices() if d.channels(direction) > 0]
    name, host_api = (ref, None) if isinstance(ref, str) else (ref.name, ref.host_api)
    matches = [d for d in devices if _same_device(d.name, name)
               and (host_api is None or d.host_api == host_api)]
    if not matches and isinstance(ref, str):
        matches = [d for d in devices if name.lower() in d.name.lower()]
    if matches:
        matches.sort(key=lambda d: _host_api_rank(d.host_api))
        return ResolvedDevice(matches[0], fell_back=False)
    return ResolvedDevice(default_device(direction), fell_back=True)


def _rate_works(device: AudioDevice, direction: Direction, rate_hz: float, channels: int) -> bool:
    sd = portaudio()
    check = sd.check_input_settings if direction == "input" else sd.check_output_settings
    try:
        check(device=device.index, samplerate=rate_hz, channels=channels, dtype="float32")
    except Exception:  # PortAudio reports an unsupported rate as a generic error
        return False
    return True


def choose_rate_hz(device: AudioDevice, direction: Direction, requested_hz: float | None,
                   channels: int = 1) -> int:
    """The requested rate if the device takes it, else 48 kHz, 44.1 kHz, then its own default."""
    tried: list[float] = []
    for rate in (requested_hz, *FALLBACK_RATES_HZ, device.default_rate_hz):
        if rate is None or rate in tried:
            continue
        tried.append(rate)
        if _rate_works(device, direction, rate, channels):
            return int(rate)
    raise NoDeviceError(
        f"{device.name} ({device.host_api}) accepts none of the rates "
        + ", ".join(f"{r:g} Hz" for r in tried)
    )


def refresh_devices() -> None:
    """Re-scan devices (PortAudio enumerates only when it starts); no stream may be open."""
    sd = portaudio()
    sd._terminate()
    sd._initialize()
