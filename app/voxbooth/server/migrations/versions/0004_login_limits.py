"""Failed-login counters per account and per client address (rate limits on POST /api/login).

Revision ID: 0004_login_limits
Revises: 0003_job_leases
Create Date: 2026-12-01 19:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_login_limits"
down_revision = "0003_job_leases"  # the chain: 0001, 0002, 0005, 0003, 0004 (order of landing)
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_limits",
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("subject_hash", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("scope", "subject_hash", name=op.f("pk_login_limits")),
    )


def downgrade() -> None:
    op.drop_table("login_limits")
