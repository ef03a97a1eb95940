"""The part of a snippet a cue shows: the file (``snippet:``), one cell of a
cell file (``cell:`` / ``region:``), a line range (``lines:``) and the lines
of its output (``output:``).

``SnippetPartReader`` is a part of the script parser (``cuecast.script``,
through ``cuecast.script_cue.CueReader``): it reads through the parser's
``SchemaReader`` methods and reports into its problems.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Optional, Union

from yaml.nodes import Node

from cuecast.cells import (Cell, cell_code, code_cells, duplicate_titles, find_cell, marker_style, split_cells,
                           unclosed_regions)
from cuecast.errors import ScriptError
from cuecast.model import Location
from cuecast.schema import Entries
from cuecast.script_yaml import decode_utf8, describe, yaml11_surprise
from cuecast.snippet_source import REGION_START, find_region

LINES_PATTERN = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")


class SnippetPartReader:
    """Reads the snippet keys of a cue (see the module docstring)."""

    def snippet(self, entries: Entries) -> tuple[Optional[str], Optional[str]]:
        """The snippet path and its text (``None`` text when unreadable)."""
        path = self.project_file(entries, "snippet", (".py",), "a Python")
        if path is None:
            return None, None
        if path not in self.snippet_texts:
            try:
                self.snippet_texts[path] = decode_utf8((self.root / path).read_bytes(), path, "snippet")
                self.regions_closed(path, self.snippet_texts[path])
            except ScriptError as exc:
                line = exc.diagnostics[0].location.line
                self.error(entries["snippet"][1], f"snippet '{path}' is not UTF-8 text (bad byte on its line {line})",
                           hint="save the snippet as UTF-8")
                self.snippet_texts[path] = None
            except OSError as exc:
                self.error(entries["snippet"][1], f"snippet '{path}' cannot be read: {exc.strerror}")
                self.snippet_texts[path] = None
        return path, self.snippet_texts[path]

    def regions_closed(self, path: str, text: str) -> None:
        """Each ``# region`` of a snippet is closed; an open one is a
        problem located in the snippet, at its marker."""
        where = self.root / path
        shown = where.relative_to(Path.cwd()).as_posix() if where.is_relative_to(Path.cwd()) else str(where)
        for line, col, name in unclosed_regions(text):
            self.error(Location(shown, line, col),
                       f"'# region{' ' + name if name else ''}' has no '# endregion'; it would run to the end of {path}",
                       hint="add a '# endregion' line where the region ends")

    def cell(self, entries: Entries, snippet: Optional[str], text: Optional[str]) -> Optional[Cell]:
        """The cell ``cell: <title or number>`` or ``region: NAME`` selects in a
        cell file (see ``cuecast.cells``); ``None`` for a cue showing lines or
        the whole file.  A region cue on a plain file keeps its line range."""
        key = self.cell_key(entries)
        if key is None or text is None:
            return None
        node = entries[key][1]
        cells = split_cells(text)
        style = marker_style(text)
        if key == "region" and style != "region":
            if style == "percent":
                self.error(node, f"{snippet} is split into cells by '# %%' markers; select one with 'cell:'")
            return None  # a plain file: shown_lines reports a missing region
        if not cells:
            self.error(node, f"'cell' needs a cell file, and {snippet} has no '# %%' or '# region' markers",
                       hint="start each cell with a '# %% Title' line (the percent format VS Code runs)")
            return None
        wanted = self.cell_wanted(entries, key)
        if wanted is None:
            return None
        found = find_cell(cells, wanted)
        what = "region" if key == "region" else "cell"
        if found is None:
            self.no_such_cell(node, what, wanted, cells, snippet)
            return None
        return found if self.cell_shows_code(node, what, wanted, found, cells, snippet, text) else None

    def cell_key(self, entries: Entries) -> Optional[str]:
        """``cell`` or ``region`` when the cue selects a cell that way; two of
        ``cell``, ``region`` and ``lines`` together are reported."""
        chosen = sorted((key for key in ("cell", "region", "lines") if key in entries),
                        key=lambda key: entries[key][0].start_mark.index)  # as written
        if len(chosen) > 1:
            self.error(entries[chosen[1]][0], f"give one of 'cell', 'region' or 'lines', not both "
                       f"'{chosen[0]}' and '{chosen[1]}'", hint="a cell already picks its lines")
            return None
        return chosen[0] if chosen and chosen[0] != "lines" else None

    def cell_wanted(self, entries: Entries, key: str) -> Union[int, str, None]:
        """The cell's number (``cell: 2``) or title."""
        node = entries[key][1]
        if self.yaml11_number(node, key, "a cell number or title"):
            return None
        ok, value = self.scalar(node, key)
        if key == "cell" and isinstance(value, int) and not isinstance(value, bool):
            return value
        return self.text(entries, key)

    def no_such_cell(self, node: Node, what: str, wanted: Union[int, str], cells: list, snippet: Optional[str]) -> None:
        if isinstance(wanted, int):
            self.error(node, f"{snippet} has {len(code_cells(cells))} cells; there is no cell {wanted}")
            return
        titles = [c.title for c in code_cells(cells) if c.title]
        close = difflib.get_close_matches(" ".join(wanted.split()), titles, n=1, cutoff=0.6)
        listed = ", ".join(f"'{t}'" for t in titles[:8]) + (", …" if len(titles) > 8 else "")
        hint = f"did you mean '{close[0]}'?" if close else (f"{what}s in it: {listed}" if titles else
                                                             f"its {what}s have no titles; give a number")
        self.error(node, f"no {what} '{wanted}' in {snippet}", hint=hint)

    def cell_shows_code(self, node: Node, what: str, wanted: Union[int, str], found: Cell, cells: list,
                        snippet: Optional[str], text: str) -> bool:
        """Whether the cell found is the only one so titled and holds code."""
        twins = duplicate_titles(cells).get(found.title) if not isinstance(wanted, int) else None
        if twins:
            lines = ", ".join(str(c.marker) for c in twins)
            self.error(node, f"{len(twins)} {what}s in {snippet} are titled '{found.title}' (lines {lines})",
                       hint="give each its own title, or select it by number")
            return False
        if not cell_code(text, found).strip():
            self.error(node, f"{what} '{found.label}' in {snippet} (line {found.marker}) holds no code")
            return False
        return True

    def output(self, entries: Entries) -> tuple[Optional[tuple[int, int]], bool]:
        """``output: 3-12`` (the lines of the output shown) or ``output: none``."""
        if "output" not in entries:
            return None, False
        node = entries["output"][1]
        if self.yaml11_number(node, "output", "a range of output lines"):
            return None, False
        ok, value = self.scalar(node, "output")
        if ok and value is None or (isinstance(value, str) and value.strip().lower() == "none"):
            return None, True
        match = (LINES_PATTERN.match(str(value))
                 if ok and isinstance(value, (str, int)) and not isinstance(value, bool) else None)
        if not match:
            self.error(node, f"'output' must be a line range like 3-12 or 'none', found {describe(node)}")
            return None, False
        start, end = int(match.group(1)), int(match.group(2) or match.group(1))
        if start < 1 or end < start:
            self.error(node, f"'output' {start}-{end} is not a range of output lines (they start at 1)")
            return None, False
        return (start, end), False

    def shown_lines(self, entries: Entries, snippet: Optional[str], text: Optional[str]) -> Optional[tuple[int, int]]:
        """``lines: A-B`` or ``region: NAME`` (in a plain file) as a 1-based inclusive range."""
        if "lines" in entries and "region" in entries:
            return None  # reported by ``cell``
        if "lines" in entries:
            return self.line_range(entries["lines"][1], snippet, text)
        if "region" in entries:
            return self.region_lines(entries, snippet, text)
        return None

    def line_range(self, node: Node, snippet: Optional[str], text: Optional[str]) -> Optional[tuple[int, int]]:
        if self.yaml11_number(node, "lines", "a line range"):
            return None
        ok, value = self.scalar(node, "lines")
        match = LINES_PATTERN.match(str(value)) if ok and isinstance(value, (str, int)) and not isinstance(value, bool) else None
        if not match:
            self.error(node, f"'lines' must look like 'A-B' (e.g. 3-12), found {describe(node)}")
            return None
        start = int(match.group(1))
        end = int(match.group(2) or start)
        total = len(text.splitlines()) if text is not None else None
        if start < 1:
            self.error(node, "'lines' start at line 1")
        elif end < start:
            self.error(node, f"'lines' {start}-{end} ends before it starts")
        elif total is not None and end > total:
            self.error(node, f"'lines' {start}-{end} runs past the end of {snippet} ({total} lines)")
        else:
            return (start, end)
        return None

    def region_lines(self, entries: Entries, snippet: Optional[str], text: Optional[str]) -> Optional[tuple[int, int]]:
        """``region: NAME`` in a plain file: the lines between its markers."""
        node = entries["region"][1]
        name = self.text(entries, "region")
        if name is None or text is None:
            return None
        found = find_region(text, name)
        if found is None:
            names = [m.group("name") for m in map(REGION_START.match, text.splitlines()) if m and m.group("name")]
            hint = (f"regions in it: {', '.join(names)}" if names
                    else f"mark it in the file with '# region {name}' … '# endregion'")
            self.error(node, f"no region '{name}' in {snippet}", hint=hint)
            return None
        if found[1] < found[0]:
            self.error(node, f"region '{name}' in {snippet} is empty")
            return None
        return found

    def yaml11_number(self, node: Node, key: str, meant: str) -> bool:
        """Report (and return True for) a value YAML 1.1 silently turned into
        another number: ``lines: 1:30`` is 90 (base 60), ``lines: 010`` is 8."""
        surprise = yaml11_surprise(node)
        if surprise is None:
            return False
        quote = f"to keep '{node.value}' as written, put it in quotes"
        self.error(node, f"'{key}' is {surprise}, not {meant}",
                   hint=quote if key == "cell" else f"write a range with '-', as in 3-12; {quote}")
        return True

