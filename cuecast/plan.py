"""Place every beat of a lesson on one clock: the ``Timeline``.

The timeline is the single source of truth for the video, the captions and
every editor export, so it is computed once, here, from plain values: the
Lesson, the real lengths of the voice clips and the Captures (whose output a
code cue must leave on screen long enough to read).

Rules, in the order the script is written (``deck.section_parts``):

* a ``title`` slide opens the lesson;
* a section opens on its slide carrying its bullet beats' narration (a title
  card when a cue comes first); beats written after a cue bring the slide
  back, with their bullets added, after that cue;
* a ``slides`` cue is a slide segment ``cue:<beat id>``, one per page of the
  cue, each for its share of the narration; a ``browser`` cue a browser
  segment; a ``terminal`` cue a terminal segment, paced as a ``vscode`` cue
  (its command is what is typed);
* each kind's placing is one entry of ``CUE_SEGMENTS``;
* narration starts a lead-in after its beat starts and the beat ends a
  lead-out after it, so clips never overlap; ``pause:`` adds silence.

The pacing model of a ``vscode`` cue is a time to read (what a viewer
follows best): the narration starts at once and the code appears while it is
said.  Short code is typed at a natural pace (it draws the eye to each
token).  Longer code is typed faster, but never faster than a viewer reads
it: it appears over the reading time of its lines (``code_seconds_per_line``
a non-blank line, at most ``code_max_seconds``) or over ``typing_share`` of
the narration, whichever is longer, so a long cell is typed a part at a time
and never pasted in and left.  The output then appears, usually while the
narration still runs, and stays for a reading time that grows with its lines
(``1 s + 0.2 s`` a line, capped).  ``then:`` narration is said once the
output is on screen.  So a segment lasts as long as its narration, or as
long as the code and the output need to be read, whichever is longer; never
a fixed hold.  When reading outlasts a short narration by more than
``quiet_max_seconds`` (and no ``then:`` follows it), the narration moves in
by half the difference: the code is read in two short quiet stretches, not
one long one.

Every segment boundary falls on a frame, so editors see exactly these times.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping, Optional

from cuecast import kinds
from cuecast.atomic import copy_into_place
from cuecast.deck import OUTRO_SLIDE_ID, TITLE_SLIDE_ID, cue_slide_id, page_slide_id, section_parts, slide_slug
from cuecast.defaults import FPS, SEGMENT_MEDIA
from cuecast.errors import Diagnostic, ScriptError
from cuecast.shown import hides_output, output_lines, shown_capture
from cuecast.model import (
    SEGMENT_BROWSER,
    SEGMENT_EDITOR,
    SEGMENT_SLIDE,
    SEGMENT_TERMINAL,
    Beat,
    Capture,
    Lesson,
    Narration,
    Section,
    Segment,
    Timeline,
    VoiceClip,
    Word,
    then_id,
)


@dataclass(frozen=True)
class PlanOptions:
    """Pacing of the lesson at ``pace: normal``, in seconds unless named
    otherwise (``paced`` scales them for ``relaxed`` and ``tight``)."""

    fps: int = FPS
    title_seconds: float = 2.0  # the opening title slide: a pause with nothing new lasts at most 2 s
    title_card_seconds: float = 1.5  # a section slide with nothing said on it
    lead_in: float = 0.2  # from a beat's start to its narration
    lead_out: float = 0.3  # from the end of narration to the beat's end
    slide_min_seconds: float = 2.5  # a slides cue stays at least this long
    page_min_seconds: float = 2.0  # each page of a slides cue with several, at least this long
    browser_min_seconds: float = 3.0  # a browser cue stays at least this long
    typing_chars_per_second: float = 18.0  # natural typing; longer code is typed faster...
    typing_share: float = 0.6  # ...to be on screen by this share of the narration...
    code_seconds_per_line: float = 0.25  # ...but no faster than its lines are read: this a non-blank line...
    code_max_seconds: float = 20.0  # ...capped
    typing_min_seconds: float = 0.8
    output_pause: float = 0.3  # between the last keystroke and the output
    output_min_seconds: float = 1.0  # reading time: this...
    output_seconds_per_line: float = 0.2  # ...plus this a line...
    output_max_seconds: float = 6.0  # ...capped
    quiet_max_seconds: float = 2.0  # a code cue's reading outlasting its narration by more: narration moves in
    then_gap: float = 0.3  # between ``say`` and ``then`` narration
    outro_seconds: float = 0.0  # an 'outro' slide at the end (0: none)


#: ``pace:`` → how much longer (> 1) or shorter everything a viewer watches
#: without narration lasts: holds, leads, reading time, typing.
PACES = {"relaxed": 1.35, "normal": 1.0, "tight": 0.75}

_SCALED = ("title_seconds", "title_card_seconds", "lead_in", "lead_out", "slide_min_seconds", "page_min_seconds",
           "browser_min_seconds", "typing_min_seconds", "code_seconds_per_line", "code_max_seconds", "output_pause",
           "output_min_seconds", "output_seconds_per_line", "output_max_seconds", "quiet_max_seconds", "then_gap")


def paced(options: PlanOptions, pace: Optional[str]) -> PlanOptions:
    """``options`` at ``pace`` (``None`` or ``normal``: as they are)."""
    factor = PACES.get(pace or "normal", 1.0)
    if factor == 1.0:
        return options
    changed = {name: getattr(options, name) * factor for name in _SCALED}
    changed["typing_chars_per_second"] = options.typing_chars_per_second / factor
    return replace(options, **changed)


def plan_timeline(
    lesson: Lesson,
    clips: Mapping[str, VoiceClip],
    captures: Mapping[str, Capture],
    options: PlanOptions = PlanOptions(),
    voice: str = "none",
    page_counts: Optional[Mapping[str, int]] = None,
    page_beats: Optional[Mapping[str, tuple[str, ...]]] = None,
) -> Timeline:
    """The Timeline of ``lesson``: ordered, gap-free segments starting at 0
    and the narration placed on them.  ``clips`` are keyed by beat id (a beat
    without one is silent; ``<beat id>.then`` for ``then:``); ``captures`` by
    snippet path (or cue id); ``page_counts`` counts the deck's pages of each
    slides cue and section slide (``cue:<beat id>`` → 2), so the video shows
    all of them; ``page_beats`` names the beats each section page holds
    (``deck.page_beats``), so a continued page is shown while its bullets
    are said."""
    planner = _Planner(lesson, clips, captures, options, page_counts or {}, page_beats or {})
    planner.run()
    return Timeline(
        lesson_id=lesson.id,
        title=lesson.title,
        segments=tuple(planner.segments),
        narration=tuple(planner.narration),
        voice=voice,
        fps=options.fps,
        metadata=_metadata(lesson, captures, voice, options),
    )


class _Planner:
    """Walks the lesson once, appending segments at a running clock."""

    def __init__(self, lesson, clips, captures, options: PlanOptions, page_counts: Mapping[str, int],
                 page_beats: Mapping[str, tuple[str, ...]]):
        self.lesson = lesson
        self.clips = clips
        self.captures = captures
        self.base = options
        self.o = options
        self.page_counts = page_counts
        self.page_beats = page_beats
        self.segments: list[Segment] = []
        self.narration: list[Narration] = []
        self.clock = 0.0
        self.problems: list[Diagnostic] = []

    # -- frame arithmetic ---------------------------------------------------

    def frame_up(self, seconds: float) -> float:
        """``seconds`` rounded up to the next frame boundary (with a little
        tolerance so a float that already is a frame stays put)."""
        fps = self.o.fps
        return math.ceil(seconds * fps - 1e-6) / fps

    def add(self, kind: str, slug: str, section_id: str, length: float, **fields) -> Segment:
        start = self.clock
        end = self.frame_up(start + max(length, 1.0 / self.o.fps))
        segment = Segment(
            id=f"s{len(self.segments):03d}-{slug}", kind=kind, start=start, end=end,
            section_id=section_id, **fields,
        )
        self.segments.append(segment)
        self.clock = end
        return segment

    def say(self, beat: Beat, section: Section, at: float, clip_id: Optional[str] = None,
            exact: bool = False) -> float:
        """Place ``beat``'s clip (or its ``then`` clip, ``clip_id``) at ``at``
        plus the lead-in (``exact``: at ``at``); return where the beat may end
        (after the lead-out), or ``at`` if nothing is said."""
        clip_id = clip_id or beat.id
        clip = self.clips.get(clip_id)
        if clip is None or clip.duration <= 0:
            return at
        start = self.frame_up(at if exact else at + self.o.lead_in)
        end = start + clip.duration
        words = tuple(Word(w.text, start + w.start, start + w.end) for w in clip.words)
        self.narration.append(Narration(clip_id, section.id, clip.text, start, end, clip.path, words, clip.take))
        return end + self.o.lead_out

    # -- the walk -----------------------------------------------------------

    def run(self) -> None:
        self.o = paced(self.base, self.lesson.pace)
        self.add(SEGMENT_SLIDE, slide_slug(TITLE_SLIDE_ID), "", self.o.title_seconds, slide_id=TITLE_SLIDE_ID)
        for section in self.lesson.walk():
            self.section(section)
        if self.o.outro_seconds > 0:
            self.add(SEGMENT_SLIDE, slide_slug(OUTRO_SLIDE_ID), "", self.o.outro_seconds, slide_id=OUTRO_SLIDE_ID)
        if self.problems:
            raise ScriptError(self.problems)

    def section(self, section: Section) -> None:
        for part in section_parts(section):
            if part.cue_beat is not None:
                self.cue(section, part.cue_beat)
            else:
                self.slide_run(section, part.beats, part.slide_id)

    def slide_run(self, section: Section, beats: tuple[Beat, ...], slide_id: str) -> None:
        """Consecutive beats without a cue, said over the section's slide (a
        short title card when nothing is said).  A slide whose bullets
        continue on more pages turns to the next page as the first beat it
        holds is said, so every bullet is on screen while it is read."""
        pages = self.page_counts.get(slide_id, 1)
        page_of = {beat_id: page for page in range(1, pages + 1)
                   for beat_id in self.page_beats.get(page_slide_id(slide_id, page), ())}
        start = at = self.clock
        turns: list[tuple[float, int, list[str]]] = []  # (when, page, beats said on it)
        for beat in beats:
            page = page_of.get(beat.id, turns[-1][1] if turns else 1)
            if not turns or page > turns[-1][1]:
                turns.append((at, page, []))
            turns[-1][2].append(beat.id)
            at = self.say(beat, section, at) + beat.pause
        end = start + max(at - start, self.o.title_card_seconds)
        if not turns:
            turns.append((start, 1, []))
        for (when, page, beat_ids), later in zip(turns, turns[1:] + [(end, 0, [])]):
            shown = page_slide_id(slide_id, page)
            self.add(SEGMENT_SLIDE, slide_slug(slide_id) + (f"-p{page}" if page > 1 else ""), section.id,
                     later[0] - self.clock, slide_id=shown, beat_ids=tuple(beat_ids))

    def cue(self, section: Section, beat: Beat) -> None:
        cue = beat.cue
        place = CUE_SEGMENTS.lookup(cue.kind, cue.location)
        base, self.o = self.o, paced(self.base, cue.pace or self.lesson.pace)
        try:
            start = self.clock
            place(self, section, beat, start, self.say(beat, section, start) - start)
        finally:
            self.o = base

    def browser(self, section: Section, beat: Beat, start: float, spoken: float) -> None:
        self.add(SEGMENT_BROWSER, beat.id, section.id, max(spoken, self.o.browser_min_seconds) + beat.pause,
                 cue_id=beat.id, beat_ids=(beat.id,))

    def slides(self, section: Section, beat: Beat, start: float, spoken: float) -> None:
        self.slide_pages(section, beat, max(spoken, self.o.slide_min_seconds) + beat.pause)

    def terminal(self, section: Section, beat: Beat, start: float, spoken: float) -> None:
        """A terminal segment: the command typed at the prompt, then its
        output, paced as an editor segment (the command is the code typed)."""
        self.editor(section, beat, start, spoken, SEGMENT_TERMINAL)

    def slide_pages(self, section: Section, beat: Beat, length: float) -> None:
        """A slides cue over as many segments as it has pages, each for its
        share of the time (at least ``page_min_seconds``), so the video shows
        every page long enough to take it in."""
        pages = max(1, self.page_counts.get(cue_slide_id(beat), 1))
        end = self.frame_up(self.clock + max(length, pages * self.o.page_min_seconds))
        for page in range(1, pages + 1):
            share = (end - self.clock) / (pages - page + 1)
            slug = beat.id if page == 1 else f"{beat.id}-p{page}"
            self.add(SEGMENT_SLIDE, slug, section.id, share, slide_id=cue_slide_id(beat, page),
                     cue_id=beat.id, beat_ids=(beat.id,) if page == 1 else ())

    def editor(self, section: Section, beat: Beat, start: float, spoken: float, kind: str = SEGMENT_EDITOR) -> None:
        """An editor segment: code appears while the narration runs, the
        output follows and is read; ``then:`` is said over the output."""
        said = self.clips.get(beat.id)
        typing, output_at, reading = self.editor_pacing(beat, said.duration if said else 0.0)
        length = max(spoken, output_at + reading)
        quiet = length - spoken
        if spoken and not beat.then and quiet > self.o.quiet_max_seconds and self.narration[-1].beat_id == beat.id:
            said_at = self.narration[-1]
            moved = self.frame_up(quiet / 2)
            self.narration[-1] = replace(said_at, start=said_at.start + moved, end=said_at.end + moved)
        if beat.then:
            said_end = start + spoken - self.o.lead_out if spoken else start
            then_at = max(start + output_at, said_end + self.o.then_gap if spoken else start + output_at)
            length = max(length, self.say(beat, section, then_at, then_id(beat.id), exact=True) - start)
        self.add(kind, beat.id, section.id, length + beat.pause, cue_id=beat.id,
                 type_seconds=typing, output_at=output_at,
                 beat_ids=(beat.id, then_id(beat.id)) if beat.then else (beat.id,))

    def editor_pacing(self, beat: Beat, said: float) -> tuple[float, float, float]:
        """``(type_seconds, output_at, reading seconds)`` of a code cue whose
        narration takes ``said`` seconds (see the module docstring)."""
        o = self.o
        code = self.shown_code(beat)
        natural = len(code) / o.typing_chars_per_second
        budget = max(o.typing_min_seconds, o.typing_share * said, code_reading(code, o))
        typing = round(max(o.typing_min_seconds, min(natural, budget)), 3)
        output_at = round(o.lead_in + typing + o.output_pause, 3)
        shown = shown_capture(beat.cue, self.captures)
        lines = _output_lines(shown)
        reading = min(o.output_max_seconds, o.output_min_seconds + lines * o.output_seconds_per_line)
        if hides_output(beat.cue, shown):
            reading = 0.0  # output: none: nothing to read

        return typing, output_at, reading + o.lead_out

    def shown_code(self, beat: Beat) -> str:
        """What is typed: the cue's shown code, or a terminal cue's command."""
        from cuecast.snippet_source import shown_code

        cue = beat.cue
        if cue.command:
            return cue.command
        if not cue.snippet:
            return ""
        try:
            return shown_code(self.lesson, cue)
        except OSError as exc:
            self.problems.append(Diagnostic(cue.location, f"cannot read snippet {cue.snippet}: {exc.strerror or exc}"))
            return ""


#: How each cue kind is placed on the clock: ``place(planner, section, beat,
#: start, seconds its narration takes)``.
CUE_SEGMENTS = kinds.table("plan", {
    "vscode": _Planner.editor,
    "slides": _Planner.slides,
    "browser": _Planner.browser,
    "terminal": _Planner.terminal,
})


def code_reading(code: str, options: PlanOptions) -> float:
    """Seconds a viewer needs to read ``code`` as it appears: a time per
    non-blank line, capped (a long cell is skimmed, not studied)."""
    lines = sum(1 for line in code.splitlines() if line.strip())
    return min(options.code_max_seconds, lines * options.code_seconds_per_line)


def _output_lines(capture: Optional[Capture]) -> int:
    """Lines the viewer reads under the code: the terminal's own lines."""
    return len(output_lines(capture)[0]) if capture is not None else 0


