"""Transport keys work wherever focus is, except while typing in a text field.

One mechanism for every transport key (R, Shift+R, Space, Home/End, L, 1-9, A/B/X): their
actions take the application as their shortcut context, and an application event filter
answers Qt's "shortcut override" question for them. Qt first offers a key to the focused
widget (a spin box, a button, a list would take R, Space or Home for itself); the filter
refuses that offer unless the widget is a text field being typed in, so the shortcut fires.
Modal dialogs still shadow the window's shortcuts (Qt's own rule for the application context).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

SPIN_BOX_TEXT = set("0123456789.,-+")  # what a number field takes as typing


def is_typing(widget: QWidget | None, event: QKeyEvent) -> bool:
    """Whether `event` is typing into `widget` (the focus): an editable line (an editable
    combo box's too) or text box keeps every key; a spin box keeps what it can take as text."""
    if widget is None:
        return False
    spin = widget if isinstance(widget, QAbstractSpinBox) else widget.parentWidget()
    if isinstance(spin, QAbstractSpinBox):
        return not spin.isReadOnly() and bool(event.text()) and event.text() in SPIN_BOX_TEXT
    if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit):
        return not widget.isReadOnly()
    return False


def _combined(event: QKeyEvent) -> int:
    modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    return Qt.Key(event.key()).value | modifiers.value


class TransportKeys(QObject):
    """Install once per application, before any other key filter that must see a key first
    (Qt asks the filter installed last first: the desk's "Space stops a take" comes after)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._keys: set[int] = set()
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)

    def add(self, actions: Iterable[QAction]) -> None:
        for action in actions:
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
            for sequence in action.shortcuts():
                if sequence.count() == 1:
                    self._keys.add(sequence[0].toCombined())  # type: ignore[index]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(event, QKeyEvent):
            return False
        if _combined(event) not in self._keys or \
                is_typing(QApplication.focusWidget(), event):
            return False
        event.ignore()  # the focused widget does not get first say: the shortcut fires
        return True
