"""The seed's Markdown video script → a YAML lesson.

The format, as ``shared/seed/pytorch-intro.script.md`` writes it::

    # Title                              → lesson: Title
    - bullet before the first ##         → prepare: [...]
    a paragraph before the first ##      → an "Introduction" section (or the first
                                           section, when that is the intro)
    ## Section                           → a section
    ### Subsection                       → a subsection of the current section
    - text                               → a beat: bullet: text
      - nested text                      → points: of the beat above (bullet or cue)
    __`[SHOW IN VS CODE]`__ text         → show: vscode, say: text, snippet: (to do)
    __`[SHOW IN VS CODE]`__ snippets/a.py → … snippet: snippets/a.py (a path names the file;
                                           ``a.py:3-9`` also picks the lines shown)
    __`[SHOW ON SLIDES]`__ the tape      → show: slides, diagram: autograd + snippet
    __`[SHOW ON SLIDES]`__ img/x.png     → show: slides, image: img/x.png
    __`[SHOW ON SLIDES]`__ other text    → bullet: text (no picture yet: a to-do)
    __`[SHOW IN BROWSER]`__ text URL     → show: browser, url: URL, say: text
    __`[SHOW IN TERMINAL]`__ `cmd` text  → show: terminal, command: cmd, say: text
    any other paragraph line             → a beat: say: text, or, right after a cue,
                                           more of that cue's narration
    VO: / Narrator: before a line        → dropped (the voice does not read its label)

Nothing is lost: bullet text is kept verbatim (backticks, typos and all), so
the YAML can be compared with the Markdown it came from.  What Markdown cannot
name (which file a cue runs) is filled with to-do paths that the importer
lists, so the author knows what to write before ``render check`` passes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from cuecast import kinds
from cuecast.errors import Diagnostic, ScriptError
from cuecast.importers.blocks import Todo
from cuecast.importers.speakable import strip_label
from cuecast.importers.yaml_text import dump_yaml
from cuecast.model import Location
from cuecast.script import lesson_id_from_path, slugify

#: The cue marker, with or without the seed's ``__`...`__`` decoration.
CUE_LINE = re.compile(
    r"^\s*(?:__|\*\*)?`?\[\s*SHOW\s+(?P<where>IN\s+VS\s*CODE|ON\s+SLIDES?|IN\s+(?:THE\s+)?BROWSER|IN\s+(?:A\s+|THE\s+)?TERMINAL)"
    r"\s*\]`?(?:__|\*\*)?"
    r"\s*(?P<text>.*)$",
    re.IGNORECASE,
)
HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>.*?)\s*#*\s*$")
BULLET = re.compile(r"^(?P<indent>[ \t]*)[-*+]\s+(?P<text>.*)$")
URL = re.compile(r"<?(https?://[^\s<>\"'`]+)>?")
LINK = re.compile(r"\[(?P<label>[^\]]*)\]\((?P<url>https?://[^)\s]+)\)")
#: A project file named on a cue line: ``snippets/create.py``, ``a.py:3-9``, ``img/x.png``.
CUE_PATH = re.compile(
    r"(?:(?<=\s)|^)`?(?P<path>(?:\.?/)?[\w][\w./-]*\.(?P<suffix>py|png|jpe?g|gif|bmp))"
    r"(?::(?P<lines>\d+(?:-\d+)?))?`?(?=$|[\s,;:.!?)])",
    re.IGNORECASE,
)
#: What a slides cue says when it means the autograd graph (the one diagram cuecast draws).
AUTOGRAD_TALK = re.compile(
    r"\b(autograd|tape|grad_fn|(?:computation(?:al)?|differentiation|backward|gradient|autograd)\s+graph)\b",
    re.IGNORECASE,
)
#: A terminal cue's command, in backticks on its cue line.
COMMAND = re.compile(r"`(?P<command>[^`]+)`")
INTRO_TITLES = {"intro", "introduction", "overview"}


@dataclass
class _Beat:
    bullet: Optional[str] = None
    points: list[str] = field(default_factory=list)
    show: Optional[str] = None
    say: Optional[str] = None
    url: Optional[str] = None
    snippet: Optional[str] = None  # named on the cue line
    lines: Optional[str] = None
    image: Optional[str] = None
    diagram: Optional[str] = None
    command: Optional[str] = None
    todo: Optional[str] = None  # what the author must still settle about this beat
    line: int = 0


@dataclass
class _Section:
    title: str
    beats: list[_Beat] = field(default_factory=list)
    subsections: list["_Section"] = field(default_factory=list)
    intro: bool = False  # made for text before the first '##'


@dataclass
class ImportedScript:
    """The converted lesson (plain YAML-ready data, keys in the documented
    order), the to-do snippet paths the YAML names, and the to-dos (with
    their Markdown lines) the author must still settle."""

    data: dict
    snippets: list[str]
    todos: list[Todo] = field(default_factory=list)
    #: Every project file a cue names: (path, Markdown line, whether the importer made the name up).
    files: list[tuple[str, int, bool]] = field(default_factory=list)

    def yaml_text(self) -> str:
        return dump_yaml(self.data)


def parse_markdown(text: str, shown: str) -> tuple[str, list[str], list[_Section]]:
    """Title, preparation list and sections of a Markdown script; every line
    that does not fit the format is reported (all at once) as a ScriptError."""
    problems: list[Diagnostic] = []
    title: Optional[str] = None
    prepare: list[str] = []
    sections: list[_Section] = []
    current: Optional[_Section] = None  # the section or subsection beats go to
    last_beat: Optional[_Beat] = None
    last_cue: Optional[_Beat] = None  # narration after a cue is more of its narration

    def problem(number: int, col: int, message: str) -> None:
        problems.append(Diagnostic(Location(shown, number, col), message))

    def intro() -> _Section:
        section = _Section("Introduction", intro=True)
        sections.append(section)
        return section

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not line.strip():
            continue
        heading = HEADING.match(line)
        if heading:
            level, name = len(heading.group("hashes")), heading.group("title").strip()
            if level == 1:
                if title is not None:
                    problem(number, 1, f"a second '# ' title (the first was '{title}')")
                title = name
            elif level == 2:
                current = _Section(name)
                sections.append(current)
            elif level == 3:
                if not sections:
                    problem(number, 1, "a '###' subsection before any '##' section")
                    continue
                current = _Section(name)
                sections[-1].subsections.append(current)
            else:
                problem(number, 1, f"'{heading.group('hashes')}' headings are not supported (use ## or ###)")
                continue
            last_beat = last_cue = None
            continue
        cue = CUE_LINE.match(line)
        bullet = BULLET.match(line)
        if cue:
            beat = _cue_beat(kinds.script_kind(cue.group("where")), strip_label(cue.group("text")).strip(), number)
        elif bullet and bullet.group("indent").expandtabs(4):
            point = bullet.group("text").strip()
            if (current is None or current.intro) and title is not None:
                prepare.append(point)
            elif last_beat is None:
                problem(number, len(bullet.group("indent")) + 1,
                        "a nested bullet with no bullet or cue above it in its section")
            else:
                last_beat.points.append(point)
            continue
        elif bullet:
            if current is None or current.intro:
                if title is None:
                    problem(number, 1, "a bullet before the '# Title' line")
                else:
                    prepare.append(bullet.group("text").strip())
                continue
            beat = _Beat(bullet=bullet.group("text").strip(), line=number)
            last_cue = None
        else:
            said = strip_label(line.strip()).strip()
            if not said:
                continue
            if last_cue is not None:
                last_cue.say = _joined_narration(last_cue.say, said)
                continue
            if current is None and title is None:
                problem(number, 1, "text before the '# Title' line")
                continue
            beat = _Beat(say=said, line=number)
        if current is None:
            if title is None:
                problem(number, 1, "a cue before the '# Title' line")
                continue
            current = intro()
        current.beats.append(beat)
        last_beat = beat
        if beat.show is not None:
            last_cue = beat
    if title is None:
        problems.insert(0, Diagnostic(Location(shown, 1, 1), "no '# Title' line: the lesson needs a title"))
    if not sections and title is not None:
        problems.append(Diagnostic(Location(shown), "no '## ' sections: the lesson has nothing to say"))
    if problems:
        raise ScriptError(sorted(problems, key=lambda d: (d.location.line, d.location.col)))
    return title or "", prepare, _merge_intro(sections)


def _joined_narration(first: Optional[str], more: str) -> str:
    """More narration after a cue's own words, as a new sentence."""
    if not first:
        return more
    return f"{first if first.endswith(('.', '!', '?', '…', ':')) else first + '.'} {more}"


