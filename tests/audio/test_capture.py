"""Recording from a real PortAudio device: the virtual microphone hears what we play into it."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.audio.signals import RATE_HZ, align, speech_at, tone
from tests.support.pulse import VirtualMic, pulseaudio_missing_reason, virtual_mic
from voxbooth.audio.capture import InputCapture
from voxbooth.audio.files import track_file_pitch
from voxbooth.audio.recorder import TakeRecorder
from voxbooth.audio.take_file import TakeFormat, marker_path
from voxbooth.dsp.pitch import cents_between, track_pitch


def _record_while_playing(vmic: VirtualMic, path: Path, played: np.ndarray,
                          take_format: TakeFormat | None = None) -> np.ndarray:
    with InputCapture(rate_hz=RATE_HZ) as capture:
        take = TakeRecorder(capture, path, take_format=take_format).start()
        time.sleep(0.2)
        vmic.play(played, RATE_HZ).wait(timeout=30)
        time.sleep(0.3)
        result = take.stop()
    assert result.error is None
    assert result.overflow_count == 0 and result.frames_dropped == 0
    recorded, rate = sf.read(path, dtype="float64")
    assert rate == RATE_HZ
    assert not marker_path(path).exists()  # a cleanly closed take leaves no recovery marker
    return np.asarray(recorded)


def test_recorded_speech_is_what_was_played_with_its_pitch(vmic: VirtualMic, speech_path: Path,
                                                           tmp_path: Path) -> None:
    played = speech_at(speech_path)
    recorded = _record_while_playing(vmic, tmp_path / "speech.wav", played)

    lag, ncc = align(recorded, played)
    assert lag >= 0 and lag + played.size <= recorded.size  # all of it, none cut off
    assert ncc > 0.99
    segment = recorded[lag:lag + played.size]
    ours, theirs = track_pitch(segment, RATE_HZ), track_pitch(played, RATE_HZ)
    both = ours.voiced & theirs.voiced
    assert both.sum() > 100
    assert np.median(np.abs(cents_between(ours.f0_hz[both], theirs.f0_hz[both]))) < 5


def test_capture_is_bit_for_bit(vmic: VirtualMic, speech_path: Path, tmp_path: Path) -> None:
    played = np.round(speech_at(speech_path) * 32767).astype(np.int16)
    recorded = _record_while_playing(vmic, tmp_path / "exact.wav", played)  # float WAV
    lag, _ = align(recorded, played.astype(np.float64))
    as_pcm = recorded[lag:lag + played.size] * 32768  # PulseAudio's s16 -> float scale
    ramp = RATE_HZ // 100  # PulseAudio ramps a new stream in over its first few samples
    np.testing.assert_array_equal(as_pcm[ramp:], played[ramp:].astype(np.float64))


def test_tones_recorded_to_24_bit_flac_keep_their_pitch(vmic: VirtualMic, tmp_path: Path) -> None:
    played = np.concatenate([tone(220.0, 1.0), tone(660.0, 1.0)])
    path = tmp_path / "tones.flac"
    recorded = _record_while_playing(vmic, path, played, TakeFormat("FLAC", "PCM_24"))

    assert sf.info(path).subtype == "PCM_24"
    lag, ncc = align(recorded, played)
    assert ncc > 0.99
    frames = track_file_pitch(path)
    low = frames.f0_hz[(frames.times_s > (lag / RATE_HZ) + 0.2)
                       & (frames.times_s < (lag / RATE_HZ) + 0.8)]
    high = frames.f0_hz[(frames.times_s > (lag / RATE_HZ) + 1.2)
                        & (frames.times_s < (lag / RATE_HZ) + 1.8)]
    assert np.all(np.abs(cents_between(low, 220.0)) < 5)
    assert np.all(np.abs(cents_between(high, 660.0)) < 5)


def test_take_is_on_disk_and_in_the_live_ring_while_it_runs(vmic: VirtualMic,
                                                           tmp_path: Path) -> None:
    path = tmp_path / "live.wav"
    with InputCapture(rate_hz=RATE_HZ) as capture:
        reader = capture.ring.reader()
        take = TakeRecorder(capture, path).start()
        vmic.play(tone(440.0, 3.0), RATE_HZ)
        time.sleep(2.0)
        status = take.status()
        live = reader.read_new().copy()
        on_disk = sf.info(path).frames  # readable mid-take, header and all
        take.stop()
    assert status.recording and status.error is None
    assert status.overflow_count == 0
    assert on_disk >= status.frames_recorded - RATE_HZ  # at most a second behind the mic
    assert live.shape[0] >= RATE_HZ
    assert abs(cents_between(np.nanmedian(track_pitch(live, RATE_HZ).f0_hz), 440.0)) < 5


def test_preroll_opens_the_take_with_what_came_just_before(vmic: VirtualMic,
                                                           tmp_path: Path) -> None:
    path = tmp_path / "punch.wav"
    with InputCapture(rate_hz=RATE_HZ) as capture:
        vmic.play(tone(330.0, 3.0), RATE_HZ)
        time.sleep(1.5)
        take = TakeRecorder(capture, path, preroll_s=0.5).start()
        time.sleep(0.5)
        result = take.stop()
    recorded, _ = sf.read(path)
    assert result.frames == recorded.shape[0]
    assert recorded.shape[0] >= int(0.95 * RATE_HZ)  # 0.5 s before Record + 0.5 s after
    opening = recorded[: RATE_HZ // 4]
    assert np.sqrt(np.mean(opening**2)) > 0.3  # the tone, not silence: it was heard before Record


def test_a_device_that_disappears_ends_the_take_and_keeps_it(tmp_path: Path) -> None:
    if reason := pulseaudio_missing_reason():
        pytest.skip(f"no virtual microphone: {reason}")
    path = tmp_path / "lost.wav"
    # Its own daemon, since this test kills it.
    with virtual_mic() as own_mic, InputCapture(rate_hz=RATE_HZ) as capture:
        take = TakeRecorder(capture, path).start()
        own_mic.play(tone(220.0, 5.0), RATE_HZ)
        time.sleep(1.5)
        own_mic.kill_daemon()
        deadline = time.monotonic() + 10
        while take.status().recording and time.monotonic() < deadline:
            time.sleep(0.1)
        status = take.status()
        result = take.stop()
    assert not status.recording
    assert result.error is not None and "disconnected" in result.error
    kept, _ = sf.read(path)
    assert kept.shape[0] == result.frames >= RATE_HZ  # what was recorded before the loss
    assert not marker_path(path).exists()
