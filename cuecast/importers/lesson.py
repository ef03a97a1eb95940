"""Blocks → a lesson: sections from headings, beats from prose and lists,
one ``show: vscode`` cue per code block, pictures as slides cues.

Every reader's output goes through here, so all formats read alike:

* the one top-level heading is the lesson's title; the next level makes
  sections, deeper ones subsections (a subsection heading with no section
  above it is a section); text before the first section is "Introduction";
* a paragraph of one sentence is a ``bullet:``; a longer one puts its first
  sentence on the slide and says all of it (``say:``); a list gives one
  bullet per item, nested items as ``points:``, and a one-sentence lead-in
  ending in ':' with a short flat list under it becomes one bullet with the
  items as points;
* a code block is a cue of the lesson's cell file, its cell titled after
  the nearest heading; imports before the first shown code are set-up code,
  run but not shown;
* narration goes where the learner looks (``importers.narration``): the
  paragraph that leads into a code block is that cue's ``say:``, said while
  the code is typed and run; the paragraph right after it that talks about
  the result is its ``then:``, said over the output; a cue with neither says
  its cell's title and leading comments.  Display equations, labels and
  other background prose stay on the section slide, after the cue when
  written after it;
* code the prose only shows (a literal block, another language's fence) is
  a cell of comments with its own cue and ``output: none``: on screen, not run;
* a heading that holds nothing merges into the next, and a bold run-in
  phrase ("**Joining tensors** You can…") names the cell after it;
* ``say:`` is written only when it differs from what the bullet would say.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace
from typing import Callable, Optional

from cuecast.importers.blocks import Code, Document, Heading, Items, Listing, Picture, Prose, Text, Todo
from cuecast.importers.cellfile import Cell, cell_title, unique_titles
from cuecast.importers.narration import cue_say, movable, reads_as_result, spoken_title, then_text, with_comments
from cuecast.importers.speakable import jinja_safe, sentences
from cuecast.script import default_say, slugify

#: A flat list this long or shorter may hang under its lead-in as points.
MAX_POINTS = 8

#: (project-relative image path or None, to-do message or None) for an image as written.
ResolveImage = Callable[[Picture], tuple[Optional[str], Optional[str]]]


@dataclass
class _Section:
    title: Text
    beats: list[dict] = field(default_factory=list)
    subsections: list["_Section"] = field(default_factory=list)


@dataclass
class BuiltLesson:
    """The YAML-ready lesson, the cells of its snippet file and the to-dos."""

    data: dict
    glue: list[Code]
    cells: list[Cell]
    todos: list[Todo]


def build_lesson(doc: Document, *, lesson_id: str, snippet: str, fallback_title: str,
                 resolve_image: ResolveImage) -> BuiltLesson:
    return _Builder(doc, snippet, resolve_image).build(lesson_id, fallback_title)


class _Builder:
    def __init__(self, doc: Document, snippet: str, resolve_image: ResolveImage) -> None:
        self.doc = doc
        self.snippet = snippet
        self.resolve_image = resolve_image
        self.sections: list[_Section] = []
        self.section: Optional[_Section] = None
        self.sub: Optional[_Section] = None
        self.pending: Optional[Prose] = None  # the last paragraph, until we know what follows it
        self.lead_in: Optional[Text] = None  # its last sentence, when it introduces the next block
        self.glue: list[Code] = []
        self.cells: list[tuple[str, Code, dict]] = []  # (title, code, cue beat)
        self.todos: list[Todo] = []
        self.label: Optional[str] = None  # a short label paragraph ("**From a NumPy array**") naming the next cell
        self.label_gap = 0  # paragraphs since that label
        self.after_code: Optional[dict] = None  # the cue the pending paragraph directly follows
        self.last_item: Optional[tuple[dict, Text]] = None  # a list's last item, until we know what follows it

    # structure

    def build(self, lesson_id: str, fallback_title: str) -> BuiltLesson:
        headings = [b for b in self.doc.blocks if isinstance(b, Heading)]
        title_heading = self.title_heading(headings)
        title = _named(self.doc.title or (title_heading.title if title_heading else Text(fallback_title, fallback_title)))
        levels = sorted({h.level for h in headings if h is not title_heading})
        self.section_level = levels[0] if levels else None
        self.intro_title = Text("Introduction", "Introduction") if levels else title
        for block in _merged_headings(self.doc.blocks, title_heading):
            if block is title_heading:
                continue
            if not isinstance(block, (Code, Todo)):
                self.last_item = None
            if not isinstance(block, Prose):
                self.flush(lead_in_for=block if isinstance(block, (Code, Items, Listing)) else None)
            if isinstance(block, Heading):
                self.heading(block)
            elif isinstance(block, Prose):
                self.flush()
                self.pending = block
                self.keep_label(block)
            elif isinstance(block, Items):
                self.items(block)
            elif isinstance(block, Code):
                self.code(block)
            elif isinstance(block, Listing):
                self.listing(block)
            elif isinstance(block, Picture):
                self.picture(block)
            elif isinstance(block, Todo):
                self.todos.append(block)
        self.flush()
        titles = unique_titles([t for t, _, _ in self.cells])
        cells = []
        for unique, (_, code, beat) in zip(titles, self.cells):
            beat["cell"] = unique
            cells.append(Cell(unique, code))
        data = {"lesson": jinja_safe(title.slide), "id": lesson_id,  # no voice: the default
                "sections": self.sections_data()}
        return BuiltLesson(data, self.glue, cells, self.todos)

    def keep_label(self, prose: Prose) -> None:
        """A short label paragraph names the next cell when that cell follows
        it, or follows its one lead-in paragraph; once an equation or more
        prose stands between, it was a line of text ("etc. In general, it is"
        before a display equation), not a name."""
        named = None if prose.display_math else _label(prose.text)
        if named is not None:
            self.label, self.label_gap = named, 0
            return
        self.label_gap += 1
        if prose.display_math or self.label_gap > 1:
            self.label = None

    def title_heading(self, headings: list[Heading]) -> Optional[Heading]:
        if not headings:
            return None
        first = headings[0]
        if self.doc.title is not None:
            return first if first.title.slide == self.doc.title.slide else None
        top = min(h.level for h in headings)
        tops = [h for h in headings if h.level == top]
        return first if len(tops) == 1 and tops[0] is first else None

    def heading(self, block: Heading) -> None:
        self.label = None
        self.after_code = None
        section = _Section(_named(block.title))
        if block.level == self.section_level or self.section is None or self.section.title is self.intro_title:
            self.sections.append(section)
            self.section, self.sub = section, None
        else:
            self.section.subsections.append(section)
            self.sub = section

    def current(self) -> _Section:
        if self.section is None:
            self.section = _Section(self.intro_title)
            self.sections.append(self.section)
        return self.sub or self.section

    def nearest_title(self) -> str:
        section = self.sub or self.section
        return cell_title(section.title.slide if section else self.intro_title.slide)

    # beats

    def flush(self, lead_in_for=None) -> None:
        """Write out the pending paragraph where it is spoken: over the code
        it leads into, over the output of the code it follows, or on the
        slide (see the module docstring).  Before a list, its last sentence
        ending in ':' leads the list instead."""
        prose, self.pending = self.pending, None
        self.lead_in = None
        if prose is None:
            return
        follows, self.after_code = self.after_code, None
        label = not prose.display_math and _label(prose.text) is not None
        before_code = isinstance(lead_in_for, Code)
        if follows is not None and not label and (reads_as_result(prose) or not before_code):
            said = then_text(prose)
            if said:
                follows["then"] = said
                return
        if before_code:
            if label:
                return  # it names the cell, and the cue says it
            if movable(prose):
                self.lead_in = prose.text
                return
        if isinstance(lead_in_for, Items) and prose.text.slide.rstrip().endswith(":"):
            slide, say = sentences(prose.text.slide), sentences(prose.text.say)
            if len(slide) == len(say):
                self.lead_in = Text(slide[-1], say[-1])
                rest = Text(" ".join(slide[:-1]), " ".join(say[:-1]))
                if rest:
                    self.current().beats.append(self.prose_beat(rest))
                return
        self.current().beats.append(self.prose_beat(prose.text))

    def take_lead_in(self) -> Optional[Text]:
        lead, self.lead_in = self.lead_in, None
        return lead

    def take_last_item(self) -> Optional[Text]:
        """The list item written right before a code block, off the slide:
        it leads into that code (notebooks write their prose as lists)."""
        last, self.last_item = self.last_item, None
        if last is None or last[0] is not self.current().beats[-1]:
            return None
        self.current().beats.pop()
        return last[1]

    def prose_beat(self, text: Text) -> dict:
        parts = sentences(text.slide)
        bullet = parts[0] if len(parts) > 1 else text.slide
        return self.bullet_beat(bullet, [], text.say)

    def bullet_beat(self, bullet: str, points: list[str], say: str) -> dict:
        beat: dict = {"bullet": bullet}
        if points:
            beat["points"] = points
        if default_say(bullet, points) != default_say(say):
            beat["say"] = say
        return beat

    def items(self, block: Items) -> None:
        follows, self.after_code = self.after_code, None
        first = Prose(block.items[0].text, block.items[0].line)
        said = then_text(first) if follows is not None and not block.items[0].points else None
        if said and reads_as_result(first):
            follows["then"] = said  # a result, said over the output
            block = Items(block.items[1:], block.line)
            if not block.items:
                return
        lead = self.take_lead_in()
        flat = all(not item.points for item in block.items)
        if lead is not None and flat and len(block.items) <= MAX_POINTS:
            points = [item.text.slide for item in block.items]
            said = _with_points(lead.say, [item.text.say for item in block.items])
            self.current().beats.append(self.bullet_beat(lead.slide, points, said))
            return
        if lead is not None:
            self.current().beats.append(self.prose_beat(lead))
        for item in block.items:
            parts = sentences(item.text.slide)
            bullet = parts[0] if len(parts) > 1 else item.text.slide
            said = _with_points(item.text.say, [p.say for p in item.points])
            self.current().beats.append(self.bullet_beat(bullet, [p.slide for p in item.points], said))
        last = block.items[-1]
        if not last.points:
            self.last_item = (self.current().beats[-1], last.text)

    def code(self, block: Code) -> None:
        lead = self.take_lead_in() or self.take_last_item()
        introduced = lead is not None and lead.slide.rstrip().endswith(":")
        if block.glue or (not self.cells and not introduced and _only_imports(block.code)):
            # set-up code (imports before any shown cell) runs but is not shown
            if lead is not None:
                self.current().beats.append(self.prose_beat(lead))
            self.glue.append(block)
            return
        beat: dict = {"show": "vscode", "snippet": self.snippet}
        beat["cell"] = None  # filled in once every title is known
        if block.raised:
            beat["expect_error"] = True
            self.todos.append(Todo("this cell raised an error when the notebook was saved: its cue has "
                                   "'expect_error: true'; drop that if the error was not on purpose "
                                   "(a raising cell also stops 'python' running the rest of the file)",
                                   block.line))
        self.current().beats.append(beat)
        title = block.title or self.label or ""
        self.label = None
        title = cell_title(title) if title else self.nearest_title()
        beat["say"] = with_comments(lead.say if lead is not None else cue_say(block.code, title), block.code)
        self.cells.append((title, block, beat))
        self.after_code = beat

    def listing(self, block: Listing) -> None:
        """Code the prose shows but does not run becomes a cell of comments
        with its own cue (``output: none``): it is on screen while the words
        that lead into it are said, typed as written, and nothing runs."""
        lead = self.take_lead_in() or self.take_last_item()
        code = Code("\n".join(f"# {line}".rstrip() for line in block.text.splitlines()), block.lines)
        beat: dict = {"show": "vscode", "snippet": self.snippet, "cell": None, "output": "none"}
        self.current().beats.append(beat)
        title = cell_title(self.label or self.nearest_title())
        self.label = None
        beat["say"] = lead.say if lead is not None else cue_say("", title)
        self.cells.append((title, code, beat))
        what = f"a '{block.language}' block" if block.language else "a literal block"
        self.todos.append(Todo(f"{what} in the prose is shown as comments in a cell of its own and not run; "
                               "make it a code block to run it", block.line))

    def picture(self, block: Picture) -> None:
        self.after_code = None
        path, todo = self.resolve_image(block)
        if todo:
            self.todos.append(Todo(todo, block.line))
        if path is None:
            if block.caption:  # said over the slide, not left as a bullet about a picture that is not there
                self.current().beats.append({"say": block.caption.say})
            return
        beat: dict = {"show": "slides", "image": path}
        caption = block.caption.slide if block.caption else block.alt.strip()
        if caption:
            beat["caption"] = caption
        if block.caption:
            beat["say"] = block.caption.say
        self.current().beats.append(beat)

    # output

    def sections_data(self) -> list[dict]:
        used: set[str] = set()

        def section_data(section: _Section) -> dict:
            data: dict = {"title": jinja_safe(section.title.slide)}
            slug = slugify(section.title.slide)
            if not slug or slug in used:
                base, n = slug or "section", 2
                while f"{base}-{n}" in used:
                    n += 1
                data["id"] = f"{base}-{n}"
                slug = data["id"]
            used.add(slug)
            spoken_title(section.title.say, section.beats)
            if section.beats:
                data["beats"] = [_safe_beat(beat) for beat in section.beats]
            if section.subsections:
                data["subsections"] = [section_data(sub) for sub in section.subsections]
            return data

        return [section_data(section) for section in self.sections]


def _with_points(head: str, points: list[str]) -> str:
    """A bullet and its points as narration: "head: a; b; c." when the head
    introduces them with a colon, else one sentence each (the parser's rule)."""
    if points and head.rstrip().endswith(":"):
        return f"{head.rstrip(' :')}: {_spoken_list(points)}"
    return default_say(head, points)


def _spoken_list(items: list[str]) -> str:
    """List items as one spoken sentence: "a; b; c." (an item that already
    runs on, "equal, or", is followed by a space instead)."""
    said = ""
    items = [item for item in items if item.strip(" .…;")]  # an item "..." says nothing
    for index, item in enumerate(items):
        item = item.strip()
        if index:
            runs_on = said.endswith((",", ";", " or", " and"))
            said += " " if runs_on else "; "
        said += item.rstrip(" .;") if index < len(items) - 1 else item.rstrip(" .;,")
    return said + "."


def _only_imports(code: str) -> bool:
    """Imports only (IPython lines such as ``%matplotlib inline`` aside)."""
    python = "\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!")))
    try:
        body = ast.parse(python).body
    except SyntaxError:
        return False
    return bool(body) and all(isinstance(node, (ast.Import, ast.ImportFrom)) for node in body)


