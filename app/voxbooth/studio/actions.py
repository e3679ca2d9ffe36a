"""Every command of the studio, declared once: text, shortcut, menu group (as Picard's registry).

The window creates the QActions from this list and connects them; the shortcut list under Help
is printed from it, so the two never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence


@dataclass(frozen=True)
class ActionSpec:
    key: str
    text: str
    group: str  # the menu it lives in
    shortcut: str = ""
    tip: str = ""
    checkable: bool = False


LISTEN_KEYS = tuple(f"listen_{n}" for n in range(1, 10))  # one per number key
PAIR_TIP = "A and B: the original and the conversion heard last, unless picked as “A is”, “B is”"

ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("new_project", "New project…", "File", "Ctrl+Shift+N"),
    ActionSpec("rename_project", "Rename project…", "File"),
    ActionSpec("delete_project", "Delete project…", "File"),
    ActionSpec("import_files", "Add audio files…", "File", "Ctrl+I",
               "Upload audio files into the selected folder"),
    ActionSpec("export_project", "Export project to zip…", "File", "Ctrl+Shift+E"),
    ActionSpec("export_original", "Export take to zip…", "File", "Ctrl+E"),
    ActionSpec("settings", "Settings…", "File", "Ctrl+,"),
    ActionSpec("quit", "Quit", "File", "Ctrl+Q"),
    ActionSpec("new_folder", "New folder…", "Folder", "Ctrl+N"),
    ActionSpec("new_subfolder", "New folder inside…", "Folder", "Ctrl+Alt+N"),
    ActionSpec("rename_folder", "Rename folder…", "Folder"),
    ActionSpec("delete_folder", "Delete folder…", "Folder"),
    ActionSpec("rename_take", "Rename take", "Take", "F2"),
    ActionSpec("star_take", "Star / unstar", "Take", "Ctrl+B"),
    ActionSpec("note_take", "Edit note…", "Take", "Ctrl+Shift+M"),
    ActionSpec("delete_take", "Delete take", "Take", "Del", "Deletes the take (undo with Ctrl+Z)"),
    ActionSpec("undo_delete", "Undo delete", "Take", "Ctrl+Z"),
    ActionSpec("retry_take", "Retry conversion", "Take", "Ctrl+Shift+R"),
    ActionSpec("clean_take", "Clean noise", "Take", "",
               "Makes a new take with the background noise reduced; this one is kept"),
    ActionSpec("refresh", "Refresh", "Take", "F5"),
    ActionSpec("play_stop", "Play / stop", "Playback", "Space"),
    ActionSpec("loop", "Loop the selected region", "Playback", "L", checkable=True),
    ActionSpec("go_start", "Go to the start", "Playback", "Home"),
    ActionSpec("go_end", "Go to the end", "Playback", "End"),
    # the take's original is 1, its finished conversions 2, 3...; the window names each one
    *(ActionSpec(key, f"Listen to take {n}", "Playback", str(n), checkable=True)
      for n, key in enumerate(LISTEN_KEYS, start=1)),
    ActionSpec("audition_a", "Listen to A", "Playback", "A", PAIR_TIP),
    ActionSpec("audition_b", "Listen to B", "Playback", "B", PAIR_TIP),
    ActionSpec("audition_x", "Listen to X (blind)", "Playback", "X"),
    ActionSpec("abx_mode", "Blind ABX test", "Playback", "Ctrl+Shift+X", checkable=True),
    ActionSpec("abx_says_a", "ABX: X is A", "Playback", "Shift+A"),
    ActionSpec("abx_says_b", "ABX: X is B", "Playback", "Shift+B"),
    ActionSpec("zoom_in", "Zoom in", "View", "Ctrl+="),
    ActionSpec("zoom_out", "Zoom out", "View", "Ctrl+-"),
    ActionSpec("zoom_fit", "Show the whole take", "View", "Ctrl+0"),
    ActionSpec("stats", "Statistics and credits…", "View"),
    ActionSpec("shortcuts", "Keyboard shortcuts", "Help", "F1"),
    ActionSpec("about", "About VoxBooth", "Help"),
)

# keys that work wherever focus is, except while typing (`transport_keys`); with the desk's
# R and Shift+R
TRANSPORT_KEYS = ("play_stop", "loop", "go_start", "go_end", *LISTEN_KEYS, "audition_a",
                  "audition_b", "audition_x", "abx_says_a", "abx_says_b")

MENU_ORDER = ("File", "Folder", "Take", "Playback", "View", "Help")


def create_actions(parent: QObject) -> dict[str, QAction]:
    """One QAction per spec, parented to `parent` (the window), shortcuts window-wide."""
    actions: dict[str, QAction] = {}
    for spec in ACTIONS:
        action = QAction(spec.text, parent)
        action.setObjectName(f"action_{spec.key}")
        if spec.shortcut:
            action.setShortcut(QKeySequence(spec.shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if spec.tip:
            action.setStatusTip(spec.tip)
            action.setToolTip(spec.tip)
        action.setCheckable(spec.checkable)
        actions[spec.key] = action
    return actions


def shortcut_rows() -> list[tuple[str, str, str]]:
    """(group, command, shortcut in the platform's notation) for the Help list; the nine
    number keys make one row."""
    rows = []
    for spec in ACTIONS:
        if not spec.shortcut or spec.key in LISTEN_KEYS[1:]:
            continue
        if spec.key == LISTEN_KEYS[0]:
            rows.append((spec.group, "Listen to take 1…9 (1: the original, then its "
                         "conversions), at the same position", "1 … 9"))
            continue
        rows.append((spec.group, spec.text.rstrip("…"),
                     QKeySequence(spec.shortcut).toString(QKeySequence.SequenceFormat.NativeText)))
    return rows
