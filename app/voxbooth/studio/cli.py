"""`voxbooth` / `voxbooth studio`: opens the studio window."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "studio", help="open the studio window (the default command)",
        description="Opens the VoxBooth studio. By default it starts its own service on this "
                    "computer; --server points it at a remote one (API key from the keyring).")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="where the embedded service keeps its data (remembered)")
    parser.add_argument("--server", default="",
                        help="URL of a remote VoxBooth server to use instead (remembered)")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from voxbooth.studio.app import run

    return run(data_dir=args.data_dir, server_url=args.server)
