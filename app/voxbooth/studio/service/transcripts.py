"""Blocking calls for proofing, search and cleaning: a take's transcript as the studio's `Proof`,
the takes whose label or transcript holds some words, a take cleaned of its background noise.
Run them through `Requests.run`, never on the GUI thread."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from voxbooth.studio.entities import Proof, ProofIssue, TakeInfo
from voxbooth.studio.service.backend import StudioBackend
from voxbooth.studio.service.errors import is_gone, is_service_error, is_unreachable

if TYPE_CHECKING:
    from voxbooth.api.models import Transcript

SEARCH_PAGE = 500
#: a search is for the artist's eyes: past this many matches the list is long enough
SEARCH_LIMIT = 2000
NO_TRANSCRIPTS = "this service keeps no transcripts"


def proof_of(take_id: str, transcript: Transcript) -> Proof:
    issues = tuple(ProofIssue(i.kind, i.expected, i.heard, float(i.start_s), float(i.end_s),
                              i.describe(), i.script_index) for i in transcript.issues)
    return Proof(take_id, transcript.state, transcript.script or "",
                 tuple(transcript.script_words), transcript.text, issues,
                 transcript.error or "")


@dataclass(frozen=True)
class FetchedProofs:
    proofs: list[Proof] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)  # no such take on the service
    #: takes whose transcript just became final, read again: the same job measured their noise
    takes: list[TakeInfo] = field(default_factory=list)


def fetch_proofs(backend: StudioBackend, take_ids: list[str]) -> FetchedProofs:
    """Worker thread: each take's transcript now. Raises when the service does not answer (the
    next poll asks again); a take the service does not have is `gone`; a service without the
    transcript route (a seed-only server: 404 or 405 for a take it has) says so as
    `unavailable`."""
    fetched = FetchedProofs()
    for take_id in take_ids:
        try:
            proof = proof_of(take_id, backend.client.recordings.transcript(take_id))
            fetched.proofs.append(proof)
            if not proof.is_busy:
                fetched.takes.append(backend.get_take(take_id))
        except Exception as exc:
            if not is_service_error(exc) or is_unreachable(exc):
                raise
            if not is_gone(exc) and getattr(exc, "status", 0) != 405:
                continue  # refused this time: asked again at the next poll
            try:
                backend.get_take(take_id)
            except Exception as missing:
                if is_gone(missing):
                    fetched.gone.append(take_id)
                    continue
                raise
            fetched.proofs.append(Proof(take_id, "unavailable", error=NO_TRANSCRIPTS))
    return fetched


@dataclass(frozen=True)
class Found:
    """The takes of a folder the service found for `text` (by label or by what was said)."""

    folder_id: str
    text: str
    take_ids: frozenset[str]


def search_takes(backend: StudioBackend, folder_id: str, text: str) -> Found:
    """Worker thread: the ids of the folder's takes whose label or transcript holds `text`."""
    ids: set[str] = set()
    offset = 0
    while len(ids) < SEARCH_LIMIT:
        page = backend.client.recordings.list(folder_id=folder_id, q=text, limit=SEARCH_PAGE,
                                              offset=offset)
        ids.update(str(r.id) for r in page.items)
        offset += len(page.items)
        if not page.items or offset >= page.pagination.count:
            break
    return Found(folder_id, text, frozenset(ids))


def clean_take(backend: StudioBackend, take_id: str, idempotency_key: str) -> TakeInfo:
    """Worker thread: a new take, `processing`, that the service fills with `take_id` cleaned
    of its background noise (the take itself is kept)."""
    return TakeInfo.from_api(backend.client.recordings.clean(take_id,
                                                             idempotency_key=idempotency_key))
