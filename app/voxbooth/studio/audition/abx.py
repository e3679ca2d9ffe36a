"""Blind ABX listening: X is secretly A or B; the listener guesses; the score says whether they
really hear a difference (a one-sided binomial test against guessing)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from math import comb


@dataclass
class AbxSession:
    rng: random.Random = field(default_factory=random.Random)
    trials: int = 0
    correct: int = 0
    x_is_b: bool = False

    def __post_init__(self) -> None:
        self.next_trial()

    def next_trial(self) -> None:
        self.x_is_b = self.rng.random() < 0.5

    def x_track(self) -> int:
        """0 for A, 1 for B: which one plays when the listener picks X."""
        return 1 if self.x_is_b else 0

    def answer(self, says_b: bool) -> bool:
        """Records a guess, starts the next trial and returns whether it was right."""
        right = says_b == self.x_is_b
        self.trials += 1
        self.correct += int(right)
        self.next_trial()
        return right

    @property
    def p_value(self) -> float:
        """Chance of at least this many right answers by guessing."""
        n, k = self.trials, self.correct
        return sum(comb(n, i) for i in range(k, n + 1)) / 2**n if n else 1.0

    def summary(self) -> str:
        if not self.trials:
            return "ABX: listen to A, B and X, then say whether X is A or B"
        verdict = "a real difference" if self.p_value < 0.05 else "could be guessing"
        return f"ABX: {self.correct}/{self.trials} right, p = {self.p_value:.3f} ({verdict})"
