"""What a bad script is told: the located problems ``load_lesson`` raises,
as tuples a test compares whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from cuecast.errors import ScriptError
from cuecast.script import load_lesson


def problems(script: Path, *, hints: bool = True) -> list[tuple]:
    """``(line, column, message, hint)`` of each problem in ``script``
    (without the hint when ``hints`` is false); fails if it loads."""
    with pytest.raises(ScriptError) as caught:
        load_lesson(script)
    return [(d.location.line, d.location.col, d.message, d.hint)[: 4 if hints else 3]
            for d in caught.value.diagnostics]


def problems_in(project: Path, text: str, name: str = "case.yaml", *, hints: bool = True) -> list[tuple]:
    """The problems of ``text`` written as ``script/<name>`` in ``project``."""
    path = project / "script" / name
    path.write_text(text, encoding="utf-8")
    return problems(path, hints=hints)
