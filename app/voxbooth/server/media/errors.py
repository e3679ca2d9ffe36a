"""Why an upload's audio was refused, as an exception the routes turn into `{"detail": ...}`."""

from __future__ import annotations


class AudioRejected(Exception):
    """Audio the service will not keep; `status` and `detail` go to the client as they are."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status}, detail={self.detail!r})"


class UnsupportedAudio(AudioRejected):
    """The bytes are not audio, or audio in a container the service does not take."""

    def __init__(self, found: str) -> None:
        super().__init__(422, f"Unsupported audio format: {found}")
        self.found = found


class UndecodableAudio(AudioRejected):
    """A supported format whose contents cannot be decoded (truncated, corrupt)."""

    def __init__(self, why: str) -> None:
        super().__init__(422, f"Audio could not be decoded: {why}")
        self.why = why


class EmptyAudio(AudioRejected):
    """A well-formed file that holds no audio frames at all."""

    def __init__(self, why: str = "the file holds no audio frames") -> None:
        super().__init__(422, f"Audio is empty: {why}")
