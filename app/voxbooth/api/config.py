"""Where the server URL and API key come from: arguments, environment, then the OS keyring.

The keyring entry is service "voxbooth", username = the server URL (the studio's settings
dialog stores it there), so one machine can hold keys for several servers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from voxbooth.api.errors import VoxBoothError

KEYRING_SERVICE = "voxbooth"
URL_ENV = "VOXBOOTH_URL"
KEY_ENV = "VOXBOOTH_API_KEY"


class NotConfigured(VoxBoothError):
    summary = "VoxBooth is not configured"


@dataclass(frozen=True)
class Connection:
    url: str
    api_key: str | None


def keyring_api_key(url: str) -> str | None:
    """The key stored for `url` (with or without a trailing slash), or None."""
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:  # keyring is optional for scripts on a server
        return None
    for name in dict.fromkeys((url, url.rstrip("/"), url.rstrip("/") + "/")):
        try:
            secret = keyring.get_password(KEYRING_SERVICE, name)
        except (KeyringError, RuntimeError):  # no usable backend on a headless machine
            return None
        if secret:
            return secret
    return None


def store_api_key(url: str, api_key: str) -> None:
    import keyring

    keyring.set_password(KEYRING_SERVICE, url.rstrip("/"), api_key)


def resolve_connection(url: str | None = None, api_key: str | None = None) -> Connection:
    resolved_url = url or os.environ.get(URL_ENV)
    if not resolved_url:
        raise NotConfigured(
            "no server URL",
            detail=f"no server URL: pass --url or set {URL_ENV}",
        )
    key = api_key or os.environ.get(KEY_ENV) or keyring_api_key(resolved_url)
    return Connection(resolved_url.rstrip("/"), key)
