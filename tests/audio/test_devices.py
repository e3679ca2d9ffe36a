"""Devices as PortAudio sees them through the virtual microphone."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support.pulse import VirtualMic
from voxbooth.audio.devices import DeviceRef, choose_rate_hz, list_devices, resolve_device


def test_each_device_is_listed_once_default_first(vmic: VirtualMic) -> None:
    for direction in ("input", "output"):
        devices = list_devices(direction)
        names = [d.name for d in devices]
        assert len(names) == len(set(names))
        assert devices and (devices[0].is_default_input if direction == "input"
                            else devices[0].is_default_output)
        assert "pulse" in names  # the virtual microphone is reachable
        assert "sysdefault" not in names and "dmix" not in names  # aliases are hidden


def test_a_remembered_device_is_found_again_and_a_gone_one_falls_back(vmic: VirtualMic) -> None:
    pulse = next(d for d in list_devices("input") if d.name == "pulse")
    again = resolve_device(DeviceRef(pulse.name, pulse.host_api), "input")
    assert again.device.index == pulse.index and not again.fell_back
    gone = resolve_device(DeviceRef("USB Microphone (unplugged)", "ALSA"), "input")
    assert gone.fell_back and gone.device.is_default_input


def test_a_refused_rate_falls_back_to_48_khz(vmic: VirtualMic) -> None:
    device = resolve_device(None, "input").device
    assert choose_rate_hz(device, "input", 44100) == 44100
    assert choose_rate_hz(device, "input", 10_000_000) == 48000


def test_voxbooth_devices_prints_both_directions(vmic: VirtualMic) -> None:
    done = subprocess.run([sys.executable, "-m", "voxbooth", "devices"], env=vmic.env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    inputs, outputs = done.stdout.split("output devices:")
    assert "input devices:" in inputs and "pulse  [ALSA]" in inputs
    assert "pulse  [ALSA]" in outputs
    assert inputs.count("pulse  [ALSA]") == 1


@pytest.mark.parametrize("bad", ["take.mp3"])
def test_voxbooth_record_refuses_a_format_it_cannot_stream(bad: str, tmp_path: object) -> None:
    done = subprocess.run([sys.executable, "-m", "voxbooth", "record", f"{tmp_path}/{bad}"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert ".wav or .flac" in done.stderr
