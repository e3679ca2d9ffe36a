from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from voxbooth.api.models import Quote, Recording
from voxbooth.api.models.base import VoxModel
from voxbooth.api.resources.base import Resource


class ConversionRequest(VoxModel):
    """One voice to convert an original into (an item of the order's `conversions`)."""

    voice_id: str
    narration_style_id: str | None = None  # required for TTS originals
    accent_id: str | None = None
    semitones_correction: float | None = None
    label: str | None = None


def _as_request(item: str | ConversionRequest | dict[str, Any]) -> dict[str, Any]:
    if isinstance(item, str):
        return {"voice_id": item}
    if isinstance(item, BaseModel):
        return item.model_dump(exclude_none=True)
    return {k: v for k, v in item.items() if v is not None}


def _order_body(original_id: str,
                conversions: Sequence[str | ConversionRequest | dict[str, Any]],
                calibration_id: str | None, use_calibration: bool | None) -> dict[str, Any]:
    body: dict[str, Any] = {"original_id": original_id,
                            "conversions": [_as_request(c) for c in conversions]}
    if calibration_id is not None:
        body["calibration_id"] = calibration_id
        if use_calibration is None:
            use_calibration = True
    if use_calibration is not None:
        body["use_calibration"] = use_calibration
    return body


class Orders(Resource):
    """`/api/v2/orders`: convert an original into other voices."""

    def create(
        self,
        original_id: str,
        conversions: Sequence[str | ConversionRequest | dict[str, Any]],
        *,
        calibration_id: str | None = None,
        use_calibration: bool | None = None,
        noise_reduction: bool = False,
        idempotency_key: str | None = None,
    ) -> list[Recording]:
        """Orders one conversion per item (a voice id, or a `ConversionRequest`).

        A `calibration_id` is used when `use_calibration` is true, which is what naming one
        implies unless `use_calibration=False` is passed; otherwise the account's enabled
        calibration applies (seed 002).

        `noise_reduction=True` converts a copy of the original cleaned of background noise.

        Returns the new conversion recordings (state `new`); wait for them with
        `client.recordings.wait_for_conversion`. Sent with an Idempotency-Key
        (`idempotency_key`, else a fresh one), so a retry after a lost answer is answered with
        the same conversions and charged once.
        """
        body = _order_body(original_id, conversions, calibration_id, use_calibration)
        if noise_reduction:
            body["noise_reduction"] = True
        data = self._post("/api/v2/orders", body, idempotency_key=idempotency_key)
        return self._conversions_from(data)

    def quote(
        self,
        original_id: str,
        conversions: Sequence[str | ConversionRequest | dict[str, Any]],
        *,
        calibration_id: str | None = None,
        use_calibration: bool | None = None,
    ) -> Quote:
        """What `create` with the same arguments would charge, priced by the service's own
        rule (`POST /api/v2/orders/quote`); nothing is queued or charged. Refusals are those
        `create` would meet (NotFound, Conflict, Unprocessable), except for the balance:
        `Quote.enough` says whether it covers the order."""
        body = _order_body(original_id, conversions, calibration_id, use_calibration)
        data = self._core.request_json("POST", "/api/v2/orders/quote", json=body,
                                       retryable=True)
        return self._parse(Quote, data)

    def retry(self, recording_id: str, *, idempotency_key: str | None = None
              ) -> list[Recording]:
        """Re-queues a failed conversion (charged again, once however often it is sent)."""
        data = self._post(f"/api/v2/orders/retry/{recording_id}",
                          idempotency_key=idempotency_key)
        return self._conversions_from(data)

    def _conversions_from(self, data: Any) -> list[Recording]:
        # the seed does not show the answer: accept a list, an envelope, or one recording
        if isinstance(data, dict):
            for key in ("conversions", "recordings", "list"):
                if isinstance(data.get(key), list):
                    return self._parse_list(Recording, data[key])
            if "id" in data:
                return [self._parse(Recording, data)]
        return self._parse_list(Recording, data or [])
