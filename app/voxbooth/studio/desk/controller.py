"""The desk's controller: the open microphone, the live pull, takes to disk, check, upload.

Runs on the GUI thread. The audio callback only fills the capture's ring (voxbooth.audio); one
QTimer pulls from it ~30 times a second (STYLE.md habit 2). Listing and opening devices, starting
a take (creating its file, waiting for its queue entry to be on disk), stopping it (joining its
writer), reading the queue and the quality check wait on a device or the disk, so they run in
workers (STYLE.md habit 3); their results come back by signal on the GUI thread. The queue's file
is written by the store's own thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from voxbooth.audio.capture import InputCapture
from voxbooth.audio.devices import AudioDevice
from voxbooth.audio.files import check_take_file
from voxbooth.audio.recorder import RecorderStatus, TakeRecorder, TakeResult
from voxbooth.audio.take_file import TakeFormat
from voxbooth.dsp.quality import QualityReport
from voxbooth.studio.desk.inputs import (
    CaptureOpener,
    InputLister,
    Rescanner,
    list_inputs,
    open_capture,
    reopen_capture,
    rescan_inputs,
    restart_portaudio,
)
from voxbooth.studio.desk.live import LiveAnalysis, LiveUpdate
from voxbooth.studio.desk.punch import PunchPlan, splice
from voxbooth.studio.desk.takes_folder import recover_takes, take_file_name
from voxbooth.studio.outbox.outbox import Outbox
from voxbooth.studio.outbox.store import (
    CHECKING,
    HELD,
    RECORDING,
    TAKE,
    OutboxEntry,
    OutboxStore,
)
from voxbooth.studio.service.errors import user_message
from voxbooth.studio.service.workers import TaskRunner

FRAME_INTERVAL_MS = 33
TAKE_FORMAT = TakeFormat("WAV", "PCM_24")  # readable while written; half a float WAV's size

__all__ = ["DeskController", "open_capture", "start_take"]


def start_take(capture: InputCapture, path: Path, preroll_s: float,
               queue_on_disk: Callable[[], None] | None) -> TakeRecorder:
    """Worker: the queue entry reaches the disk, then the take file, before the first block."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if queue_on_disk is not None:
        queue_on_disk()
    return TakeRecorder(capture, path, take_format=TAKE_FORMAT, preroll_s=preroll_s).start()


