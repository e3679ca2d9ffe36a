"""`voxbooth devices` and `voxbooth record`: the audio engine without the studio."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import get_args

from voxbooth.audio.take_file import Subtype, TakeFormat


def register(subparsers: argparse._SubParsersAction) -> None:
    devices = subparsers.add_parser("devices", help="list audio input and output devices")
    devices.set_defaults(func=run_devices)

    record = subparsers.add_parser(
        "record", help="record a take from the microphone, headless",
        description="Record to OUT (.wav or .flac) until --seconds pass or Ctrl-C; the file is "
                    "written as it is recorded and survives a crash (repaired on the next run).")
    record.add_argument("out", type=Path, metavar="OUT")
    record.add_argument("--seconds", type=float, default=None,
                        help="stop after this many seconds (default: until Ctrl-C)")
    record.add_argument("--device", default=None, help="input device name (default: system's)")
    record.add_argument("--rate", type=int, default=48000, help="sample rate in Hz")
    record.add_argument("--channels", type=int, default=1)
    record.add_argument("--subtype", choices=get_args(Subtype), default=None,
                        help="sample format (default FLOAT for WAV, PCM_24 for FLAC)")
    record.set_defaults(func=run_record)


def run_devices(args: argparse.Namespace) -> int:
    from voxbooth.audio.devices import list_devices

    for direction in ("input", "output"):
        print(f"{direction} devices:")
        found = list_devices(direction)
        if not found:
            print("  (none)")
        for device in found:
            mark = "*" if device.is_default_input or device.is_default_output else " "
            print(f" {mark} {device.name}  [{device.host_api}]  "
                  f"{device.channels(direction)} ch, {device.default_rate_hz:g} Hz")
    return 0


def _report_recovered(folder: Path) -> None:
    from voxbooth.audio.recovery import recover_folder

    for take in recover_folder(folder):
        print(f"recovered an interrupted take: {take.path} ({take.duration_s:.2f} s)")


def run_record(args: argparse.Namespace) -> int:
    from voxbooth.audio.recorder import Recorder

    out: Path = args.out
    try:
        take_format = TakeFormat.for_path(out, args.subtype)
    except ValueError as exc:
        print(f"voxbooth record: {exc}", file=sys.stderr)
        return 2
    out.parent.mkdir(parents=True, exist_ok=True)
    _report_recovered(out.parent)
    recorder = Recorder(out, device=args.device, rate_hz=args.rate, channels=args.channels,
                        take_format=take_format)
    if recorder.capture.device_fell_back:
        print(f"device {args.device!r} not found: using {recorder.capture.device.name}")
    rate_note = "" if recorder.capture.rate_hz == args.rate else f" ({args.rate} Hz refused)"
    done = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    recorder.start()
    device = recorder.capture.device
    print(f"recording {out} from {device.name} [{device.host_api}] at "
          f"{recorder.capture.rate_hz} Hz{rate_note}", flush=True)
    while not done.wait(0.1):
        status = recorder.status()
        print(f"\r{status.duration_s:7.2f} s  overflows {status.overflow_count}",
              end="", file=sys.stderr, flush=True)
        if status.error or not status.recording:
            break
        if args.seconds is not None and status.duration_s >= args.seconds:
            break
    result = recorder.stop()
    print(file=sys.stderr)
    return _print_summary(result)


def _print_summary(result: object) -> int:
    from voxbooth.audio.files import track_file_pitch
    from voxbooth.audio.recorder import TakeResult
    from voxbooth.dsp.pitch import summarise_pitch

    assert isinstance(result, TakeResult)
    print(f"duration {result.duration_s:.2f} s, overflows {result.overflow_count}, "
          f"dropped frames {result.frames_dropped}")
    if result.error:
        print(f"error: {result.error} (what was recorded is kept)")
    if result.frames:
        print(f"pitch: {summarise_pitch(track_file_pitch(result.path)).describe()}")
    return 1 if result.error else 0
