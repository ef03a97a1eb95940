"""The plain data that flows between cuecast's stages.

Every stage takes these values and returns these values; nothing downstream of
the script parser reads YAML and nothing downstream of the runner runs code.
The values are frozen dataclasses so a stage cannot quietly change what another
stage sees, and so they pickle cleanly across worker processes.

Everything a user wrote carries a ``Location`` so that any later error can
point back at the script line that caused it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional

from cuecast.defaults import FPS

#: Lesson and cue ``pace:`` values (``cuecast.plan.PACES`` holds their constants).
PACE_NAMES = ("relaxed", "normal", "tight")

#: Where snippets may be asked to run (``--device``, a lesson's or a cue's ``device:``).
DEVICES = ("auto", "cpu", "cuda", "mps")


@dataclass(frozen=True)
class Location:
    """Where a value came from: a file path (as the user should read it) and a
    1-based line and column.  ``line == 0`` means "the file as a whole"."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.col or 1}"
        return self.path


@dataclass(frozen=True)
class Cue:
    """Something shown while a beat is narrated.

    kind:
        ``vscode``  a snippet in the editor; ``snippet`` is set.
        ``slides``  a slide; ``diagram`` (e.g. ``autograd``, drawn from the
                    snippet's real graph, so ``snippet`` is set too) or ``image``.
        ``browser`` a web page; ``url`` is set, ``title`` optional.
        ``terminal`` a shell command typed and run; ``command`` is set.
        (``cuecast.kinds`` holds every kind and the keys each takes.)
    snippet:
        Project-relative POSIX path of the snippet file (``snippets/casting.py``).
    lines:
        The 1-based inclusive line range of the snippet shown on screen, resolved
        by the parser from ``lines: 3-9`` or from the selected cell; ``None``
        shows the whole file.  The whole file always runs.
    cell:
        The 1-based number of the cell of a cell file (``cuecast.cells``) the
        cue shows, resolved from ``cell: <title or number>`` or
        ``region: NAME``; ``cell_title`` is its title ("" when untitled).  The
        cue then shows that cell's code and that cell's output.
    output_lines:
        ``output: 3-12``: only these lines (1-based, inclusive) of the output
        are shown; ``output_hidden`` is ``output: none``.
    command:
        A terminal cue's shell command, one line, run in the project folder.
    writes:
        Project-relative files (or folders, ending in ``/``) the snippet may
        create, change or delete; every other change to the project fails it.
    device:
        Where its snippet runs when ``--device`` is ``auto`` (else the
        lesson's ``device:``, else ``--device``).
    """

    kind: str
    id: str
    location: Location
    snippet: Optional[str] = None
    lines: Optional[tuple[int, int]] = None
    timeout: Optional[float] = None
    expect_error: bool = False
    diagram: Optional[str] = None
    image: Optional[str] = None
    url: Optional[str] = None
    title: Optional[str] = None
    caption: Optional[str] = None
    cell: Optional[int] = None
    cell_title: str = ""
    output_lines: Optional[tuple[int, int]] = None
    output_hidden: bool = False
    pace: Optional[str] = None  # overrides the lesson's ``pace:`` for this cue
    command: Optional[str] = None
    writes: tuple[str, ...] = ()
    device: Optional[str] = None
    #: Where each text field's value is written (``("caption", Location)``),
    #: so an error in a field points at it (see ``field_location``).
    fields: tuple[tuple[str, Location], ...] = ()


def field_location(item, *names: str) -> Location:
    """Where the first of ``names`` that the script wrote for ``item`` (a Cue,
    Beat or Section) stands; the item's own location when it wrote none."""
    written = dict(getattr(item, "fields", ()))
    for name in names:
        if name in written:
            return written[name]
    return item.location


