"""The voice library panel: filters, search, sort, grid or list of portraits, and the detail.

What the artist sees highlighted is the one truth: the voices an order uses are the selected
voices still shown (a filter that hides one drops it), and the detail shows a selected voice
(the current one when it is selected, else the first selected), never one that is not
highlighted. A reload of the library keeps the selection by voice id.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from voxbooth.studio.entities import VoiceInfo
from voxbooth.studio.voices.detail import VoiceDetail
from voxbooth.studio.voices.model import FILTERS, SORTS, VOICE_ROLE, VoiceFilterProxy, VoicesModel


class VoicesPanel(QWidget):
    current_changed = Signal(object)  # VoiceInfo or None
    selection_changed = Signal(list)  # [VoiceInfo]: the voices an order would use
    new_voice_requested = Signal()

    def __init__(self, model: VoicesModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("voiceLibrary")
        self.model = model
        self.proxy = VoiceFilterProxy(self)
        self.proxy.setSourceModel(model)
        self._announced: list[VoiceInfo] = []  # what `selection_changed` last said
        self._kept_ids: list[str] = []  # the selection across a reload of the library
        self._build()
        self._connect()
        self.set_grid(False)

    def _build(self) -> None:
        self.search = QLineEdit()
        self.search.setObjectName("voiceSearch")
        self.search.setPlaceholderText("Search voices by name")
        self.search.setClearButtonEnabled(True)
        self.filter_boxes: dict[str, QComboBox] = {}
        for name, (label, choices) in FILTERS.items():
            box = QComboBox()
            box.setObjectName(f"voiceFilter_{name}")
            box.addItem(f"Any {label.lower()}", "")
            for choice in choices:
                box.addItem(choice.capitalize(), choice)
            self.filter_boxes[name] = box
        self.nationality = QLineEdit()
        self.nationality.setPlaceholderText("Nationality")
        self.favourites = QCheckBox("Favourites")
        self.sort_box = QComboBox()
        for text in SORTS:
            self.sort_box.addItem(f"Sort: {text}", SORTS[text])
        self.grid_toggle = QCheckBox("Grid")
        self.view = QListView()
        self.view.setObjectName("voiceList")
        self.view.setModel(self.proxy)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setUniformItemSizes(True)
        self.view.setWordWrap(True)
        self.detail = VoiceDetail()
        self.new_voice = QPushButton("New voice from samples…")
        filters = QGridLayout()
        boxes = [*self.filter_boxes.values(), self.nationality]
        for i, widget in enumerate(boxes):
            filters.addWidget(widget, i // 3, i % 3)
        row = QHBoxLayout()
        row.addWidget(self.favourites)
        row.addWidget(self.sort_box, 1)
        row.addWidget(self.grid_toggle)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addLayout(row)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.new_voice)

    def _connect(self) -> None:
        self.search.textChanged.connect(self.proxy.set_text)
        for name, box in self.filter_boxes.items():
            box.currentIndexChanged.connect(
                lambda _i, n=name, b=box: self.proxy.set_field(n, str(b.currentData())))
        self.nationality.textChanged.connect(self.proxy.set_nationality)
        self.favourites.toggled.connect(self.proxy.set_favourites_only)
        self.sort_box.currentIndexChanged.connect(self._sort)
        self.grid_toggle.toggled.connect(self.set_grid)
        selection = self.view.selectionModel()
        selection.currentChanged.connect(self._sync)
        selection.selectionChanged.connect(self._sync)
        self.new_voice.clicked.connect(self.new_voice_requested)
        # the selection model hears these first (it was connected when the view got the
        # proxy), so `_sync` reads the selection as it is after the change; a reset clears
        # the selection without a signal, and rows hidden by a filter leave it quietly
        self.proxy.modelAboutToBeReset.connect(self._keep_selection)
        self.proxy.modelReset.connect(self._restore_selection)
        for changed in (self.proxy.rowsRemoved, self.proxy.rowsInserted,
                        self.proxy.layoutChanged, self.proxy.dataChanged):
            changed.connect(self._sync)

    def set_grid(self, grid: bool) -> None:
        mode = QListView.ViewMode.IconMode if grid else QListView.ViewMode.ListMode
        self.view.setViewMode(mode)
        self.view.setIconSize(QSize(56, 56) if grid else QSize(36, 36))
        self.view.setGridSize(QSize(110, 110) if grid else QSize())
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setMovement(QListView.Movement.Static)

    def _sort(self) -> None:
        field = str(self.sort_box.currentData())
        self.proxy.set_sort_field(field, descending=field in ("rating", "created_at"))

    def current_voice(self) -> VoiceInfo | None:
        """The voice the detail shows: the current one when it is selected, else the first
        selected; None when nothing is."""
        selected = self.selected_voices()
        current = self.view.currentIndex().data(VOICE_ROLE)
        if isinstance(current, VoiceInfo) and any(v.id == current.id for v in selected):
            return current
        return selected[0] if selected else None

    def selected_voices(self) -> list[VoiceInfo]:
        """The highlighted voices, top to bottom as shown."""
        rows = sorted(self.view.selectionModel().selectedRows(0), key=lambda i: i.row())
        return [v for v in (i.data(VOICE_ROLE) for i in rows) if isinstance(v, VoiceInfo)]

    def select_voice_ids(self, voice_ids: list[str]) -> None:
        """Selects these voices (for scripts and tests: as clicking them with Ctrl)."""
        selection = QItemSelection()
        for voice_id in voice_ids:
            row = self.model.row_of(voice_id)
            index = self.proxy.mapFromSource(self.model.index(row, 0)) if row >= 0 else None
            if index is not None and index.isValid():
                selection.select(index, index)
        sm = self.view.selectionModel()
        sm.select(selection, sm.SelectionFlag.ClearAndSelect)
        if not selection.isEmpty():
            sm.setCurrentIndex(selection.indexes()[0], sm.SelectionFlag.NoUpdate)

    def _keep_selection(self) -> None:
        self._kept_ids = [v.id for v in self.selected_voices()]
        current = self.current_voice()
        if current is not None:  # the detail's voice stays current after the reload
            self._kept_ids = [current.id, *(i for i in self._kept_ids if i != current.id)]

    def _restore_selection(self) -> None:
        kept, self._kept_ids = self._kept_ids, []
        if kept:
            self.select_voice_ids(kept)  # what no longer exists is simply not selected
        self._sync()

    def _sync(self, *_args: object) -> None:
        """Detail and order follow what is highlighted now (with the voices' fresh data)."""
        voice = self.current_voice()
        shown = self.detail.voice
        row = self.model.row_of(voice.id) if voice is not None else -1
        icon = self.model.index(row, 0).data(Qt.ItemDataRole.DecorationRole) if row >= 0 \
            else None
        icon = icon if isinstance(icon, QIcon) else None
        if voice != shown:
            self.detail.show_voice(voice, icon)
        elif voice is not None:
            self.detail.show_portrait(icon)  # a portrait that arrived after the voice
        if (voice is None) != (shown is None) or (voice is not None and shown is not None
                                                  and voice.id != shown.id):
            self.current_changed.emit(voice)
        selected = self.selected_voices()
        if selected != self._announced:
            self._announced = selected
            self.selection_changed.emit(selected)
