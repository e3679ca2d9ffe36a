"""The price the order panel shows before ordering is what the service then charges: for takes
on either side of the minute boundaries, one or several originals, one to three voices.

The shown price is the service's quote (`POST /api/v2/orders/quote`); what is charged is read
as the change of the account's balance on the service itself, not through the studio. The
service runs no workers, so the conversions stay queued and nothing is refunded meanwhile.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import QItemSelectionModel
from pytestqt.qtbot import QtBot

from tests.studio.helpers import open_new_folder, running_window
from tests.support.server import LiveServer
from voxbooth.studio.assembly import Studio

RATE_HZ = 8000  # one sample is 125 us: past the service's 60 us whisker at a minute boundary

# (take durations in samples, voices ordered): one order each, placed in this order
ORDERS = [
    ([RATE_HZ * 1], 1),
    ([RATE_HZ * 60], 2),  # exactly one minute: one credit per voice
    ([RATE_HZ * 60 + 1], 2),  # one sample over: two
    ([RATE_HZ * 60 - 1, RATE_HZ * 120 + 1], 3),  # two originals in one order
    ([RATE_HZ * 120], 1),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(data_dir=tmp_path_factory.mktemp("price") / "data",
                      extra_env={"VOXBOOTH_JOB_WORKERS": "0"}).start()
    try:
        yield live
    finally:
        live.stop()


def _balance(http: httpx.Client) -> float:
    response = http.get("/api/credits")
    response.raise_for_status()
    return float(response.json()["credits"])


def _take(folder: Path, frames: int) -> Path:
    path = folder / f"take-{frames}.wav"
    t = np.arange(frames) / RATE_HZ
    sf.write(str(path), (0.2 * np.sin(2 * np.pi * 180.0 * t)).astype(np.float32), RATE_HZ,
             subtype="PCM_16")
    return path


def _select(window: Studio, take_ids: list[str]) -> None:
    """The takes picked in the list, as an artist Ctrl-clicking them would."""
    selection = window.takes_view.selectionModel()
    selection.clearSelection()
    for take_id in take_ids:
        index = window.takes_proxy.mapFromSource(window.takes.index_of(take_id))
        selection.select(index, QItemSelectionModel.SelectionFlag.Select
                         | QItemSelectionModel.SelectionFlag.Rows)


def test_the_price_shown_is_the_price_charged(qtbot: QtBot, tmp_path: Path,
                                              server: LiveServer) -> None:
    with running_window(qtbot, tmp_path, server, show=False) as window, \
            server.client() as http:
        qtbot.waitUntil(lambda: window.voices.rowCount() >= 3, timeout=20000)
        folder_id = open_new_folder(window, qtbot, "Prices", "Boundaries")
        backend = window.requests.backend
        assert backend is not None
        ids_of: dict[int, str] = {}
        for frames in sorted({f for takes, _voices in ORDERS for f in takes}):
            ids_of[frames] = backend.upload(_take(tmp_path, frames), folder_id,
                                            label=f"{frames} samples").id
        window.browser.reload_takes()
        qtbot.waitUntil(lambda: window.takes.rowCount() == len(ids_of), timeout=10000)
        voices = window.voices.voices()[:3]
        panel = window.order_panel
        seen: list[tuple[list[int], int, int, float]] = []
        ordered: list[object] = []
        window.orders.ordered.connect(ordered.append)
        for takes, voice_count in ORDERS:
            _select(window, [ids_of[f] for f in takes])
            window.voices_panel.select_voice_ids([v.id for v in voices[:voice_count]])
            qtbot.waitUntil(lambda: panel.cost is not None and panel.balance is not None
                            and panel.submit.isEnabled(), timeout=10000)
            shown = panel.cost
            assert shown is not None
            assert f"· {shown} credit(s)" in panel.cost_label.text()
            before = _balance(http)
            placed = len(ordered)
            panel.submit.click()
            qtbot.waitUntil(lambda: len(ordered) > placed, timeout=20000)  # noqa: B023
            seen.append((takes, voice_count, shown, before - _balance(http)))
        # the rule itself, so that a price and a charge wrong together are caught too
        expected = [sum(max(1, math.ceil(f / RATE_HZ / 60 - 1e-6)) for f in takes) * voices
                    for takes, voices in ORDERS]
        assert [(shown, charged) for _t, _v, shown, charged in seen] == \
            [(e, float(e)) for e in expected], seen
