"""The takes filter's words sent to the service too, so a take is found by what was said in it.

The filter matches labels, voices and notes at once in the list; the service's search
(`GET /api/recordings?q=`) adds the takes whose transcript holds the words. It is asked once
typing pauses (the assembly's delay), in a worker; an answer for words or a folder the artist has
left since is dropped.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from voxbooth.studio.models.filters import TakesFilterProxy
from voxbooth.studio.service.requests import Requests
from voxbooth.studio.service.transcripts import Found, search_takes

#: shorter words match too much to be worth a round trip (the list filters them itself)
SHORTEST_SEARCH = 2
LONGEST_SEARCH = 200  # the service's own bound on `q`


class TakesSearch(QObject):
    """GUI thread; the search runs in a worker."""

    def __init__(self, requests: Requests, proxy: TakesFilterProxy,
                 current_folder: Callable[[], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.requests = requests
        self.proxy = proxy
        self.current_folder = current_folder
        self.asked = 0  # searches sent, for tests and the status line
        self._wanted: tuple[str, str] | None = None  # (folder, words) the latest search is for

    def search(self, text: str) -> None:
        """Filters the list by `text` now and asks the service for what was said."""
        self.proxy.set_text(text)
        self.refresh()

    def refresh(self) -> None:
        """Asks again for the current words (another folder, a take transcribed since)."""
        words = " ".join(self.proxy.text.split())[:LONGEST_SEARCH]
        folder = self.current_folder()
        backend = self.requests.backend
        if len(words) < SHORTEST_SEARCH or not folder or backend is None:
            self._wanted = None
            return
        self._wanted = (folder, words)
        self.asked += 1
        self.requests.run(search_takes, backend, folder, words, on_result=self._found,
                          on_error=lambda _exc: None)

    def _found(self, found: Found) -> None:
        if self._wanted != (found.folder_id, found.text) or found.folder_id != \
                self.current_folder():
            return  # the artist typed on or went elsewhere: a later search answers
        self.proxy.set_found(self.proxy.text, found.take_ids)
