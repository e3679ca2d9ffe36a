"""What a failed call means, for the rest of the studio (which never imports `voxbooth.api`):
the service did not answer, refused, no longer has the thing; and errors in words a user
understands: the service's detail, never a traceback."""

from __future__ import annotations


def user_message(exc: BaseException) -> str:
    message = getattr(exc, "user_message", None)
    if isinstance(message, str) and message:
        return message
    if isinstance(exc, FileNotFoundError):
        return f"File not found: {exc.filename}"
    if isinstance(exc, PermissionError):
        return f"Not allowed to read or write {exc.filename}"
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}"
    return str(exc) or type(exc).__name__


def is_unreachable(exc: BaseException) -> bool:
    """True when the service did not answer at all (down, crashed, wrong address)."""
    try:
        from voxbooth.api.errors import ConnectionFailed, Timeout
    except ImportError:  # pragma: no cover - the client is part of the package
        return isinstance(exc, ConnectionError)
    return isinstance(exc, ConnectionFailed | Timeout | ConnectionError)


def is_cancelled(exc: BaseException) -> bool:
    try:
        from voxbooth.api.errors import Cancelled
    except ImportError:  # pragma: no cover
        return False
    return isinstance(exc, Cancelled)


def is_gone(exc: BaseException) -> bool:
    """The service no longer has it (deleted), or never had it (another server's, since the
    settings changed)."""
    from voxbooth.api.errors import Forbidden, NotFound

    return isinstance(exc, NotFound | Forbidden)


def is_service_error(exc: BaseException) -> bool:
    """Any failure the client reports (refusals, no answer), as opposed to a bug."""
    from voxbooth.api.errors import VoxBoothError

    return isinstance(exc, VoxBoothError)
