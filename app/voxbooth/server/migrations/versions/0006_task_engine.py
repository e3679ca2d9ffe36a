"""procrastinate's tables and functions, on PostgreSQL only: its workers run the jobs there.

The schema is the one shipped inside the installed procrastinate (pinned to 3.10.x in
pyproject.toml). It is applied here, by Alembic, rather than by `procrastinate schema --apply`,
so it runs under the migration's advisory lock and in its transaction: N processes starting on a
fresh database apply it exactly once, and a process killed half-way leaves no half a schema.
A procrastinate upgrade that brings migrations (its `sql/migrations/*.sql`) needs a revision of
ours applying those files. SQLite has no task engine (its in-process runner needs none).

Revision ID: 0006_task_engine
Revises: 0004_login_limits
"""

from __future__ import annotations

from alembic import op

revision = "0006_task_engine"
down_revision = "0004_login_limits"
branch_labels = None
depends_on = None


def _driver_connection() -> object | None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return None
    # The DBAPI connection of the migration's own transaction: psycopg runs a parameterless
    # script with many statements (and `%` in its messages) as it is.
    return bind.connection.driver_connection


def upgrade() -> None:
    connection = _driver_connection()
    if connection is None:
        return
    from procrastinate.schema import SchemaManager

    connection.execute(SchemaManager.get_schema())  # type: ignore[attr-defined]


def downgrade() -> None:
    connection = _driver_connection()
    if connection is None:
        return
    connection.execute(  # type: ignore[attr-defined]
        """
        DO $$
        DECLARE item record;
        BEGIN
            FOR item IN SELECT p.oid::regprocedure AS signature FROM pg_proc p
                        JOIN pg_namespace n ON n.oid = p.pronamespace
                        WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate%'
            LOOP
                EXECUTE 'DROP FUNCTION IF EXISTS ' || item.signature || ' CASCADE';
            END LOOP;
        END $$;
        DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers,
            procrastinate_jobs, procrastinate_workers CASCADE;
        DROP TYPE IF EXISTS procrastinate_job_to_defer_v1, procrastinate_job_event_type,
            procrastinate_job_status CASCADE;
        """
    )
