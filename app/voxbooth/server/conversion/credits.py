"""What a conversion costs and how it is charged: one credit per started minute, per voice.

Charges are entries in the credits ledger tied to the conversion (`recording_id`), written in the
same transaction as the conversion rows and their jobs; the balance is checked after the debits
are written. Every path that charges or refunds first locks the user's row (`lock_account`,
before any insert: see `voxbooth.server.locks`), so two orders racing for the last credits
queue one behind the other and the second sees the first's debits: a 201 and a 402, never a
deadlock. On SQLite the first write of the transaction serialises it the same way.
"""

from __future__ import annotations

import math

from fastapi import HTTPException
from sqlalchemy import Delete, event, func, select, true
from sqlalchemy.orm import ORMExecuteState, Session

from voxbooth.server.locks import lock_user
from voxbooth.server.models import CreditEntry, Folder, Job, Project, Recording
from voxbooth.server.services import accounts

CHARGE_REASON = "conversion"
REFUND_REASON = "conversion refund"


def conversion_cost(duration_s: float) -> int:
    """Credits for converting `duration_s` of audio into one voice (at least one)."""
    # A whisker of tolerance (a millionth of a minute, 60 us: two samples at 48 kHz), so float
    # rounding and a sample or two of encoder padding never make a one-minute take cost two.
    # `POST /api/v2/orders/quote` prices with this function too: it is the one rule.
    return max(1, math.ceil(max(duration_s, 0.0) / 60.0 - 1e-6))


def lock_account(session: Session, user_id: str) -> None:
    """Call before the first insert of a transaction that charges or refunds `user_id`."""
    lock_user(session, user_id)


def charge(session: Session, user_id: str, recording_id: str, credits: int) -> None:
    lock_account(session, user_id)  # a no-op when already held by this transaction
    accounts.add_credits(session, user_id, -credits, CHARGE_REASON, recording_id)


def require_balance(session: Session, user_id: str, charged: int) -> None:
    """After the debits are flushed: refuses the order (402) when the balance went negative."""
    session.flush()
    balance = accounts.credit_balance(session, user_id)
    if balance < 0:
        raise HTTPException(
            status_code=402,
            detail=f"Not enough credits: this order costs {charged} credit(s) and you have "
                   f"{balance + charged} (one credit per started minute, per voice)")


def net_charged(session: Session, recording_id: str) -> int:
    """Credits currently spent on a conversion (charges minus refunds)."""
    total = session.scalar(select(func.coalesce(func.sum(CreditEntry.delta), 0))
                           .where(CreditEntry.recording_id == recording_id))
    return -int(total or 0)


def refund(session: Session, user_id: str, recording_id: str) -> int:
    """Gives back what a failed or cancelled conversion cost; idempotent (the account's lock
    makes a racing refund of the same conversion see this one). Returns credits."""
    lock_account(session, user_id)
    spent = net_charged(session, recording_id)
    if spent > 0:
        accounts.add_credits(session, user_id, spent, REFUND_REASON, recording_id)
    return max(spent, 0)


def refund_deleted_unfinished(session: Session, user_id: str) -> int:
    """Safety net: refunds removed conversions whose jobs never finished (a delete that no hook
    saw); the cancelled job tells a removed unfinished conversion from a finished one."""
    owed = session.execute(
        select(CreditEntry.recording_id)
        .outerjoin(Recording, Recording.id == CreditEntry.recording_id)
        .where(CreditEntry.user_id == user_id, CreditEntry.recording_id.is_not(None),
               Recording.id.is_(None))
        .group_by(CreditEntry.recording_id).having(func.sum(CreditEntry.delta) < 0)
    ).scalars().all()
    refunded = 0
    for recording_id in owed:
        states = set(session.scalars(select(Job.state).where(
            Job.kind == "convert", Job.subject_id == recording_id)))
        if recording_id is not None and states and states <= {"cancelled", "failed"}:
            refunded += refund(session, user_id, recording_id)
    return refunded


def _refund_on_delete(session: Session, _context: object, _instances: object) -> None:
    # A conversion deleted before it was made is given back in the deleting transaction.
    with session.no_autoflush:
        for obj in list(session.deleted):
            if isinstance(obj, Recording) and obj.type == "conversion" \
                    and obj.state in ("new", "processing"):
                refund(session, obj.owner_id, obj.id)


def _refund_on_bulk_delete(state: ORMExecuteState) -> None:
    """Folder and project deletes are single statements (their takes go by cascade): the
    unfinished conversions they remove are refunded in the same transaction, just before."""
    statement = state.statement
    if not state.is_delete or not isinstance(statement, Delete):
        return
    where = statement.whereclause if statement.whereclause is not None else true()
    table = getattr(statement.table, "name", "")  # an annotated Table: compare names
    if table == Recording.__tablename__:
        removed = Recording.id.in_(select(Recording.id).where(where))
    elif table == Folder.__tablename__:
        removed = Recording.parent_folder_id.in_(select(Folder.id).where(where))
    elif table == Project.__tablename__:
        removed = Recording.project_id.in_(select(Project.id).where(where))
    else:
        return
    with state.session.no_autoflush:
        doomed = state.session.execute(select(Recording.id, Recording.owner_id).where(
            removed, Recording.type == "conversion",
            Recording.state.in_(("new", "processing")))).all()
        for recording_id, owner_id in doomed:
            refund(state.session, owner_id, recording_id)


def install_refund_on_delete() -> None:
    if not event.contains(Session, "before_flush", _refund_on_delete):
        event.listen(Session, "before_flush", _refund_on_delete)
    if not event.contains(Session, "do_orm_execute", _refund_on_bulk_delete):
        event.listen(Session, "do_orm_execute", _refund_on_bulk_delete)