def _merge_intro(sections: list[_Section]) -> list[_Section]:
    """Text before the first '##' joins that section when it is the intro."""
    if len(sections) > 1 and sections[0].intro and slugify(sections[1].title) in INTRO_TITLES:
        sections[1].beats[:0] = sections[0].beats
        return sections[1:]
    return sections


def _cue_beat(kind: str, text: str, number: int) -> _Beat:
    return CUE_LINES.lookup(kind).read(kind, text, number)


def _browser_beat(kind: str, text: str, number: int) -> _Beat:
    url, say = find_url(text)
    return _Beat(show=kind, say=say or None, url=url, line=number)


def _terminal_beat(kind: str, text: str, number: int) -> _Beat:
    """``[SHOW IN TERMINAL] `pip --version` Check pip`` → the command in
    backticks, the rest said."""
    command = COMMAND.search(text)
    if command is None:
        return _Beat(show=kind, say=text or None, line=number)
    say = _tidy(text[: command.start()] + " " + text[command.end():])
    return _Beat(show=kind, say=say or None, command=command.group("command").strip(), line=number)


def _named_path(text: str) -> tuple[Optional[str], Optional[str], str]:
    """The project file a cue line names (``snippets/x.py:3-9``), its lines,
    and the text without it."""
    named = CUE_PATH.search(text)
    if not named:
        return None, None, text
    return (named.group("path").removeprefix("./"), named.group("lines"),
            _tidy(text[: named.start()] + " " + text[named.end():]))


