"""Voice cloning: a private voice's profile estimated from its samples.

What is measured from the samples (all at 16 kHz):
- f0 statistics: the median of the voiced frames becomes the voice's pitch (so the pitch contract
  puts any speaker there), the spread of log f0 its range;
- the long-term spectral envelope of the voiced frames. At conversion time the formant scale is
  the warp that best lays the speaker's own long-term envelope onto this one (vocal tract
  length) and its bend (how the upper formants move against the first), and what the warp
  leaves, tilt included, is removed by a smooth EQ (see `transform.plan`);
- the long-term aperiodicity of the voiced frames (breath): the converted voiced frames are
  moved band by band to it (see `envelope.shift_aperiodicity`);
- a codebook of its voiced frames' envelopes: each converted voiced frame moves toward its
  nearest frames of the speaker (see `envelope.select_frames`), so the detail of each vowel,
  not only the long-term average, becomes the speaker's.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import numpy as np
import pyworld

from voxbooth.engine import envelope as env
from voxbooth.engine import world
from voxbooth.engine.minimums import VOICE_SAMPLE_MIN_VOICED_S
from voxbooth.engine.profiles import VoiceProfile

MIN_VOICED_S = VOICE_SAMPLE_MIN_VOICED_S
MAX_FRAMES = 1_200  # codebook size: every other voiced frame of about 12 s of speech


class CloneError(ValueError):
    """The samples cannot make a voice; the message says why in the user's words."""


def estimate_profile(
    samples_list: Sequence[tuple[np.ndarray, int]],
    *,
    voice_id: str | None = None,
    name: str = "Private voice",
    slug: str | None = None,
) -> VoiceProfile:
    """The profile of the voice heard in these (samples, rate_hz) pairs."""
    voiced_f0: list[np.ndarray] = []
    envelope_sum = np.zeros(env.LTAS_GRID_HZ.shape[0])
    aperiodicity_sum = np.zeros(env.LTAS_GRID_HZ.shape[0])
    frames: list[np.ndarray] = []
    voiced_frames = 0
    for samples, rate_hz in samples_list:
        data = np.asarray(samples, dtype=np.float64)
        if data.ndim == 2:
            data = data.mean(axis=1)
        if data.size == 0 or not np.all(np.isfinite(data)):
            continue
        x16 = world.to_analysis_rate(data, rate_hz)
        f0_hz, times_s = world.track_f0(x16)
        count = int(np.count_nonzero(f0_hz > 0.0))
        if count == 0:
            continue
        spectrum = pyworld.cheaptrick(x16, f0_hz, times_s, world.ANALYSIS_RATE_HZ)
        envelope_sum += env.long_term_envelope_db(spectrum, f0_hz, world.ANALYSIS_RATE_HZ) * count
        aperiodicity = pyworld.d4c(x16, f0_hz, times_s, world.ANALYSIS_RATE_HZ)
        aperiodicity_sum += env.long_term_aperiodicity_db(
            aperiodicity, f0_hz, world.ANALYSIS_RATE_HZ) * count
        frames.append(env.frame_envelopes_db(spectrum[f0_hz > 0.0][::2], world.ANALYSIS_RATE_HZ))
        voiced_f0.append(f0_hz[f0_hz > 0.0])
        voiced_frames += count
    voiced_s = voiced_frames * world.FRAME_PERIOD_MS / 1000.0
    if voiced_frames == 0:
        raise CloneError("no voiced speech found in the samples")
    if voiced_s < MIN_VOICED_S:
        raise CloneError(f"only {voiced_s:.1f} s of voiced speech in the samples; add more speech")
    f0_all = np.concatenate(voiced_f0)
    codebook = np.concatenate(frames)
    if codebook.shape[0] > MAX_FRAMES:
        codebook = codebook[np.linspace(0, codebook.shape[0] - 1, MAX_FRAMES).astype(int)]
    identifier = voice_id or str(uuid.uuid4())
    return VoiceProfile(
        voice_id=identifier,
        slug=slug or f"private-{identifier[:8]}",
        name=name,
        pitch_hz=round(float(np.median(f0_all)), 2),
        f0_range_st=round(float(np.std(12.0 * np.log2(f0_all))), 3),
        envelope_db=tuple(round(float(v), 2) for v in envelope_sum / voiced_frames),
        aperiodicity_db=tuple(round(float(v), 2) for v in aperiodicity_sum / voiced_frames),
        frames_db=tuple(tuple(round(float(v), 1) for v in row) for row in codebook),
        species="human",
    )
