"""Playback into the virtual sink, checked by recording the sink's monitor."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import soundfile as sf

from tests.audio.signals import RATE_HZ, align, speech_at
from tests.support.pulse import VirtualMic
from voxbooth.audio.playback import Player


def _monitor(vmic: VirtualMic, path: Path) -> object:
    proc = vmic.record_monitor(path)
    time.sleep(0.4)
    return proc


def _stop_monitor(proc: object) -> None:
    import subprocess

    assert isinstance(proc, subprocess.Popen)
    time.sleep(0.3)
    proc.terminate()
    proc.wait(timeout=5)


def test_ab_switch_continues_at_the_same_position_without_a_gap(vmic: VirtualMic,
                                                                speech_path: Path,
                                                                tmp_path: Path) -> None:
    speech = speech_at(speech_path)[: 3 * RATE_HZ]
    original, conversion = tmp_path / "original.wav", tmp_path / "conversion.wav"
    sf.write(original, speech, RATE_HZ, subtype="FLOAT")
    sf.write(conversion, 0.5 * speech, RATE_HZ, subtype="FLOAT")  # same words, 6 dB quieter
    player = Player(latency=0.2)  # a deep buffer: a busy machine must not starve the sink
    player.load([original, conversion])
    monitor = _monitor(vmic, tmp_path / "heard.wav")
    player.play()
    time.sleep(1.2)
    handed_out_s = player._pos / RATE_HZ
    position_s = player.position_s
    player.select(1)
    switch_frame = player._pos  # the block after this one comes from the other take
    # The playhead trails what was handed to the device by the device's buffer, no more.
    assert 0 < position_s <= handed_out_s <= position_s + 0.3
    assert player.wait(timeout_s=10)
    _stop_monitor(monitor)

    heard, _ = sf.read(tmp_path / "heard.wav", dtype="float64")
    lag, _ = align(heard, speech)
    segment = heard[lag:lag + speech.size]
    before = segment[: switch_frame - RATE_HZ // 10]
    after = segment[switch_frame + RATE_HZ // 10:]
    # One alignment fits both sides: the switch kept the position; the gain says which take.
    for part, expected, gain in ((before, speech[: before.size], 1.0),
                                 (after, speech[switch_frame + RATE_HZ // 10:], 0.5)):
        ncc = np.dot(part, expected) / np.sqrt(np.dot(part, part) * np.dot(expected, expected))
        assert ncc > 0.99
        assert abs(np.std(part) / np.std(expected) - gain) < 0.05


def test_loudness_matching_brings_takes_to_the_first_ones_level(speech_path: Path,
                                                                vmic: VirtualMic) -> None:
    speech = speech_at(speech_path).astype(np.float32)
    player = Player()
    player.load([(speech, RATE_HZ), (0.25 * speech, RATE_HZ)], match_loudness=True)
    assert abs(player.gains[1] / player.gains[0] - 4.0) < 0.05


def test_a_region_plays_alone_and_stop_is_immediate(vmic: VirtualMic, speech_path: Path,
                                                    tmp_path: Path) -> None:
    speech = speech_at(speech_path)
    player = Player(latency=0.2)
    player.load([(speech.astype(np.float32), RATE_HZ)])
    monitor = _monitor(vmic, tmp_path / "region.wav")
    player.play(start_s=1.0, end_s=2.0)
    assert player.wait(timeout_s=10)
    assert abs(player.position_s - 2.0) < 1e-6
    time.sleep(0.3)
    player.play(start_s=0.0)  # the whole take this time, stopped early
    time.sleep(0.5)
    player.stop()
    stopped_at = player.position_s
    _stop_monitor(monitor)
    assert not player.playing

    heard, _ = sf.read(tmp_path / "region.wav", dtype="float64")
    region = speech[RATE_HZ:2 * RATE_HZ]
    lag, ncc = align(heard, region)
    assert ncc > 0.99
    loud = np.flatnonzero(np.abs(heard) > 0.01)
    # Before the region's first sound and after the stop: silence (within one 50 ms block).
    second_start = lag + region.size + int(0.25 * RATE_HZ)
    tail = heard[second_start:]
    tail_loud = np.flatnonzero(np.abs(tail) > 0.01)
    assert loud[0] >= lag - RATE_HZ // 100
    assert tail_loud.size and (tail_loud[-1] - tail_loud[0]) / RATE_HZ < stopped_at + 0.15


def _ncc(part: np.ndarray, expected: np.ndarray) -> float:
    return float(np.dot(part, expected) / np.sqrt(np.dot(part, part) * np.dot(expected, expected)))


def test_seek_while_playing_jumps_and_skips_what_lies_between(vmic: VirtualMic,
                                                              speech_path: Path,
                                                              tmp_path: Path) -> None:
    speech = speech_at(speech_path)
    player = Player(latency=0.2)
    player.load([speech.astype(np.float32)])  # a bare array is at the player's rate
    monitor = _monitor(vmic, tmp_path / "seek.wav")
    player.play()
    time.sleep(0.5)
    assert player.playing
    player.seek(2.8)
    assert player.wait(timeout_s=10)
    _stop_monitor(monitor)
    assert player.position_s == player.duration_s

    heard, _ = sf.read(tmp_path / "seek.wav", dtype="float64")
    opening, _ = align(heard, speech[: RATE_HZ // 4])
    after_seek = speech[int(2.85 * RATE_HZ): int(3.5 * RATE_HZ)]
    landed, ncc_after = align(heard, after_seek)
    skipped = speech[int(1.8 * RATE_HZ): int(2.6 * RATE_HZ)]
    _, ncc_skipped = align(heard, skipped)
    assert ncc_after > 0.99  # the jump target was heard...
    assert ncc_skipped < 0.5  # ...and what lay between the playhead and it was not
    # Heard straight after what had been handed out: well under the 2.8 s it jumped over.
    assert (landed - opening) / RATE_HZ < 2.0


def test_a_loop_repeats_its_region_without_a_gap(vmic: VirtualMic, speech_path: Path,
                                                 tmp_path: Path) -> None:
    speech = speech_at(speech_path)
    player = Player(latency=0.2)
    player.load([(speech.astype(np.float32), RATE_HZ)])
    player.seek(1.0)
    player.set_loop(1.0, 1.5)
    monitor = _monitor(vmic, tmp_path / "loop.wav")
    player.resume()  # play from here: the seek's position
    time.sleep(2.6)
    assert player.playing  # a loop never runs out
    assert 1.0 <= player.position_s < 1.5
    player.stop()
    _stop_monitor(monitor)

    heard, _ = sf.read(tmp_path / "loop.wav", dtype="float64")
    region = speech[RATE_HZ: int(1.5 * RATE_HZ)]
    # Three passes back to back: a gap or a lost frame at a seam would misalign the later ones.
    lag, ncc = align(heard, np.tile(region, 3))
    assert ncc > 0.99
    assert _ncc(heard[lag:lag + region.size], region) > 0.99
    before_loop = speech[int(0.5 * RATE_HZ): RATE_HZ]
    after_loop = speech[int(1.5 * RATE_HZ): int(2.0 * RATE_HZ)]
    assert align(heard, before_loop)[1] < 0.5 and align(heard, after_loop)[1] < 0.5
