"""Script mode: one line of the script per take, several takes per line, the best one starred.

Qt-free: the panel mirrors it, and `to_dict`/`from_dict` let it outlive a restart.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

SCRIPT_FORMAT = 1


@dataclass
class ScriptTake:
    path: str
    label: str  # "L02 take 3", as the artist sees it in the line's list
    duration_s: float = 0.0
    verdict: str = ""  # the quality check's "good" / "warning" / "bad"; "" until checked
    summary: str = ""  # the check's sentence, with its reasons
    take_id: str = ""  # the take on the service, once uploaded
    derived_from: str = ""  # the take a punch-in was spliced into
    proof: dict[str, Any] = field(default_factory=dict)  # its transcript (`script_proof`)


@dataclass
class LineTakes:
    takes: list[ScriptTake] = field(default_factory=list)
    best: str = ""

    @property
    def paths(self) -> list[str]:
        return [t.path for t in self.takes]

    @property
    def next_number(self) -> int:
        """Takes are numbered as they are recorded; a punch-in keeps its take's number."""
        return sum(1 for t in self.takes if not t.derived_from) + 1


class Script:
    """A script split into lines (blank lines dropped) and the takes recorded for each."""

    def __init__(self, text: str = "") -> None:
        self.lines = [line.strip() for line in text.splitlines() if line.strip()]
        self.current = 0
        self.takes = [LineTakes() for _ in self.lines]

    def __bool__(self) -> bool:
        return bool(self.lines)

    @property
    def line(self) -> str:
        return self.lines[self.current] if self.lines else ""

    def neighbour(self, step: int) -> str:
        """The line `step` away from the current one ("" past either end)."""
        index = self.current + step
        return self.lines[index] if self.lines and 0 <= index < len(self.lines) else ""

    def move(self, step: int) -> int:
        if self.lines:
            self.current = max(0, min(len(self.lines) - 1, self.current + step))
        return self.current

    def label_for_next_take(self) -> str:
        """"L03 take 2: When the sunlight…" (the line's opening words, for the takes list)."""
        number = self.takes[self.current].next_number
        words = " ".join(self.line.split()[:6])
        return f"L{self.current + 1:02d} take {number}: {words}"

    def add_take(self, path: str, line: int | None = None) -> None:
        """A finished take of `line` (the current line unless said: the one shown when the take
        started, should the artist have moved on while recording)."""
        index = self.current if line is None else line
        if not 0 <= index < len(self.lines) or self.take(path) is not None:
            return
        line_takes = self.takes[index]
        line_takes.takes.append(
            ScriptTake(path, f"L{index + 1:02d} take {line_takes.next_number}"))

    def add_derived(self, original: str, path: str) -> None:
        """A take made from another (a punch-in) joins the original's line."""
        index = self.line_of(original)
        source = self.take(original)
        if index is None or source is None or self.take(path) is not None:
            return
        self.takes[index].takes.append(
            ScriptTake(path, f"{source.label} punch-in", derived_from=original))

    def line_of(self, path: str) -> int | None:
        return next((i for i, line in enumerate(self.takes) if path in line.paths), None)

    def take(self, path: str) -> ScriptTake | None:
        return next((t for line in self.takes for t in line.takes if t.path == path), None)

    def update_take(self, path: str, **changes: Any) -> bool:
        take = self.take(path)
        if take is None:
            return False
        for name, value in changes.items():
            setattr(take, name, value)
        return True

    def star(self, path: str) -> str:
        """Makes `path` the best take of its line (one per line); returns the take that was best
        before ("" if none, or if `path` already was or is not in the script)."""
        index = self.line_of(path)
        if index is None or self.takes[index].best == path:
            return ""
        previous, self.takes[index].best = self.takes[index].best, path
        return previous

    def best_of_current(self) -> str:
        return self.takes[self.current].best if self.lines else ""

    def takes_of_current(self) -> list[str]:
        return self.takes[self.current].paths if self.lines else []

    def entries_of_current(self) -> list[ScriptTake]:
        return list(self.takes[self.current].takes) if self.lines else []

    # -- kept across a restart ------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {"version": SCRIPT_FORMAT, "lines": list(self.lines), "current": self.current,
                "takes": [{"best": line.best, "takes": [asdict(t) for t in line.takes]}
                          for line in self.takes]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Script:
        """The script as `to_dict` wrote it; unknown or missing fields are tolerated."""
        script = cls()
        script.lines = [str(line) for line in data.get("lines", []) if str(line).strip()]
        script.takes = [LineTakes() for _ in script.lines]
        known = {f.name for f in fields(ScriptTake)}
        for line_takes, raw in zip(script.takes, data.get("takes", []), strict=False):
            line_takes.takes = [ScriptTake(**{k: v for k, v in t.items() if k in known})
                                for t in raw.get("takes", []) if "path" in t and "label" in t]
            best = str(raw.get("best", ""))
            line_takes.best = best if best in line_takes.paths else ""
        script.current = max(0, min(len(script.lines) - 1, int(data.get("current", 0))))
        return script
