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

import math
import os
import re
from pathlib import Path
from typing import Optional, Sequence, Union

from yaml.nodes import Node, SequenceNode

from cuecast.errors import ConfigError, Diagnostic, ScriptError
from cuecast.ids import ID_PATTERN, id_problem, shown_id, slugify
from cuecast.kinds import CUE_KEYS, KINDS
from cuecast.model import DEVICES, PACE_NAMES, Beat, Lesson, Location, Section
from cuecast.projects import script_project
from cuecast.schema import Entries, SchemaReader
from cuecast.script_cue import CueReader
from cuecast.script_yaml import compose_script, describe, read_script_text
from cuecast.speech import slide_text, speech

__all__ = ["load_lesson", "find_lessons", "load_lessons", "slugify", "default_say", "SCRIPT_SUFFIXES"]

#: What ``find_lessons`` picks up in a folder.
SCRIPT_SUFFIXES = (".yaml", ".yml")

#: Voice specs, as ``cuecast.narrate.VOICE_KINDS`` lists them.
VOICES = ("piper", "piper:PATH.onnx", "espeak", "none", "recorded:DIR")

LESSON_KEYS = ("lesson", "id", "voice", "pace", "prepare", "sections", "device")
SECTION_KEYS = ("title", "id", "beats", "subsections")
BEAT_KEYS = ("id", "bullet", "points", "say", "then", "pause", "show") + CUE_KEYS


# --- small text helpers, shared with the Markdown importer -------------------


def spoken(text: str) -> str:
    """Text as narration reads it (``speech.speech``: maths in words, no
    backticks, emphasis marks, roles or links a voice would read out) with
    whitespace runs collapsed."""
    return speech(text)


_TICKED = re.compile(r"`([^`\s][^`]*)`")


def code_terms(text: str) -> tuple[str, ...]:
    """The backticked identifiers of a ``say:`` (``torch.zeros(3)``), which
    ``spoken`` drops the ticks of: the video lights the code line holding
    each while it is said (``video.spoken_code``)."""
    return tuple(match.group(1).strip() for match in _TICKED.finditer(text or ""))


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



def lesson_id_from_path(path: Path) -> str:
    """``script/pytorch-intro.yaml`` and ``pytorch-intro.script.yaml`` → ``pytorch-intro``.

    A name an id cannot be gives its slug (``my lesson.yaml`` → ``my-lesson``),
    as Quarto and sphinx-gallery take such names; two files that give the
    same id are refused by ``load_lessons``.  A name with no letter or digit
    (``...yaml``) is kept, for the parser to refuse with the file named."""
    stem = Path(path).stem
    stem = stem[: -len(".script")] if stem.endswith(".script") else stem
    return stem if ID_PATTERN.match(stem) else (slugify(stem) or stem)


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


def load_lessons(target: Optional[Path] = None, load=None) -> list[Lesson]:
    """Every lesson ``find_lessons(target)`` names, or one ``ScriptError`` with
    the problems of all broken scripts (and of lesson ids used twice).
    ``load(path)`` reads each (default ``load_lesson``; the build's
    ``parse_cache.load_lesson`` reads back a current parse instead)."""
    lessons: list[Lesson] = []
    problems: list[Diagnostic] = []
    for path in find_lessons(target):
        try:
            lessons.append((load or load_lesson)(path))
        except ScriptError as exc:
            problems.extend(exc.diagnostics)
    first_by_id: dict[str, Lesson] = {}
    for lesson in lessons:
        other = first_by_id.setdefault(lesson.id, lesson)
        if other is not lesson:
            named = " (its file name's slug)" if lesson.id == lesson_id_from_path(Path(lesson.source)) else ""
            problems.append(Diagnostic(
                lesson.location,
                f"lesson id '{lesson.id}'{named} is also the id of {other.source}; outputs would overwrite each other",
                hint="give one of them another 'id:'",
            ))
    if problems:
        raise ScriptError(problems)
    return lessons


def load_lesson(path: Union[str, Path], root: Optional[Path] = None) -> Lesson:
    """Parse and validate one script; raise ``ScriptError`` carrying every
    problem found.  Snippet and image paths are checked against ``root``
    (default: ``projects.script_project``)."""
    return read_lesson(path, root)[0]


