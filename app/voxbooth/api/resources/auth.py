from __future__ import annotations

from typing import Any

from voxbooth.api.models import ApiKey, LoginSession
from voxbooth.api.resources.base import Resource

# where a server may put the CSRF token: the login answer, else a cookie
_CSRF_COOKIES = ("csrf_token", "voxbooth_csrf", "csrftoken", "XSRF-TOKEN")


class Auth(Resource):
    """Session login (cookie + CSRF token handled for the caller) and logout."""

    def login(self, email: str, password: str) -> LoginSession:
        """Opens a cookie session; later unsafe calls echo the CSRF token automatically.

        The session replaces any API key for this client, so it acts as that user.
        """
        data: Any = self._core.request_json("POST", "/api/login",
                                            json={"email": email, "password": password},
                                            retryable=False)
        session = self._parse(LoginSession, data or {})
        token = session.csrf_token or next(
            (self._core.http.cookies.get(name) for name in _CSRF_COOKIES
             if self._core.http.cookies.get(name)), None)
        session.csrf_token = token
        self._core.csrf_token = token
        self._core.api_key = None
        return session

    def logout(self) -> None:
        try:
            self._core.request_json("POST", "/api/logout", retryable=False)
        finally:
            self._core.csrf_token = None
            self._core.http.cookies.clear()


class ApiKeys(Resource):
    """`/api/api-key`: generate a key for the account, or delete it."""

    def create(self) -> ApiKey:
        """A new key; its secret is in `.secret` and is shown only this once."""
        return self._parse(ApiKey, self._core.request_json("POST", "/api/api-key"))

    def delete(self) -> None:
        """Deletes the key this client authenticates with (or the account's key)."""
        self._core.request_json("DELETE", "/api/api-key")
