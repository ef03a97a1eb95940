"""Syntax colouring: Pygments tokens → coloured runs, one tuple per line.

The text of the runs of line *n* joins back to exactly line *n* of the shown
code, so the deck holds the code the snippet runs, character for character.
"""

from __future__ import annotations

from functools import lru_cache

from cuecast.deck.boxes import Run


@lru_cache(maxsize=16)
def _style_table(style_name: str) -> dict:
    from pygments.styles import get_style_by_name

    style = get_style_by_name(style_name)
    return {ttype: spec for ttype, spec in style}


def _token_style(style_name: str, ttype, default: str) -> tuple[str, bool]:
    table = _style_table(style_name)
    while ttype is not None:
        spec = table.get(ttype)
        if spec and spec.get("color"):
            return "#" + spec["color"].upper(), bool(spec.get("bold"))
        ttype = ttype.parent
    return default, False


def highlight_lines(
    lines: list[str], style_name: str, default_color: str, size: float, lexer_name: str = "python"
) -> list[tuple[Run, ...]]:
    """Coloured monospace runs for each of ``lines`` (token colours from the
    Pygments style ``style_name``; ``default_color`` where it has none)."""
    from pygments.lexers import get_lexer_by_name

    lexer = get_lexer_by_name(lexer_name, stripnl=False, stripall=False, ensurenl=False)
    result: list[list[Run]] = [[]]
    for ttype, value in lexer.get_tokens("\n".join(lines)):
        color, bold = _token_style(style_name, ttype, default_color)
        parts = value.split("\n")
        for index, part in enumerate(parts):
            if index:
                result.append([])
            if not part:
                continue
            current = result[-1]
            if current and current[-1].color == color and current[-1].bold == bold:
                current[-1] = Run(current[-1].text + part, "mono", size, bold, color)
            else:
                current.append(Run(part, "mono", size, bold, color))
    while len(result) < len(lines):
        result.append([])
    return [tuple(line) for line in result[: len(lines)]]
