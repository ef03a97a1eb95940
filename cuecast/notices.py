"""Warnings about a stage's inputs, said when a stage that reads them runs.

A build computes some inputs (the browser cues' pages, the narration) even
when every stage turns out to be current, because the stages' fingerprints
are made of them.  A warning per cue on such a no-op build is noise: the
outputs it is about did not change, and the build that made them said it
already.  So what is warned while an input is computed is held here; a stage
that is built (or fails) after reading that input says it in full, and what
no running stage read is summed up in one line per kind of warning
(``1 browser cue shows a simulated page …``).
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from typing import Iterator


class HeldNotices:
    """The warnings one lesson's inputs raised, by input name, until a
    stage that reads them runs or the build ends."""

    def __init__(self) -> None:
        self._held: dict[str, list[warnings.WarningMessage]] = {}
        self._read: set[str] = set()

    @contextmanager
    def computing(self, name: str) -> Iterator[None]:
        """Compute input ``name``: what it warns about is held, not said."""
        self._read.add(name)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                yield
            finally:
                self._held.setdefault(name, []).extend(caught)

    def read(self, name: str) -> None:
        """The running stage reads input ``name`` (computed earlier)."""
        self._read.add(name)

    def stage_started(self) -> None:
        self._read = set()

    def stage_ended(self, ran: bool) -> None:
        """Say in full what the inputs the stage read warned about, when it
        ran (a skipped stage's outputs are the ones already warned about)."""
        read, self._read = self._read, set()
        if not ran:
            return
        for name in sorted(read):
            for caught in self._held.pop(name, []):
                warnings.warn_explicit(caught.message, caught.category, caught.filename, caught.lineno)

    def summarise(self, lesson_id: str) -> None:
        """One warning per kind for what no running stage said, counted."""
        counts: dict[type, int] = {}
        for held in self._held.values():
            for caught in held:
                counts[caught.category] = counts.get(caught.category, 0) + 1
        self._held.clear()
        for category, count in counts.items():
            summary = getattr(category, "summary", None)
            text = summary(count) if callable(summary) else (
                f"{count} warning{'s' if count != 1 else ''} about inputs of stages that were current")
            warnings.warn(category(f"{lesson_id}: {text}"), stacklevel=2)
