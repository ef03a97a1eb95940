"""The lesson script parser: YAML → ``cuecast.model.Lesson``.

The format is the README's "The lesson script".  Parsing works on YAML nodes
(see ``cuecast.script_yaml``) so every value keeps its line and column, and
validation *collects* problems instead of stopping at the first one, so an
author sees everything wrong with a script in one run, each as
``script/x.yaml:12:5 │ message`` with the source line and a caret.

Public API::

    load_lesson(path, root=None) -> Lesson     # ScriptError with every problem
    find_lessons(target) -> list[Path]         # script/, a folder, or one file
    load_lessons(target) -> list[Lesson]       # one ScriptError for all of them
"""

from __future__ import annotations

import difflib
import math
import os
import posixpath
import re
from pathlib import Path, PurePosixPath
from typing import Optional, Sequence, Union
from urllib.parse import urlsplit

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cuecast.errors import ConfigError, Diagnostic, ScriptError
from cuecast.ids import id_problem, shown_id, slugify
from cuecast.images import image_problem
from cuecast.model import CUE_KINDS, PACE_NAMES, Beat, Cue, Lesson, Location, Section
from cuecast.script_yaml import (
    UnsupportedTag,
    compose_script,
    decode_utf8,
    describe,
    mapping_pairs,
    node_location,
    read_script_text,
    scalar_value,
    yaml11_surprise,
)
from cuecast.cells import Cell, cell_code, code_cells, duplicate_titles, find_cell, marker_style, split_cells
from cuecast.snippet_source import REGION_START, find_region

__all__ = ["load_lesson", "find_lessons", "load_lessons", "slugify", "default_say", "SCRIPT_SUFFIXES"]

#: What ``find_lessons`` picks up in a folder.
SCRIPT_SUFFIXES = (".yaml", ".yml")

#: The diagrams a slides cue can draw (``diagram: autograd`` draws the snippet's tape).
DIAGRAMS = ("autograd",)
#: Picture files a slides cue may show (what both python-pptx and Pillow read).
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp")
#: Voice specs, as ``cuecast.narrate.VOICE_KINDS`` lists them.
VOICES = ("espeak", "none", "recorded:DIR")

LESSON_KEYS = ("lesson", "id", "voice", "pace", "prepare", "sections")
SECTION_KEYS = ("title", "id", "beats", "subsections")
CUE_KEYS = ("snippet", "cell", "lines", "region", "output", "timeout", "expect_error", "diagram", "image", "url",
            "title", "caption", "pace")
BEAT_KEYS = ("id", "bullet", "points", "say", "then", "pause", "show") + CUE_KEYS
#: The keys that pick part of a snippet or of its output.
_SNIPPET_PARTS = ("cell", "lines", "region", "output")
#: Which cue keys each kind uses: a lookup table, so a new kind is one entry.
KIND_KEYS = {
    "vscode": ("snippet", "cell", "lines", "region", "output", "timeout", "expect_error", "caption", "pace"),
    "slides": ("diagram", "image", "snippet", "cell", "lines", "region", "output", "timeout", "expect_error", "title",
               "caption", "pace"),
    "browser": ("url", "title", "caption", "pace"),
}

#: Ids name files (recordings, golden files, build folders) and markers: they are
#: checked by ``cuecast.ids`` (pattern and length), wherever they come from.
LINES_PATTERN = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")


# --- small text helpers, shared with the Markdown importer -------------------


def spoken(text: str) -> str:
    """Text as narration reads it: inline code backticks dropped (a voice
    would say "backtick") and whitespace runs collapsed."""
    return " ".join(text.replace("`", "").split())


def default_say(bullet: str, points: Sequence[str] = ()) -> str:
    """The narration of a bullet beat: the bullet, then each point, as
    sentences.  Trailing '.', ',', ';', ':' are replaced by one '.'; a '?',
    '!' or '…' already ends a sentence and is kept."""
    sentences = []
    for part in (bullet, *points):
        sentence = spoken(part).rstrip(" .,;:")
        if not sentence:
            continue
        if not sentence.endswith(("?", "!", "…")):
            sentence += "."
        sentences.append(sentence)
    return " ".join(sentences)


# --- where scripts live ------------------------------------------------------


