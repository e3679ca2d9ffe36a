"""Proofing marks on the waveform: where the take's reading differs from its script line.

A missed word is a red line in the gap where it belongs, a changed or added word a line where it
was heard over a faint band as long as the word; each carries its word beside it and the whole
sentence ('missed: 'the', 1.2 s') on hover. A line of text over the plot says the transcript's
state plainly (transcribing, unavailable, read as written, the words to check). The marks take
no mouse: a drag over them still selects.
"""

from __future__ import annotations

import os

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")  # pyqtgraph must pick PySide6

from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from voxbooth.studio.entities import Proof, ProofIssue

COLOURS = {"missed": "#c01c28", "changed": "#c64600", "added": "#1c71d8"}
BAND_ALPHA = 45
LABEL_ROWS = (0.95, 0.82, 0.69)  # heights of the words beside the marks, staggered


@dataclass(frozen=True)
class Mark:
    """One mark as the artist sees it: where, the word beside it, the sentence on hover."""

    kind: str
    at_s: float
    word: str
    tooltip: str


def mark_of(issue: ProofIssue) -> Mark:
    if issue.kind == "missed":
        at_s, word = (issue.start_s + issue.end_s) / 2, f"✗ {issue.expected or ''}"
    elif issue.kind == "added":
        at_s, word = issue.start_s, f"+ {issue.heard or ''}"
    else:
        at_s, word = issue.start_s, f"{issue.expected or ''} → {issue.heard or ''}"
    return Mark(issue.kind, at_s, word, issue.description)


class ProofMarks:
    """Draws one take's proof on `plot` and its state in `label`; `show(None)` clears both."""

    def __init__(self, plot: pg.PlotWidget, label: QLabel) -> None:
        self.plot = plot
        self.label = label
        self.marks: list[Mark] = []
        self.proof: Proof | None = None
        self._items: list[pg.GraphicsObject] = []

    def show(self, proof: Proof | None) -> None:
        for item in self._items:
            self.plot.removeItem(item)
        self._items = []
        self.proof = proof
        self.marks = [mark_of(issue) for issue in proof.issues] if proof is not None else []
        self.label.setText(proof.summary if proof is not None else "")
        self.label.setToolTip(proof.text if proof is not None else "")
        self.label.setVisible(proof is not None)
        if proof is None:
            return
        for row, (issue, mark) in enumerate(zip(proof.issues, self.marks, strict=True)):
            colour = COLOURS.get(mark.kind, COLOURS["changed"])
            line = pg.InfiniteLine(
                mark.at_s, angle=90, movable=False,
                pen=pg.mkPen(colour, width=2, style=Qt.PenStyle.DashLine
                             if mark.kind == "missed" else Qt.PenStyle.SolidLine),
                label=mark.word,
                labelOpts={"position": LABEL_ROWS[row % len(LABEL_ROWS)], "color": colour,
                           "movable": False, "anchors": [(0, 0.5), (0, 0.5)]})
            self._add(line, mark.tooltip)
            line.label.setToolTip(mark.tooltip)  # the word beside the line, hovered
            if mark.kind != "missed" and issue.end_s > issue.start_s:
                band = pg.LinearRegionItem(
                    values=(issue.start_s, issue.end_s), movable=False,
                    brush=pg.mkBrush(*pg.mkColor(colour).getRgb()[:3], BAND_ALPHA),
                    pen=pg.mkPen(None))
                band.setZValue(-15)
                self._add(band, mark.tooltip)

    def _add(self, item: pg.GraphicsObject, tooltip: str) -> None:
        item.setToolTip(tooltip)
        item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)  # a drag over it still selects
        self.plot.addItem(item)
        self._items.append(item)