def _code_beat(kind: str, text: str, number: int) -> _Beat:
    path, lines, text = _named_path(text)
    is_code = path is not None and path.lower().endswith(".py")
    return _Beat(show=kind, say=text or None, snippet=path if is_code else None, lines=lines if is_code else None,
                 line=number)


def _slides_beat(kind: str, text: str, number: int) -> _Beat:
    path, lines, text = _named_path(text)
    say = text or None
    if path is not None and not path.lower().endswith(".py"):
        return _Beat(show=kind, say=say, image=path, line=number)
    if AUTOGRAD_TALK.search(text) or path is not None:
        return _Beat(show=kind, say=say, diagram="autograd", snippet=path, lines=lines, line=number)
    # A slide the script describes but cuecast cannot draw: keep its words on
    # the section slide until the author supplies a picture.
    return _Beat(bullet=text or None, line=number, todo=(
        "a [SHOW ON SLIDES] cue with no picture cuecast can draw: "
        + ("its text is a bullet on the section slide for now; " if text else "it was left out; ")
        + "add 'show: slides' and 'image: PATH' when you have the picture"))


@dataclass
class _Notes:
    """What converting the beats leaves for the author: the snippet paths
    cuecast made up, the to-dos, and the files the script names."""

    invented: list[str] = field(default_factory=list)
    todos: list[Todo] = field(default_factory=list)
    files: list[tuple[str, int, bool]] = field(default_factory=list)


def _snippet_data(beat: _Beat, beat_id: str, notes: _Notes) -> dict:
    """``snippet:`` (made up from the beat id when the line names none) and ``lines:``."""
    snippet = beat.snippet or f"snippets/{beat_id}.py"
    if beat.snippet is None:
        notes.invented.append(snippet)
    notes.files.append((snippet, beat.line, beat.snippet is None))
    return {"snippet": snippet, **({"lines": beat.lines} if beat.lines else {})}


def _code_data(beat: _Beat, beat_id: str, notes: _Notes) -> tuple[dict, dict]:
    return _snippet_data(beat, beat_id, notes), {}


def _slides_data(beat: _Beat, beat_id: str, notes: _Notes) -> tuple[dict, dict]:
    data: dict = {}
    if beat.diagram:
        data["diagram"] = beat.diagram
    if beat.image:
        data["image"] = beat.image
        notes.files.append((beat.image, beat.line, False))
    if beat.diagram:
        data.update(_snippet_data(beat, beat_id, notes))
    return data, {}


def _browser_data(beat: _Beat, beat_id: str, notes: _Notes) -> tuple[dict, dict]:
    if not beat.url:
        notes.todos.append(Todo("a [SHOW IN BROWSER] cue with no address: fill in 'url:'", beat.line))
    return {}, {"url": beat.url or "TODO"}


def _terminal_data(beat: _Beat, beat_id: str, notes: _Notes) -> tuple[dict, dict]:
    if not beat.command:
        notes.todos.append(Todo("a [SHOW IN TERMINAL] cue with no `command` in backticks: fill in 'command:'",
                                beat.line))
    return {}, {"command": beat.command or "echo TODO"}