@dataclass(frozen=True)
class Beat:
    """One thing said, optionally with something shown.

    ``bullet`` is the text put on the section's slide (``None`` for beats that
    are only narrated or only a cue); ``points`` are its nested bullets.  ``say``
    is the narration; for a bullet beat the parser defaults it to the bullet
    text followed by its points, so a bullet is always spoken.
    """

    id: str
    location: Location
    say: str = ""
    bullet: Optional[str] = None
    points: tuple[str, ...] = ()
    cue: Optional[Cue] = None
    #: Narration said once a code cue's output is on screen (``then:``), so
    #: the author can talk over the output; ``pause`` is deliberate silence
    #: (seconds) after the beat.
    then: str = ""
    pause: float = 0.0
    fields: tuple[tuple[str, Location], ...] = ()  # see Cue.fields
    #: The backticked identifiers of ``say``/``then``, in order (``script.code_terms``).
    code_terms: tuple[str, ...] = ()
    #: ``say`` as a slide shows it, under a cue's title: maths as symbols
    #: (``P₃′(x)``), not as the voice reads it ("P three prime of x").
    shown_say: str = ""


def then_id(beat_id: str) -> str:
    """The id of a beat's ``then:`` narration: its own clip, take
    (``recorded:DIR/<beat id>.then.wav``) and caption."""
    return f"{beat_id}.then"


@dataclass(frozen=True)
class Section:
    """An ordered list of beats under a title; ``level`` is 1 for a section
    and 2 for a subsection (the seed's ``###`` headings)."""

    id: str
    title: str
    location: Location
    beats: tuple[Beat, ...] = ()
    subsections: tuple["Section", ...] = ()
    level: int = 1
    fields: tuple[tuple[str, Location], ...] = ()  # see Cue.fields


@dataclass(frozen=True)
class Lesson:
    """A parsed, validated lesson script.

    ``root`` is the absolute project directory that snippet paths are relative
    to; ``source`` is the script path as the user should read it.  ``prepare``
    is the seed's preparation list (video script, notebook, slides, install).
    """

    id: str
    title: str
    source: str
    root: str
    location: Location
    sections: tuple[Section, ...] = ()
    prepare: tuple[str, ...] = ()
    voice: Optional[str] = None
    pace: str = "normal"  # relaxed | normal | tight (see cuecast.plan.PACES)
    #: Where its snippets run when ``--device`` is ``auto`` (a GPU-only lesson: ``cuda``); None: ``--device``.
    device: Optional[str] = None
    #: True once its titles, narration, bullets and captions have had their
    #: Jinja2 expressions filled in (``deck.templating.render_lesson``).
    templated: bool = False

    @property
    def plain_title(self) -> str:
        """The title where only plain text can be drawn (the editor's window
        title): `code` spans without their backticks, which the slides draw
        as code instead."""
        return self.title.replace("`", "")

    def walk(self) -> Iterator[Section]:
        """Every section and subsection in document order."""

        def visit(sections: tuple[Section, ...]) -> Iterator[Section]:
            for section in sections:
                yield section
                yield from visit(section.subsections)

        return visit(self.sections)

    def beats(self) -> Iterator[tuple[Section, Beat]]:
        """Every beat with the (sub)section it belongs to, in spoken order."""
        for section in self.walk():
            for beat in section.beats:
                yield section, beat

    def cues(self, kind: Optional[str] = None) -> Iterator[tuple[Section, Beat, Cue]]:
        """Every cue (optionally of one kind) with its section and beat."""
        for section, beat in self.beats():
            if beat.cue is not None and (kind is None or beat.cue.kind == kind):
                yield section, beat, beat.cue

    def selects_cells(self, snippet: str) -> bool:
        """Whether a cue shows one cell of ``snippet`` (which makes a file
        with ``# region`` blocks a cell file, see ``cuecast.cells``)."""
        return any(cue.snippet == snippet and cue.cell is not None for _, _, cue in self.cues())

    def snippet_cues(self) -> Iterator[Cue]:
        """Cues whose snippet must run: every cue with a snippet, once per path."""
        seen: set[str] = set()
        for _, _, cue in self.cues():
            if cue.snippet and cue.snippet not in seen:
                seen.add(cue.snippet)
                yield cue


# --- what the runner produces ----------------------------------------------

