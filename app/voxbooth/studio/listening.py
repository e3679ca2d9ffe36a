"""What the service hears in takes, in the studio: each take's transcript proofed on the waveform
and in script mode, the takes filter searching what was said, and cleaning a noisy take.

Built and wired once by the assembly (`listen_in`), after its own wiring, so the script's takes
know their ids on the service before their transcripts arrive.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from voxbooth.studio.controllers.noise import NoiseCleaning
from voxbooth.studio.controllers.proofing import ProofWatcher
from voxbooth.studio.controllers.takes_search import TakesSearch
from voxbooth.studio.entities import Proof, TakeInfo

if TYPE_CHECKING:
    from voxbooth.studio.assembly import Studio


@dataclass(eq=False)
class Listening:
    proofs: ProofWatcher
    search: TakesSearch
    cleaning: NoiseCleaning


def drawn_original(s: Studio) -> str:
    """The id of the take the waveform draws when it is an original ('' otherwise: a
    conversion's words are its original's)."""
    drawn = s.audition.drawn_take()
    take = s.takes.take(drawn[0]) if drawn is not None else None
    return take.id if take is not None and not take.is_conversion else ""


def listen_in(s: Studio) -> Listening:
    proofs = ProofWatcher(s.requests, s.window)
    search = TakesSearch(s.requests, s.takes_proxy, lambda: s.browser.folder_id, s.window)
    cleaning = NoiseCleaning(s.requests, s.takes, s.window)
    listening = Listening(proofs, search, cleaning)

    def on_uploaded(take: TakeInfo) -> None:
        if not take.is_conversion:
            proofs.want(take.id)  # seconds later the artist sees which words were missed

    def on_take_uploaded(_path: str, take: TakeInfo) -> None:
        known = proofs.proof(take.id)  # asked as it uploaded, before the script knew its id
        if known is not None:
            s.script.on_proof(take.id, known)

    def on_drawn(*_args: object) -> None:
        take_id = drawn_original(s)
        if take_id:
            proofs.want(take_id)
        s.waveform.show_proof(proofs.proof(take_id) if take_id else None)

    def on_proof(take_id: str, proof: Proof) -> None:
        if take_id == drawn_original(s):
            s.waveform.show_proof(proof)
        s.script.on_proof(take_id, proof)
        if proof.state == "done" and s.takes.take(take_id) is not None:
            search.refresh()  # what was just heard may be what the filter looks for

    s.window.closing.connect(proofs.stop)
    s.outbox.uploaded.connect(on_uploaded)
    s.outbox.take_uploaded.connect(on_take_uploaded)
    s.audition.drawn.connect(on_drawn)
    proofs.changed.connect(on_proof)
    proofs.take_read.connect(
        lambda take: s.takes.upsert(take) if s.takes.take(take.id) is not None else None)
    s.script.want_proofs = lambda ids: [*map(proofs.want, ids)]
    s.folder_view.selectionModel().selectionChanged.connect(lambda *_a: search.refresh())
    # noise: a badge in the list (the model), Take > Clean noise, the order's option
    clean = s.actions_by_key["clean_take"]
    clean.triggered.connect(lambda _checked=False: cleaning.clean(s.takes_view.selected_ids()))
    menu = s.takes_view.menu_actions
    menu.insert(menu.index(s.actions_by_key["retry_take"]) + 1
                if s.actions_by_key["retry_take"] in menu else len(menu), clean)
    cleaning.cleaning.connect(s.watcher.follow)
    cleaning.message.connect(s.tell)
    return listening
