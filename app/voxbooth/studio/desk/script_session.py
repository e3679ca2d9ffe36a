"""A script session at the desk: which take of each line is the best, starred on the service now
or once it is uploaded; the script with its takes kept beside the takes and restored at start."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from voxbooth.studio.desk.controller import DeskController
from voxbooth.studio.desk.script import Script
from voxbooth.studio.desk.script_panel import ScriptPanel
from voxbooth.studio.desk.script_proof import proof_from_dict
from voxbooth.studio.desk.script_store import ScriptStore
from voxbooth.studio.entities import Proof, TakeInfo
from voxbooth.studio.models.takes import TakesModel
from voxbooth.studio.service.backend import StudioBackend
from voxbooth.studio.service.requests import Requests

if TYPE_CHECKING:
    from voxbooth.dsp.quality import QualityReport


def _final(proof: dict[str, Any]) -> bool:
    kept = proof_from_dict(proof)
    return kept is not None and not kept.is_busy


class ScriptSession:
    def __init__(self, desk: DeskController, panel: ScriptPanel, store: ScriptStore,
                 requests: Requests, takes: TakesModel) -> None:
        self.desk = desk
        self.panel = panel
        self.store = store
        self.requests = requests
        self.takes = takes
        self.take_ids: dict[str, str] = {}  # take file -> its id on the service
        self.starred_files: set[str] = set()  # best takes starred before they were uploaded
        self.punched_from = ""  # the take a punch-in is recorded over
        #: asks for takes' transcripts (the assembly's proofing); takes restored from the last
        #: session whose transcript was not final yet are asked for again
        self.want_proofs: Callable[[list[str]], object] = lambda _ids: None
        desk.take_starting.connect(self.on_take_starting)
        desk.verdict.connect(self.on_checked)
        desk.punch_spliced.connect(self.on_spliced)
        panel.star_requested.connect(self.star)
        panel.unstar_requested.connect(self.unstar)
        panel.changed.connect(self.keep)

    def remember_upload(self, path: str, take_id: str) -> None:
        self.take_ids = {**self.take_ids, path: take_id}
        self.panel.set_take_id(path, take_id)
        if path in self.starred_files:
            self.star(path)

    def star(self, path: str) -> None:
        """The best take of its line: starred on the service (now, or once it is uploaded)."""
        take_id = self.take_ids.get(path)
        if take_id is None:
            self.starred_files = {*self.starred_files, path}
            return
        self.requests.call(StudioBackend.update_take, take_id, starred=True, keep=True,
                           on_result=self.takes.upsert)

    def unstar(self, path: str) -> None:
        """A take that is no longer the best of its line: unstarred (or never starred)."""
        self.starred_files = self.starred_files - {path}
        take_id = self.take_ids.get(path)
        if take_id is not None:
            self.requests.call(StudioBackend.update_take, take_id, starred=False, keep=True,
                               on_result=self.takes.upsert)

    def on_take_uploaded(self, path: str, take: TakeInfo) -> None:
        self.remember_upload(path, take.id)

    def on_take_starting(self, path: str, _label: str) -> None:
        if self.desk.take_kind == "take":
            self.panel.take_starting(path)
            if self.panel.script:  # the line goes with the take: the service proofs it
                self.desk.store.update(path, text=self.panel.script.line)

    def on_proof(self, take_id: str, proof: Proof) -> None:
        """A take's transcript (or its state): shown with the take if it is the script's."""
        path = self.panel.path_of_take(take_id)
        if path:
            self.panel.set_proof(path, proof)

    def on_checked(self, path: str, report: QualityReport) -> None:
        self.panel.set_verdict(path, report.verdict, report.summary, report.duration_s)

    def on_spliced(self, path: str, _label: str) -> None:
        if self.punched_from:
            self.panel.add_derived(self.punched_from, path)
            line = self.panel.script.line_of(self.punched_from)
            if line is not None:  # the spliced take reads the line its original read
                self.desk.store.update(path, text=self.panel.script.lines[line])
            self.punched_from = ""

    def keep(self) -> None:
        """The script, its line and takes written beside the takes, in a worker."""
        self.store.offer(self.panel.script.to_dict())
        self.requests.run(self.store.write)

    def load(self) -> None:
        """The script kept by the last session, read in a worker."""
        self.requests.run(self.store.load, on_result=self.restore)

    def restore(self, data: dict[str, Any] | None) -> None:
        if not data:
            return
        script = Script.from_dict(data)
        self.panel.restore(script)
        ids = {t.path: t.take_id for line in script.takes for t in line.takes if t.take_id}
        self.take_ids = {**ids, **self.take_ids}
        # a best take not uploaded yet is starred once it is
        waiting = {line.best for line in script.takes if line.best and line.best not in ids}
        self.starred_files = {*self.starred_files, *waiting}
        unproofed = [t.take_id for line in script.takes for t in line.takes
                     if t.take_id and not _final(t.proof)]
        if unproofed:
            self.want_proofs(unproofed)
