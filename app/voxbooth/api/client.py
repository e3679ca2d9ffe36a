"""`VoxBoothClient`: the one door to a VoxBooth service, embedded or remote.

    with VoxBoothClient("http://127.0.0.1:8765", api_key=KEY) as vb:
        project = vb.projects.create("Audiobook")

Every method blocks the calling thread: a GUI calls it from a worker, never the GUI thread.
Calls may run from several worker threads at once (httpx's pool is thread-safe and calls only
read the credentials); `login`, `logout` and setting `api_key` should not race with them.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any

import httpx

from voxbooth.api._http import AuthScheme, HttpCore
from voxbooth.api.config import resolve_connection
from voxbooth.api.errors import VoxBoothError
from voxbooth.api.models import Calibration, LoginSession, Recording
from voxbooth.api.progress import Cancel
from voxbooth.api.resources.accents import Accents
from voxbooth.api.resources.auth import ApiKeys, Auth
from voxbooth.api.resources.calibrations import Calibrations
from voxbooth.api.resources.credits import Credits
from voxbooth.api.resources.folders import Folders
from voxbooth.api.resources.limits import Limits
from voxbooth.api.resources.notes import Notes
from voxbooth.api.resources.orders import Orders
from voxbooth.api.resources.projects import Projects
from voxbooth.api.resources.recordings import Recordings
from voxbooth.api.resources.stats import Stats
from voxbooth.api.resources.tts import Tts
from voxbooth.api.resources.voice_samples import PrivateVoices, VoiceSamples
from voxbooth.api.resources.voices import Voices
from voxbooth.api.retry import RetryPolicy

DEFAULT_TIMEOUT_S = 30.0


class VoxBoothClient:
    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        auth_scheme: AuthScheme = "api-key",
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT_S,
        max_retries: int = 2,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        """`api_key` is sent as `api-key: KEY`, or `Authorization: Bearer KEY` with
        `auth_scheme="bearer"`; without one, call `login()`. `retry` overrides `max_retries`
        with a full policy (delays, and the sleep function)."""
        self._core = HttpCore(
            base_url, api_key=api_key, auth_scheme=auth_scheme, timeout=timeout,
            retry=retry or RetryPolicy(max_retries=max_retries), transport=transport,
        )
        core = self._core
        self.auth = Auth(core)
        self.api_keys = ApiKeys(core)
        self.projects = Projects(core)
        self.folders = Folders(core)
        self.recordings = Recordings(core)
        self.notes = Notes(core)
        self.stats = Stats(core)
        self.credits = Credits(core)
        self.limits = Limits(core)
        self.voices = Voices(core)
        self.orders = Orders(core)
        self.calibrations = Calibrations(core)
        self.tts = Tts(core)
        self.accents = Accents(core)
        self.private_voices = PrivateVoices(core)
        self.voice_samples = VoiceSamples(core)

    @classmethod
    def from_environment(cls, url: str | None = None, api_key: str | None = None,
                         **kwargs: Any) -> VoxBoothClient:
        """URL and key from the arguments, else `VOXBOOTH_URL` / `VOXBOOTH_API_KEY`, else the
        OS keyring (service "voxbooth", username = the server URL)."""
        connection = resolve_connection(url, api_key)
        return cls(connection.url, api_key=connection.api_key, **kwargs)

    @property
    def base_url(self) -> str:
        return self._core.base_url

    @property
    def api_key(self) -> str | None:
        return self._core.api_key

    @api_key.setter
    def api_key(self, key: str | None) -> None:
        self._core.api_key = key

    @property
    def retry(self) -> RetryPolicy:
        return self._core.retry

    def health(self) -> dict[str, Any]:
        """`GET /api/health` (no credentials needed); raises ConnectionFailed/Timeout when the
        service does not answer, ServerError while it is not ready."""
        data = self._core.request_json("GET", "/api/health")
        return data if isinstance(data, dict) else {"status": data}

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A raw call with this client's credentials, retries and errors, for what no
        resource wraps (yet). Keyword arguments: params, json, content, headers, timeout."""
        return self._core.send(method, path, **kwargs)

    # -- sessions and keys ------------------------------------------------------------------
    def login(self, email: str, password: str) -> LoginSession:
        return self.auth.login(email, password)

    def logout(self) -> None:
        self.auth.logout()

    def create_api_key(self, *, use: bool = False) -> str:
        """Generates a key for the account and returns it (shown once); `use=True` switches
        this client to it (a logged-in client then no longer needs its session)."""
        secret = self.api_keys.create().secret
        if not secret:
            raise VoxBoothError("the service returned no key", detail="the service returned no key")
        if use:
            self._core.api_key = secret
        return secret

    def delete_api_key(self) -> None:
        self.api_keys.delete()

    # -- waiting ----------------------------------------------------------------------------
    def wait_for_conversion(self, recording_id: str, *, timeout_s: float = 600.0,
                            poll_s: float = 1.0,
                            on_progress: Callable[[Recording], None] | None = None,
                            cancel: Cancel = None) -> Recording:
        return self.recordings.wait_for_conversion(
            recording_id, timeout_s=timeout_s, poll_s=poll_s,
            on_progress=on_progress, cancel=cancel)

    def wait_for_calibration(self, calibration_id: str, *, timeout_s: float = 300.0,
                             poll_s: float = 1.0,
                             on_progress: Callable[[Calibration], None] | None = None,
                             cancel: Cancel = None) -> Calibration:
        return self.calibrations.wait_for_calibration(
            calibration_id, timeout_s=timeout_s, poll_s=poll_s,
            on_progress=on_progress, cancel=cancel)

    # -- lifetime ---------------------------------------------------------------------------
    def close(self) -> None:
        self._core.close()

    def __enter__(self) -> VoxBoothClient:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"VoxBoothClient({self.base_url!r})"