#: Capture.status values.
STATUS_OK = "ok"  # ran to the end
STATUS_ERROR = "error"  # raised an exception
STATUS_EXPECTED_ERROR = "expected-error"  # raised, and the cue said expect_error
STATUS_MISSING_ERROR = "missing-error"  # expect_error, but it ran cleanly
STATUS_TIMEOUT = "timeout"  # killed after its time limit
STATUS_CRASHED = "crashed"  # the worker died (os._exit, segfault, OOM kill)
STATUS_NOT_RUN = "not-run"  # a cell after one that failed
PASSING_STATUSES = (STATUS_OK, STATUS_EXPECTED_ERROR)


@dataclass(frozen=True)
class SnippetException:
    """An exception a snippet raised, already rendered in the worker so that
    it pickles.  ``line`` is the snippet line of the innermost frame that lies
    in the snippet file; ``traceback`` has cuecast's own frames removed."""

    type: str
    message: str
    traceback: str
    line: Optional[int] = None


@dataclass(frozen=True)
class GraphNode:
    """A node of an autograd graph: ``kind`` is ``root`` (the loss), ``function``
    (a backward function such as ``MulBackward0``) or ``leaf`` (a tensor with
    ``requires_grad``, labelled with its variable name and shape)."""

    id: str
    label: str
    kind: str


@dataclass(frozen=True)
class AutogradGraph:
    """The tape a ``diagram: autograd`` cue draws, walked in the worker from the
    snippet's ``loss.grad_fn`` through ``next_functions``.  Edges point from a
    node to the node it feeds (leaf → function → … → root)."""

    nodes: tuple[GraphNode, ...]
    edges: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class CellResult:
    """What one cell of a cell file did (see ``cuecast.cells``).

    ``streams`` are its own ``(stream, text)`` chunks in order; the stream
    ``result`` holds the repr of a bare last expression, as a notebook shows
    it.  ``reason`` explains a timeout, a crash or why it was not run.
    """

    index: int
    number: Optional[int]
    title: str
    start: int
    end: int
    status: str
    streams: tuple[tuple[str, str], ...] = ()
    exception: Optional[SnippetException] = None
    reason: str = ""
    duration: float = 0.0

    @property
    def output(self) -> str:
        return "".join(text for _, text in self.streams)


@dataclass(frozen=True)
class Capture:
    """What one snippet did when it ran.

    ``streams`` keeps stdout and stderr chunks in the order they were written
    (``("stdout", text)``), so the notebook can rebuild stream outputs;
    ``output`` is the same text joined, as a terminal would show it.
    """

    snippet: str
    status: str
    output: str
    streams: tuple[tuple[str, str], ...] = ()
    exception: Optional[SnippetException] = None
    reason: str = ""  # a sentence for timeouts and crashes: which and why
    duration: float = 0.0
    device: str = "cpu"  # cpu | cuda | mps
    device_name: str = ""
    torch_version: str = ""
    python_version: str = ""
    truncated: bool = False
    cached: bool = False
    key: str = ""  # the cache key it was stored under
    graph: Optional[AutogradGraph] = None  # set for diagram: autograd cues
    #: Project files the snippet read while it ran, ``(relative path, sha256)``:
    #: a cached capture whose reads changed is run again (see runner/reads.py).
    reads: tuple[tuple[str, str], ...] = ()
    #: A cell file's cells in run order (glue cells included); ``()`` for a
    #: plain script.  ``output`` and ``streams`` above are all cells' together.
    cells: tuple[CellResult, ...] = ()
    #: The cell a view of one cue shows (``cuecast.shown``), "" for a file.
    cell: str = ""

    @property
    def passed(self) -> bool:
        return self.status in PASSING_STATUSES


# --- what the planner produces ----------------------------------------------


@dataclass(frozen=True)
class Word:
    """One word of a clip's text (``text.split()``) and when it is said, in
    seconds from the clip's start (or, in a ``Narration``, on the lesson
    clock)."""

    text: str
    start: float
    end: float


@dataclass(frozen=True)
class VoiceClip:
    """Narration audio for one beat: a WAV file and its real length."""

    beat_id: str
    text: str
    path: Optional[str]  # None for the silent voice
    duration: float
    #: Every word of ``text`` with its times, when the voice knows them (empty otherwise).
    words: tuple[Word, ...] = ()
    #: The author's take this clip is, where one overrides the lesson's voice (``narrate.takes``).
    take: Optional[str] = None