@dataclass(frozen=True)
class _CueLine:
    """A ``[SHOW …]`` line of one kind: ``read`` makes its beat from the
    line's text; ``write`` gives the beat's cue keys, those written before
    ``say:`` and those after it."""

    read: Callable[[str, str, int], _Beat]
    write: Callable[[_Beat, str, _Notes], tuple[dict, dict]]


CUE_LINES = kinds.table("video script import", {
    "vscode": _CueLine(_code_beat, _code_data),
    "slides": _CueLine(_slides_beat, _slides_data),
    "browser": _CueLine(_browser_beat, _browser_data),
    "terminal": _CueLine(_terminal_beat, _terminal_data),
})


def find_url(text: str) -> tuple[Optional[str], str]:
    """The first web address in a cue's text and the text without it.  A
    Markdown link ``[label](URL)`` keeps its label; a bare URL loses trailing
    sentence punctuation and unbalanced closing brackets, so
    ``(see https://a.org/x_(y)).`` yields ``https://a.org/x_(y)``."""
    link = LINK.search(text)
    if link:
        return link.group("url"), " ".join((text[: link.start()] + link.group("label") + text[link.end():]).split())
    found = URL.search(text)
    if not found:
        return None, _tidy(text)
    url = found.group(1)
    while url and (url[-1] in ".,;:!?" or (url[-1] == ")" and url.count("(") < url.count(")"))):
        url = url[:-1]
    start = found.start() if found.group(0).startswith("<") else found.start(1)
    end = found.start(1) + len(url)
    if found.group(0).startswith("<") and found.group(0).endswith(">") and url == found.group(1):
        end = found.end()
    return url, _tidy(text[:start] + " " + text[end:])


def _tidy(text: str) -> str:
    """Whitespace and the empty brackets a removed address leaves behind."""
    text = re.sub(r"\(\s*\)", "", text)
    text = re.sub(r"\s+([.,;:!?])", r"\1", " ".join(text.split()))
    return text.strip()


def to_data(title: str, lesson_id: str, prepare: list[str], sections: list[_Section]) -> ImportedScript:
    """YAML-ready data, keys in the documented order (lesson, id, voice,
    prepare, sections / title, beats, subsections / bullet, points, show,
    diagram, image, snippet, lines, say, url), with to-do snippet paths named
    after the beat ids the parser will give those beats where the cue line
    names no file."""
    notes = _Notes()
    invented, todos, files = notes.invented, notes.todos, notes.files

    def section_data(section: _Section) -> dict:
        section_id = slugify(section.title)
        data: dict = {"title": section.title}
        for beat in section.beats:
            if beat.todo:
                todos.append(Todo(beat.todo, beat.line))
        kept = [beat for beat in section.beats if beat.bullet is not None or beat.show or beat.say]
        beats = [beat_data(beat, f"{section_id}-{n}") for n, beat in enumerate(kept, start=1)]
        if beats:
            data["beats"] = beats
        if section.subsections:
            data["subsections"] = [section_data(sub) for sub in section.subsections]
        return data

    def beat_data(beat: _Beat, beat_id: str) -> dict:
        data: dict = {}
        if beat.bullet is not None:
            data["bullet"] = beat.bullet
        if beat.points:
            data["points"] = list(beat.points)
        after_say: dict = {}
        if beat.show is not None:
            data["show"] = beat.show
            before_say, after_say = CUE_LINES.lookup(beat.show).write(beat, beat_id, notes)
            data.update(before_say)
        if beat.say is not None:
            data["say"] = beat.say
        data.update(after_say)
        return data

    data: dict = {"lesson": title, "id": lesson_id}  # no voice: the default (piper when installed)
    if prepare:
        data["prepare"] = list(prepare)
    data["sections"] = [section_data(section) for section in sections]
    return ImportedScript(data, invented, todos, files)


def import_video_script(text: str, shown: str, lesson_id: str) -> ImportedScript:
    """Convert the text of one Markdown video script; ScriptError for a bad one."""
    title, prepare, sections = parse_markdown(text, shown)
    return to_data(title, lesson_id, prepare, sections)


def import_markdown(path: Path) -> ImportedScript:
    """Read and convert one Markdown script file; ScriptError for a bad one."""
    from cuecast.script_yaml import read_script_text

    path = Path(path)
    text = read_script_text(path, path.as_posix(), "Markdown script")
    return import_video_script(text, path.as_posix(), lesson_id_from_path(path))


def mentions_cues(text: str) -> bool:
    """Whether a Markdown file is a video script (it has ``[SHOW …]`` cue lines)."""
    return any(CUE_LINE.match(line) for line in text.splitlines())
