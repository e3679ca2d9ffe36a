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

    def __reduce__(self) -> tuple[object, ...]:
        # Raised in the audio worker and re-raised in the service: keep the class and the
        # detail as they are (subclasses take other constructor arguments than `args`).
        return (_rebuild, (type(self), self.status, self.detail, dict(self.__dict__)))


def _rebuild(cls: type[AudioRejected], status: int, detail: str,
             state: dict[str, object]) -> AudioRejected:
    exc = cls.__new__(cls)
    AudioRejected.__init__(exc, status, detail)
    exc.__dict__.update(state)
    return exc


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
