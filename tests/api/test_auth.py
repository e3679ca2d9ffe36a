"""Credentials against the real service: keys, bearer, session login with CSRF, keyring."""

from __future__ import annotations

import secrets
from pathlib import Path

import keyring
import pytest
from keyrings.alt.file import PlaintextKeyring

from tests.support.server import LiveServer
from voxbooth.api import (
    Forbidden,
    NotConfigured,
    Unauthorized,
    VoxBoothClient,
    resolve_connection,
)
from voxbooth.api.config import store_api_key


def test_wrong_key_is_unauthorized(live_server: LiveServer) -> None:
    with VoxBoothClient(live_server.url, api_key="vbk_wrong") as vb, \
            pytest.raises(Unauthorized) as caught:
        vb.projects.list()
    assert caught.value.status == 401
    assert caught.value.detail == "Invalid API key"
    assert "credentials" in caught.value.user_message


def test_no_credentials_is_unauthorized(live_server: LiveServer) -> None:
    with VoxBoothClient(live_server.url) as vb, pytest.raises(Unauthorized):
        vb.credits.get()


def test_bearer_scheme_is_accepted(live_server: LiveServer) -> None:
    with VoxBoothClient(live_server.url, api_key=live_server.api_key,
                        auth_scheme="bearer") as vb:
        created = vb.projects.create("Bearer project")
        assert any(p.id == created.id for p in vb.projects.iter())


def test_credits_of_the_local_user(client: VoxBoothClient) -> None:
    assert (client.credits.get().credits or 0) > 0


def test_created_key_works_and_deleting_it_revokes_only_it(live_server: LiveServer,
                                                         client: VoxBoothClient) -> None:
    new_key = client.create_api_key()
    assert new_key and new_key != live_server.api_key
    with VoxBoothClient(live_server.url, api_key=new_key) as other:
        project = other.projects.create("Made with the new key")
        other.delete_api_key()
        with pytest.raises(Unauthorized):
            other.projects.list()
    # the key the client started with still works, and sees what the new key made
    assert any(p.id == project.id for p in client.projects.iter())


@pytest.fixture(scope="module")
def artist(live_server: LiveServer) -> tuple[str, str]:
    email, password = f"artist-{secrets.token_hex(4)}@example.com", secrets.token_urlsafe(12)
    live_server.admin("create-user", email, stdin=password + "\n")
    return email, password


def test_session_login_sends_csrf_on_unsafe_calls(live_server: LiveServer,
                                                  artist: tuple[str, str]) -> None:
    email, password = artist
    with VoxBoothClient(live_server.url) as vb:
        session = vb.login(email, password)
        assert session.csrf_token and session.email == email
        project = vb.projects.create("Session project")  # a POST: needs the CSRF token
        renamed = vb.projects.rename(project.id, "Renamed in session")
        assert renamed.name == "Renamed in session"
        assert [p.id for p in vb.projects.iter()] == [project.id]  # only this user's
        vb.projects.delete(project.id)
        vb.logout()
        with pytest.raises(Unauthorized):
            vb.projects.list()


def test_login_then_switch_to_a_key_of_ones_own(live_server: LiveServer,
                                                artist: tuple[str, str]) -> None:
    """What the studio's settings do: log in once, keep a key instead of the password."""
    with VoxBoothClient(live_server.url) as vb:
        vb.login(*artist)
        key = vb.create_api_key(use=True)
        vb.logout()  # the session ends; the key goes on working
        assert vb.api_key == key
        assert vb.projects.create("With my key").name == "With my key"


def test_session_without_the_csrf_token_is_forbidden(live_server: LiveServer,
                                                     artist: tuple[str, str]) -> None:
    with VoxBoothClient(live_server.url) as vb:
        vb.login(*artist)
        vb._core.csrf_token = "not-the-token"  # what a forged cross-site request would send
        with pytest.raises(Forbidden) as caught:
            vb.projects.create("Forged")
        assert caught.value.status == 403
        assert "X-Csrf-Token" in caught.value.user_message
        vb._core.csrf_token = None  # reads need no token
        assert "Forged" not in {p.name for p in vb.projects.iter()}


def test_wrong_password_is_unauthorized(live_server: LiveServer,
                                        artist: tuple[str, str]) -> None:
    with VoxBoothClient(live_server.url) as vb, pytest.raises(Unauthorized):
        vb.login(artist[0], "not the password")


def test_key_from_the_keyring(live_server: LiveServer, tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring.cfg")  # type: ignore[misc]
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    monkeypatch.delenv("VOXBOOTH_API_KEY", raising=False)
    monkeypatch.setenv("VOXBOOTH_URL", live_server.url + "/")
    try:
        store_api_key(live_server.url, live_server.api_key)
        assert backend.get_password("voxbooth", live_server.url) == live_server.api_key
        with VoxBoothClient.from_environment() as vb:
            assert vb.api_key == live_server.api_key
            assert vb.credits.get().credits is not None
        # the environment wins over the keyring, an argument over both
        monkeypatch.setenv("VOXBOOTH_API_KEY", "from-env")
        assert resolve_connection().api_key == "from-env"
        assert resolve_connection(api_key="from-arg").api_key == "from-arg"
    finally:
        keyring.set_keyring(previous)


def test_no_url_anywhere_is_not_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VOXBOOTH_URL", raising=False)
    with pytest.raises(NotConfigured) as caught:
        VoxBoothClient.from_environment()
    assert "VOXBOOTH_URL" in caught.value.user_message


def test_health_needs_no_credentials(live_server: LiveServer) -> None:
    with VoxBoothClient(live_server.url) as vb:
        assert vb.health()["status"] == "ok"