def _shown_path(path: Path) -> str:
    """The script path as messages should print it: relative to the current
    folder when it lies below it, else as given."""
    if path.is_absolute():
        try:
            return path.relative_to(Path.cwd()).as_posix()
        except ValueError:
            return str(path)
    return path.as_posix()


def default_root(path: Path) -> Path:
    """The project folder of a script: the parent of ``script/`` when the
    script sits in a folder named ``script``, else the script's own folder."""
    folder = Path(os.path.abspath(path)).parent
    if folder.name == "script":
        return folder.parent
    return folder


def lesson_id_from_path(path: Path) -> str:
    """``script/pytorch-intro.yaml`` and ``pytorch-intro.script.yaml`` → ``pytorch-intro``."""
    stem = Path(path).stem
    return stem[: -len(".script")] if stem.endswith(".script") else stem


def find_lessons(target: Optional[Path] = None) -> list[Path]:
    """The scripts a command works on: ``None`` → every ``*.yaml``/``*.yml``
    under ``./script/``; a folder → those under it; a file → that file.
    Hidden files and folders are skipped; the order is sorted by path."""
    if target is None:
        folder = Path("script")
        if not folder.is_dir():
            raise ConfigError(
                f"no script/ folder in {Path.cwd()}",
                hint="run render from the project folder, name a script (render check path/to/lesson.yaml), "
                "or start a lesson with: render new NAME",
            )
        return _scripts_in(folder)
    target = Path(target)
    if target.is_dir():
        return _scripts_in(target)
    if target.is_file():
        if target.suffix.lower() == ".md":
            raise ConfigError(
                f"{target} is a Markdown script; convert it to a lesson script first",
                hint=f"render import {target}",
            )
        return [target]
    raise ConfigError(f"{target} does not exist", hint="name a lesson script (.yaml) or a folder of them")


def _scripts_in(folder: Path) -> list[Path]:
    found = [
        path
        for path in folder.rglob("*")
        if path.suffix.lower() in SCRIPT_SUFFIXES
        and path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    ]
    if not found:
        raise ConfigError(
            f"no lesson scripts (*.yaml, *.yml) under {folder}/",
            hint="start one with: render new NAME, or convert a tutorial, notebook or Markdown script with: render import FILE",
        )
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


def load_lessons(target: Optional[Path] = None) -> list[Lesson]:
    """Every lesson ``find_lessons(target)`` names, or one ``ScriptError`` with
    the problems of all broken scripts (and of lesson ids used twice)."""
    lessons: list[Lesson] = []
    problems: list[Diagnostic] = []
    for path in find_lessons(target):
        try:
            lessons.append(load_lesson(path))
        except ScriptError as exc:
            problems.extend(exc.diagnostics)
    first_by_id: dict[str, Lesson] = {}
    for lesson in lessons:
        other = first_by_id.setdefault(lesson.id, lesson)
        if other is not lesson:
            problems.append(Diagnostic(
                lesson.location,
                f"lesson id '{lesson.id}' is also the id of {other.source}; outputs would overwrite each other",
                hint="give one of them another 'id:'",
            ))
    if problems:
        raise ScriptError(problems)
    return lessons


def load_lesson(path: Union[str, Path], root: Optional[Path] = None) -> Lesson:
    """Parse and validate one script; raise ``ScriptError`` carrying every
    problem found.  Snippet and image paths are checked against ``root``
    (default: see ``default_root``)."""
    path = Path(path)
    shown = _shown_path(path)
    project = Path(os.path.abspath(root if root is not None else default_root(path)))
    text = read_script_text(path, shown)
    node = compose_script(text, shown)
    return _LessonBuilder(shown, project, lesson_id_from_path(path)).build(node)


# --- validation --------------------------------------------------------------

_Entries = dict  # key text -> (key node, value node)


