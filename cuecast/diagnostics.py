"""Show diagnostics the way compilers do: ``file:line:col │ message``, then the
source line with a caret under the column.

Source lines are read lazily from the file named in the location, so errors
built anywhere (parser, runner, theme loader) render the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Optional

from cuecast.errors import Diagnostic


def _source_line(path: str, line: int, base: Optional[Path]) -> Optional[str]:
    candidate = Path(path)
    if not candidate.is_absolute() and base is not None:
        candidate = base / candidate
    try:
        with open(candidate, "rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if number == line:
                    return raw.decode("utf-8", errors="replace").rstrip("\r\n")
                if number > line:
                    break
    except OSError:
        return None
    return None


def format_diagnostic(diagnostic: Diagnostic, base: Optional[Path] = None) -> str:
    """Render one diagnostic as text (no colour), e.g.::

        script/x.yaml:12:11 │ unknown cue kind 'vscod' (expected one of: vscode, slides, browser)
                            │       show: vscod
                            │             ^
    """
    loc = diagnostic.location
    head = f"{loc} │ {diagnostic.message}"
    lines = [head]
    pad = " " * len(str(loc))
    if loc.line:
        text = _source_line(loc.path, loc.line, base)
        if text is not None:
            text = text.replace("\t", " ")
            if len(text) > 200:
                text = text[:200] + "…"
            lines.append(f"{pad} │ {text}")
            col = max(loc.col, 1)
            if col <= len(text) + 1:
                lines.append(f"{pad} │ {' ' * (col - 1)}^")
    if diagnostic.hint:
        lines.append(f"{pad} │ hint: {diagnostic.hint}")
    return "\n".join(lines)


def format_diagnostics(diagnostics: Iterable[Diagnostic], base: Optional[Path] = None) -> str:
    return "\n".join(format_diagnostic(d, base) for d in diagnostics)
