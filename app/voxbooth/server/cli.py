"""`voxbooth serve`, `worker`, `migrate` and `admin ...`: run the service, its workers, set it up.

All of them find the database in `--database-url`, else `VOXBOOTH_DATABASE_URL`, else SQLite in
the data dir. `admin` and `worker` never create that SQLite file themselves: a typo in a data dir
or a missing URL on a team server would otherwise make an empty database nobody uses.
"""

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

_LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def _settings(args: argparse.Namespace, **extra: Any) -> Settings:
    overrides: dict[str, Any] = {k: v for k, v in extra.items() if v is not None}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = Path(args.data_dir)
    if getattr(args, "database_url", None):
        overrides["database_url"] = args.database_url
    return Settings(**overrides)


def _require_existing_database(settings: Settings, command: str) -> None:
    """Refuses to make a new SQLite file where the user most likely meant another database."""
    if settings.database_url:
        return
    path = settings.data_dir / "voxbooth.sqlite3"
    if not path.exists():
        raise SystemExit(
            f"voxbooth {command}: no database at {path}. Pass --database-url (or set "
            "VOXBOOTH_DATABASE_URL) to reach a server's database, or --data-dir for the data "
            "dir a `voxbooth serve` uses; `voxbooth migrate --data-dir DIR` creates a new one.")


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from voxbooth.server.app import create_app

    settings = _settings(args, host=args.host, port=args.port)
    settings.ensure_dirs()
    logging.basicConfig(level=logging.INFO, format=_LOG_FORMAT)
    print(f"VoxBooth service on http://{settings.host}:{settings.port}  (API docs: /docs)")
    print(f"Data in {settings.data_dir}" + ("; conversions run by `voxbooth worker`"
                                           if args.no_workers else ""), flush=True)
    if settings.exit_with_pid:
        # A studio that died without stopping us: shut down as on Ctrl+C (jobs are requeued).
        exit_when_gone(settings.exit_with_pid, lambda: os.kill(os.getpid(), signal.SIGTERM))
    uvicorn.run(create_app(settings, no_workers=args.no_workers), host=settings.host,
                port=settings.port, log_level="info", access_log=False)
    return 0


def _worker(args: argparse.Namespace) -> int:
    """Runs job workers until SIGTERM/SIGINT; the jobs they hold go back to the queue."""
    from voxbooth.server.runtime import open_runtime

    settings = _settings(args)
    _require_existing_database(settings, "worker")
    logging.basicConfig(level=logging.INFO, format=_LOG_FORMAT)
    workers = args.threads if args.threads is not None else settings.job_workers
    runtime = open_runtime(settings, workers=max(1, workers))
    stop = runtime.runner.stop

    def _on_signal(_signum: int, _frame: object) -> None:
        stop()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    runtime.runner.start()
    print(f"VoxBooth worker {runtime.runner.owner}: {max(1, workers)} thread(s) on "
          f"{runtime.runner.engine_name}", flush=True)
    try:
        runtime.runner.wait()
    finally:
        runtime.close()
    return 0


def _migrate(args: argparse.Namespace) -> int:
    settings = _settings(args)
    settings.ensure_dirs()
    engine = make_engine(settings.sqlalchemy_url)
    migrate.upgrade(engine)
    engine.dispose()
    print(f"Database at the newest schema: {engine.url.render_as_string(hide_password=True)}")
    return 0


def _open_db(args: argparse.Namespace) -> Any:
    settings = _settings(args)
    _require_existing_database(settings, "admin")
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


def _add_place(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", help="where the database and audio live "
                        "(default: the platform's user data folder, or VOXBOOTH_DATA_DIR)")
    parser.add_argument("--database-url", help="SQLAlchemy URL of the database, e.g. "
                        "postgresql+psycopg://voxbooth@db/voxbooth (default: "
                        "VOXBOOTH_DATABASE_URL, else SQLite in the data dir)")


def register(subparsers: argparse._SubParsersAction) -> None:
    serve = subparsers.add_parser("serve", help="run the VoxBooth service (HTTP API)")
    serve.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default 8765)")
    serve.add_argument("--no-workers", action="store_true",
                       help="answer the API only; `voxbooth worker` processes run the jobs")
    _add_place(serve)
    serve.set_defaults(func=_serve)

    worker = subparsers.add_parser(
        "worker", help="run conversion and other job workers against a service's database")
    worker.add_argument("--threads", type=int, default=None,
                        help="jobs run at once by this process (default VOXBOOTH_JOB_WORKERS, 2)")
    _add_place(worker)
    worker.set_defaults(func=_worker)

    migrate_cmd = subparsers.add_parser(
        "migrate", help="bring the database to the newest schema (creates it when new)")
    _add_place(migrate_cmd)
    migrate_cmd.set_defaults(func=_migrate)

    admin = subparsers.add_parser("admin", help="set up users and API keys headless")
    admin_sub = admin.add_subparsers(dest="admin_command", metavar="ACTION")
    create_user = admin_sub.add_parser(
        "create-user", help="add a user; the password is read from a prompt or stdin"
    )
    create_user.add_argument("email")
    _add_place(create_user)
    create_user.set_defaults(func=_create_user)
    create_key = admin_sub.add_parser(
        "create-api-key", help="make an API key for a user and print it (shown only once)"
    )
    create_key.add_argument("email")
    _add_place(create_key)
    create_key.set_defaults(func=_create_api_key)
