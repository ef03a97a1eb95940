"""The summary table ``render build`` prints, drawn as plain text.

Drawing it with rich cost a build with nothing changed a fifth of its time
(importing rich's console and table, measuring every cell); this draws the
same boxed table in the same characters: every column as wide as its widest
cell, and the last column (the details) wrapped at spaces to fit the
output's width.  On a terminal the title, the header and the status words
are styled with ANSI codes (``ansi``: what ``click.style`` writes, without
importing click, which a build answered from its record never loads).
"""

from __future__ import annotations

import os
import shutil
from typing import Optional, Sequence

#: The width of output that is not a terminal (a CI log, a pipe), as rich's is.
PLAIN_WIDTH = 80
#: The narrowest the last column is squeezed to before the table overflows.
MIN_LAST_WIDTH = 10
#: ANSI's eight foreground colours, by the names ``click.style`` takes.
COLORS = ("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white")


def ansi(text: str, fg: Optional[str] = None, bold: bool = False, italic: bool = False) -> str:
    """``text`` styled as ``click.style(text, fg=…, bold=…, italic=…)`` styles it."""
    codes = ([f"\x1b[{30 + COLORS.index(fg)}m"] if fg else []) + (["\x1b[1m"] if bold else []) + \
        (["\x1b[3m"] if italic else [])
    return "".join(codes) + text + "\x1b[0m"


def output_width(is_terminal: bool) -> int:
    """``COLUMNS`` when set, else the terminal's width, else ``PLAIN_WIDTH``."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    return shutil.get_terminal_size((PLAIN_WIDTH, 24)).columns if is_terminal else PLAIN_WIDTH


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width``, broken at spaces; a word
    longer than a line is cut across lines (``textwrap``'s greedy fill,
    without importing it on every build)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        while len(word) > width:
            room = width - len(line) - (1 if line else 0)
            if room <= 0:
                lines.append(line)
                line, room = "", width
            line = f"{line} {word[:room]}" if line else word[:room]
            word = word[room:]
        if line and len(line) + 1 + len(word) <= width:
            line = f"{line} {word}"
        elif word:
            if line:
                lines.append(line)
            line = word
    if line or not lines:
        lines.append(line)
    return lines


def _widths(header: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> list[int]:
    natural = [max([len(header[i])] + [len(row[i]) for row in rows]) for i in range(len(header))]
    frame = 3 * len(header) + 1  # "│ " before each cell, " " after it, and the closing "│"
    room = width - frame - sum(natural[:-1])
    if sum(natural) + frame > width:
        natural[-1] = max(room, MIN_LAST_WIDTH, len(header[-1]))
    return natural


def _line(cells: Sequence[str], widths: Sequence[int], edge: str, styles: Sequence[Optional[dict]]) -> str:
    parts = []
    for text, width, style in zip(cells, widths, styles):
        padded = text.ljust(width)
        parts.append(ansi(padded, **style) if style else padded)
    return f"{edge} " + f" {edge} ".join(parts) + f" {edge}"


def _rule(widths: Sequence[int], left: str, middle: str, right: str, fill: str) -> str:
    return left + middle.join(fill * (w + 2) for w in widths) + right


def draw_table(title: str, header: Sequence[str], rows: Sequence[Sequence[str]],
               styles: Optional[Sequence[Sequence[Optional[dict]]]] = None, *, color: bool = False,
               width: int = PLAIN_WIDTH) -> str:
    """The table as lines of text: ``title`` above it, a heavy header
    rule, a light frame; ``styles[i][j]`` (``ansi`` keywords, or
    None) styles row ``i``'s cell ``j`` when ``color``."""
    widths = _widths(header, rows, width)
    lines = [ansi(title, italic=True) if color else title,
             _rule(widths, "┏", "┳", "┓", "━"),
             _line(header, widths, "┃", [{"bold": True} if color else None] * len(header)),
             _rule(widths, "┡", "╇", "┩", "━")]
    for index, row in enumerate(rows):
        style = styles[index] if styles and color else [None] * len(row)
        wrapped = [[cell] for cell in row[:-1]] + [wrap(row[-1], widths[-1])]
        for depth in range(max(len(cell) for cell in wrapped)):
            cells = [cell[depth] if depth < len(cell) else "" for cell in wrapped]
            lines.append(_line(cells, widths, "│", style))
    lines.append(_rule(widths, "└", "┴", "┘", "─"))
    return "\n".join(lines)
