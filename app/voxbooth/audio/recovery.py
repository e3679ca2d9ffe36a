"""Find takes left incomplete by a crash and make them whole again.

A take is incomplete when its `.recording` marker is still there and the process that wrote it is
gone. For WAV, repair sets the RIFF and data sizes from the bytes actually on disk (dropping a
half-written last frame); for FLAC, it re-encodes every frame that still decodes.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path

import soundfile as sf

from voxbooth.audio.take_file import MARKER_SUFFIX, TakeMarker


@dataclass(frozen=True)
class IncompleteTake:
    path: Path
    marker_path: Path
    marker: TakeMarker


@dataclass(frozen=True)
class RepairedTake:
    path: Path
    frames: int
    rate_hz: int

    @property
    def duration_s(self) -> float:
        return self.frames / self.rate_hz


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    # A zombie still answers kill(0); it writes nothing any more.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][:1] != "Z"
    except OSError:
        return True


def find_incomplete(folder: Path) -> list[IncompleteTake]:
    """Takes in `folder` whose recording process died before closing them, oldest first."""
    found: list[IncompleteTake] = []
    for marker_file in sorted(Path(folder).glob("*" + MARKER_SUFFIX)):
        try:
            marker = TakeMarker.load(marker_file)
        except (OSError, ValueError, TypeError):
            continue  # not ours, or unreadable: leave it alone
        if _process_alive(marker.pid):
            continue  # still being recorded
        take = marker_file.with_name(marker_file.name[: -len(MARKER_SUFFIX)])
        found.append(IncompleteTake(take, marker_file, marker))
    found.sort(key=lambda t: t.marker.started_unix_s)
    return found


def _wav_chunks(header: bytes) -> dict[bytes, tuple[int, int]]:
    """chunk id -> (offset of its payload, declared size) for the chunks in `header`."""
    chunks: dict[bytes, tuple[int, int]] = {}
    pos = 12
    while pos + 8 <= len(header):
        chunk_id, size = header[pos:pos + 4], struct.unpack("<I", header[pos + 4:pos + 8])[0]
        chunks[chunk_id] = (pos + 8, size)
        if chunk_id == b"data":
            break
        pos += 8 + size + (size & 1)
    return chunks


def repair_wav(path: Path) -> int:
    """Fix the sizes in a WAV header from the file's length; returns the frames it holds."""
    with path.open("r+b") as f:
        header = f.read(65536)
        if len(header) < 12 or header[:4] != b"RIFF" or header[8:12] != b"WAVE":
            raise ValueError(f"{path.name} is not a WAV file")
        chunks = _wav_chunks(header)
        if b"fmt " not in chunks or b"data" not in chunks:
            raise ValueError(f"{path.name} has no audio data yet")
        fmt_offset, _ = chunks[b"fmt "]
        block_align = struct.unpack("<H", header[fmt_offset + 12:fmt_offset + 14])[0]
        data_offset, _ = chunks[b"data"]
        file_size = f.seek(0, os.SEEK_END)
        frames = max(0, file_size - data_offset) // block_align
        data_size = frames * block_align
        f.truncate(data_offset + data_size)  # a half-written last frame goes
        f.seek(4)
        f.write(struct.pack("<I", data_offset + data_size - 8))
        f.seek(data_offset - 4)
        f.write(struct.pack("<I", data_size))
        if b"fact" in chunks:  # float WAVs carry the frame count here too
            f.seek(chunks[b"fact"][0])
            f.write(struct.pack("<I", frames))
        f.flush()
        os.fsync(f.fileno())
    return frames


def repair_flac(path: Path, marker: TakeMarker) -> int:
    """Re-encode every frame of a torn FLAC file that still decodes."""
    tmp = path.with_name(path.name + ".repair.flac")
    frames = 0
    with sf.SoundFile(tmp, "w", samplerate=marker.rate_hz, channels=marker.channels,
                      format="FLAC", subtype=marker.subtype) as out:
        try:
            with sf.SoundFile(path) as torn:
                # Small reads: the one that hits the torn tail fails, and only it is lost.
                # (The frame count in a torn FLAC header is unknown, so no `blocks()` here.)
                while (block := torn.read(4096, dtype="float32", always_2d=True)).shape[0]:
                    out.write(block)
                    frames += block.shape[0]
        except (sf.LibsndfileError, RuntimeError, ValueError, MemoryError):
            pass  # the torn tail: everything before it is kept
    os.replace(tmp, path)
    return frames


def repair(path: Path) -> RepairedTake | None:
    """Make an incomplete take readable and drop its marker.

    Returns None (and removes the leftovers) when the process died before any audio was written.
    """
    path = Path(path)
    marker_file = path.with_name(path.name + MARKER_SUFFIX)
    marker = TakeMarker.load(marker_file)
    try:
        frames = repair_wav(path) if marker.file_format == "WAV" else repair_flac(path, marker)
    except (OSError, ValueError):
        frames = 0
    if frames == 0:
        path.unlink(missing_ok=True)
        marker_file.unlink()
        return None
    marker_file.unlink()
    return RepairedTake(path, frames, marker.rate_hz)


def recover_folder(folder: Path) -> list[RepairedTake]:
    """Repair every incomplete take in `folder` (what the studio and CLI run at start)."""
    repaired = [repair(t.path) for t in find_incomplete(folder)]
    return [r for r in repaired if r is not None]