def _metadata(lesson: Lesson, captures: Mapping[str, Capture], voice: str, options: PlanOptions) -> dict:
    from cuecast import __version__

    first = next(iter(captures.values()), None)
    return {
        "lesson_id": lesson.id,
        "title": lesson.title,
        "source": lesson.source,
        "voice": voice,
        "fps": options.fps,
        "torch_version": first.torch_version if first else "",
        "device": first.device if first else "",
        "device_name": first.device_name if first else "",
        "python_version": first.python_version if first else "",
        "generator": f"cuecast {__version__}",
    }


# --- where the media of a timeline live ---------------------------------------

def media_path(build_dir: Path, segment: Segment) -> Path:
    """The file the video stage renders for ``segment`` and every editor
    export references: a still PNG for a slide, a clip for a screen capture."""
    return Path(build_dir) / SEGMENT_MEDIA / segment.media_name


def audio_path(build_dir: Path, beat_id: str) -> Path:
    """Where a beat's narration WAV lives in the build: stable and readable,
    unlike the hashed cache file it comes from."""
    return Path(build_dir) / "audio" / f"{beat_id}.wav"


def place_audio(timeline: Timeline, build_dir: Path) -> Timeline:
    """Link (or copy, across file systems) every narration WAV into
    ``build_dir/audio/`` and return the timeline pointing at those files, so
    the exports do not reference the cache.  Each file lands atomically, and
    WAVs of beats no longer narrated are removed so the folder matches the plan."""
    placed = []
    for item in timeline.narration:
        if not item.path:
            placed.append(item)
            continue
        target = audio_path(build_dir, item.beat_id)
        source = Path(item.path)
        if source.resolve() != target.resolve():
            copy_into_place(source, target)
        placed.append(replace(item, path=str(target.resolve())))
    keep = {Path(item.path).name for item in placed if item.path}
    folder = Path(build_dir) / "audio"
    if folder.is_dir():
        for stale in folder.glob("*.wav"):
            if stale.name not in keep:
                stale.unlink(missing_ok=True)
    return replace(timeline, narration=tuple(placed))

