"""Schema migrations: `alembic upgrade head` against the service's database, once however many
processes start together.

The migrations ship inside the package (`voxbooth/server/migrations`), so an installed service
upgrades a user's existing database in place and their data survives. Every process (`serve`,
`worker`, `admin`, `migrate`) calls `upgrade` at start-up; they queue on one lock and the first
does the work while the others find the schema already at head:
- PostgreSQL: a transaction-scoped advisory lock, taken in the transaction that migrates (DDL is
  transactional there, so a process killed mid-way leaves the old schema, not half a new one).
- SQLite: an exclusive `flock` on a file beside the database (the processes share a machine).

A database already at head is told without Alembic: the revision in `alembic_version` is compared
with the heads of the shipped scripts, read from their `revision = ...` lines. Importing Alembic
costs about half a second of every service's start (a third of the embedded service's time to
answer), and only a database that needs migrating needs it.
"""

from __future__ import annotations

import ast
import contextlib
import fcntl
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# pg_advisory_xact_lock key: any fixed 64-bit number, the same in every VoxBooth process
ADVISORY_LOCK_KEY = 0x766F78626F6F7468  # "voxbooth"


# procrastinate's own tables, types and functions (migration 0006_task_engine): not among our
# models, so comparisons of the schema with the models leave them out.
ENGINE_PREFIX = "procrastinate_"


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    """Alembic's `include_name` hook: every object but the task engine's."""
    return not (name or "").startswith(ENGINE_PREFIX)


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@contextlib.contextmanager
def _file_lock(engine: Engine) -> Iterator[None]:
    database = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    lock_path = Path(database).with_name(Path(database).name + ".migrate-lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _advisory_lock(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK_KEY})")


# `revision = "0001_initial"`, `down_revision = None` or a tuple, at the start of a line
_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*([^#\n]*)", re.MULTILINE)


@cache
def script_heads() -> frozenset[str]:
    """The shipped scripts' heads: revisions no other script revises (what Alembic's
    ScriptDirectory answers, read from the files' revision lines alone)."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = {m[1]: m[2] for m in _REVISION_LINE.finditer(script.read_text())}
        if "revision" not in found:
            continue
        revisions.add(ast.literal_eval(found["revision"].strip()))
        down = ast.literal_eval(found.get("down_revision", "None").strip())
        revised.update((down,) if isinstance(down, str) else down or ())
    return frozenset(revisions - revised)


def database_revisions(engine: Engine) -> frozenset[str]:
    """The revisions the database says it is at (empty for a new database)."""
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version"))
            return frozenset(str(row[0]) for row in rows)
    except DBAPIError:  # no alembic_version table: nothing migrated yet
        return frozenset()


def is_at_head(engine: Engine) -> bool:
    return database_revisions(engine) == script_heads()


def upgrade(engine: Engine) -> None:
    """Brings the database to the newest schema (a no-op when it is already there)."""
    if is_at_head(engine):  # a head, once committed, stays: no lock needed to see it
        return
    from alembic import command

    config = alembic_config(str(engine.url.render_as_string(hide_password=False)))
    with _file_lock(engine), engine.begin() as connection:
        _advisory_lock(connection)  # held until this transaction commits
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
