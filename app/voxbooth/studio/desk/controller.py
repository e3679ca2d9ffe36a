"""The desk's controller: the open microphone, the live pull, takes to disk, check, upload.

Runs on the GUI thread. The audio callback only fills the capture's ring (voxbooth.audio); one
QTimer pulls from it ~30 times a second (STYLE.md habit 2). Stopping a take (joining its writer)
and the quality check read the disk, so they run in workers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from voxbooth.audio.capture import InputCapture
from voxbooth.audio.devices import AudioDevice, list_devices
from voxbooth.audio.files import check_take_file
from voxbooth.audio.recorder import RecorderStatus, TakeRecorder, TakeResult
from voxbooth.audio.recovery import recover_folder
from voxbooth.audio.take_file import TakeFormat
from voxbooth.dsp.quality import QualityReport
from voxbooth.studio.desk.live import LiveAnalysis, LiveUpdate
from voxbooth.studio.desk.punch import PunchPlan, splice
from voxbooth.studio.desk.queue_store import CHECKING, HELD, RECORDING, QueuedTake, QueueStore
from voxbooth.studio.desk.takes_folder import take_file_name
from voxbooth.studio.desk.uploads import TakeUploads
from voxbooth.studio.errors import user_message
from voxbooth.studio.workers import TaskRunner

FRAME_INTERVAL_MS = 33
TAKE_FORMAT = TakeFormat("WAV", "PCM_24")  # readable while written; half a float WAV's size


class DeskController(QObject):
    live = Signal(object)  # LiveUpdate, after each pull
    device_opened = Signal(str, int)  # device name, rate in use (Hz)
    device_failed = Signal(str)
    take_started = Signal(str)  # label
    take_status = Signal(object)  # RecorderStatus while recording
    take_stopped = Signal(object)  # TakeResult
    punch_spliced = Signal(str, str)  # the new take's path, its label
    verdict = Signal(str, object)  # take path, QualityReport
    message = Signal(str)

    def __init__(self, runner: TaskRunner, store: QueueStore, uploads: TakeUploads,
                 current_folder: Callable[[], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.store = store
        self.uploads = uploads
        self.current_folder = current_folder
        self.capture: InputCapture | None = None
        self.analysis: LiveAnalysis | None = None
        self.recorder: TakeRecorder | None = None
        self.take_label = ""
        self.take_kind = "take"
        self.punch: PunchPlan | None = None
        self.stop_after_s = 0.0  # a punch-in stops itself at the end of its region
        self.stopping = False
        self.on_pulled: list[Callable[[LiveUpdate], None]] = []  # extra readers (calibration)
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_INTERVAL_MS)
        self.timer.timeout.connect(self.tick)

    @property
    def takes_dir(self) -> Path:
        return self.store.folder

    @property
    def recording(self) -> bool:
        return self.recorder is not None and not self.stopping

    # -- the device -----------------------------------------------------------------------------
    @staticmethod
    def devices() -> list[AudioDevice]:
        return list_devices("input")

    def open_device(self, name: str | None) -> bool:
        """Opens (or re-opens) the input; the live view starts at once."""
        if self.recorder is not None:
            self.message.emit("Stop the take before changing the microphone")
            return False
        self.close_device()
        try:
            capture = InputCapture(name or None, 48000, live_seconds=30.0).start()
        except Exception as exc:  # PortAudio reports a missing or busy device as a generic error
            self.device_failed.emit(f"Could not open the microphone: {user_message(exc)}")
            return False
        self.capture = capture
        self.analysis = LiveAnalysis(capture.ring, capture.rate_hz)
        self.timer.start()
        if capture.device_fell_back and name:
            self.message.emit(f"{name} is not connected; using {capture.device.name}")
        self.device_opened.emit(capture.device.name, capture.rate_hz)
        return True

    def close_device(self) -> None:
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
        """Starts a take (file and its queue entry are written before the first block)."""
        if self.capture is None:
            self.message.emit("Pick a microphone first")
            return None
        if self.recorder is not None:
            return None
        label = label or time.strftime("Take %H:%M:%S")
        path = self.takes_dir / take_file_name(label)
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "take":
            self.store.put(QueuedTake(str(path), self.current_folder(), label, RECORDING))
        self.recorder = TakeRecorder(self.capture, path, take_format=TAKE_FORMAT,
                                     preroll_s=preroll_s).start()
        self.take_label = label
        self.take_kind = kind
        self.stopping = False
        self.take_started.emit(label)
        return path

    def punch_in(self, plan: PunchPlan) -> Path | None:
        """Records the region again (the caller played the pre-roll); spliced in at the stop."""
        path = self.record(f"{plan.label} punch", kind="punch")
        if path is not None:
            self.punch = plan
            self.stop_after_s = plan.length_s
        return path

    def stop(self) -> None:
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
        self.store.put(QueuedTake(str(path), self.current_folder(), plan.describe(), CHECKING))
        self.punch_spliced.emit(str(path), plan.describe())
        self.check(str(path))

    def _stop_failed(self, recorder: TakeRecorder, exc: BaseException) -> None:
        self.recorder = None
        self.stopping = False
        self.message.emit(f"The take could not be closed ({user_message(exc)}); it is kept at "
                          f"{recorder.path} and repaired at the next start")

    def check(self, path: str) -> None:
        self.store.update(path, state=CHECKING)
        self.runner.run(check_take_file, Path(path),
                        on_result=lambda report: self._checked(path, report),
                        on_error=lambda exc: self._check_failed(path, exc))

    def _checked(self, path: str, report: QualityReport) -> None:
        self.verdict.emit(path, report)
        if report.verdict == "bad":
            self.store.update(path, state=HELD, message=report.summary)
            self.uploads.changed.emit()
        else:
            self.uploads.enqueue(path)

    def _check_failed(self, path: str, exc: BaseException) -> None:
        self.store.update(path, state=HELD, message=f"could not be read: {user_message(exc)}")
        self.message.emit(f"Take {Path(path).name} could not be checked: {user_message(exc)}")

    def upload_anyway(self, path: str) -> None:
        self.uploads.enqueue(path)

    # -- after a crash --------------------------------------------------------------------------
    def recover(self) -> None:
        """Worker: repairs takes a killed studio left open, then checks and queues them."""
        self.runner.run(recover_folder, self.takes_dir, on_result=self._recovered)

    def _recovered(self, repaired: list[object]) -> None:
        repaired_paths = {str(getattr(r, "path", "")) for r in repaired}
        for path in repaired_paths - {e.path for e in self.store.entries}:
            self.store.put(QueuedTake(path, "", Path(path).stem, RECORDING))
        for entry in self.store.in_state(RECORDING, CHECKING):
            if Path(entry.path).exists():
                self.check(entry.path)
            else:  # killed before its first block: nothing was recorded
                self.store.remove(entry.path)
        if repaired_paths:
            self.message.emit(f"Recovered {len(repaired_paths)} take(s) interrupted by a crash")
        self.uploads.start()

    def status(self) -> RecorderStatus | None:
        return self.recorder.status() if self.recorder is not None else None
