"""`voxbooth` / `voxbooth studio`: opens the studio window."""

from __future__ import annotations

import argparse
import time
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
    started_s = time.perf_counter()
    # the service first, then the window's modules: its start runs beside their import
    from voxbooth.studio.launch import launch_embedded_early, studio_settings

    settings = studio_settings(args.data_dir, args.server)
    launched = settings, launch_embedded_early(settings)
    try:
        from voxbooth.studio.app import run
    except BaseException:
        if launched[1] is not None:
            launched[1].stop()  # never leave the child behind
        raise
    return run(launched=launched, started_s=started_s)
