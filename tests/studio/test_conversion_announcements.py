"""A finished conversion is announced wherever the artist is: against the real service, a
conversion ordered in one folder is announced (status bar and toast, no modal box) while another
project's folder is on screen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.studio.helpers import open_new_folder, running_window
from tests.support.server import LiveServer
from voxbooth.studio.assembly import Studio
from voxbooth.studio.controllers.followed import FollowedConversions
from voxbooth.studio.entities import TakeInfo

CONVERTED_WITHIN_MS = 240_000  # as the audition tests allow a conversion on a busy machine


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, live_server: LiveServer) -> Iterator[Studio]:
    with running_window(qtbot, tmp_path, live_server) as w:
        yield w


def announcement(window: Studio) -> str:
    """A conversion's end as said in the status bar and in the toast over the takes list."""
    text = window.window.statusBar().currentMessage()
    ended = text.startswith(("Conversion ready", "Conversion failed"))
    toast = window.window.toast
    return text if ended and toast is not None and toast.isVisible() and toast.text() == text \
        else ""


def test_each_take_is_announced_once_when_it_becomes_final() -> None:
    followed = FollowedConversions()
    busy = TakeInfo(id="c1", label="line (Ada)", kind="conversion", original_id="o",
                    state="processing")
    followed.follow([busy, TakeInfo(id="c2", label="done already", kind="conversion",
                                    original_id="o", state="done")])
    assert followed.ids() == ["c1"]
    assert followed.settle(TakeInfo(id="c1", label="line (Ada)", state="processing")) is None
    done = TakeInfo(id="c1", label="line (Ada)", kind="conversion", state="done")
    assert followed.settle(done) == done
    assert followed.settle(done) is None and len(followed) == 0


def test_a_round_asks_about_a_bounded_batch_and_in_time_about_every_take() -> None:
    """Hundreds of conversions in flight: each poll asks about at most a batch (the running
    ones, the next in the queue), and every take still comes up within a bounded number of
    rounds, a deleted one leaving the rotation."""
    takes = [TakeInfo(id=f"c{i}", label=f"line {i}", kind="conversion", original_id="o",
                      state="new" if i % 3 else "queued") for i in range(600)]
    running = [TakeInfo(id=f"r{i}", label="running", kind="conversion", original_id="o",
                        state="processing") for i in range(3)]
    followed = FollowedConversions()
    followed.follow(takes[:300] + running + takes[300:])  # in the order they were ordered
    first = followed.next_ids(24)
    assert len(first) == 24 and len(set(first)) == 24
    assert {t.id for t in running} <= set(first)  # what moves is asked about at every round
    assert {t.id for t in takes[:24 - 3 - 6]} <= set(first)  # then the next in the queue
    followed.forget(["c599"])
    asked: set[str] = set(first)
    rounds = 1
    while len(asked) < len(takes) - 1 + len(running) and rounds < 200:
        batch = followed.next_ids(24)
        assert len(batch) == 24 and {t.id for t in running} <= set(batch)
        asked |= set(batch)
        rounds += 1
    assert "c599" not in asked
    assert rounds <= len(takes) // 6 + 1  # the rotation's share reaches every take
    followed.settle(TakeInfo(id="r0", label="running", kind="conversion", state="done"))
    assert "r0" not in followed.next_ids(24)
    few = FollowedConversions()
    few.follow(running)
    assert sorted(few.next_ids(24)) == sorted(t.id for t in running)


def test_a_conversion_is_announced_after_moving_to_another_project(
        qtbot: QtBot, window: Studio, speech_path: Path) -> None:
    folder_a = open_new_folder(window, qtbot, "Ordered here", "Chapter 1")
    window.outbox.add([speech_path], folder_a)
    qtbot.waitUntil(lambda: len(window.takes.takes()) == 1, timeout=30000)
    [original] = window.takes.takes()
    backend = window.requests.backend
    assert backend is not None
    window.orders.submit([original.id], backend.first_voice_ids(1))
    qtbot.waitUntil(lambda: bool(window.takes.conversions_of(original.id)), timeout=30000)
    [conversion] = window.takes.conversions_of(original.id)
    assert conversion.is_busy

    folder_b = open_new_folder(window, qtbot, "Somewhere else", "Other lines")
    assert window.takes.take(conversion.id) is None  # no longer on screen
    qtbot.waitUntil(lambda: bool(announcement(window)), timeout=CONVERTED_WITHIN_MS)
    assert announcement(window).startswith(f"Conversion ready: “{conversion.label}”")
    assert window.browser.folder_id == folder_b and window.takes.take(conversion.id) is None
    assert QApplication.activeModalWidget() is None


def test_a_conversion_ordered_while_its_folder_is_not_shown_is_announced(
        qtbot: QtBot, window: Studio, speech_path: Path) -> None:
    folder_a = open_new_folder(window, qtbot, "Ordered then left", "Chapter 2")
    window.outbox.add([speech_path], folder_a)
    qtbot.waitUntil(lambda: len(window.takes.takes()) == 1, timeout=30000)
    [original] = window.takes.takes()
    open_new_folder(window, qtbot, "Now here", "Other lines")
    backend = window.requests.backend
    assert backend is not None
    # the order's answer arrives after the artist left its folder: the takes list does not
    # show it, so only the wire `OrderController.ordered -> ConversionWatcher.follow` (made in
    # the assembly) has the watcher follow it
    ordered: list[list[TakeInfo]] = []
    window.orders.ordered.connect(ordered.append)
    window.orders.submit([original.id], backend.first_voice_ids(1))
    qtbot.waitUntil(lambda: bool(ordered), timeout=30000)
    [[conversion]] = ordered
    assert window.takes.take(conversion.id) is None  # not on screen
    qtbot.waitUntil(lambda: bool(announcement(window)), timeout=CONVERTED_WITHIN_MS)
    assert announcement(window).startswith(f"Conversion ready: “{conversion.label}”")
