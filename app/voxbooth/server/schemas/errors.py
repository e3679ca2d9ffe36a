"""The bodies of error answers, as the service really sends them."""

from __future__ import annotations

from pydantic import BaseModel


class ErrorResponse(BaseModel):
    """Every error but 422: what went wrong, in words."""

    detail: str


class ValidationErrorItem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorResponse(BaseModel):
    """422: one item per invalid field; `loc` is where it is (`["body", "name"]`)."""

    detail: list[ValidationErrorItem]
