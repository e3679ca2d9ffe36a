"""`voxbooth serve` and `voxbooth admin ...`: run the service, set it up headless."""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

from fastapi import HTTPException

from voxbooth.lifeline import exit_when_gone
from voxbooth.server import migrate
from voxbooth.server.db import make_engine, make_session_factory, session_scope
from voxbooth.server.services import accounts
from voxbooth.server.settings import Settings


def _settings(args: argparse.Namespace, **extra: Any) -> Settings:
    overrides: dict[str, Any] = {k: v for k, v in extra.items() if v is not None}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = Path(args.data_dir)
    return Settings(**overrides)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from voxbooth.server.app import create_app

    settings = _settings(args, host=args.host, port=args.port)
    settings.ensure_dirs()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    print(f"VoxBooth service on http://{settings.host}:{settings.port}  (API docs: /docs)")
    print(f"Data in {settings.data_dir}", flush=True)
    if settings.exit_with_pid:
        # A studio that died without stopping us: shut down as on Ctrl+C (jobs are requeued).
        exit_when_gone(settings.exit_with_pid, lambda: os.kill(os.getpid(), signal.SIGTERM))
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port,
                log_level="info", access_log=False)
    return 0


def _open_db(args: argparse.Namespace) -> Any:
    settings = _settings(args)
    settings.ensure_dirs()
    engine = make_engine(settings.sqlalchemy_url)
    migrate.upgrade(engine)
    return settings, make_session_factory(engine)


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != first:
            raise SystemExit("The passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _create_user(args: argparse.Namespace) -> int:
    settings, factory = _open_db(args)
    password = _read_password()
    try:
        with session_scope(factory) as session:
            user = accounts.create_user(session, args.email, password,
                                        credits=settings.new_user_credits)
            print(f"Created user {user.email} ({user.id})")
    except HTTPException as exc:
        print(f"voxbooth admin create-user: {exc.detail}", file=sys.stderr)
        return 1
    return 0


def _create_api_key(args: argparse.Namespace) -> int:
    _, factory = _open_db(args)
    with session_scope(factory) as session:
        user = accounts.user_by_email(session, args.email)
        if user is None:
            print(f"voxbooth admin create-api-key: no user {args.email}", file=sys.stderr)
            return 1
        # Printed once: only its hash is stored.
        print(accounts.create_api_key(session, user))
    return 0


def _add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", help="where the database and audio live "
                        "(default: the platform's user data folder, or VOXBOOTH_DATA_DIR)")


def register(subparsers: argparse._SubParsersAction) -> None:
    serve = subparsers.add_parser("serve", help="run the VoxBooth service (HTTP API)")
    serve.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default 8765)")
    _add_data_dir(serve)
    serve.set_defaults(func=_serve)

    admin = subparsers.add_parser("admin", help="set up users and API keys headless")
    admin_sub = admin.add_subparsers(dest="admin_command", metavar="ACTION")
    create_user = admin_sub.add_parser(
        "create-user", help="add a user; the password is read from a prompt or stdin"
    )
    create_user.add_argument("email")
    _add_data_dir(create_user)
    create_user.set_defaults(func=_create_user)
    create_key = admin_sub.add_parser(
        "create-api-key", help="make an API key for a user and print it (shown only once)"
    )
    create_key.add_argument("email")
    _add_data_dir(create_key)
    create_key.set_defaults(func=_create_api_key)
