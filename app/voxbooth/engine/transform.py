"""A voice profile applied to WORLD features: pitch, vocal tract, source and effects.

Runs in worker processes; everything it needs travels in its arguments (no globals), and its
randomness (jitter, shimmer) is seeded per chunk so a conversion is repeatable.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from voxbooth.engine import envelope as env
from voxbooth.engine.profiles import VoiceProfile
from voxbooth.engine.world import WorldFeatures


@dataclass(frozen=True)
class SpeakerStats:
    """What the engine knows about the speaker of the whole original (not just one chunk)."""

    f0_hz: float  # reference f0: the calibration, else the original's median
    spread_st: float  # std of the voiced log f0, semitones
    envelope_db: tuple[float, ...] | None = None  # long-term envelope (for clones)


@dataclass(frozen=True)
class Plan:
    """The numbers of one conversion, fixed once for every chunk."""

    target_f0_hz: float
    range_scale: float
    formant_scale: float
    eq_residual_db: tuple[float, ...] | None = None
    formant_bend: float = 0.0


def plan(
    profile: VoiceProfile, speaker: SpeakerStats, semitones: float, style_range: float
) -> Plan:
    """Target pitch (the pitch contract), range and formant scale for this speaker and voice."""
    target = profile.pitch_hz * 2.0 ** (semitones / 12.0)
    if profile.f0_range_st is not None and speaker.spread_st > 0.1:
        range_scale = float(np.clip(profile.f0_range_st / speaker.spread_st, 0.3, 3.0))
    else:
        range_scale = profile.f0_range_scale
    formant, bend = profile.formant_scale, profile.formant_bend
    residual: tuple[float, ...] | None = None
    if profile.envelope_db is not None and speaker.envelope_db is not None:
        source = np.asarray(speaker.envelope_db)
        target_db = np.asarray(profile.envelope_db)
        formant = env.best_warp(source, target_db)
        moved = env.warp_db_curve(source, formant)
        residual = tuple(float(v) for v in (target_db - target_db.mean()) - (moved - moved.mean()))
    return Plan(target, range_scale * style_range, formant, residual, bend)


def apply(
    features: WorldFeatures,
    profile: VoiceProfile,
    speaker: SpeakerStats,
    the_plan: Plan,
    *,
    start_s: float,
    seed: int,
) -> WorldFeatures:
    """The features of the converted voice (a new object; the input is left alone)."""
    rng = np.random.default_rng(seed)
    times_s = start_s + np.arange(features.frame_count) * features.frame_period_ms / 1000.0
    f0 = _map_f0(features.f0_hz, profile, speaker, the_plan, times_s, rng)
    spectrum = _shape_envelope(features, profile, the_plan, times_s, rng)
    aperiodicity = _shape_aperiodicity(features, profile)
    if profile.effects.whisper:
        f0 = np.zeros_like(f0)
    return WorldFeatures(f0, spectrum, aperiodicity, features.rate_hz, features.frame_period_ms)


def _map_f0(
    f0_hz: np.ndarray,
    profile: VoiceProfile,
    speaker: SpeakerStats,
    the_plan: Plan,
    times_s: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    voiced = f0_hz > 0.0
    out = np.zeros_like(f0_hz)
    log_target = np.log(the_plan.target_f0_hz)
    if profile.effects.monotone:
        out[voiced] = the_plan.target_f0_hz
        return out
    # A linear map in log f0 around the reference keeps the median where the contract says.
    log_f0 = log_target + the_plan.range_scale * (np.log(f0_hz[voiced]) - np.log(speaker.f0_hz))
    cents = np.zeros(f0_hz.shape[0])
    if profile.jitter_cents > 0.0:
        cents += rng.normal(0.0, profile.jitter_cents, f0_hz.shape[0])
    if profile.vibrato_hz > 0.0:
        cents += profile.vibrato_cents * np.sin(2.0 * np.pi * profile.vibrato_hz * times_s)
    log_f0 = log_f0 + cents[voiced] * np.log(2.0) / 1200.0
    out[voiced] = np.exp(log_f0)
    return out


def _shape_envelope(
    features: WorldFeatures,
    profile: VoiceProfile,
    the_plan: Plan,
    times_s: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    effects = profile.effects
    freqs = env.bin_frequencies_hz(features.envelope.shape[1], features.rate_hz)
    if effects.wobble_hz > 0.0 and effects.wobble_depth > 0.0:
        wobble = 1.0 + effects.wobble_depth * np.sin(2.0 * np.pi * effects.wobble_hz * times_s)
        spectrum = env.warp_varying(features.envelope, the_plan.formant_scale * wobble)
    else:
        spectrum = env.warp(features.envelope, the_plan.formant_scale,
                            bend=the_plan.formant_bend, nyquist_hz=features.rate_hz / 2.0)
    gain = env.tilt_gain(freqs, profile.tilt_db_per_octave)
    if profile.resonances:
        gain = gain * env.peak_gain(freqs, profile.resonances)
    if the_plan.eq_residual_db is not None:
        gain = gain * env.matching_gain(np.asarray(the_plan.eq_residual_db), freqs)
    if effects.comb_hz > 0.0 and effects.comb_depth > 0.0:
        gain = gain * env.comb_gain(freqs, effects.comb_hz, effects.comb_depth)
    spectrum = spectrum * gain[None, :]
    if profile.frames_db is not None:
        spectrum = env.select_frames(spectrum, features.f0_hz, features.rate_hz,
                                     np.asarray(profile.frames_db))
    level_db = np.zeros(features.frame_count)
    if profile.shimmer_db > 0.0:
        level_db += rng.normal(0.0, profile.shimmer_db, features.frame_count)
    if effects.growl_hz > 0.0 and effects.growl_depth > 0.0:
        flutter = 1.0 + effects.growl_depth * np.sin(2.0 * np.pi * effects.growl_hz * times_s)
        level_db += 20.0 * np.log10(np.maximum(flutter, 0.05))
    if np.any(level_db):
        spectrum = spectrum * (10.0 ** (level_db / 10.0))[:, None]
    return np.asarray(spectrum)


def _shape_aperiodicity(features: WorldFeatures, profile: VoiceProfile) -> np.ndarray:
    aperiodicity = features.aperiodicity
    if profile.aperiodicity_db is not None:
        aperiodicity = env.shift_aperiodicity(aperiodicity, features.f0_hz, features.rate_hz,
                                              np.asarray(profile.aperiodicity_db))
    if profile.breathiness <= 0.0:
        return aperiodicity
    freqs = env.bin_frequencies_hz(features.aperiodicity.shape[1], features.rate_hz)
    # Breath is noise mostly above the first formant; the lowest harmonics keep most of their
    # voicing so the pitch still reads, but not all of it, or the breath would not be heard.
    ramp = np.clip(freqs / 2_000.0, 0.0, 1.0)
    weight = profile.breathiness * (0.35 + 0.65 * ramp)
    periodic = 1.0 - aperiodicity
    return np.asarray(np.clip(1.0 - periodic * (1.0 - weight)[None, :], 0.0, 1.0))


def ring_modulate(
    samples: np.ndarray, rate_hz: int, profile: VoiceProfile, the_plan: Plan, start_s: float
) -> np.ndarray:
    """Metallic ring (robot), mixed under the dry voice.

    The carrier sits on the harmonic of the (monotone) target pitch nearest `ring_hz`: its
    sidebands then land on harmonics too, so the ring sounds metallic without adding a second,
    lower periodicity that a listener (or Praat) would hear as the pitch an octave down.
    """
    effects = profile.effects
    if effects.ring_hz <= 0.0 or effects.ring_mix <= 0.0:
        return samples
    harmonic = max(round(effects.ring_hz / the_plan.target_f0_hz), 1)
    t = start_s + np.arange(samples.shape[0]) / rate_hz
    carrier = np.cos(2.0 * np.pi * harmonic * the_plan.target_f0_hz * t)
    wet = samples * carrier * 2.0
    return np.asarray((1.0 - effects.ring_mix) * samples + effects.ring_mix * wet)
