"""The voice library panel: filters, search, sort, grid or list of portraits, and the detail."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QModelIndex, QSize, Signal
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
        self.view.selectionModel().currentChanged.connect(self._on_current)
        self.view.selectionModel().selectionChanged.connect(self._on_selection)
        self.new_voice.clicked.connect(self.new_voice_requested)
        self.model.dataChanged.connect(self._refresh_detail)

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
        voice = self.view.currentIndex().data(VOICE_ROLE)
        return voice if isinstance(voice, VoiceInfo) else None

    def selected_voices(self) -> list[VoiceInfo]:
        rows = sorted(self.view.selectionModel().selectedIndexes(), key=lambda i: i.row())
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

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        voice = current.data(VOICE_ROLE) if current.isValid() else None
        icon = current.data(1) if current.isValid() else None
        self.detail.show_voice(voice if isinstance(voice, VoiceInfo) else None,
                               icon if isinstance(icon, QIcon) else None)
        self.current_changed.emit(voice if isinstance(voice, VoiceInfo) else None)

    def _on_selection(self, *_args: object) -> None:
        self.selection_changed.emit(self.selected_voices())

    def _refresh_detail(self, *_args: object) -> None:
        shown = self.detail.voice
        if shown is None:
            return
        fresh = self.model.voice(shown.id)
        if fresh is not None and fresh != shown:
            index = self.model.index(self.model.row_of(fresh.id), 0)
            icon = index.data(1)
            self.detail.show_voice(fresh, icon if isinstance(icon, QIcon) else None)
            self.selection_changed.emit(self.selected_voices())
