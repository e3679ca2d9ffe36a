"""What an artist would see as a broken layout, found in a real Qt window: a widget reaching
outside the window, squeezed below the size it needs to show itself (a cut-off button, a
truncated line of a label), or laid over another widget of the same layout.

Widgets inside scrolled areas (list and table cells, plot internals) are left out: scrolling
them out of view is what those areas are for. Overlays that float over their parent by design
(the toast, a list's empty state) are not managed by a layout and so never count as overlaps.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QComboBox,
    QLabel,
    QLayout,
    QMainWindow,
    QSizePolicy,
    QSplitter,
    QStyle,
    QStyleOptionComboBox,
    QWidget,
)


@dataclass(frozen=True)
class Seen:
    """A visible widget where the window shows it."""

    widget: QWidget
    rect: QRect  # in the window's coordinates

    @property
    def name(self) -> str:
        w = self.widget
        text = w.text() if isinstance(w, QLabel) else getattr(w, "text", lambda: "")()
        what = w.objectName() or type(w).__name__
        return f"{what}{f' “{text[:40]}”' if isinstance(text, str) and text else ''}"


def _in_scrolled_area(widget: QWidget, window: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        grand = parent.parentWidget()
        if isinstance(grand, QAbstractScrollArea) and grand.viewport() is parent:
            return True
        parent = grand
    return False


def visible_widgets(window: QWidget) -> list[Seen]:
    seen = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.isWindow() or _in_scrolled_area(widget, window):
            continue
        seen.append(Seen(widget, QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())))
    return seen


def smart_minimum(widget: QWidget) -> QSize:
    """The least size a layout gives `widget` (Qt's qSmartMinSize): below it, it is cut."""
    policy = widget.sizePolicy()
    hint, least = widget.sizeHint(), widget.minimumSizeHint()
    sizes = []
    for direction, policy_of, explicit in (
            (0, policy.horizontalPolicy(), widget.minimumWidth()),
            (1, policy.verticalPolicy(), widget.minimumHeight())):
        value = 0
        if policy_of != QSizePolicy.Policy.Ignored:
            want = (least.width(), least.height())[direction]
            prefer = (hint.width(), hint.height())[direction]
            shrinks = bool(policy_of.value & QSizePolicy.PolicyFlag.ShrinkFlag.value)
            value = want if shrinks else max(want, prefer)
        sizes.append(explicit if explicit > 0 else max(0, value))
    return QSize(*sizes)


def _layout_widgets(layout: QLayout) -> list[QWidget]:
    found = []
    for i in range(layout.count()):
        item = layout.itemAt(i)
        if item.widget() is not None:
            found.append(item.widget())
        elif item.layout() is not None:
            found.extend(_layout_widgets(item.layout()))
    return found


def layout_problems(window: QMainWindow, *, allowed_overflow_px: int = 1) -> list[str]:
    """Everything a person would see as clipped or overlapping, in words."""
    problems = []
    frame = window.rect()
    seen = visible_widgets(window)
    for item in seen:
        w, rect = item.widget, item.rect
        parent = w.parentWidget()
        laid_out = parent is not None and (
            isinstance(parent, QSplitter)
            or (parent.layout() is not None and w in _layout_widgets(parent.layout())))
        if not frame.adjusted(-allowed_overflow_px, -allowed_overflow_px, allowed_overflow_px,
                              allowed_overflow_px).contains(rect):
            problems.append(f"{item.name} at {_r(rect)} reaches outside the window {_r(frame)}")
        least = smart_minimum(w)
        # a widget placed by its parent's code (a header, a spin box's editor) is sized by it
        if laid_out and (w.width() + allowed_overflow_px < least.width()
                         or w.height() + allowed_overflow_px < least.height()):
            problems.append(f"{item.name} is {w.width()}x{w.height()}, squeezed below the "
                            f"{least.width()}x{least.height()} it needs")
        if isinstance(w, QLabel) and w.wordWrap() and w.text() and \
                w.heightForWidth(w.width()) > w.height() + allowed_overflow_px:
            problems.append(f"{item.name}: its wrapped text needs {w.heightForWidth(w.width())} "
                            f"px, it has {w.height()}")
    for parent in {s.widget.parentWidget() for s in seen}:
        if parent is None or parent.layout() is None:
            continue
        managed = [c for c in _layout_widgets(parent.layout()) if c.isVisible()]
        for i, a in enumerate(managed):
            for b in managed[i + 1:]:
                overlap = a.geometry().intersected(b.geometry())
                if overlap.width() > allowed_overflow_px and \
                        overlap.height() > allowed_overflow_px:
                    problems.append(f"{Seen(a, a.geometry()).name} and "
                                    f"{Seen(b, b.geometry()).name} overlap at {_r(overlap)}")
    return problems


def _r(rect: QRect) -> str:
    return f"{rect.width()}x{rect.height()}+{rect.x()}+{rect.y()}"


def geometry_of(widgets: dict[str, QWidget], window: QWidget) -> dict[str, tuple[int, ...]]:
    """Where each named widget is in the window: (x, y, width, height)."""
    out = {}
    for name, w in widgets.items():
        top_left = w.mapTo(window, QPoint(0, 0))
        out[name] = (top_left.x(), top_left.y(), w.width(), w.height())
    return out


def combo_texts_cut_off(container: QWidget) -> list[str]:
    """Every visible combo box under `container` whose items' text (any of them, as the artist
    may pick it) is wider than the box's text field, or whose box a scrolled area's viewport
    cuts off at the side: each as "combo 'text': needs N px, has M"."""
    problems = []
    for combo in container.findChildren(QComboBox):
        if not combo.isVisible():
            continue
        option = QStyleOptionComboBox()
        combo.initStyleOption(option)
        field = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                             QStyle.SubControl.SC_ComboBoxEditField, combo)
        metrics = combo.fontMetrics()
        for i in range(combo.count()):
            needs = metrics.horizontalAdvance(combo.itemText(i))
            if needs > field.width():
                problems.append(f"{combo.objectName() or 'combo'} {combo.itemText(i)!r}: "
                                f"needs {needs} px, has {field.width()}")
        viewport = _scrolled_viewport(combo)
        if viewport is not None:
            left = combo.mapTo(viewport, QPoint(0, 0)).x()
            if left < 0 or left + combo.width() > viewport.width():
                problems.append(f"{combo.currentText()!r}: {left}..{left + combo.width()} px "
                                f"in a viewport {viewport.width()} px wide")
    return problems


def _scrolled_viewport(widget: QWidget) -> QWidget | None:
    parent = widget.parentWidget()
    while parent is not None:
        grand = parent.parentWidget()
        if isinstance(grand, QAbstractScrollArea) and grand.viewport() is parent:
            return parent
        parent = grand
    return None
