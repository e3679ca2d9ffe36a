"""Script mode on the desk: the current line large between its neighbours, next/previous line
(N and P), the line's takes with their duration, verdict and the words to check, the best one
starred; the line itself shows the picked (else the newest) take's missed, changed and added
words once the service has transcribed it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from voxbooth.studio.desk.script import Script, ScriptTake
from voxbooth.studio.desk.script_proof import marked_line, proof_from_dict, proof_to_dict
from voxbooth.studio.desk.script_takes import LineTakesModel
from voxbooth.studio.entities import Proof
from voxbooth.studio.widgets.status_line import StatusLine

NEXT_LINE_KEY = "N"  # R records, Shift+R punches in, Space stops: N/P are free window-wide
PREVIOUS_LINE_KEY = "P"


class ScriptPanel(QWidget):
    star_requested = Signal(str)  # the take path starred as best of its line
    unstar_requested = Signal(str)  # the take that was best of that line before
    changed = Signal()  # the script, its current line or its takes changed: worth keeping

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.script = Script()
        self._pending: dict[str, int] = {}  # take being recorded -> the line shown at its start
        self._build()
        self.open_button.clicked.connect(self._open)
        self.paste_button.clicked.connect(self._paste)
        self.previous_action.triggered.connect(lambda: self.step_line(-1))
        self.next_action.triggered.connect(lambda: self.step_line(1))
        self.star_button.clicked.connect(self._star_selected)
        self.takes_view.doubleClicked.connect(
            lambda index: self.pick_best(self.takes.path_at(index.row())))
        self.takes_view.selectionModel().currentChanged.connect(lambda *_a: self._show_line())
        self._refresh()

    def _build(self) -> None:
        # a line of any length keeps the desk as it is: the neighbours take one line each, the
        # current line the height there is, each shortened with "…" past it (whole in a tooltip)
        self.previous_line_label = StatusLine("")
        self.next_line_label = StatusLine("")
        for label in (self.previous_line_label, self.next_line_label):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setStyleSheet("color: gray;")
        self.line_label = StatusLine("No script: open or paste one to record line by line",
                                     grow=True)
        self.line_label.setObjectName("deskScriptLine")
        self.line_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.line_label.setStyleSheet("font-size: 18px;")
        self.proof_label = QLabel("")  # how the shown take read the line, once transcribed
        self.proof_label.setObjectName("deskScriptProof")
        self.proof_label.setWordWrap(True)
        self.proof_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.position_label = QLabel("")
        self.open_button = QPushButton("Open…")
        self.paste_button = QPushButton("Paste…")
        self.previous_action = self._action("Previous line", PREVIOUS_LINE_KEY)
        self.next_action = self._action("Next line", NEXT_LINE_KEY)
        self.open_button.setToolTip("Open a script (a text file, one line per take)")
        self.paste_button.setToolTip("Paste a script (one line per take)")
        self.previous_button = QPushButton("◀ Previous")
        self.next_button = QPushButton("Next ▶")
        for button, action in ((self.previous_button, self.previous_action),
                               (self.next_button, self.next_action)):
            button.setToolTip(action.toolTip())
            button.clicked.connect(action.trigger)
        self.star_button = QPushButton("★ Best")
        self.star_button.setToolTip("Star the picked take (the newest if none is picked) as the "
                                    "best of this line; double-click a take does the same")
        self.takes = LineTakesModel(self)
        self.takes_view = QListView()
        self.takes_view.setObjectName("deskScriptTakes")
        self.takes_view.setModel(self.takes)
        self.takes_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.takes_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.takes_view.setMinimumHeight(24)  # a short desk still shows a take
        self.takes_view.setMaximumHeight(96)
        row = QHBoxLayout()
        for widget in (self.open_button, self.paste_button, self.previous_button,
                       self.next_button, self.star_button, self.position_label):
            row.addWidget(widget)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.previous_line_label)
        layout.addWidget(self.line_label, 1)
        layout.addWidget(self.proof_label)
        layout.addWidget(self.next_line_label)
        layout.addLayout(row)
        layout.addWidget(self.takes_view)

    def _action(self, text: str, key: str) -> QAction:
        # on the panel with the window as its scope, as the desk's R: the Help list shows it
        action = QAction(text, self)
        action.setShortcut(QKeySequence(key))
        action.setToolTip(f"{text} ({key})")
        self.addAction(action)
        return action

    # -- the script -----------------------------------------------------------------------------
    def set_text(self, text: str) -> None:
        self.script = Script(text)
        self._pending.clear()
        self._refresh()
        self.changed.emit()

    def restore(self, script: Script) -> None:
        """The script kept from the last session (ignored if the artist has started another)."""
        if not self.script:
            self.script = script
            self._refresh()

    def step_line(self, step: int) -> None:
        before = self.script.current
        self.script.move(step)
        self._refresh()
        if self.script.current != before:
            self.changed.emit()

    def next_label(self) -> str:
        return self.script.label_for_next_take() if self.script else ""

    # -- takes ----------------------------------------------------------------------------------
    def take_starting(self, path: str) -> None:
        """A take starts: it belongs to the line shown now, whatever is shown when it stops."""
        if self.script:
            self._pending[path] = self.script.current

    def add_take(self, path: str) -> None:
        self.script.add_take(path, self._pending.pop(path, None))
        self._refresh(select=path)
        self.changed.emit()

    def add_derived(self, original: str, path: str) -> None:
        self.script.add_derived(original, path)
        self._refresh(select=path)
        self.changed.emit()

    def set_verdict(self, path: str, verdict: str, summary: str, duration_s: float) -> None:
        if self.script.update_take(path, verdict=verdict, summary=summary,
                                   duration_s=duration_s):
            self._refresh()
            self.changed.emit()

    def set_proof(self, path: str, proof: Proof) -> None:
        """The service's transcript of a take of the script (while it runs, then its words)."""
        if self.script.update_take(path, proof=proof_to_dict(proof)):
            self._refresh()
            self.changed.emit()

    def path_of_take(self, take_id: str) -> str:
        """The file of the script's take uploaded as `take_id` ('' if none is)."""
        return next((t.path for line in self.script.takes for t in line.takes
                     if take_id and t.take_id == take_id), "")

    def set_take_id(self, path: str, take_id: str) -> None:
        if self.script.update_take(path, take_id=take_id):
            self.changed.emit()

    def pick_best(self, path: str) -> None:
        """Stars `path` as the best of its line and unstars the take that was best before."""
        line = self.script.line_of(path)
        if line is None or self.script.takes[line].best == path:
            return
        previous = self.script.star(path)
        self.star_requested.emit(path)
        if previous:
            self.unstar_requested.emit(previous)
        self._refresh()
        self.changed.emit()

    def selected_take(self) -> str:
        index = self.takes_view.currentIndex()
        return self.takes.path_at(index.row()) if index.isValid() else ""

    def _star_selected(self) -> None:
        takes = self.script.takes_of_current()
        picked = self.selected_take() or (takes[-1] if takes else "")
        self.pick_best(picked)

    def shown_take(self) -> ScriptTake | None:
        """The take whose reading the line shows: the picked one, else the newest."""
        takes = self.script.entries_of_current()
        picked = self.selected_take()
        return next((t for t in takes if t.path == picked), takes[-1] if takes else None)

    def _show_line(self) -> None:
        if not self.script:
            return
        take = self.shown_take()
        proof = proof_from_dict(take.proof) if take is not None else None
        marked = marked_line(self.script.line, proof)
        if marked is None:
            self.line_label.setTextFormat(Qt.TextFormat.PlainText)
            self.line_label.setText(self.script.line)
        else:
            self.line_label.setTextFormat(Qt.TextFormat.RichText)
            self.line_label.setText(marked)
        summary = proof.summary if proof is not None else ""
        self.proof_label.setText(f"{take.label}: {summary}" if take and summary else "")
        self.line_label.setToolTip(summary)

    # -- files ----------------------------------------------------------------------------------
    def _open(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Open a script", "", "Text (*.txt);;All (*)")
        if name:
            # a script is a small text file the artist picked: read at once, no worker needed
            self.set_text(Path(name).read_text(encoding="utf-8", errors="replace"))

    def _paste(self) -> None:
        text, ok = QInputDialog.getMultiLineText(self, "Paste a script",
                                                 "One line per take:")
        if ok:
            self.set_text(text)

    def _refresh(self, select: str = "") -> None:
        script = self.script
        has = bool(script)
        for widget in (self.previous_action, self.next_action, self.previous_button,
                       self.next_button, self.star_button):
            widget.setEnabled(has)
        selected = select or self.selected_take()
        self.takes.set_takes(script.entries_of_current(), script.best_of_current())
        row = self.takes.row_of(selected)
        if row >= 0:
            self.takes_view.setCurrentIndex(self.takes.index(row, 0))
        else:
            self.takes_view.setCurrentIndex(QModelIndex())
        if not has:
            self.position_label.setText("")
            self.previous_line_label.setText("")
            self.next_line_label.setText("")
            self.proof_label.setText("")
            return
        self.previous_line_label.setText(script.neighbour(-1))
        self._show_line()
        self.next_line_label.setText(script.neighbour(1))
        takes = script.takes_of_current()
        best = script.take(script.best_of_current())
        # "best: take 2" (or "take 2 punch-in"): the line is already said before it
        star = f", best: {best.label.split(' ', 1)[-1]}" if best is not None else ""
        self.position_label.setText(f"line {script.current + 1} of {len(script.lines)} · "
                                    f"{len(takes)} take(s){star}")
