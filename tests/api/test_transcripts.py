"""The typed client's view of transcripts: a take read from a script, proofed, and found."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.support.server import TRANSCRIBING, LiveServer
from voxbooth.api import NotFound, VoxBoothClient
from voxbooth.api.models import Transcript, TranscriptIssue

ARCTIC_TEXT = "And you always want to see it in the superlative degree."


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoxBoothClient]:
    """A service of its own that transcribes takes (the package's does not): also no queue of
    other tests' takes ahead of this one's transcript."""
    server = LiveServer(data_dir=tmp_path_factory.mktemp("transcribing") / "data",
                        extra_env=TRANSCRIBING).start()
    try:
        with VoxBoothClient(server.url, api_key=server.api_key) as vb:
            yield vb
    finally:
        server.stop()


def test_a_take_with_a_word_cut_out_is_proofed_through_the_client(
        client: VoxBoothClient, speech_path: Path, tmp_path: Path) -> None:
    project = client.projects.create("Client proofing")
    folder = client.folders.create(project.id, "Chapter 1")
    samples, rate_hz = sf.read(speech_path, dtype="float32")
    cut = np.concatenate([samples[: int(2.42 * rate_hz)], samples[int(3.04 * rate_hz):]])
    path = tmp_path / "line1.wav"
    sf.write(path, cut, rate_hz, subtype="PCM_16")

    take = client.recordings.upload(path, folder_id=folder.id, label="L01 take 1",
                                    text=ARCTIC_TEXT, language="en")
    transcript = client.recordings.wait_for_transcript(take.id, timeout_s=180)

    assert isinstance(transcript, Transcript) and transcript.state == "done"
    assert transcript.script == ARCTIC_TEXT and transcript.model == "tiny.en"
    assert [(i.kind, i.expected) for i in transcript.issues] == [("missed", "superlative")]
    issue = transcript.issues[0]
    assert isinstance(issue, TranscriptIssue)
    assert abs(issue.start_s - 2.42) <= 0.3
    assert issue.describe() == f"missed: 'superlative', {issue.start_s:.1f} s"
    assert [w.word.strip(".").lower() for w in transcript.words][-2:] == ["the", "degree"]

    found = client.recordings.list(folder_id=folder.id, q="the degree")
    assert [r.id for r in found.items] == [take.id]
    assert client.recordings.list(folder_id=folder.id, q="superlative").items == []


def test_an_unknown_take_has_no_transcript(client: VoxBoothClient) -> None:
    with pytest.raises(NotFound):
        client.recordings.transcript("00000000-0000-0000-0000-000000000000")