#: Key order in the YAML, as the README documents a beat.
BEAT_ORDER = ("bullet", "points", "show", "snippet", "cell", "output", "expect_error", "image", "caption", "say",
              "then")


def _safe_beat(beat: dict) -> dict:
    ordered = {key: beat[key] for key in BEAT_ORDER if key in beat}
    for key in ("bullet", "say", "then", "caption"):
        if key in ordered:
            ordered[key] = jinja_safe(ordered[key])
    if "points" in ordered:
        ordered["points"] = [jinja_safe(p) for p in ordered["points"]]
    return ordered


def _merged_headings(blocks: list, keep: Optional[Heading]) -> list:
    """Headings that hold nothing merge into the next, so no section is a
    silent title card: an empty heading (``###`` alone) is dropped, and a
    heading followed directly by one at its own level or above lends it its
    title ("Setup: Installing").  A deeper heading after it is its subsection,
    and the lesson's title heading (``keep``) is left alone."""
    merged: list = []
    carried: Optional[Heading] = None
    for at, block in enumerate(blocks):
        if isinstance(block, Heading) and block is not keep:
            if carried is not None:
                lead = _named(carried.title)
                title = _named(block.title)
                block = replace(block, title=Text(f"{lead.slide}: {title.slide}", f"{lead.say}: {title.say}")
                                if title.slide else lead, level=min(carried.level, block.level))
                carried = None
            after = next((b for b in blocks[at + 1:] if not (isinstance(b, Heading) and b is not keep
                                                               and not _named(b.title).slide)), None)
            if not _named(block.title).slide or (isinstance(after, Heading) and after is not keep
                                                 and after.level <= block.level):
                carried = block if _named(block.title).slide else None
                continue
        merged.append(block)
    return merged


def _named(text: Text) -> Text:
    """A heading as a title (of the lesson, a slide, the editor's window):
    no code backticks or trailing colon, which a title shows raw."""
    slide = text.slide.replace("`", "").strip().rstrip(":").strip()
    return Text(slide, text.say.strip().rstrip(":").strip())


def _label(text: Text) -> Optional[str]:
    """The cell title a paragraph gives when it is only a short label, as
    sphinx-gallery tutorials head their code blocks (``**From a NumPy
    array**``, ``**Joining tensors:**``): a phrase of at most six words,
    not a sentence.  Nearer than the section heading, so cells are told apart."""
    slide = " ".join(text.slide.split())
    if not slide or len(slide) > 45 or len(slide.split()) > 6 or slide.endswith((".", "!", "?", "…")):
        return None
    return slide.rstrip(":").strip() or None
