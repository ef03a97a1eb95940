"""Convert a Markdown video script (the seed's format) into a YAML lesson script.

The Markdown format, as ``shared/seed/pytorch-intro.script.md`` writes it::

    # Title                              → lesson: Title
    - bullet before the first ##         → prepare: [...]
    ## Section                           → a section
    ### Subsection                       → a subsection of the current section
    - text                               → a beat: bullet: text
      - nested text                      → points: of the beat above (bullet or cue)
    __`[SHOW IN VS CODE]`__ text         → show: vscode, say: text, snippet: (to do)
    __`[SHOW ON SLIDES]`__ text          → show: slides, diagram + snippet (to do)
    __`[SHOW IN BROWSER]`__ text URL     → show: browser, url: URL, say: text
    any other paragraph line             → a beat: say: text

Nothing is lost: bullet text is kept verbatim (backticks, typos and all), so
the YAML can be compared with the Markdown it came from.  What Markdown cannot
name (which file a cue runs) is filled with to-do paths that the importer
lists, so the author knows what to write before ``render check`` passes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import yaml

from cuecast.errors import Diagnostic, ScriptError
from cuecast.model import Location
from cuecast.script import lesson_id_from_path, slugify
from cuecast.script_yaml import read_script_text

#: The cue marker, with or without the seed's ``__`...`__`` decoration.
CUE_LINE = re.compile(
    r"^\s*(?:__|\*\*)?`?\[\s*SHOW\s+(?P<where>IN\s+VS\s*CODE|ON\s+SLIDES?|IN\s+(?:THE\s+)?BROWSER)\s*\]`?(?:__|\*\*)?"
    r"\s*(?P<text>.*)$",
    re.IGNORECASE,
)
HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>.*?)\s*#*\s*$")
BULLET = re.compile(r"^(?P<indent>[ \t]*)[-*+]\s+(?P<text>.*)$")
URL = re.compile(r"<?(https?://[^\s<>\"'`]+)>?")
LINK = re.compile(r"\[(?P<label>[^\]]*)\]\((?P<url>https?://[^)\s]+)\)")

#: ``[SHOW …]`` wording → cue kind.
def _kind(where: str) -> str:
    where = where.upper()
    if "CODE" in where:
        return "vscode"
    if "SLIDE" in where:
        return "slides"
    return "browser"


@dataclass
class _Beat:
    bullet: Optional[str] = None
    points: list[str] = field(default_factory=list)
    show: Optional[str] = None
    say: Optional[str] = None
    url: Optional[str] = None


@dataclass
class _Section:
    title: str
    beats: list[_Beat] = field(default_factory=list)
    subsections: list["_Section"] = field(default_factory=list)


@dataclass
class ImportedScript:
    """The converted lesson (plain YAML-ready data, keys in the documented
    order) and the to-do snippet paths the YAML names."""

    data: dict
    snippets: list[str]

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

    def problem(number: int, col: int, message: str) -> None:
        problems.append(Diagnostic(Location(shown, number, col), message))

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
            last_beat = None
            continue
        cue = CUE_LINE.match(line)
        bullet = BULLET.match(line)
        if cue:
            beat = _cue_beat(_kind(cue.group("where")), cue.group("text").strip())
        elif bullet and bullet.group("indent").expandtabs(4):
            point = bullet.group("text").strip()
            if current is None and title is not None:
                prepare.append(point)
            elif last_beat is None:
                problem(number, len(bullet.group("indent")) + 1,
                        "a nested bullet with no bullet or cue above it in its section")
            else:
                last_beat.points.append(point)
            continue
        elif bullet:
            if current is None:
                if title is None:
                    problem(number, 1, "a bullet before the '# Title' line")
                else:
                    prepare.append(bullet.group("text").strip())
                continue
            beat = _Beat(bullet=bullet.group("text").strip())
        else:
            if current is None:
                problem(number, 1, "text before the first '##' section (only '- ' bullets may go there)")
                continue
            beat = _Beat(say=line.strip())
        if current is None:
            problem(number, 1, "a cue before the first '##' section")
            continue
        current.beats.append(beat)
        last_beat = beat
    if title is None:
        problems.insert(0, Diagnostic(Location(shown, 1, 1), "no '# Title' line: the lesson needs a title"))
    if not sections and title is not None:
        problems.append(Diagnostic(Location(shown), "no '## ' sections: the lesson has nothing to say"))
    if problems:
        raise ScriptError(sorted(problems, key=lambda d: (d.location.line, d.location.col)))
    return title or "", prepare, sections


def _cue_beat(kind: str, text: str) -> _Beat:
    if kind != "browser":
        return _Beat(show=kind, say=text or None)
    url, say = find_url(text)
    return _Beat(show=kind, say=say or None, url=url)


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
    diagram, snippet, say, url), with to-do snippet paths named after the
    beat ids the parser will give those beats."""
    todo: list[str] = []

    def section_data(section: _Section) -> dict:
        section_id = slugify(section.title)
        data: dict = {"title": section.title}
        beats = [beat_data(beat, f"{section_id}-{n}") for n, beat in enumerate(section.beats, start=1)]
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
        if beat.show is not None:
            data["show"] = beat.show
            if beat.show == "slides":
                data["diagram"] = "autograd"
            if beat.show in ("vscode", "slides"):
                data["snippet"] = f"snippets/{beat_id}.py"
                todo.append(data["snippet"])
        if beat.say is not None:
            data["say"] = beat.say
        if beat.show == "browser":
            data["url"] = beat.url or "TODO"
        return data

    data: dict = {"lesson": title, "id": lesson_id, "voice": "espeak"}
    if prepare:
        data["prepare"] = list(prepare)
    data["sections"] = [section_data(section) for section in sections]
    return ImportedScript(data, todo)


def import_markdown(path: Path) -> ImportedScript:
    """Read and convert one Markdown script; ScriptError for a bad one."""
    path = Path(path)
    text = read_script_text(path, path.as_posix(), "Markdown script")
    title, prepare, sections = parse_markdown(text, path.as_posix())
    return to_data(title, lesson_id_from_path(path), prepare, sections)


class _Dumper(yaml.SafeDumper):
    """Indents list items under their key, as the README's examples do."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def dump_yaml(data: dict) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096,
                     default_flow_style=False, indent=2)


def missing_snippets(imported: ImportedScript, root: Path) -> list[str]:
    """The to-do snippet paths that do not exist under ``root`` yet."""
    return [path for path in imported.snippets if not (Path(root) / path).is_file()]
