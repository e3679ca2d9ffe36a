from __future__ import annotations

from pydantic import BaseModel, Field


class LoginRequest(BaseModel):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1024)


class LoginPublic(BaseModel):
    user_id: str
    email: str
    csrf_token: str
    expires_at: str


class ApiKeyPublic(BaseModel):
    api_key: str
    detail: str = "Keep this key: it is shown only once."


class CreditsPublic(BaseModel):
    credits: int
