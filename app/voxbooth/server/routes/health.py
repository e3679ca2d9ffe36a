from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["health"])


@router.get("/api/health")
async def health() -> dict[str, str]:
    """Answers without credentials once the service is ready (database migrated, workers up).

    On the event loop and touching no database or disk, so it answers at once however busy
    the request threads and the database pool are."""
    return {"status": "ok"}
