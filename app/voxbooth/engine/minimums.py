"""How much voiced speech the engine needs to measure a voice: one home for the minimums, light
enough for the service to serve them (`GET /api/limits`) without loading the DSP."""

from __future__ import annotations

CALIBRATION_MIN_VOICED_S = 4.0  # about what 10 s of reading holds
VOICE_SAMPLE_MIN_VOICED_S = 3.0  # what a voice clone's codebook needs
