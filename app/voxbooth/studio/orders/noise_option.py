"""The order's "clean noise first" option: its conversions are made from a copy of the original
cleaned of background noise. It says so when a selected take is one the service finds noisy."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox

from voxbooth.studio.entities import TakeInfo

CLEAN_FIRST = "Clean noise first"
CLEAN_FIRST_TIP = ("Convert a copy of each original with its background noise reduced (the "
                   "take itself is kept as it is)")


def clean_first_box() -> QCheckBox:
    box = QCheckBox(CLEAN_FIRST)
    box.setObjectName("orderCleanFirst")
    box.setToolTip(CLEAN_FIRST_TIP)
    return box


def show_noisy(box: QCheckBox, originals: list[TakeInfo]) -> None:
    """'Clean noise first (2 noisy takes)' when the service suggests cleaning selected takes."""
    noisy = sum(1 for t in originals if t.suggest_cleaning and not t.cleaned_from)
    box.setText(f"{CLEAN_FIRST} ({noisy} noisy take{'s' if noisy > 1 else ''})" if noisy
                else CLEAN_FIRST)
