"""The studio's item models follow Qt's model contract and show what a user expects."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime

from PySide6.QtCore import QModelIndex, Qt

from voxbooth.studio.entities import FolderInfo, ProjectInfo, TakeInfo
from voxbooth.studio.models.filters import TakesFilterProxy
from voxbooth.studio.models.folders import FolderTreeModel
from voxbooth.studio.models.projects import ProjectsModel
from voxbooth.studio.models.roles import ID_ROLE, SORT_ROLE
from voxbooth.studio.models.takes import COL_STATE, COL_VOICE, TakesModel

WHEN = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def _takes() -> list[TakeInfo]:
    return [
        TakeInfo("o1", "Line one", duration_s=4.2, created_at=WHEN),
        TakeInfo("o2", "Line two", duration_s=2.0, starred=True),
        TakeInfo("c1", "Line one as Ada", kind="conversion", original_id="o1", voice_name="Ada",
                 state="processing", process_stage="synthesis", progress=0.4),
        TakeInfo("c2", "Line one as Bob", kind="conversion", original_id="o1", voice_name="Bob"),
    ]


def test_takes_model_nests_conversions_under_their_original(qtmodeltester) -> None:
    model = TakesModel()
    model.set_takes(_takes())
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 2
    original = model.index_of("o1")
    assert model.rowCount(original) == 2
    child = model.index(0, COL_VOICE, original)
    assert child.data() == "Ada"
    assert model.index(0, COL_STATE, original).data() == "synthesis 40%"


def test_takes_model_updates_in_place_and_removes(qtmodeltester) -> None:
    model = TakesModel()
    model.set_takes(_takes())
    qtmodeltester.check(model, force_py=True)
    model.upsert(TakeInfo("c1", "Line one as Ada", kind="conversion", original_id="o1",
                          voice_name="Ada", state="done"))
    assert model.index(0, COL_STATE, model.index_of("o1")).data() == "done"
    model.upsert(TakeInfo("o3", "Line three"))
    assert model.rowCount() == 3
    model.remove("o1")
    assert model.take("c1") is None and model.rowCount() == 2


def test_filter_keeps_the_original_of_a_matching_conversion(qtmodeltester) -> None:
    model = TakesModel()
    model.set_takes(_takes())
    proxy = TakesFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy, force_py=True)
    proxy.set_text("bob")
    assert proxy.rowCount() == 1
    top = proxy.index(0, 0)
    assert top.data(ID_ROLE) == "o1" and proxy.rowCount(top) == 1
    proxy.set_text("")
    proxy.set_starred_only(True)
    assert [proxy.index(r, 0).data(ID_ROLE) for r in range(proxy.rowCount())] == ["o2"]


def test_sorting_by_duration_uses_seconds_not_text() -> None:
    model = TakesModel()
    model.set_takes([TakeInfo("a", "a", duration_s=65.0), TakeInfo("b", "b", duration_s=9.0)])
    proxy = TakesFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(2, Qt.SortOrder.AscendingOrder)
    assert proxy.index(0, 0).data(ID_ROLE) == "b"  # "0:09.0" < "1:05.0" but by seconds too


def test_folder_tree_nests_and_moves(qtmodeltester) -> None:
    model = FolderTreeModel()
    model.set_folders([
        FolderInfo("child", "Chapter 1", "p", parent_id="top"),
        FolderInfo("top", "Book", "p"),
        FolderInfo("other", "Ads", "p"),
    ])
    qtmodeltester.check(model, force_py=True)
    top = model.index_of("top")
    assert model.rowCount(top) == 1 and model.index_of("child").parent() == top
    model.upsert(FolderInfo("child", "Chapter 1", "p", parent_id=None))
    assert model.index_of("child").parent() == QModelIndex()
    model.remove("top")
    assert model.folder("top") is None and model.rowCount() == 2


def test_projects_model_upserts_by_id(qtmodeltester) -> None:
    model = ProjectsModel()
    model.set_projects([ProjectInfo("1", "Zeta"), ProjectInfo("2", "alpha")])
    qtmodeltester.check(model, force_py=True)
    assert model.project_at(0).name == "alpha"  # type: ignore[union-attr]
    model.upsert(ProjectInfo("2", "Alpha book"))
    assert model.rowCount() == 2 and model.index_of("2").data() == "Alpha book"


def test_sorting_keeps_conversions_under_their_original(qtmodeltester) -> None:
    model = TakesModel()
    model.set_takes(_takes())
    proxy = TakesFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(0, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(proxy, force_py=True)
    assert [proxy.index(r, 0).data(ID_ROLE) for r in range(2)] == ["o2", "o1"]
    under = proxy.index(1, 0)
    assert [proxy.index(r, 0, under).data() for r in range(2)] == \
        ["Line one as Bob", "Line one as Ada"]
    model.upsert(TakeInfo("o0", "Line zero"))  # a new take lands in its sorted place
    assert [proxy.index(r, 0).data(ID_ROLE) for r in range(3)] == ["o0", "o2", "o1"]


def test_a_long_list_arrives_in_chunks_without_losing_a_take(qtbot) -> None:
    model = TakesModel()
    model.sort(0, Qt.SortOrder.AscendingOrder)
    takes = [TakeInfo(f"o{i}", f"line {i:04d}") for i in range(4000)]
    takes.append(TakeInfo("c1", "conv", kind="conversion", original_id="o999"))
    # generous: a busy event loop (other tests' leftovers, a loaded machine) only delays it
    with qtbot.waitSignal(model.populated, timeout=60000):
        model.set_takes(reversed(takes))
        assert model.rowCount() < 4000 and model.loading  # prepared a slice at a time
        assert len(model.takes()) == 4001  # ... and every take is known meanwhile
    assert model.rowCount() == 4000 and len(model.takes()) == 4001
    assert model.index(3999, 0).data() == "line 3999"
    assert model.conversions_of("o999")[0].id == "c1"


def _every_row_agrees(model: TakesModel) -> None:
    """Each index's parent() and row() say where the view found it (rows are stored, not
    searched, so a stale one would send a view to the wrong take)."""
    for row in range(model.rowCount()):
        top = model.index(row, 0)
        assert model.parent(top) == QModelIndex() and model.index_of(top.data(ID_ROLE)).row() == row
        for child_row in range(model.rowCount(top)):
            child = model.index(child_row, 3, top)
            assert model.parent(child) == top
            assert model.index_of(child.data(ID_ROLE)) == model.index(child_row, 0, top)


def _in_order(model: TakesModel, column: int, order: Qt.SortOrder) -> None:
    """Every level reads in the order asked for (by the sort role's key)."""
    descending = order == Qt.SortOrder.DescendingOrder
    for parent in [QModelIndex(), *(model.index(r, 0) for r in range(model.rowCount()))]:
        keys = [model.index(r, column, parent).data(SORT_ROLE)
                for r in range(model.rowCount(parent))]
        assert keys == sorted(keys, reverse=descending), (column, order, keys)


def _random_takes(rng: random.Random) -> list[TakeInfo]:
    takes = [TakeInfo(f"o{i}", f"line {rng.randrange(100):03d}", duration_s=rng.random() * 9)
             for i in range(60)]
    return takes + [TakeInfo(f"c{i}", f"conv {i}", kind="conversion", original_id=f"o{i % 20}",
                             voice_name=rng.choice(["Ada", "Bob", "Cy"]), duration_s=rng.random())
                     for i in range(50)]


def _random_step(model: TakesModel, rng: random.Random, step: int, actions: int
                 ) -> tuple[int, Qt.SortOrder] | None:
    """One sort, removal, new original, new conversion or (with `actions` 5) a take changed so
    that its sort key changes; returns the order sorted by, if this step sorted."""
    action = rng.randrange(actions)
    if action == 0:
        order = (rng.randrange(7), rng.choice(list(Qt.SortOrder)))
        model.sort(*order)
        return order
    if action == 1:
        model.remove(rng.choice(model.takes()).id)
    elif action == 2:
        model.upsert(TakeInfo(f"n{step}", f"new {rng.randrange(100):03d}",
                              duration_s=rng.random()))
    elif action == 3:
        originals = [t for t in model.takes() if not t.is_conversion]
        model.upsert(TakeInfo(f"k{step}", f"conv {step}", kind="conversion",
                              original_id=rng.choice(originals).id, voice_name="Ada"))
    else:  # renamed, lengthened, its state moved on
        take = rng.choice(model.takes())
        model.upsert(replace(take, label=f"line {rng.randrange(100):03d}",
                             duration_s=rng.random() * 9,
                             state=rng.choice(["new", "processing", "done", "error"])))
    return None


def test_rows_stay_true_through_sorts_inserts_and_removals(qtmodeltester) -> None:
    rng = random.Random(12)
    model = TakesModel()
    model.set_takes(_random_takes(rng))
    qtmodeltester.check(model, force_py=True)
    _every_row_agrees(model)
    for step in range(120):
        _random_step(model, rng, step, actions=4)
        _every_row_agrees(model)
    qtmodeltester.check(model, force_py=True)


def test_takes_keep_their_order_through_inserts_and_changes() -> None:
    """A new take lands in its sorted place and a changed one moves to its place, a row at a
    time (the model is not sorted again): random steps, each checked against a plain sort.
    (Without Qt's model tester, which checks the whole model at every change.)"""
    rng = random.Random(15)
    model = TakesModel()
    model.set_takes(_random_takes(rng))
    sorted_by: tuple[int, Qt.SortOrder] | None = None
    for step in range(400):
        sorted_by = _random_step(model, rng, step, actions=5) or sorted_by
        _every_row_agrees(model)
        if sorted_by is not None:
            _in_order(model, *sorted_by)
    assert sorted_by is not None


def test_the_filter_shows_what_the_artist_asked_for(qtmodeltester) -> None:
    """Text, starred and state together, against a plain reading of the rule: an original
    shows when it or one of its conversions matches all three."""
    import random

    rng = random.Random(5)
    words = ["line", "Ada", "Bob", "breath", "(take)", "a.b", "ß", "[x]"]
    states = ["done", "new", "processing", "error"]
    takes = []
    for i in range(40):
        takes.append(TakeInfo(f"o{i}", f"{rng.choice(words)} {i}", starred=rng.random() < 0.3,
                              note=rng.choice(["", "nice", "Ada's"]), state="done"))
        for j in range(rng.randrange(3)):
            takes.append(TakeInfo(f"c{i}.{j}", f"{rng.choice(words)} conv", kind="conversion",
                                  original_id=f"o{i}", voice_name=rng.choice(["Ada", "Bob"]),
                                  state=rng.choice(states), starred=rng.random() < 0.3))
    model = TakesModel()
    model.set_takes(takes)
    proxy = TakesFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy, force_py=True)

    def matches(t: TakeInfo, text: str, starred: bool, state: str) -> bool:
        haystack = " ".join((t.label, t.voice_name, t.note)).casefold()
        return (not starred or t.starred) and (not state or t.state == state) and \
            text.strip().casefold() in haystack

    for _ in range(60):
        text = rng.choice(["", "ada", "B", "(take)", "a.b", "SS", "ß", "[x]", "zzz", " line "])
        starred, state = rng.random() < 0.4, rng.choice(["", *states])
        proxy.set_text(text)
        proxy.set_starred_only(starred)
        proxy.set_state(state)
        shown = {proxy.index(r, 0).data(ID_ROLE) for r in range(proxy.rowCount())}
        expected = {t.id for t in takes if not t.is_conversion and (
            matches(t, text, starred, state)
            or any(matches(c, text, starred, state) for c in model.conversions_of(t.id)))}
        assert shown == expected, (text, starred, state)