#: Segment.kind values: what fills the screen during a segment.
SEGMENT_SLIDE = "slide"  # a deck slide, drawn by the raster drawer
SEGMENT_EDITOR = "vscode"  # a simulated VS Code screen capture
SEGMENT_BROWSER = "browser"  # a simulated browser window
SEGMENT_TERMINAL = "terminal"  # a terminal cue's command and output, in the editor's terminal


@dataclass(frozen=True)
class SegmentKind:
    """What a segment kind is to every stage that reads a timeline: ``still``
    (its media is one PNG, else a clip) and ``typed`` (something is typed,
    then output follows: ``type_seconds`` and ``output_at`` apply)."""

    still: bool = False
    typed: bool = False


#: Every Segment.kind value: the video's tables are keyed by these.
SEGMENT_KINDS = {
    SEGMENT_SLIDE: SegmentKind(still=True),
    SEGMENT_EDITOR: SegmentKind(typed=True),
    SEGMENT_BROWSER: SegmentKind(),
    SEGMENT_TERMINAL: SegmentKind(typed=True),
}


@dataclass(frozen=True)
class Segment:
    """One stretch of the video track.

    ``slide_id`` names the deck slide shown by a ``slide`` segment (see
    ``cuecast.deck`` for the id scheme: ``title``, ``section:<id>``,
    ``cue:<beat id>``, ``outro``); ``cue_id`` names the beat whose cue an
    editor or browser segment shows.  Times are seconds on the lesson clock.
    """

    id: str
    kind: str
    start: float
    end: float
    section_id: str
    beat_ids: tuple[str, ...] = ()
    slide_id: Optional[str] = None
    cue_id: Optional[str] = None
    type_seconds: float = 0.0  # editor segments: time spent typing the code
    output_at: float = 0.0  # editor segments: offset where output starts

    @property
    def duration(self) -> float:
        return self.end - self.start

    @property
    def media_name(self) -> str:
        """Its media's file name in the build's ``media/``: ``<id>.png`` for a
        still, ``<id>.mp4`` for a clip.  The one owner of that name: the
        video writes the file, the editor exports and the review page link it."""
        return f"{self.id}{'.png' if SEGMENT_KINDS[self.kind].still else '.mp4'}"


@dataclass(frozen=True)
class Narration:
    """A voice clip placed on the lesson clock."""

    beat_id: str
    section_id: str
    text: str
    start: float
    end: float
    path: Optional[str] = None
    #: The clip's words on the lesson clock (empty when the voice does not time them).
    words: tuple[Word, ...] = ()
    #: The author's take, where one overrides the lesson's voice.
    take: Optional[str] = None


@dataclass(frozen=True)
class Timeline:
    """The single source of truth for the video, captions and editor exports:
    an ordered, gap-free list of video segments and the narration on top."""

    lesson_id: str
    title: str
    segments: tuple[Segment, ...]
    narration: tuple[Narration, ...]
    voice: str = "none"
    fps: int = FPS
    metadata: dict = field(default_factory=dict, hash=False, compare=False)
    #: The voice as cues.json records it: ``{"engine", "model", "settings"}`` (``Voice.record``).
    voice_record: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def duration(self) -> float:
        return self.segments[-1].end if self.segments else 0.0


#: The video's states, as the review page marks them (``VideoState.state``).
VIDEO_FRESH, VIDEO_STALE, VIDEO_BUILDING, VIDEO_NONE = "fresh", "stale", "building", "none"


@dataclass(frozen=True)
class SlideImage:
    """A slide of the deck as the slides stage drew it and the review page lists it: its id, its title and the
    PNG drawn for it."""

    slide_id: str
    title: str
    png: Path


@dataclass(frozen=True)
class VideoState:
    """Whether the video on disk shows the latest build, as the review page
    and the live preview say; the build decides it, the page shows it."""

    state: str  # fresh | stale | building | none
    href: Optional[str] = None
    note: str = ""
