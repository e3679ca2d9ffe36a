"""Script mode: one line of the script per take, several takes per line, the best one starred."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class LineTakes:
    paths: list[str] = field(default_factory=list)
    best: str = ""


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

    def move(self, step: int) -> int:
        if self.lines:
            self.current = max(0, min(len(self.lines) - 1, self.current + step))
        return self.current

    def label_for_next_take(self) -> str:
        """"L03 take 2: When the sunlight…" (the line's opening words, for the takes list)."""
        number = len(self.takes[self.current].paths) + 1
        words = " ".join(self.line.split()[:6])
        return f"L{self.current + 1:02d} take {number}: {words}"

    def add_take(self, path: str) -> None:
        if self.lines:
            self.takes[self.current].paths.append(path)

    def star(self, path: str) -> None:
        """The best take of the current line (one per line)."""
        if self.lines and path in self.takes[self.current].paths:
            self.takes[self.current].best = path

    def best_of_current(self) -> str:
        return self.takes[self.current].best if self.lines else ""

    def takes_of_current(self) -> list[str]:
        return list(self.takes[self.current].paths) if self.lines else []
