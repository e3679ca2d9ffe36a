"""The `voxbooth` command.

Each layer registers its own sub-commands in a `cli` module of its own, imported only when the
command line names it, so `voxbooth record` never loads Qt and `voxbooth` (the studio) never loads
the server.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# sub-command -> module with `register(subparsers)`; the module's parser sets `func`.
_COMMANDS: dict[str, str] = {
    "studio": "voxbooth.studio.cli",
    "serve": "voxbooth.server.cli",
    "admin": "voxbooth.server.cli",
    "worker": "voxbooth.server.cli",
    "migrate": "voxbooth.server.cli",
    "devices": "voxbooth.audio.cli",
    "record": "voxbooth.audio.cli",
    "convert": "voxbooth.engine.cli",
    "upload": "voxbooth.api.cli",
    "order": "voxbooth.api.cli",
    "download": "voxbooth.api.cli",
}


def build_parser(command: str | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="voxbooth",
        description="VoxBooth studio. With no command, opens the studio window.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = [_COMMANDS[command]] if command in _COMMANDS else sorted(set(_COMMANDS.values()))
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:  # a layer not installed: its commands are simply absent
            if command in _COMMANDS:
                raise SystemExit(f"voxbooth {command}: cannot load {name}: {exc}") from exc
            continue
        module.register(sub)
    return parser


def with_command(argv: Sequence[str]) -> list[str]:
    """`argv` with the studio named when no command comes first (`voxbooth --data-dir D`)."""
    args = list(argv)
    if args and not args[0].startswith("-"):
        return args
    if any(a in ("-h", "--help") for a in args):
        return args
    return ["studio", *args]


def main(argv: Sequence[str] | None = None) -> int:
    args_list = with_command(sys.argv[1:] if argv is None else argv)
    parser = build_parser(args_list[0] if args_list and args_list[0] in _COMMANDS else None)
    args = parser.parse_args(args_list)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return int(args.func(args) or 0)