class DeskController(QObject):
    live = Signal(object)  # LiveUpdate, after each pull
    device_opened = Signal(str, int)  # device name, rate in use (Hz)
    device_opening = Signal(str)  # the device asked for ("" for the default)
    device_failed = Signal(str)
    devices_found = Signal(object)  # list[AudioDevice]: the inputs, listed in a worker
    devices_missing = Signal(str)  # why no input could be listed
    take_starting = Signal(str, str)  # the take's path, its label: its file is being created
    take_started = Signal(str)  # label: the recorder runs
    take_failed = Signal(str)  # why the take could not start
    take_status = Signal(object)  # RecorderStatus while recording
    take_stopped = Signal(object)  # TakeResult
    punch_spliced = Signal(str, str)  # the new take's path, its label
    verdict = Signal(str, object)  # take path, QualityReport
    message = Signal(str)
    _queue_unwritten = Signal(str)  # from the queue's writer thread, delivered on the GUI thread

    def __init__(self, runner: TaskRunner, store: OutboxStore, outbox: Outbox,
                 current_folder: Callable[[], str], parent: QObject | None = None,
                 opener: CaptureOpener = open_capture, lister: InputLister = list_inputs,
                 rescanner: Rescanner = restart_portaudio) -> None:
        super().__init__(parent)
        self.opener = opener
        self.lister = lister
        self.rescanner = rescanner
        self.runner = runner
        self.store = store
        self.outbox = outbox
        self.current_folder = current_folder
        self.capture: InputCapture | None = None
        self.analysis: LiveAnalysis | None = None
        self.recorder: TakeRecorder | None = None
        self.take_label = ""
        self.take_kind = "take"
        self.punch: PunchPlan | None = None
        self.stop_after_s = 0.0  # a punch-in stops itself at the end of its region
        self.stopping = False
        self.starting = False  # the take's file is being created in a worker
        self.stop_when_started = False  # Space came while it was
        self.opening = 0  # which device request is current (later ones win)
        self.rescanning = False  # PortAudio restarts in a worker: no device may open meanwhile
        self.device_work = 0  # workers opening or closing an input: PortAudio may not restart
        self.device_asked: str | None = None  # the input last opened or opening ("": default)
        self.device_after_take: str | None = None  # chosen in Settings while it could not open
        self.takes_folder: Path | None = None  # chosen in Settings; None: the queue's folder
        self.on_pulled: list[Callable[[LiveUpdate], None]] = []  # extra readers (calibration)
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_INTERVAL_MS)
        self.timer.timeout.connect(self.tick)
        self._queue_unwritten.connect(self.message)
        store.on_write_error = lambda exc: self._queue_unwritten.emit(
            f"The upload queue could not be saved ({user_message(exc)}); it is tried again at "
            f"the next change")

    @property
    def takes_dir(self) -> Path:
        """Where the next take is recorded. The queue stays in its own folder and keeps each
        take's full path, so takes recorded before a change upload from where they are."""
        return self.takes_folder or self.store.folder

    def set_takes_folder(self, folder: Path | None) -> None:
        """New takes go to `folder` (None: the desk's own); a take running keeps its file."""
        self.takes_folder = folder

    @property
    def recording(self) -> bool:
        return self.recorder is not None and not self.stopping

    @property
    def take_busy(self) -> bool:
        """A take is starting or recording: Space stops it, the device stays as it is."""
        return self.starting or self.recorder is not None

    # -- the device -----------------------------------------------------------------------------
    def find_devices(self) -> None:
        """Lists the inputs in a worker; `devices_found` brings them."""
        self.runner.run(self.lister, on_result=self.devices_found.emit,
                        on_error=lambda exc: self.devices_missing.emit(
                            f"No microphone found: {user_message(exc)}"))

    def rescan_devices(self, name: str | None) -> bool:
        """Looks for inputs plugged in since the start, then opens `name` again (else the
        default). The input is closed meanwhile: PortAudio has to restart to see new devices."""
        if self.take_busy:
            self.message.emit("Stop the take before looking for microphones")
            return False
        if self.rescanning or self.device_work:
            self.message.emit("The microphone is still opening; look again in a moment")
            return False
        self.rescanning = True
        request, old = self._release_input()
        self.runner.run(rescan_inputs, old, self.rescanner, self.lister,
                        on_result=lambda found: self._rescanned(request, name, *found),
                        on_error=self._rescan_failed)
        return True

    def _rescanned(self, request: int, name: str | None, devices: list[AudioDevice],
                   rescanned: bool) -> None:
        self.rescanning = False
        if self.device_after_take is not None:  # chosen in Settings meanwhile: it wins
            name, self.device_after_take = self.device_after_take or None, None
        self.devices_found.emit(devices)
        if not rescanned:
            self.message.emit("Stop playing to look for newly connected microphones")
        if request == self.opening and devices:  # else the desk was closed meanwhile
            self.open_device(name)  # one that is gone falls back to the default, and says so

    def _rescan_failed(self, exc: BaseException) -> None:
        self.rescanning = False
        self.devices_missing.emit(f"Could not look for microphones: {user_message(exc)}")

    def _release_input(self) -> tuple[int, InputCapture | None]:
        """Stops the live view and hands the input over (a worker closes it). The new request."""
        self.opening += 1
        old = self.capture
        self.timer.stop()
        self.capture = None
        self.analysis = None
        return self.opening, old

    def choose_device(self, name: str) -> None:
        """The input chosen in Settings ("": the default): opened now, or once the take or
        the search for microphones is over. The one already open or opening is left alone."""
        if name == self.device_asked:
            return
        if self.take_busy or self.rescanning:
            self.device_after_take = name
            if self.take_busy:
                self.message.emit(f"The microphone changes to {name or 'the system default'} "
                                  "when the take stops")
            return
        self.open_device(name or None)

    def _open_chosen_later(self) -> None:
        name, self.device_after_take = self.device_after_take, None
        if name is not None and name != self.device_asked:
            self.open_device(name or None)

    def open_device(self, name: str | None) -> bool:
        """Re-opens the input in a worker; the live view starts again once it is open."""
        if self.take_busy:
            self.message.emit("Stop the take before changing the microphone")
            return False
        if self.rescanning:
            self.message.emit("Looking for microphones; pick one once the list is back")
            return False
        self.device_asked = name or ""
        request, old = self._release_input()
        self.device_opening.emit(name or "")
        self.device_work += 1
        self.runner.run(reopen_capture, old, name, self.opener,
                        on_result=lambda capture: self._device_ready(request, name, capture),
                        on_error=lambda exc: self._device_failed(request, exc))
        return True

    def _device_ready(self, request: int, name: str | None, capture: InputCapture) -> None:
        if request != self.opening:  # another device was picked meanwhile
            self.runner.run(capture.close, on_result=self._device_work_done,
                            on_error=self._device_work_done)
            return
        self.device_work -= 1
        self.capture = capture
        self.analysis = LiveAnalysis(capture.ring, capture.rate_hz)
        self.timer.start()
        if capture.device_fell_back and name:
            self.message.emit(f"{name} is not connected; using {capture.device.name}")
        self.device_opened.emit(capture.device.name, capture.rate_hz)

    def _device_failed(self, request: int, exc: BaseException) -> None:
        # PortAudio reports a missing or busy device as a generic error
        self.device_work -= 1
        if request == self.opening:
            self.device_failed.emit(f"Could not open the microphone: {user_message(exc)}")

    def _device_work_done(self, _result: object = None) -> None:
        self.device_work -= 1

    def close_device(self) -> None:
        self.opening += 1  # a device still opening is closed when it arrives
        self.timer.stop()
        if self.capture is not None:
            self.capture.close()
        self.capture = None
        self.analysis = None

    def reset_clip(self) -> None:
        if self.analysis is not None:
            self.analysis.meter.reset_clip()

    # -- the timer ------------------------------------------------------------------------------
    def tick(self) -> None:
        if self.analysis is None or self.capture is None:
            return
        update = self.analysis.pull()
        self.live.emit(update)
        for reader in list(self.on_pulled):
            reader(update)
        if self.starting:
            return  # the take's writer is about to poll the device's health itself
        if self.recorder is not None and not self.stopping:
            status = self.recorder.status()
            self.take_status.emit(status)
            if self.stop_after_s and status.duration_s >= self.stop_after_s:
                self.stop()
            elif status.error:
                self.message.emit(f"The take stopped: {status.error}")
                self.stop()
        else:
            lost = self.capture.health()
            if lost:
                self.device_failed.emit(f"The microphone stopped: {lost}")
                self.close_device()

    # -- takes ----------------------------------------------------------------------------------
    def record(self, label: str = "", *, preroll_s: float = 0.0, kind: str = "take") -> Path | None:
        """Starts a take in a worker (its file and queue entry are written before the first
        block); `take_started` says it runs. The take's path, or None if none was started."""
        if self.capture is None:
            self.message.emit("Pick a microphone first")
            return None
        if self.take_busy:
            return None
        label = label or time.strftime("Take %H:%M:%S")
        path = self.takes_dir / take_file_name(label)
        queue_on_disk = None
        if kind == "take":
            self.store.put(OutboxEntry(str(path), self.current_folder(), label, RECORDING))
            queue_on_disk = self.store.flush  # the worker waits for the writer thread
        self.take_label = label
        self.take_kind = kind
        self.stopping = False
        self.starting = True
        self.stop_when_started = False
        self.take_starting.emit(str(path), label)
        self.runner.run(start_take, self.capture, path, preroll_s, queue_on_disk,
                        on_result=self._take_started,
                        on_error=lambda exc: self._take_failed(path, exc))
        return path

    def _take_started(self, recorder: TakeRecorder) -> None:
        self.starting = False
        self.recorder = recorder
        self.take_started.emit(self.take_label)
        if self.stop_when_started:  # Space while the file was being created
            self.stop_when_started = False
            self.stop()

    def _take_failed(self, path: Path, exc: BaseException) -> None:
        self.starting = False
        self.stop_when_started = False
        self.punch = None
        self.stop_after_s = 0.0
        if self.store.get(str(path)) is not None:
            self.store.remove(str(path))
        text = f"The take could not be started: {user_message(exc)}"
        self.take_failed.emit(text)
        self.message.emit(text)
        self._open_chosen_later()

    def punch_in(self, plan: PunchPlan) -> Path | None:
        """Records the region again (the caller played the pre-roll); spliced in at the stop."""
        self.punch = plan  # set first: `record` may fail at once, and clears it then
        self.stop_after_s = plan.length_s
        path = self.record(f"{plan.label} punch", kind="punch")
        if path is None:
            self.punch = None
            self.stop_after_s = 0.0
        return path

    def stop(self) -> None:
        if self.starting:
            self.stop_when_started = True
            return
        recorder = self.recorder
        if recorder is None or self.stopping:
            return
        self.stopping = True
        self.runner.run(recorder.stop, on_result=self._stopped,
                        on_error=lambda exc: self._stop_failed(recorder, exc))

    def _stopped(self, result: TakeResult) -> None:
        self.recorder = None
        self.stopping = False
        self.stop_after_s = 0.0
        self.take_stopped.emit(result)
        self._open_chosen_later()
        if self.take_kind == "take":
            self.check(str(result.path))
        elif self.take_kind == "punch" and self.punch is not None:
            plan, self.punch = self.punch, None
            dest = self.takes_dir / take_file_name(plan.label, suffix=" punch-in")
            self.runner.run(splice, plan, result.path, dest,
                            on_result=lambda path: self._spliced(plan, path),
                            on_error=lambda exc: self.message.emit(
                                f"The punch-in was kept at {result.path} but could not be "
                                f"spliced: {user_message(exc)}"))

    def _spliced(self, plan: PunchPlan, path: Path) -> None:
        self.store.put(OutboxEntry(str(path), self.current_folder(), plan.describe(), CHECKING))
        self.punch_spliced.emit(str(path), plan.describe())
        self.check(str(path))

    def _stop_failed(self, recorder: TakeRecorder, exc: BaseException) -> None:
        self.recorder = None
        self.stopping = False
        self.message.emit(f"The take could not be closed ({user_message(exc)}); it is kept at "
                          f"{recorder.path} and repaired at the next start")
        self._open_chosen_later()

    def check(self, path: str) -> None:
        self.store.update(path, state=CHECKING)
        self.runner.run(check_take_file, Path(path), "original", self.outbox.max_upload_bytes(),
                        on_result=lambda report: self._checked(path, report),
                        on_error=lambda exc: self._check_failed(path, exc))

    def _checked(self, path: str, report: QualityReport) -> None:
        self.verdict.emit(path, report)
        if report.verdict == "bad":
            self.store.update(path, state=HELD, message=report.summary)
            self.outbox.changed.emit()
        else:
            self.outbox.enqueue(path)

    def _check_failed(self, path: str, exc: BaseException) -> None:
        self.store.update(path, state=HELD, message=f"could not be read: {user_message(exc)}")
        self.message.emit(f"Take {Path(path).name} could not be checked: {user_message(exc)}")

    def upload_anyway(self, path: str) -> None:
        self.outbox.enqueue(path)

    # -- at the start, and after a crash ---------------------------------------------------------
    def recover(self) -> None:
        """Reads the queue, then repairs takes a killed studio left open, in workers; then
        checks and queues them and starts the uploads."""
        self.runner.run(self.store.read, on_result=self._queue_read,
                        on_error=lambda exc: self._queue_read([], exc))

    def _queue_read(self, read: list[OutboxEntry], exc: BaseException | None = None) -> None:
        if exc is not None:  # the store's thread kept what it could; say so, go on without
            self.message.emit(f"The upload queue could not be read: {user_message(exc)}")
        self.store.adopt(read)
        # a take left open may be in any folder the takes folder was set to: its queue entry,
        # written before its first block, says which
        folders = [self.takes_dir, self.store.folder,
                   *(Path(e.path).parent for e in self.store.entries if e.kind == TAKE)]
        self.runner.run(recover_takes, folders,
                        on_result=lambda repaired: self._recovered(read, repaired),
                        on_error=lambda exc: self._recovery_failed(read, exc))

    def _recovery_failed(self, read: list[OutboxEntry], exc: BaseException) -> None:
        self.message.emit(f"Takes left open by a crash could not be repaired: "
                          f"{user_message(exc)}")
        self._recovered(read, [])

    def _recovered(self, read: list[OutboxEntry], repaired: list[object]) -> None:
        repaired_paths = {str(getattr(r, "path", "")) for r in repaired}
        # entries of this session (a take started before the queue was read) are left alone
        earlier = {e.path for e in read} | repaired_paths
        for path in repaired_paths - {e.path for e in self.store.entries}:
            self.store.put(OutboxEntry(path, "", Path(path).stem, RECORDING))
        for entry in self.store.in_state(RECORDING, CHECKING):
            if entry.path not in earlier:
                continue
            if Path(entry.path).exists():
                self.check(entry.path)
            else:  # killed before its first block: nothing was recorded
                self.store.remove(entry.path)
        if repaired_paths:
            self.message.emit(f"Recovered {len(repaired_paths)} take(s) interrupted by a crash")
        self.outbox.start()

    def shutdown(self) -> None:
        """The studio closes: a running take is closed (never lost), the device released."""
        if self.starting:  # it stops once it runs (if the loop still does)
            self.stop()
        recorder = self.recorder
        if recorder is not None:
            self.recorder = None
            recorder.stop()
        self.close_device()

    def status(self) -> RecorderStatus | None:
        return self.recorder.status() if self.recorder is not None else None
