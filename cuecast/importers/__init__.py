"""``render import FILE``: a lesson from a tutorial in the format it already has.

One reader per format turns the file into plain blocks (``importers.blocks``);
one builder (``importers.lesson``) turns blocks into the lesson and its cell
file; nothing here writes (``importers.output`` does, after the CLI has
checked where).  Which reader runs is decided from the file, through the
``READERS`` table:

    sphinx-gallery .py   docstring title, ``####``/``# %%`` reST text blocks   (gallery)
    percent .py          ``# %%`` cells, ``# %% [markdown]`` prose             (percent)
    .ipynb               Markdown and code cells                               (notebook)
    .qmd .Rmd, MyST .md  ```{python}``` / ```{code-cell}``` fences             (fenced)
    Markdown .md         ``[SHOW IN VS CODE]`` video script, the seed's format (video_script)
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from cuecast.errors import Diagnostic, ScriptError
from cuecast.importers.blocks import Document, Picture, Todo
from cuecast.importers.cellfile import cell_file_text
from cuecast.importers.code_checks import check_code
from cuecast.importers.fenced import has_executable_fences, has_python_fences, read_fenced
from cuecast.importers.gallery import is_gallery, read_gallery
from cuecast.importers.lesson import build_lesson
from cuecast.importers.notebook import read_notebook
from cuecast.importers.percent import read_percent
from cuecast.importers.source import SUPPORTED_HINT, read_source
from cuecast.importers.video_script import import_video_script, mentions_cues
from cuecast.importers.yaml_text import dump_yaml
from cuecast.model import Location
from cuecast.script import lesson_id_from_path
from cuecast.script_cue import IMAGE_SUFFIXES

__all__ = ["Imported", "import_file", "choose_reader", "READERS"]


@dataclass
class Imported:
    """What an import produced, before anything is written.

    ``snippet``/``cell_text``: the cell file (``None`` when the tutorial has
    no code); ``todos``: ``file:line  message`` lines, in input order;
    ``missing``: project files the lesson names that do not exist yet."""

    reader: str
    lesson_id: str
    data: dict
    snippet: Optional[str] = None
    cell_text: Optional[str] = None
    todos: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def yaml_text(self) -> str:
        return dump_yaml(self.data)


Reader = Callable[[str, str], Document]

#: name → (suffixes, test on the text (None: always), reader); tried in order.
READERS: tuple[tuple[str, tuple[str, ...], Optional[Callable[[str], bool]], Optional[Reader]], ...] = (
    ("sphinx-gallery", (".py",), is_gallery, read_gallery),
    ("percent", (".py", ".pyw"), None, read_percent),
    ("notebook", (".ipynb",), None, read_notebook),
    ("fenced", (".qmd", ".rmd"), None, read_fenced),
    ("video-script", (".md", ".markdown"),
     lambda text: mentions_cues(text) or not (has_executable_fences(text) or has_python_fences(text)), None),
    ("fenced", (".md", ".markdown", ".myst"), None, read_fenced),
)


def choose_reader(path: Path, text: str) -> str:
    suffix = path.suffix.lower()
    for name, suffixes, test, _ in READERS:
        if suffix in suffixes and (test is None or test(text)):
            return name
    raise ScriptError([Diagnostic(Location(shown_path(path)), f"cannot import a '{suffix or 'suffixless'}' file",
                                  SUPPORTED_HINT)])


def shown_path(path: Path) -> str:
    """The input as messages name it: relative to here when below here."""
    try:
        return Path(os.path.abspath(path)).relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


def lesson_id_for(path: Path) -> str:
    """``plot_tensors.py`` → ``plot_tensors``; characters an id cannot hold become '-'."""
    name = re.sub(r"[^\w.-]+", "-", lesson_id_from_path(path)).strip("-.")
    return name or "lesson"


def import_file(path: Path, project: Path, lesson_id: Optional[str] = None) -> Imported:
    """Read and convert ``path`` for the project folder ``project``."""
    path = Path(path)
    shown = shown_path(path)
    text = read_source(path, shown)
    reader = choose_reader(path, text)
    lesson_id = lesson_id or lesson_id_for(path)
    if reader == "video-script":
        return _video_script(text, shown, lesson_id, Path(project))
    read = next(r for name, _, _, r in READERS if name == reader and r is not None)
    doc = read(text, shown)
    snippet = f"snippets/{lesson_id}.py"
    built = build_lesson(doc, lesson_id=lesson_id, snippet=snippet, fallback_title=_title_from_name(path),
                         resolve_image=_image_resolver(path, Path(project)))
    if not built.data["sections"]:
        raise ScriptError([Diagnostic(Location(shown), "has nothing to import: no prose or code after its title")])
    todos = list(built.todos)
    cell_text = None
    if built.cells or built.glue:
        cell_text, changed = cell_file_text(built.data["lesson"], path.name, f"script/{lesson_id}.yaml",
                                            built.glue, built.cells)
        todos.extend(changed)
        seen: set[str] = set()
        for code in [*built.glue, *(cell.code for cell in built.cells)]:
            todos.extend(check_code(code, seen))
    return Imported(reader, lesson_id, built.data, snippet if cell_text else None, cell_text, _listed(todos, shown))


def _video_script(text: str, shown: str, lesson_id: str, project: Path) -> Imported:
    imported = import_video_script(text, shown, lesson_id)
    todos = list(imported.todos)
    missing = []
    for path, line, invented in imported.files:
        if (project / path).is_file():
            continue
        missing.append(path)
        todos.append(Todo(f"write {path}: the cue line names no file" if invented
                          else f"{path}, named on the cue line, does not exist yet", line))
    return Imported("video-script", lesson_id, imported.data, todos=_listed(todos, shown), missing=missing)


def _listed(todos: list[Todo], shown: str) -> list[str]:
    ordered = sorted(todos, key=lambda t: t.line)
    return [f"{shown}:{t.line}  {t.message}" if t.line else f"{shown}  {t.message}" for t in ordered]


def _title_from_name(path: Path) -> str:
    stem = lesson_id_from_path(path)
    stem = re.sub(r"^(plot|example|tutorial)_", "", stem)
    words = " ".join(re.split(r"[_\-\s]+", stem)).strip()
    return words[:1].upper() + words[1:] if words else "Lesson"


def _image_resolver(source: Path, project: Path):
    """Images are named relative to the tutorial; a lesson names them relative
    to the project, and may only show files inside it."""
    folder = Path(os.path.abspath(source)).parent
    root = Path(os.path.realpath(project))

    def resolve(picture: Picture) -> tuple[Optional[str], Optional[str]]:
        written = picture.path.strip()
        if not written:
            return None, "an image with no path was left out"
        if re.match(r"^[a-z][\w+.-]*:", written, re.IGNORECASE) and not re.match(r"^[A-Za-z]:[\\/]", written):
            if written.startswith("attachment:"):
                return None, f"the image '{written}' is attached to the notebook: save it as a file in the project " \
                             "and add a 'show: slides' cue with 'image:'"
            return None, f"the image {written} is on the web: save it into the project and add a " \
                         "'show: slides' cue with 'image:'"
        candidate = folder / written.split("?")[0].split("#")[0]
        if not candidate.is_file():
            return None, f"the image '{written}' was not found (looked for {candidate}); left out"
        if candidate.suffix.lower() not in IMAGE_SUFFIXES:
            return None, f"the image '{written}' is not a format slides can show ({', '.join(IMAGE_SUFFIXES)}); " \
                         "convert it and add a 'show: slides' cue with 'image:'"
        real = Path(os.path.realpath(candidate))
        if not real.is_relative_to(root):
            return None, f"the image '{written}' is outside the project folder: copy it into the project " \
                         "(e.g. images/) and add a 'show: slides' cue with 'image:'"
        return real.relative_to(root).as_posix(), None

    return resolve
