"""Accent samples: a reference phrase in the accent's language, in the accent's voice, made once."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile

from voxbooth.engine.accents import accent_sample_file
from voxbooth.engine.profiles import ProfileError, profile_for_voice

from .measure import cents, praat_median_hz


def test_an_accent_sample_is_made_once_in_its_voice(tmp_path: Path) -> None:
    elena = profile_for_voice("elena")
    path = accent_sample_file(elena.accent_ids[0], tmp_path)
    samples, rate_hz = soundfile.read(path)
    assert samples.shape[0] / rate_hz > 1.5
    assert float(np.sqrt(np.mean(samples**2))) > 0.02
    assert abs(cents(praat_median_hz(samples, rate_hz), elena.pitch_hz)) < 50.0
    made_ns = path.stat().st_mtime_ns
    assert accent_sample_file(elena.accent_ids[0], tmp_path) == path
    assert path.stat().st_mtime_ns == made_ns  # cached, not made again
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_an_unknown_accent_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="unknown accent"):
        accent_sample_file("00000000-0000-0000-0000-000000000000", tmp_path)
