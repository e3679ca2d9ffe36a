"""Jobs carry a lease: which worker runs a job and until when, so a killed worker's job is taken
over once its lease lapses and a late-starting worker never takes a live one.

Revision ID: 0003_job_leases
Revises: 0005_transcripts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_job_leases"
down_revision = "0005_transcripts"  # re-linked after main's 0002 and 0005 at the merges
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_owner", sa.String(length=96), nullable=True))
        batch_op.add_column(sa.Column("lease_expires_at", sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.create_index("ix_jobs_state_lease", ["state", "lease_expires_at"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_jobs_state_lease")
        batch_op.drop_column("lease_expires_at")
        batch_op.drop_column("lease_owner")
