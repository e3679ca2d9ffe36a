from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["health"])


@router.get("/api/health")
def health() -> dict[str, str]:
    """Answers without credentials once the service is ready (database migrated, workers up)."""
    return {"status": "ok"}
