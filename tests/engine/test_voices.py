"""Every catalogue voice has a profile, and each sounds like what its metadata says.

One real take is converted into all 24 voices once; the measures are Praat's (f0, jitter,
harmonics-to-noise) and WORLD's long-term envelope of the output, compared with the original's.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from dataclasses import dataclass

import numpy as np
import pytest

from voxbooth.engine.convert import convert
from voxbooth.engine.profiles import (
    ProfileError,
    VoiceProfile,
    catalogue_path,
    load_profiles,
    profile_for_voice,
)

from .measure import (
    cents,
    envelope_shift,
    long_term_envelope_db,
    praat_f0_hz,
    praat_jitter_and_hnr,
)


@dataclass(frozen=True)
class Heard:
    profile: VoiceProfile
    f0_hz: float  # Praat median (0 when nothing is voiced)
    f0_spread_cents: float  # interquartile range (robust to a few octave errors)
    voiced_fraction: float
    tract_scale: float  # formant shift of the output against the original
    jitter: float
    hnr_db: float
    envelope_db: np.ndarray


@pytest.fixture(scope="module")
def heard(arctic: tuple[np.ndarray, int]) -> dict[str, Heard]:
    samples, rate_hz = arctic
    grid, before = long_term_envelope_db(samples, rate_hz)
    source_frames = praat_f0_hz(samples, rate_hz).size
    result = {}
    for slug, profile in load_profiles().items():
        out = convert(samples, rate_hz, profile)
        f0 = praat_f0_hz(out, rate_hz)
        _, after = long_term_envelope_db(out, rate_hz)
        jitter, hnr = praat_jitter_and_hnr(out, rate_hz)
        result[slug] = Heard(
            profile,
            float(np.median(f0)) if f0.size else 0.0,
            float(np.subtract(*np.percentile(1200.0 * np.log2(f0), [75, 25]))) if f0.size else 0.0,
            f0.size / source_frames,
            envelope_shift(before, after, grid),
            jitter,
            hnr,
            after,
        )
    return result


def test_every_catalogue_voice_has_a_profile_with_its_catalogue_identity() -> None:
    voices = json.loads(catalogue_path().read_text(encoding="utf-8"))["voices"]
    profiles = load_profiles()
    assert sorted(profiles) == sorted(v["slug"] for v in voices)
    for voice in voices:
        profile = profiles[voice["slug"]]
        assert profile.voice_id == voice["id"]
        assert profile.pitch_hz == voice["pitch"]
        assert profile_for_voice(voice["id"]) is profile
        assert profile_for_voice(voice["name"].upper()) is profile
    with pytest.raises(ProfileError, match="unknown voice"):
        profile_for_voice("nobody")


def test_accents_are_honest_each_voice_offers_only_its_native_accent() -> None:
    """The engine cannot change an accent, so the catalogue lists only what the voice is."""
    for voice in json.loads(catalogue_path().read_text(encoding="utf-8"))["voices"]:
        assert len(voice["accents"]) == 1
        assert voice["accents"][0]["native"] is True


def test_every_pair_of_voices_sounds_different(heard: dict[str, Heard]) -> None:
    for a, b in itertools.combinations(heard.values(), 2):
        pitch_apart = a.f0_hz == 0.0 or b.f0_hz == 0.0 or abs(cents(a.f0_hz, b.f0_hz)) >= 80.0
        tract_apart = abs(np.log(a.tract_scale / b.tract_scale)) >= np.log(1.04)
        timbre_apart = float(np.sqrt(np.mean((a.envelope_db - b.envelope_db) ** 2))) >= 2.0
        roughness_apart = abs(a.hnr_db - b.hnr_db) >= 2.0
        assert pitch_apart or tract_apart or timbre_apart or roughness_apart, (
            a.profile.slug,
            b.profile.slug,
        )


def test_children_are_higher_with_shorter_tracts_than_adults(heard: dict[str, Heard]) -> None:
    humans = [h for h in heard.values() if h.profile.species == "human"]
    for gender in ("male", "female"):
        children = [
            h for h in humans if h.profile.gender == gender and h.profile.age_group == "child"
        ]
        adults = [
            h for h in humans if h.profile.gender == gender and h.profile.age_group == "adult"
        ]
        assert children and adults
        for child, adult in itertools.product(children, adults):
            assert child.f0_hz > adult.f0_hz * 1.2, (child.profile.slug, adult.profile.slug)
            assert child.tract_scale > adult.tract_scale * 1.08, (
                child.profile.slug,
                adult.profile.slug,
            )


def test_seniors_have_more_jitter_and_breath_than_young_voices(
    synthetic: tuple[np.ndarray, int],
) -> None:
    """Measured on the synthetic speaker, whose own voice is perfectly steady and clean, so
    all the jitter and breath heard comes from the voice (ARCTIC's man is already rough)."""
    samples, rate_hz = synthetic
    for gender in ("male", "female"):
        voices: dict[str, list[tuple[float, float]]] = {"senior": [], "young": []}
        for profile in load_profiles().values():
            human = profile.species == "human" and profile.gender == gender
            if human and profile.age_group in voices:
                out = convert(samples, rate_hz, profile)
                voices[profile.age_group].append(praat_jitter_and_hnr(out, rate_hz))
        seniors, young = voices["senior"], voices["young"]
        assert min(j for j, _ in seniors) > 1.5 * max(j for j, _ in young), gender
        assert max(h for _, h in seniors) < min(h for _, h in young) - 1.0, gender


def test_non_human_voices_match_their_descriptions(heard: dict[str, Heard]) -> None:
    # Fixed resonances (robot, alien) and whisper reshape the envelope beyond a tract length.
    others = [
        h for h in heard.values() if not (h.profile.effects.comb_depth or h.profile.effects.whisper)
    ]
    voiced = [h for h in heard.values() if h.f0_hz > 0.0]
    # The bear: lowest and longest tract; the bird: highest and shortest; the cat close behind.
    assert min(voiced, key=lambda h: h.f0_hz).profile.slug == "bruno"
    assert min(others, key=lambda h: h.tract_scale).profile.slug == "bruno"
    assert max(voiced, key=lambda h: h.f0_hz).profile.slug == "chirpy"
    assert max(others, key=lambda h: h.tract_scale).profile.slug == "chirpy"
    assert heard["whiskers"].f0_hz > 400.0 and heard["whiskers"].tract_scale > 1.35
    # The robot holds one pitch; a human voice moves by a few semitones.
    assert heard["unit-7"].f0_spread_cents < 30.0
    assert heard["jonas"].f0_spread_cents > 150.0
    # The ghost whispers: Praat finds few voiced frames and no harmonics above the noise.
    assert heard["ghost"].voiced_fraction < 0.3 and heard["ghost"].hnr_db < 3.0
    # Dog and goblin are rough: far noisier than a clean human voice.
    for rough in ("rex", "goblin"):
        assert heard[rough].hnr_db < heard["jonas"].hnr_db - 3.0


def test_the_alien_shimmers_its_formants(arctic: tuple[np.ndarray, int]) -> None:
    """Nebula's formants swing at 9 Hz: against the same voice without the shimmer, frame by
    frame, the warp that best maps one envelope onto the other follows a 9 Hz wave."""
    import pyworld

    samples, rate_hz = arctic
    nebula = profile_for_voice("nebula")
    steady = dataclasses.replace(
        nebula, effects=dataclasses.replace(nebula.effects, wobble_depth=0.0)
    )
    shimmering = convert(samples, rate_hz, nebula).astype(np.float64)
    plain = convert(samples, rate_hz, steady).astype(np.float64)
    f0, times = pyworld.dio(plain, rate_hz, f0_floor=60.0, f0_ceil=1100.0)
    voiced = f0 > 0
    log_a = np.log(pyworld.cheaptrick(shimmering, f0, times, rate_hz)[voiced])
    log_b = np.log(pyworld.cheaptrick(plain, f0, times, rate_hz)[voiced])
    bins = np.arange(log_b.shape[1])
    band = slice(int(250 / (rate_hz / 2) * bins[-1]), int(4_000 / (rate_hz / 2) * bins[-1]))
    scales = np.exp(np.linspace(np.log(0.8), np.log(1.25), 61))
    scores = []
    for scale in scales:
        moved = np.array([np.interp(bins / scale, bins, row) for row in log_b])[:, band]
        a = log_a[:, band] - log_a[:, band].mean(axis=1, keepdims=True)
        b = moved - moved.mean(axis=1, keepdims=True)
        scores.append((a * b).sum(axis=1) / np.sqrt((a * a).sum(axis=1) * (b * b).sum(axis=1)))
    warp = np.log(scales[np.argmax(np.array(scores), axis=0)])
    expected = np.log(1.0 + nebula.effects.wobble_depth * np.sin(2 * np.pi * 9.0 * times[voiced]))
    assert float(np.corrcoef(warp, expected)[0, 1]) > 0.7
    assert np.std(warp) == pytest.approx(np.std(expected), rel=0.3)
