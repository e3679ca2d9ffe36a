"""The takes list's noise badge: a take whose background noise the service measured as worth
cleaning says so beside its state, and its tooltip says by how much and what to do."""

from __future__ import annotations

from voxbooth.studio.entities import TakeInfo

NOISY_BADGE = "noisy"
CLEAN_HINT = "Take ▸ Clean noise makes a cleaned take beside it (this one is kept)"


def is_noisy(take: TakeInfo) -> bool:
    """An original, ready, that the service suggests cleaning (a cleaned take is not)."""
    return (take.suggest_cleaning and not take.is_conversion and not take.is_busy
            and take.state == "done" and not take.cleaned_from)


def noise_tip(take: TakeInfo) -> str:
    """'Background noise: speech 9 dB above the noise floor (-38 dBFS). Take ▸ Clean noise...';
    '' for a take not worth cleaning."""
    if not is_noisy(take):
        return ""
    measured = f": {take.noise_text}" if take.noise_text else ""
    return f"Background noise{measured}. {CLEAN_HINT}"
