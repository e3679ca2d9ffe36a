"""The takes browser's two panels: projects and folders (left), and the takes list with its
filters, the service banner and the upload rows (centre). Widgets only: the assembly gives them
their models and connects them."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from voxbooth.studio.models.takes import (
    COL_DATE,
    COL_DURATION,
    COL_LABEL,
    COL_NOTE,
    COL_STAR,
    COL_STATE,
    COL_VOICE,
)
from voxbooth.studio.widgets.notices import ServiceBanner
from voxbooth.studio.widgets.uploads import UploadPanel
from voxbooth.studio.widgets.views import FolderView, TakesView

STATE_FILTERS = (("Any state", ""), ("Done", "done"), ("Converting", "processing"),
                 ("Queued", "new"), ("Failed", "error"))


class ProjectsPanel(QWidget):
    def __init__(self, projects: QAbstractItemModel, folders: QAbstractItemModel,
                 new_project: QAction, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project_picker = QComboBox()
        self.project_picker.setObjectName("projectPicker")
        self.project_picker.setModel(projects)
        self.project_picker.setPlaceholderText("No project yet")
        self.new_project_button = QToolButton()
        self.new_project_button.setDefaultAction(new_project)
        self.new_project_button.setText("+")
        self.folder_view = FolderView()
        self.folder_view.setModel(folders)
        layout = QVBoxLayout(self)
        picker_row = QHBoxLayout()
        picker_row.addWidget(self.project_picker, 1)
        picker_row.addWidget(self.new_project_button)
        layout.addLayout(picker_row)
        layout.addWidget(self.folder_view, 1)


class TakesPanel(QWidget):
    def __init__(self, takes: QAbstractItemModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.takes_view = TakesView()
        self.takes_view.setModel(takes)
        self.takes_view.sortByColumn(COL_DATE, Qt.SortOrder.AscendingOrder)
        header = self.takes_view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_LABEL, QHeaderView.ResizeMode.Stretch)
        # narrow enough that a 1280 px window shows every column beside the label
        for column, width in ((COL_VOICE, 100), (COL_DURATION, 56), (COL_STATE, 120),
                              (COL_STAR, 26), (COL_NOTE, 100), (COL_DATE, 110)):
            header.resizeSection(column, width)
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("takesFilter")
        self.filter_edit.setPlaceholderText("Filter takes by label, voice, note or what was said")
        self.filter_edit.setClearButtonEnabled(True)
        self.starred_only = QCheckBox("Starred only")
        self.state_filter = QComboBox()
        for text, state in STATE_FILTERS:
            self.state_filter.addItem(text, state)
        self.banner = ServiceBanner()
        self.upload_panel = UploadPanel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        filter_row = QHBoxLayout()
        filter_row.addWidget(self.filter_edit, 1)
        filter_row.addWidget(self.starred_only)
        filter_row.addWidget(self.state_filter)
        layout.addLayout(filter_row)
        layout.addWidget(self.takes_view, 1)
        self.takes_view.set_footer(self.upload_panel)  # uploads never resize the list
