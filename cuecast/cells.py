"""A snippet file as a sequence of cells, the way a notebook or VS Code's
"Run Cell" sees it.

Real tutorials are one file whose blocks build on one another.  A file with
``# %%`` markers (the percent format of VS Code, Spyder, jupytext and
sphinx-gallery) is a *cell file*; so is a file with top-level
``# region NAME`` … ``# endregion`` blocks when a cue selects one of them
(``region:``); any other file is a plain script.

One pure function, ``split_cells``, decides the cells of a text.  The parser
(to check a cue's ``cell:``), the worker (to run them one by one), the deck,
the video and the notebook all call it on the same bytes, so they can never
disagree about where a cell starts.

Each cell has a 0-based ``index`` (its place in the run) and, if a cue can
select it, a 1-based ``number``.  Code before the first marker (and, in a
region file, code between regions) is a *glue* cell: it runs, in its place,
but nothing shows it.  ``# %% [markdown]`` cells hold prose in comments and
are neither run nor numbered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

#: ``# %%`` (also ``#%%``), but not ``# %%%``; the rest of the line is the title.
PERCENT = re.compile(r"^#\s?%%(?!%)(?P<rest>.*)$")
#: jupytext's cell type, at the start or end of the marker: ``# %% [markdown]``
#: or ``# %% Title [markdown]`` (a title that mentions "[raw] data" stays code).
CELL_TYPE = re.compile(r"^\s*\[(?P<type>markdown|md|raw)\]|\[(?P<end>markdown|md|raw)\]\s*$", re.IGNORECASE)
#: VS Code's folding markers; a region's name may hold spaces.
REGION_START = re.compile(r"^\s*#\s*region\b[ \t]*(?P<name>.*?)\s*$")
REGION_END = re.compile(r"^\s*#\s*endregion\b")
#: Only an unindented region starts or ends a cell: one inside a function only folds.
_TOP_REGION_START = re.compile(r"^#\s*region\b[ \t]*(?P<name>.*?)\s*$")
_TOP_REGION_END = re.compile(r"^#\s*endregion\b")
#: The line breaks Python itself reads (str.splitlines also breaks at form
#: feeds, U+2028 and others, which may sit inside a string literal).
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def source_lines(text: str) -> list[str]:
    """``text`` split into the lines Python and an editor number."""
    text = text.removeprefix("\ufeff")  # a BOM is not part of the first line
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def unclosed_regions(text: str) -> list[tuple[int, int, str]]:
    """``(line, column, name)`` of every ``# region`` marker no ``# endregion``
    closes (nested markers pair as an editor folds them).  Such a region
    would silently run to the end of the file, showing code its author
    meant to keep off screen, so the parser refuses it."""
    opened: list[tuple[int, int, str]] = []
    for number, line in enumerate(source_lines(text), start=1):
        start = REGION_START.match(line)
        if start:
            opened.append((number, line.index("#") + 1, start.group("name")))
        elif REGION_END.match(line) and opened:
            opened.pop()
    return opened


#: Cell.kind values.
CODE = "code"  # a cell a cue may show
GLUE = "glue"  # runs in its place, never shown (set-up code, code between regions)
PROSE = "prose"  # a ``# %% [markdown]`` cell: comments only, not run


@dataclass(frozen=True)
class Cell:
    """One cell of a snippet file.

    ``start``/``end`` are the 1-based inclusive lines of its body (the marker
    line excluded); ``end < start`` for an empty cell.  ``marker`` is the line
    of its ``# %%`` or ``# region`` marker (0 for glue code).
    """

    index: int
    kind: str
    start: int
    end: int
    title: str = ""
    number: Optional[int] = None
    marker: int = 0

    @property
    def label(self) -> str:
        """How reports name the cell: its title, else ``cell N``."""
        return self.title or f"cell {self.number}"


def marker_style(text: str) -> Optional[str]:
    """``"percent"``, ``"region"`` or ``None`` (a plain script)."""
    lines = source_lines(text)
    if any(PERCENT.match(line) for line in lines):
        return "percent"
    if any(_TOP_REGION_START.match(line) for line in lines):
        return "region"
    return None


def split_cells(text: str, regions: bool = True) -> tuple[Cell, ...]:
    """The cells of ``text`` in file order; ``()`` for a plain script.

    ``# %%`` markers always make cells.  Regions are also folding marks in
    ordinary scripts, so a region file is a cell file only where the lesson
    selects one of its regions (``regions``: ``Lesson.selects_cells``);
    otherwise it runs, and shows, as the plain script it is."""
    style = marker_style(text)
    if style == "percent":
        return _percent_cells(source_lines(text))
    if style == "region" and regions:
        return _region_cells(source_lines(text))
    return ()


class _Numbering:
    """Hands out indexes to every cell and numbers to the code cells."""

    def __init__(self) -> None:
        self.cells: list[Cell] = []
        self.numbered = 0

    def add(self, kind: str, start: int, end: int, title: str = "", marker: int = 0) -> None:
        number = None
        if kind == CODE:
            self.numbered += 1
            number = self.numbered
        self.cells.append(Cell(len(self.cells), kind, start, end, title, number, marker))


def _blank(lines: list[str], start: int, end: int) -> bool:
    return all(not line.strip() for line in lines[start - 1 : end])


def _percent_cells(lines: list[str]) -> tuple[Cell, ...]:
    markers = [n for n, line in enumerate(lines, start=1) if PERCENT.match(line)]
    cells = _Numbering()
    if markers[0] > 1 and not _blank(lines, 1, markers[0] - 1):
        cells.add(GLUE, 1, markers[0] - 1)
    for at, marker in enumerate(markers):
        end = markers[at + 1] - 1 if at + 1 < len(markers) else len(lines)
        rest = PERCENT.match(lines[marker - 1]).group("rest")
        kind_match = CELL_TYPE.search(rest)
        title = " ".join(CELL_TYPE.sub(" ", rest).split())
        cells.add(PROSE if kind_match else CODE, marker + 1, end, title, marker)
    return tuple(cells.cells)


def _region_cells(lines: list[str]) -> tuple[Cell, ...]:
    """Top-level regions are cells; nested ones only fold inside them."""
    cells = _Numbering()
    depth = 0
    glue_from = 1
    opened = (0, "")
    for number, line in enumerate(lines, start=1):
        start = _TOP_REGION_START.match(line)
        if start:
            if depth == 0:
                if number > glue_from and not _blank(lines, glue_from, number - 1):
                    cells.add(GLUE, glue_from, number - 1)
                opened = (number, " ".join(start.group("name").split()))
            depth += 1
        elif _TOP_REGION_END.match(line) and depth:
            depth -= 1
            if depth == 0:
                marker, name = opened
                cells.add(CODE, marker + 1, number - 1, name, marker)
                glue_from = number + 1
    if depth:  # an unclosed region runs to the end of the file
        marker, name = opened
        cells.add(CODE, marker + 1, len(lines), name, marker)
    elif glue_from <= len(lines) and not _blank(lines, glue_from, len(lines)):
        cells.add(GLUE, glue_from, len(lines))
    return tuple(cells.cells)


def code_cells(cells: tuple[Cell, ...]) -> list[Cell]:
    """The cells a cue may select, in order."""
    return [cell for cell in cells if cell.kind == CODE]


def find_cell(cells: tuple[Cell, ...], wanted: str | int) -> Optional[Cell]:
    """The code cell titled ``wanted`` (titles compared with runs of spaces
    collapsed) or numbered ``wanted``; ``None`` when there is none."""
    selectable = code_cells(cells)
    if isinstance(wanted, int):
        return selectable[wanted - 1] if 1 <= wanted <= len(selectable) else None
    name = " ".join(str(wanted).split())
    return next((cell for cell in selectable if cell.title == name), None)


def duplicate_titles(cells: tuple[Cell, ...]) -> dict[str, list[Cell]]:
    """Titles that more than one code cell carries (a cue could not tell them apart)."""
    by_title: dict[str, list[Cell]] = {}
    for cell in code_cells(cells):
        if cell.title:
            by_title.setdefault(cell.title, []).append(cell)
    return {title: found for title, found in by_title.items() if len(found) > 1}


def runnable(cells: tuple[Cell, ...]) -> list[Cell]:
    """The cells that execute, in order (prose cells hold only comments)."""
    return [cell for cell in cells if cell.kind != PROSE]


def cell_source(text: str, cell: Cell) -> str:
    """The cell's code padded with blank lines to its place in the file, so
    that compiling it gives tracebacks the file's own line numbers."""
    lines = source_lines(text)
    body = lines[cell.start - 1 : cell.end] if cell.end >= cell.start else []
    return "\n" * (cell.start - 1) + "\n".join(body) + "\n"


def cell_code(text: str, cell: Cell) -> str:
    """The cell's code as a notebook cell holds it: no marker lines, no blank
    lines at either end."""
    lines = source_lines(text)[cell.start - 1 : cell.end] if cell.end >= cell.start else []
    kept = [line for line in lines if not (REGION_START.match(line) or REGION_END.match(line))]
    while kept and not kept[-1].strip():
        kept.pop()
    while kept and not kept[0].strip():
        kept.pop(0)
    return "\n".join(kept)
