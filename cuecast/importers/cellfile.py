"""The snippet an import writes: one cell file, ``# %% Title`` per code cue.

The file must run with plain ``python`` and the runner must split it into
exactly the cells the lesson names, so every cell's code is made safe first:

* IPython-only lines (``%matplotlib inline``, ``!pip install``) are
  commented out, and a ``%%bash``-style cell magic comments out its cell;
* a cell that is not valid Python on its own is commented out;
* a line of the code that would itself read as a ``# %%`` marker is
  shifted so it does not split the cell.

Each change is a to-do at the input line it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cuecast.importers.blocks import Code, Todo

MAGIC = re.compile(r"^(?P<indent>\s*)(?P<what>%%?\w+|!\S|\?\w|\w[\w.]*\?\??\s*$)")
MARKER_LIKE = re.compile(r"^#\s?%%")
#: Cell magics that only time or capture: the code under them still runs.
HARMLESS_CELL_MAGICS = {"time", "timeit", "capture", "prun"}


@dataclass(frozen=True)
class Cell:
    """A cell of the file to write: ``title`` is what the cue's ``cell:`` names."""

    title: str
    code: Code


def cell_file_text(title: str, source_name: str, lesson_path: str, glue: list[Code],
                   cells: list[Cell]) -> tuple[str, list[Todo]]:
    """The file's text and the to-dos for what had to change in the code."""
    todos: list[Todo] = []
    safe_title = " ".join(title.replace('"""', "'''").replace("\\", "/").split())
    parts = [
        f'"""{safe_title}: the code of {lesson_path}, one `# %%` cell per code cue.\n\n'
        f"Imported from {source_name} by `render import`.  The cells run in order, as in a\n"
        'notebook; `python` runs the whole file.\n"""\n'
    ]
    for code in glue:
        text, found = safe_code(code)
        todos.extend(found)
        parts.append(text + "\n")
    for cell in cells:
        text, found = safe_code(cell.code)
        todos.extend(found)
        parts.append(f"\n# %% {cell.title}\n{text}\n")
    return "".join(parts), todos


def safe_code(code: Code) -> tuple[str, list[Todo]]:
    """``code`` as it can run under plain Python, and the to-dos for what changed."""
    todos: list[Todo] = []
    lines = code.code.splitlines()
    line_of = (lambda i: code.lines[i] if i < len(code.lines) else code.line)  # noqa: E731
    first = next((i for i, t in enumerate(lines) if t.strip()), None)
    if first is not None and lines[first].lstrip().startswith("%%"):
        magic = lines[first].split()[0][2:]
        if magic in HARMLESS_CELL_MAGICS:
            todos.append(Todo(f"the IPython cell magic '%%{magic}' was commented out", line_of(first)))
            lines[first] = "# " + lines[first]
        else:
            todos.append(Todo(f"a '%%{magic}' cell is not Python; it was commented out", line_of(first)))
            return _commented(lines), todos
    for index, text in enumerate(lines):
        magic = MAGIC.match(text)
        if magic and not _is_python(text):
            what = text.strip()
            hint = f" (install it: pip install {what.split('install', 1)[1].strip()})" \
                if re.match(r"^[!%]\s*pip\s+install\b", what) else ""
            todos.append(Todo(f"the IPython line '{what}' was commented out{hint}", line_of(index)))
            lines[index] = f"{magic.group('indent')}# {text.strip()}"
        elif MARKER_LIKE.match(text):
            lines[index] = "#  " + text[1:].lstrip()
    text = "\n".join(lines)
    try:
        compile(text + "\n", "<cell>", "exec")
    except SyntaxError as exc:
        index = max((exc.lineno or 1) - 1, 0)
        todos.append(Todo(f"not valid Python on its own ({exc.msg}); the cell was commented out", line_of(index)))
        return _commented(lines), todos
    return text, todos


def _is_python(text: str) -> bool:
    """A line that starts like a magic but is Python (``x % 2`` cannot start
    a line, but ``a?`` help and ``!`` shell lines never compile)."""
    try:
        compile(text.strip(), "<line>", "exec")
        return True
    except SyntaxError:
        return False


def _commented(lines: list[str]) -> str:
    """Every line commented out; a ``%%magic`` line gets two spaces, as
    ``# %%magic`` would read as a cell marker and split the cell."""
    return "\n".join(("#  " if t.startswith("%%") else "# ") + t if t.strip() else t for t in lines)


def unique_titles(titles: list[str]) -> list[str]:
    """Titles made unique in order: a repeat becomes "Title (2)", "Title (3)"."""
    seen: dict[str, int] = {}
    used: set[str] = set()
    out = []
    for title in titles:
        count = seen.get(title, 0) + 1
        seen[title] = count
        candidate = title if count == 1 else f"{title} ({count})"
        while candidate in used:
            count += 1
            seen[title] = count
            candidate = f"{title} ({count})"
        used.add(candidate)
        out.append(candidate)
    return out


def cell_title(text: str) -> str:
    """A heading as a cell title: one line, no backticks, nothing the cell
    parser would take for a cell type (``[markdown]``), never only a number
    (``cell: 2`` would select the second cell), no trailing colon."""
    title = " ".join(text.replace("`", "").split()).rstrip(":").strip()
    title = " ".join(re.sub(r"\[(?:markdown|md|raw)\]", "", title, flags=re.IGNORECASE).split())
    if not title:
        return "Cell"
    if re.fullmatch(r"[\d\s.]+", title):
        return f"Cell {title}"
    return title
