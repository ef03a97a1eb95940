"""Snippets that must not compile (to test how a SyntaxError is reported) are
kept as ``NAME.py.broken``, so compileall, linters and editors that check the
repository's Python do not trip over them; a test's scratch copy of the
fixtures turns them back into ``NAME.py``."""

from __future__ import annotations

from pathlib import Path

SUFFIX = ".broken"


def restore_broken_sources(folder: Path) -> None:
    """Rename every ``*.py.broken`` under ``folder`` to ``*.py``."""
    for path in Path(folder).rglob(f"*.py{SUFFIX}"):
        path.rename(path.with_suffix(""))
