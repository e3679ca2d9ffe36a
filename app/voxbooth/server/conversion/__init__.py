"""The conversion engine inside the service: orders, calibrations, TTS, accent samples and
voice cloning, with the job handlers that run them (registered by `register_jobs`)."""

from __future__ import annotations

from voxbooth.server import jobs


def register_jobs(runner: jobs.JobRunner) -> None:
    # Imported here: the engine pulls numpy/scipy/pyworld, which `voxbooth admin` never needs.
    from voxbooth.server.conversion import calibrations, cloning, convert_job, credits

    credits.install_refund_on_delete()
    convert_job.register(runner)
    calibrations.register(runner)
    cloning.register(runner)