def read_lesson(path: Union[str, Path], root: Optional[Path] = None) -> tuple[Lesson, dict[str, bool]]:
    """``load_lesson``, with the files the parse consulted besides the script
    (path → whether their bytes were read, not only their presence): what a
    kept parse depends on (``cuecast.parse_cache``)."""
    path = Path(path)
    shown = _shown_path(path)
    project = Path(os.path.abspath(root if root is not None else script_project(path)))
    text = read_script_text(path, shown)
    node = compose_script(text, shown)
    builder = _LessonBuilder(shown, project, lesson_id_from_path(path))
    return builder.build(node), builder.consulted



# --- validation --------------------------------------------------------------


class _LessonBuilder(SchemaReader, CueReader):
    """Walks the node tree once, building model values and collecting a
    Diagnostic for every problem; a part that is broken becomes ``None`` and
    its siblings are still checked.  The YAML shapes are ``SchemaReader``'s,
    the cues ``CueReader``'s."""

    def __init__(self, shown: str, root: Path, default_id: str) -> None:
        super().__init__(shown)
        self.root = root
        self.real_root = root.resolve()
        self.default_id = default_id
        self.section_ids: dict[str, Location] = {}
        self.beat_ids: dict[str, Location] = {}
        self.snippet_texts: dict[str, Optional[str]] = {}
        #: every file or folder the parse looked at: path → whether it read the bytes
        self.consulted: dict[str, bool] = {}

    def ident(self, entries: Entries, what: str) -> Optional[str]:
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
        device = self.choice(entries, "device", DEVICES, "device")
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
            device=device,
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

    def pace(self, entries: Entries) -> Optional[str]:
        return self.choice(entries, "pace", PACE_NAMES, "pace")

    def seconds(self, entries: Entries, key: str) -> float:
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

    def voice(self, entries: Entries) -> Optional[str]:
        value = self.text(entries, "voice")
        if value is None:
            return None
        spec = value.strip()
        if spec.startswith("recorded:") and spec[len("recorded:"):].strip():
            folder = Path(spec[len("recorded:"):].strip()).expanduser()
            where = folder if folder.is_absolute() else self.root / folder
            self.consulted[str(where)] = False
            if where.exists() and not where.is_dir():
                self.error(entries["voice"][1], f"the recordings folder '{folder.as_posix()}' is not a folder",
                           hint="voice: recorded:DIR names a folder of DIR/<beat id>.wav (or .flac, .mp3, ...) "
                                f"takes, relative to the project folder {self.shown_root()}")
                return None
            return spec
        if spec.startswith("piper:") and spec[len("piper:"):].strip():
            from cuecast.errors import ConfigError
            from cuecast.narrate.piper_files import voice_files

            model = Path(spec[len("piper:"):].strip()).expanduser()
            model = model if model.is_absolute() else self.root / model
            self.consulted[str(model)] = False  # present; its config beside it is read
            self.consulted[str(model.with_name(model.name + ".json"))] = True
            try:
                voice_files(model)
            except ConfigError as exc:
                self.error(entries["voice"][1], exc.message, hint=exc.hint)
                return None
            return spec
        if spec in ("piper", "espeak", "none"):
            return spec
        self.error(entries["voice"][1], f"unknown voice '{value}' (expected one of: {', '.join(VOICES)})")
        return None

    def sections(self, entries: Entries, lesson_node: Node) -> Optional[tuple[Section, ...]]:
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
        if "then" in entries and not (cue and KINDS[cue.kind].says_then):
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
        # what a slide shows: maths, bold and links as the importer shows them (a
        # code cue's points are not on a slide: its voice reads them as written)
        bullet = slide_text(bullet) if bullet is not None else None
        if cue is None:
            points = tuple(slide_text(point) for point in points)
        return Beat(
            id=beat_id,
            location=self.loc(node),
            say=narration,
            bullet=bullet,
            points=points,
            cue=cue or None,
            then=spoken(then) if then is not None else "",
            code_terms=code_terms(say or "") + code_terms(then or ""),
            shown_say=" ".join(slide_text(say).split()) if say is not None else "",
            pause=pause,
            fields=self.field_locations(entries, ("say", "bullet", "points", "then")),
        )

    def shown_root(self) -> str:
        """The project folder as messages print it: relative to the current
        folder when below it ('.' for the current folder itself)."""
        try:
            return self.root.relative_to(Path.cwd()).as_posix()
        except ValueError:
            return str(self.root)

