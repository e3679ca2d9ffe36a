"""The README's ten-line script, run exactly as written against the real service."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import soundfile as sf

from tests.support.server import LiveServer

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_script() -> str:
    section = README.read_text().split("## Scripting the service", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "the README's scripting section has no python block"
    return match.group(1)


def test_readme_script_is_ten_lines_or_fewer() -> None:
    lines = [line for line in readme_script().splitlines() if line.strip()]
    assert len(lines) <= 10


def test_readme_script_runs(live_server: LiveServer, speech_path: Path, tmp_path: Path) -> None:
    shutil.copy(speech_path, tmp_path / "take.wav")
    (tmp_path / "script.py").write_text(readme_script())
    env = {**os.environ, "VOXBOOTH_URL": live_server.url,
           "VOXBOOTH_API_KEY": live_server.api_key}
    done = subprocess.run([sys.executable, "script.py"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    saved = sorted(p.name for p in tmp_path.glob("take-*.wav"))
    assert saved == ["take-Elena.wav", "take-Marcus.wav"]
    for name in saved:
        assert sf.info(tmp_path / name).duration == pytest.approx(
            sf.info(speech_path).duration, abs=0.05)