class _LessonBuilder:
    """Walks the node tree once, building model values and collecting a
    Diagnostic for every problem; a part that is broken becomes ``None`` and
    its siblings are still checked."""

    def __init__(self, shown: str, root: Path, default_id: str) -> None:
        self.shown = shown
        self.root = root
        self.real_root = root.resolve()
        self.default_id = default_id
        self.problems: list[Diagnostic] = []
        self.section_ids: dict[str, Location] = {}
        self.beat_ids: dict[str, Location] = {}
        self.snippet_texts: dict[str, Optional[str]] = {}

    # reporting

    def loc(self, node: Node) -> Location:
        return node_location(self.shown, node)

    def field_locations(self, entries: _Entries, keys: Sequence[str]) -> tuple[tuple[str, Location], ...]:
        """``(key, where its value starts)`` for each of ``keys`` present."""
        return tuple((key, self.loc(entries[key][1])) for key in keys if key in entries)

    def error(self, where: Union[Node, Location], message: str, hint: str = "") -> None:
        location = where if isinstance(where, Location) else self.loc(where)
        self.problems.append(Diagnostic(location, message, hint))

    # generic shapes

    def mapping(self, node: Node, what: str, allowed: Sequence[str]) -> Optional[_Entries]:
        """The keys of a mapping node, reporting a wrong shape, non-text keys,
        duplicate keys and unknown keys (with a did-you-mean suggestion)."""
        if not isinstance(node, MappingNode):
            self.error(node, f"{what} must be a mapping (key: value lines), found {describe(node)}")
            return None
        entries: _Entries = {}
        pairs, merge_problems = mapping_pairs(node)  # ``<<: *common`` shares fields; merged values keep their place
        for where, message in merge_problems:
            self.error(where, message)
        for key_node, value_node in pairs:
            if not isinstance(key_node, ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                self.error(key_node, f"keys in {what} must be names, found {describe(key_node)}")
                continue
            key = key_node.value
            if key in entries:
                first = self.loc(entries[key][0])
                self.error(key_node, f"duplicate key '{key}' in {what} (first given on line {first.line})")
                continue
            if key not in allowed:
                self.unknown_key(key_node, key, what, allowed)
                continue
            entries[key] = (key_node, value_node)
        return entries

    def unknown_key(self, key_node: Node, key: str, what: str, allowed: Sequence[str]) -> None:
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        if close:
            self.error(key_node, f"unknown key '{key}' in {what} (did you mean '{close[0]}'?)")
        else:
            self.error(key_node, f"unknown key '{key}' in {what} (expected one of: {', '.join(allowed)})")

    def scalar(self, node: Node, key: str) -> tuple[bool, object]:
        """``(True, value)`` for a plain scalar; reports lists, mappings and
        unsupported tags as a type error naming the field."""
        if isinstance(node, ScalarNode):
            try:
                return True, scalar_value(node)
            except UnsupportedTag as exc:
                self.error(node, f"'{key}' has {exc}")
                return False, None
        return False, None

    def text(self, entries: _Entries, key: str, *, required_in: str = "") -> Optional[str]:
        """A non-empty string field; ``required_in`` names the owner when the
        field must be present."""
        if key not in entries:
            return None
        node = entries[key][1]
        ok, value = self.scalar(node, key)
        if not ok or not isinstance(value, str):
            if ok or not isinstance(node, ScalarNode):
                hint = "put it in quotes to make it text" if isinstance(node, ScalarNode) and value is not None else ""
                self.error(node, f"'{key}' must be a string, found {describe(node)}", hint)
            return None
        if not value.strip():
            self.error(node, f"'{key}' must not be empty")
            return None
        return value

    def string_list(self, entries: _Entries, key: str) -> Optional[tuple[str, ...]]:
        if key not in entries:
            return ()
        node = entries[key][1]
        if not isinstance(node, SequenceNode):
            self.error(node, f"'{key}' must be a list of strings, found {describe(node)}")
            return None
        items = []
        for number, item in enumerate(node.value, start=1):
            ok, value = self.scalar(item, key)
            if not ok or not isinstance(value, str):
                if ok or not isinstance(item, ScalarNode):
                    self.error(item, f"'{key}' item {number} must be a string, found {describe(item)}")
                continue
            if not value.strip():
                self.error(item, f"'{key}' item {number} must not be empty")
                continue
            items.append(value)
        return tuple(items)

    def node_list(self, entries: _Entries, key: str) -> list[Node]:
        if key not in entries:
            return []
        node = entries[key][1]
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null":
            return []
        if not isinstance(node, SequenceNode):
            self.error(node, f"'{key}' must be a list, found {describe(node)}")
            return []
        return list(node.value)

    def ident(self, entries: _Entries, what: str) -> Optional[str]:
        """An explicit ``id:``, checked as every id is (``cuecast.ids``): it names files."""
        value = self.text(entries, "id")
        problem = id_problem(value) if value is not None else None
        if problem:
            self.error(entries["id"][1], f"{what} id '{shown_id(value)}' {problem}")
            return None
        return value

    # the tree

    def build(self, node: Optional[Node]) -> Lesson:
        lesson = self.lesson(node)
        if self.problems or lesson is None:
            # a value merged into several mappings (``<<: *common``) is checked in each: report it once
            unique = dict.fromkeys(self.problems)
            ordered = sorted(unique, key=lambda d: (d.location.line, d.location.col))
            raise ScriptError(ordered)
        return lesson

    def lesson(self, node: Optional[Node]) -> Optional[Lesson]:
        if node is None:
            self.error(Location(self.shown), "the script is empty; a lesson needs 'lesson:' and 'sections:'")
            return None
        entries = self.mapping(node, "the lesson script", LESSON_KEYS)
        if entries is None:
            return None
        title = self.text(entries, "lesson")
        if "lesson" not in entries:
            self.error(node, "missing 'lesson' (the lesson's title)", hint="add a first line like: lesson: PyTorch")
        lesson_id = self.ident(entries, "lesson")
        if lesson_id is None and "id" not in entries:
            lesson_id = self.id_from_file_name(node)
        lesson_id = lesson_id or self.default_id
        voice = self.voice(entries)
        pace = self.pace(entries)
        prepare = self.string_list(entries, "prepare")
        sections = self.sections(entries, node)
        if title is None or prepare is None or sections is None:
            return None
        return Lesson(
            id=lesson_id,
            title=title,
            source=self.shown,
            root=str(self.root),
            location=self.loc(entries["lesson"][1]),
            sections=sections,
            prepare=prepare,
            voice=voice,
            pace=pace or "normal",
        )

    def id_from_file_name(self, node: Node) -> Optional[str]:
        """The lesson id the script's file name gives (it names
        ``build/<id>/``), checked like an ``id:``: ``...yaml`` would give
        ``..``, a build folder outside ``build/``."""
        problem = id_problem(self.default_id)
        if problem:
            self.error(node, f"the lesson id '{shown_id(self.default_id)}', taken from the file name, {problem}",
                       hint="give the lesson an 'id:' line (e.g. id: intro), or rename the file")
            return None
        return self.default_id

    def pace(self, entries: _Entries) -> Optional[str]:
        value = self.text(entries, "pace")
        if value is not None and value not in PACE_NAMES:
            close = difflib.get_close_matches(value, PACE_NAMES, n=1, cutoff=0.6)
            self.error(entries["pace"][1], f"unknown pace '{value}' (expected one of: {', '.join(PACE_NAMES)})",
                       hint=f"did you mean '{close[0]}'?" if close else "")
            return None
        return value

    def seconds(self, entries: _Entries, key: str) -> float:
        """A number of seconds, zero or more (``pause:``)."""
        if key not in entries:
            return 0.0
        node = entries[key][1]
        ok, value = self.scalar(node, key)
        if (not ok or isinstance(value, bool) or not isinstance(value, (int, float))
                or not math.isfinite(value) or not 0 <= value <= 600):
            self.error(node, f"'{key}' must be a number of seconds from 0 to 600, found {describe(node)}")
            return 0.0
        return float(value)

    def voice(self, entries: _Entries) -> Optional[str]:
        value = self.text(entries, "voice")
        if value is None:
            return None
        spec = value.strip()
        if spec.startswith("recorded:") and spec[len("recorded:"):].strip():
            folder = Path(spec[len("recorded:"):].strip()).expanduser()
            where = folder if folder.is_absolute() else self.root / folder
            if where.exists() and not where.is_dir():
                self.error(entries["voice"][1], f"the recordings folder '{folder.as_posix()}' is not a folder",
                           hint="voice: recorded:DIR names a folder of DIR/<beat id>.wav (or .flac, .mp3, ...) "
                                f"takes, relative to the project folder {self.shown_root()}")
                return None
            return spec
        if spec in ("espeak", "none"):
            return spec
        self.error(entries["voice"][1], f"unknown voice '{value}' (expected one of: {', '.join(VOICES)})")
        return None

    def sections(self, entries: _Entries, lesson_node: Node) -> Optional[tuple[Section, ...]]:
        if "sections" not in entries:
            self.error(lesson_node, "the lesson has no sections; add 'sections:' with at least one section")
            return None
        nodes = self.node_list(entries, "sections")
        value_node = entries["sections"][1]
        if not nodes:
            if isinstance(value_node, SequenceNode) or describe(value_node) == "nothing (null)":
                self.error(value_node, "the lesson has no sections; add at least one '- title: ...'")
            return None
        built = [self.section(item, level=1, number=n) for n, item in enumerate(nodes, start=1)]
        return tuple(built) if all(s is not None for s in built) else None

    def section(self, node: Node, level: int, number: int) -> Optional[Section]:
        what = "a section" if level == 1 else "a subsection"
        entries = self.mapping(node, what, SECTION_KEYS)
        if entries is None:
            return None
        title = self.text(entries, "title")
        if "title" not in entries:
            self.error(node, f"{what} needs a 'title'")
        explicit = self.ident(entries, "section")
        section_id = explicit or slugify(title or "") or f"section-{number}"
        id_node = entries["id"][1] if "id" in entries else entries["title"][1] if "title" in entries else node
        self.claim(self.section_ids, section_id, id_node, "section")

        beats = [
            self.beat(item, section_id, n)
            for n, item in enumerate(self.node_list(entries, "beats"), start=1)
        ]
        subsections: list[Optional[Section]] = []
        if "subsections" in entries and level > 1:
            self.error(entries["subsections"][0],
                       "subsections cannot nest further: a subsection is the seed's '###' heading")
        else:
            subsections = [
                self.section(item, level=level + 1, number=n)
                for n, item in enumerate(self.node_list(entries, "subsections"), start=1)
            ]
        if title is None or any(b is None for b in beats) or any(s is None for s in subsections):
            return None
        return Section(
            id=section_id,
            title=title,
            location=self.loc(node),
            beats=tuple(beats),
            subsections=tuple(subsections),
            level=level,
            fields=self.field_locations(entries, ("title",)),
        )

    def claim(self, seen: dict[str, Location], ident: str, node: Node, what: str) -> None:
        """Record an id, reporting it when another section/beat already has it."""
        if ident in seen:
            first = seen[ident]
            self.error(node, f"duplicate {what} id '{ident}' (also used on line {first.line})",
                       hint="give one of them its own 'id:'")
        else:
            seen[ident] = self.loc(node)

    def beat(self, node: Node, section_id: str, number: int) -> Optional[Beat]:
        problems_before = len(self.problems)
        entries = self.mapping(node, "a beat", BEAT_KEYS)
        if entries is None:
            return None
        beat_id = self.ident(entries, "beat") or f"{section_id}-{number}"
        self.claim(self.beat_ids, beat_id, entries["id"][1] if "id" in entries else node, "beat")
        bullet = self.text(entries, "bullet")
        points = self.string_list(entries, "points")
        say = self.text(entries, "say")
        then = self.text(entries, "then")
        pause = self.seconds(entries, "pause")
        if not any(key in entries for key in ("say", "bullet", "show", "pause")):
            self.error(node, "a beat needs 'say', 'bullet' or 'show' (it says or shows nothing)")
        cue = self.cue(entries, beat_id)
        if "then" in entries and not (cue and cue.kind == "vscode"):
            self.error(entries["then"][0], "'then' is said once a code cue's output is on screen; "
                       "it needs 'show: vscode' on this beat", hint="put the words in 'say' instead")
        if len(self.problems) > problems_before:
            return None
        if say is not None:
            narration = spoken(say)
        elif bullet is not None:
            narration = default_say(bullet, points)
        else:
            narration = ""
        return Beat(
            id=beat_id,
            location=self.loc(node),
            say=narration,
            bullet=bullet,
            points=points,
            cue=cue or None,
            then=spoken(then) if then is not None else "",
            pause=pause,
            fields=self.field_locations(entries, ("say", "bullet", "points", "then")),
        )

    # cues

    def cue(self, entries: _Entries, beat_id: str) -> Union[Cue, None, bool]:
        """The beat's cue, ``None`` when it shows nothing, ``False`` when broken."""
        problems_before = len(self.problems)
        present = [key for key in CUE_KEYS if key in entries]
        if "show" not in entries:
            for key in present:
                if key == "title":
                    continue
                self.error(entries[key][0], f"'{key}' belongs to a cue; add 'show:' "
                           f"({', '.join(k for k in CUE_KINDS if key in KIND_KEYS[k])}) to this beat")
            if "title" in entries:
                self.error(entries["title"][0], "'title' names a browser page or a slide; add 'show:' to this beat, "
                           "or move it to the section")
            return False if len(self.problems) > problems_before else None

        show_node = entries["show"][1]
        kind = self.text(entries, "show")
        if kind is not None and kind not in CUE_KINDS:
            close = difflib.get_close_matches(kind, CUE_KINDS, n=1, cutoff=0.6)
            self.error(show_node, f"unknown cue kind '{kind}' (expected one of: {', '.join(CUE_KINDS)})",
                       hint=f"did you mean '{close[0]}'?" if close else "")
            kind = None
        if kind is not None:
            for key in present:
                if key not in KIND_KEYS[kind]:
                    users = ", ".join(k for k in CUE_KINDS if key in KIND_KEYS[k])
                    self.error(entries[key][0], f"'{key}' does not apply to a {kind} cue (it is used by: {users})")

        snippet, snippet_text = self.snippet(entries)
        cell = self.cell(entries, snippet, snippet_text)
        if cell is not None:
            lines: Optional[tuple[int, int]] = (cell.start, cell.end)
        elif "cell" in entries or ("region" in entries and snippet_text and marker_style(snippet_text)):
            lines = None  # the cell could not be found: ``cell`` said why
        else:
            lines = self.shown_lines(entries, snippet, snippet_text)
        output_lines, output_hidden = self.output(entries)
        timeout = self.timeout(entries)
        expect_error = self.flag(entries, "expect_error")
        diagram = self.diagram(entries)
        image = self.picture(entries)
        url = self.url(entries)
        title = self.text(entries, "title")
        caption = self.text(entries, "caption")

        if kind == "vscode" and "snippet" not in entries:
            self.error(show_node, "a vscode cue needs a 'snippet' (the file shown in the editor)")
        elif kind == "slides":
            if "diagram" not in entries and "image" not in entries:
                self.error(show_node, "a slides cue needs a 'diagram' (e.g. autograd) or an 'image'")
            elif "diagram" in entries and "image" in entries:
                self.error(entries["image"][0], "give a slides cue either 'diagram' or 'image', not both")
            if diagram == "autograd" and "snippet" not in entries:
                self.error(entries["diagram"][1],
                           "diagram 'autograd' needs a 'snippet' (the code whose autograd graph it draws)")
        elif kind == "browser" and "url" not in entries:
            self.error(show_node, "a browser cue needs a 'url' (the page to show)")
        for key in _SNIPPET_PARTS:
            if key in entries and "snippet" not in entries:
                self.error(entries[key][0], f"'{key}' picks part of a snippet; this cue has no 'snippet'")

        if len(self.problems) > problems_before or kind is None:
            return False
        return Cue(
            kind=kind,
            id=beat_id,
            location=self.loc(entries["show"][0]),
            snippet=snippet,
            lines=lines,
            cell=cell.number if cell is not None else None,
            cell_title=cell.title if cell is not None else "",
            output_lines=output_lines,
            output_hidden=output_hidden,
            pace=self.pace(entries),
            timeout=timeout,
            expect_error=bool(expect_error),
            diagram=diagram,
            image=image,
            url=url,
            title=title,
            caption=caption,
            fields=self.field_locations(entries, ("title", "caption")),
        )

    def project_file(self, entries: _Entries, key: str, suffixes: Sequence[str], kind: str) -> Optional[str]:
        """A path to a file inside the project: relative, not escaping the
        project (through '..' or a symlink), with an accepted suffix, present,
        and a file.  Returns it normalised, as a POSIX path."""
        value = self.text(entries, key)
        if value is None:
            return None
        node = entries[key][1]
        if "\\" in value:
            self.error(node, f"{key} path '{value}' uses '\\'; write paths with '/'")
            return None
        if PurePosixPath(value).is_absolute() or re.match(r"^[A-Za-z]:", value) or value.startswith("~"):
            self.error(node, f"{key} path '{value}' is absolute; give it relative to the project folder",
                       hint=f"the project folder is {self.shown_root()}")
            return None
        normal = posixpath.normpath(value)
        candidate = self.root / normal
        if normal == ".." or normal.startswith("../"):
            self.error(node, f"{key} path '{value}' leaves the project folder",
                       hint=f"paths are relative to the project folder {self.shown_root()}")
            return None
        real = candidate.resolve()
        if not real.is_relative_to(self.real_root):
            self.error(node, f"{key} path '{value}' leads outside the project folder (through a symlink to {real})")
            return None
        if not normal.lower().endswith(tuple(suffixes)):
            self.error(node, f"{key} '{value}' must be {kind} file ({', '.join(suffixes)})")
            return None
        if not candidate.exists():
            self.error(node, f"{key} file '{normal}' does not exist", hint=self.nearby_hint(candidate, normal))
            return None
        if not candidate.is_file():
            self.error(node, f"{key} path '{normal}' is not a file")
            return None
        return normal

    def picture(self, entries: _Entries) -> Optional[str]:
        """An ``image:`` path, its picture checked now (size, decodability):
        a picture that cannot be drawn must stop the build before any output
        is rewritten, with this line in the message."""
        image = self.project_file(entries, "image", IMAGE_SUFFIXES, "a picture")
        if image is None:
            return None
        problem = image_problem(self.root / image)
        if problem is not None:
            self.error(entries["image"][1], f"image '{image}' {problem[0]}", hint=problem[1])
            return None
        return image

    def nearby_hint(self, candidate: Path, normal: str) -> str:
        folder = candidate.parent
        if folder.is_dir():
            names = sorted(p.name for p in folder.iterdir() if p.is_file())
            close = difflib.get_close_matches(candidate.name, names, n=1, cutoff=0.6)
            if close:
                return f"did you mean '{posixpath.join(posixpath.dirname(normal), close[0])}'?"
        return f"create it, or fix the path (relative to the project folder {self.shown_root()})"

    def shown_root(self) -> str:
        """The project folder as messages print it: relative to the current
        folder when below it ('.' for the current folder itself)."""
        try:
            return self.root.relative_to(Path.cwd()).as_posix()
        except ValueError:
            return str(self.root)

    def snippet(self, entries: _Entries) -> tuple[Optional[str], Optional[str]]:
        """The snippet path and its text (``None`` text when unreadable)."""
        path = self.project_file(entries, "snippet", (".py",), "a Python")
        if path is None:
            return None, None
        if path not in self.snippet_texts:
            try:
                self.snippet_texts[path] = decode_utf8((self.root / path).read_bytes(), path, "snippet")
            except ScriptError as exc:
                line = exc.diagnostics[0].location.line
                self.error(entries["snippet"][1], f"snippet '{path}' is not UTF-8 text (bad byte on its line {line})",
                           hint="save the snippet as UTF-8")
                self.snippet_texts[path] = None
            except OSError as exc:
                self.error(entries["snippet"][1], f"snippet '{path}' cannot be read: {exc.strerror}")
                self.snippet_texts[path] = None
        return path, self.snippet_texts[path]

    def cell(self, entries: _Entries, snippet: Optional[str], text: Optional[str]) -> Optional[Cell]:
        """The cell ``cell: <title or number>`` or ``region: NAME`` selects in a
        cell file (see ``cuecast.cells``); ``None`` for a cue showing lines or
        the whole file.  A region cue on a plain file keeps its line range."""
        chosen = sorted((key for key in ("cell", "region", "lines") if key in entries),
                        key=lambda key: entries[key][0].start_mark.index)  # as written
        if len(chosen) > 1:
            self.error(entries[chosen[1]][0], f"give one of 'cell', 'region' or 'lines', not both "
                       f"'{chosen[0]}' and '{chosen[1]}'", hint="a cell already picks its lines")
            return None
        if not chosen or chosen[0] == "lines" or text is None:
            return None
        key = chosen[0]
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
        if self.yaml11_number(node, key, "a cell number or title"):
            return None
        ok, value = self.scalar(node, key)
        wanted = value if key == "cell" and isinstance(value, int) and not isinstance(value, bool) else None
        if wanted is None:
            wanted = self.text(entries, key)
            if wanted is None:
                return None
        found = find_cell(cells, wanted)
        what = "region" if key == "region" else "cell"
        titles = [c.title for c in code_cells(cells) if c.title]
        if found is None:
            if isinstance(wanted, int):
                self.error(node, f"{snippet} has {len(code_cells(cells))} cells; there is no cell {wanted}")
                return None
            close = difflib.get_close_matches(" ".join(wanted.split()), titles, n=1, cutoff=0.6)
            listed = ", ".join(f"'{t}'" for t in titles[:8]) + (", …" if len(titles) > 8 else "")
            hint = f"did you mean '{close[0]}'?" if close else (f"{what}s in it: {listed}" if titles else
                                                                 f"its {what}s have no titles; give a number")
            self.error(node, f"no {what} '{wanted}' in {snippet}", hint=hint)
            return None
        twins = duplicate_titles(cells).get(found.title) if not isinstance(wanted, int) else None
        if twins:
            lines = ", ".join(str(c.marker) for c in twins)
            self.error(node, f"{len(twins)} {what}s in {snippet} are titled '{found.title}' (lines {lines})",
                       hint="give each its own title, or select it by number")
            return None
        if not cell_code(text, found).strip():
            self.error(node, f"{what} '{found.label}' in {snippet} (line {found.marker}) holds no code")
            return None
        return found

    def output(self, entries: _Entries) -> tuple[Optional[tuple[int, int]], bool]:
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

    def shown_lines(self, entries: _Entries, snippet: Optional[str], text: Optional[str]) -> Optional[tuple[int, int]]:
        """``lines: A-B`` or ``region: NAME`` (in a plain file) as a 1-based inclusive range."""
        if "lines" in entries and "region" in entries:
            return None  # reported by ``cell``
        total = len(text.splitlines()) if text is not None else None
        if "lines" in entries:
            node = entries["lines"][1]
            if self.yaml11_number(node, "lines", "a line range"):
                return None
            ok, value = self.scalar(node, "lines")
            match = LINES_PATTERN.match(str(value)) if ok and isinstance(value, (str, int)) and not isinstance(value, bool) else None
            if not match:
                self.error(node, f"'lines' must look like 'A-B' (e.g. 3-12), found {describe(node)}")
                return None
            start = int(match.group(1))
            end = int(match.group(2) or start)
            if start < 1:
                self.error(node, "'lines' start at line 1")
                return None
            if end < start:
                self.error(node, f"'lines' {start}-{end} ends before it starts")
                return None
            if total is not None and end > total:
                self.error(node, f"'lines' {start}-{end} runs past the end of {snippet} ({total} lines)")
                return None
            return (start, end)
        if "region" in entries:
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
        return None

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

    def timeout(self, entries: _Entries) -> Optional[float]:
        if "timeout" not in entries:
            return None
        node = entries["timeout"][1]
        ok, value = self.scalar(node, "timeout")
        if (not ok or isinstance(value, bool) or not isinstance(value, (int, float))
                or not math.isfinite(value) or value <= 0):
            self.error(node, f"'timeout' must be a positive number of seconds, found {describe(node)}")
            return None
        return float(value)

    def flag(self, entries: _Entries, key: str) -> Optional[bool]:
        if key not in entries:
            return None
        node = entries[key][1]
        ok, value = self.scalar(node, key)
        if not ok or not isinstance(value, bool):
            self.error(node, f"'{key}' must be true or false, found {describe(node)}")
            return None
        return value

    def diagram(self, entries: _Entries) -> Optional[str]:
        value = self.text(entries, "diagram")
        if value is not None and value not in DIAGRAMS:
            self.error(entries["diagram"][1], f"unknown diagram '{value}' (expected one of: {', '.join(DIAGRAMS)})")
            return None
        return value

    def url(self, entries: _Entries) -> Optional[str]:
        value = self.text(entries, "url")
        if value is None:
            return None
        from cuecast.web.address import AddressError, file_url_path, is_file_url

        if is_file_url(value):  # a page of the project: file:pages/x.html, or file:///… inside it
            try:
                file_url_path(value, self.root)
            except AddressError as exc:
                self.error(entries["url"][1], exc.message, hint=exc.hint)
                return None
            return value.strip()
        try:
            parts = urlsplit(value.strip())
            host = parts.hostname
        except ValueError:
            parts, host = None, None
        if (parts is None or parts.scheme not in ("http", "https") or not host
                or any(ch.isspace() for ch in value.strip())):
            guess = f"https://{value.strip()}"
            looks_like_host = parts is not None and not parts.scheme and urlsplit(guess).hostname and "." in guess
            self.error(entries["url"][1], f"url '{value}' must be an http:// or https:// address with a host",
                       hint=f"did you mean '{guess}'?" if looks_like_host else "")
            return None
        return value.strip()
