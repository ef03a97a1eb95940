"""A Jupyter notebook (``.ipynb``) → blocks.

Read with plain ``json``: Markdown cells are prose, code cells are code, raw
cells are left out (a to-do).  Stored outputs are not used (the code runs
again), except that a cell saved with an error output is flagged, since its
cue then needs ``expect_error: true``.  nbformat 4 is the format; the old
nbformat 3 (``worksheets``, ``input``, heading cells) is read too.

A to-do must name a line of the file, but JSON knows no lines once parsed,
so each cell's ``"source"`` is found again in the text: in the usual
one-string-per-line layout every source line has its own file line.
"""

from __future__ import annotations

import json
import re
from typing import Optional

from cuecast.errors import Diagnostic, ScriptError
from cuecast.importers.blocks import Code, Document, Heading, Todo, trim_blank_lines
from cuecast.importers.markdown import parse_markdown
from cuecast.importers.speakable import md_inline
from cuecast.model import Location

SOURCE_KEY = re.compile(r'(?<!\\)"(?:source|input)"\s*:\s*')
JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def read_notebook(text: str, shown: str) -> Document:
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScriptError([Diagnostic(Location(shown, exc.lineno, exc.colno),
                                      f"not a notebook: invalid JSON ({exc.msg})")]) from None
    cells = _cells(notebook)
    if cells is None:
        raise ScriptError([Diagnostic(Location(shown), "not a notebook: no 'cells' list in the JSON")])
    language = _language(notebook)
    if language and language.lower() not in ("python", "python3", "ipython", "ipython3"):
        raise ScriptError([Diagnostic(Location(shown), f"a {language} notebook: only Python notebooks can be "
                                                       "imported (cuecast runs the code with Python)")])
    starts = _source_lines(text, len(cells))
    doc = Document()
    for index, cell in enumerate(cells):
        at = starts[index][0] if starts[index] else 0
        if not isinstance(cell, dict):
            doc.blocks.append(Todo(f"cell {index + 1} is not a notebook cell (a JSON {_json_kind(cell)}); "
                                   "it was left out", at))
            continue
        kind = cell.get("cell_type")
        source = cell.get("source", cell.get("input", ""))
        pieces = source if isinstance(source, list) else [source]
        if not all(isinstance(p, str) for p in pieces):
            doc.blocks.append(Todo(f"cell {index + 1}'s source is not text; it was left out "
                                   "(open and save the notebook in Jupyter to repair it)", at))
            continue
        numbered = _numbered(pieces, starts[index])
        if not any(t.strip() for _, t in numbered):
            continue
        first = next(n for n, t in numbered if t.strip())
        if kind == "markdown":
            doc.blocks.extend(parse_markdown(numbered))
        elif kind == "code":
            code = trim_blank_lines(numbered)
            doc.blocks.append(Code("\n".join(t for _, t in code), tuple(n for n, _ in code),
                                   raised=_raised(cell)))
        elif kind == "heading":  # nbformat 3
            level = cell.get("level", 1)
            if not (isinstance(level, int) and 1 <= level <= 6):
                before = next((b.level for b in reversed(doc.blocks) if isinstance(b, Heading)), 1)
                doc.blocks.append(Todo(f"heading cell {index + 1} has level {level!r} (1 to 6 expected); "
                                       f"read at level {before}, as the heading before it", first))
                level = before
            doc.blocks.append(Heading(level, md_inline(" ".join(t for _, t in numbered)), first))
        else:
            doc.blocks.append(Todo(f"a {kind or 'untyped'} cell (cell {index + 1}) was left out", first))
    return doc


def _json_kind(value) -> str:
    return {bool: "true/false", int: "number", float: "number", str: "string", list: "list"}.get(type(value), "null")


def _cells(notebook) -> Optional[list]:
    if not isinstance(notebook, dict):
        return None
    if isinstance(notebook.get("cells"), list):
        return notebook["cells"]
    worksheets = notebook.get("worksheets")
    if isinstance(worksheets, list) and worksheets and isinstance(worksheets[0], dict):
        cells = worksheets[0].get("cells")
        return cells if isinstance(cells, list) else None
    return None


def _language(notebook: dict) -> str:
    metadata = notebook.get("metadata") if isinstance(notebook.get("metadata"), dict) else {}
    for key in ("kernelspec", "language_info"):
        value = metadata.get(key)
        if isinstance(value, dict):
            name = value.get("language") if key == "kernelspec" else value.get("name")
            if isinstance(name, str) and name:
                return name
    return ""


def _raised(cell: dict) -> bool:
    outputs = cell.get("outputs")
    return isinstance(outputs, list) and any(
        isinstance(o, dict) and o.get("output_type") in ("error", "pyerr") for o in outputs)


def _source_lines(text: str, count: int) -> list[list[int]]:
    """For each cell, the file line of each string of its source (empty when
    the layout could not be followed: to-dos then name the cell's first line
    as 0, and the message names the cell)."""
    found: list[list[int]] = []
    for key in SOURCE_KEY.finditer(text):
        at = key.end()
        line_of = lambda position: text.count("\n", 0, position) + 1  # noqa: E731
        if text.startswith("[", at):
            strings, pos = [], at + 1
            while True:
                match = JSON_STRING.search(text, pos)
                close = text.find("]", pos)
                if not match or (close != -1 and close < match.start()):
                    break
                strings.append(line_of(match.start()))
                pos = match.end()
            found.append(strings or [line_of(at)])
        else:
            found.append([line_of(at)])
    return found if len(found) == count else [[] for _ in range(count)]


def _numbered(pieces: list[str], starts: list[int]) -> list[tuple[int, str]]:
    """The cell's source as ``(file line, text)`` pairs: each string of the
    source list on its own file line; the lines of one string share its line."""
    numbered: list[tuple[int, str]] = []
    for index, piece in enumerate(pieces):
        base = starts[index] if index < len(starts) else (starts[-1] if starts else 0)
        parts = piece.split("\n")
        if piece.endswith("\n"):
            parts.pop()
        numbered.extend((base, part) for part in parts)
    return numbered
