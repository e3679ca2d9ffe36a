"""`voxbooth upload`, `order` (or `order --quote`), `download`, `limits`: what users script.

The server URL and API key come from `--url`/`--api-key`, else `VOXBOOTH_URL` /
`VOXBOOTH_API_KEY`, else the OS keyring (service "voxbooth", username = the URL). Results go to
stdout (one id per line, for scripts), progress and errors to stderr.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

from voxbooth.api.client import VoxBoothClient
from voxbooth.api.errors import NotFound, VoxBoothError
from voxbooth.api.models import Recording, Voice
from voxbooth.api.resources.orders import ConversionRequest


def _connection_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", help="server URL (default: $VOXBOOTH_URL)")
    parser.add_argument("--api-key", help="API key (default: $VOXBOOTH_API_KEY, then keyring)")


def _progress_printer(label: str) -> Callable[[int, int], None]:
    last = [-1]

    def report(done_bytes: int, total_bytes: int) -> None:
        percent = int(100 * done_bytes / total_bytes) if total_bytes else 0
        if percent != last[0]:
            last[0] = percent
            end = "\n" if total_bytes and done_bytes >= total_bytes else ""
            print(f"\r{label}: {percent:3d}% of {total_bytes / 1e6:.1f} MB", end=end,
                  file=sys.stderr, flush=True)

    return report


def _client(args: argparse.Namespace) -> VoxBoothClient:
    return VoxBoothClient.from_environment(args.url, args.api_key)


def _run(action: Callable[[VoxBoothClient, argparse.Namespace], int]
         ) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            with _client(args) as client:
                return action(client, args)
        except VoxBoothError as exc:
            print(f"voxbooth {args.command}: {exc.user_message}", file=sys.stderr)
            return 1
        except OSError as exc:  # e.g. the download's target folder does not exist
            print(f"voxbooth {args.command}: {exc.strerror or exc}: {exc.filename or ''}",
                  file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print(f"voxbooth {args.command}: interrupted", file=sys.stderr)
            return 130

    return run


def _upload(client: VoxBoothClient, args: argparse.Namespace) -> int:
    failures = 0
    for file in args.files:
        try:
            take = client.recordings.upload(file, folder_id=args.folder, label=args.label,
                                            on_progress=_progress_printer(Path(file).name))
        except VoxBoothError as exc:
            print(f"\n{file}: {exc.user_message}", file=sys.stderr)
            failures += 1
            continue
        except OSError as exc:  # missing or unreadable file: say so, go on with the others
            print(f"{file}: {exc.strerror or exc}", file=sys.stderr)
            failures += 1
            continue
        print(take.id)
    return 1 if failures else 0


def _voice(client: VoxBoothClient, name_or_id: str) -> Voice:
    try:
        uuid.UUID(name_or_id)
    except ValueError:
        return client.voices.find(name_or_id)
    return _voice_by_id(client, name_or_id)


def _voice_by_id(client: VoxBoothClient, voice_id: str) -> Voice:
    # private (cloned) voices may be listed only when asked for
    for visibility in (None, "private"):
        for voice in client.voices.iter(visibility=visibility):
            if voice.id == voice_id:
                return voice
    raise NotFound(f"no voice {voice_id}", status=404, detail=f"No voice with id {voice_id}")


def _order(client: VoxBoothClient, args: argparse.Namespace) -> int:
    original = client.recordings.get(args.original)
    requests = []
    for name in args.voice:
        voice = _voice(client, name)
        # a TTS original needs a narration style per voice: take the voice's default one
        style = voice.default_narration_style() if original.tts else None
        requests.append(ConversionRequest(
            voice_id=voice.id, semitones_correction=args.semitones,
            narration_style_id=style.id if style else None))
    if args.quote:
        quote = client.orders.quote(args.original, requests)
        verdict = "enough" if quote.enough else "not enough"
        print(f"{quote.credits} credit(s) ({quote.per_voice} per voice); you have "
              f"{quote.balance}: {verdict}")
        return 0 if quote.enough else 1
    conversions = client.orders.create(args.original, requests)
    for conversion in conversions:
        print(conversion.id)
    if not args.wait:
        return 0
    failed = 0
    for conversion in conversions:
        done = client.recordings.wait_for_conversion(
            conversion.id, timeout_s=args.timeout, on_progress=_state_printer)
        failed += done.state != "done"
    return 1 if failed else 0


def _state_printer(recording: Recording) -> None:
    stage = f" ({recording.process_stage})" if recording.process_stage else ""
    print(f"{recording.model_name or recording.id}: {recording.state}{stage}", file=sys.stderr)


def _download(client: VoxBoothClient, args: argparse.Namespace) -> int:
    path = client.recordings.download(args.recording, args.output, format=args.format,
                                      on_progress=_progress_printer(str(args.output)))
    print(path)
    return 0


def _limits(client: VoxBoothClient, args: argparse.Namespace) -> int:
    print(client.limits.get().model_dump_json(indent=2))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    upload = subparsers.add_parser("upload", help="upload audio files as takes into a folder")
    upload.add_argument("files", nargs="+", metavar="FILE")
    upload.add_argument("--folder", required=True, help="ID of the folder to upload into")
    upload.add_argument("--label", help="label for the takes")
    _connection_options(upload)
    upload.set_defaults(func=_run(_upload))

    order = subparsers.add_parser("order", help="convert an original into other voices")
    order.add_argument("original", metavar="ORIGINAL", help="ID of the original recording")
    order.add_argument("--voice", action="append", required=True, metavar="NAME",
                       help="voice name or id (repeat for several voices)")
    order.add_argument("--semitones", type=float, default=None,
                       help="semitones correction added to the voice's pitch")
    order.add_argument("--wait", action="store_true", help="wait until every conversion ends")
    order.add_argument("--timeout", type=float, default=600.0, help="seconds to --wait")
    order.add_argument("--quote", action="store_true",
                       help="only print what the order would cost (exit 1 if not enough)")
    _connection_options(order)
    order.set_defaults(func=_run(_order))

    limits = subparsers.add_parser("limits", help="print the service's limits (JSON)")
    _connection_options(limits)
    limits.set_defaults(func=_run(_limits))

    download = subparsers.add_parser("download", help="save a recording's audio to a file")
    download.add_argument("recording", metavar="ID")
    download.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    download.add_argument("--format", help="audio format (default: WAV)")
    _connection_options(download)
    download.set_defaults(func=_run(_download))
