"""Place every beat of a lesson on one clock: the ``Timeline``.

The timeline is the single source of truth for the video, the captions and
every editor export, so it is computed once, here, from plain values: the
Lesson, the real lengths of the voice clips and the Captures (whose output a
code cue must leave on screen long enough to read).

Rules, in document order (``Lesson.walk()``):

* a ``title`` slide opens the lesson;
* a section opens with its slide (``section:<id>``) carrying its bullet
  beats' narration; a section that starts with a cue, or has no beats, still
  gets a short title card so the viewer sees where they are;
* a ``vscode`` cue is an editor segment lasting the longer of its narration
  and typing the shown code (at a natural pace, capped) plus reading the
  output; a ``slides`` cue is a slide segment ``cue:<beat id>``; a ``browser``
  cue a browser segment;
* narration starts a lead-in after its beat starts and the beat ends a
  lead-out after it, so clips never overlap.

Every segment boundary falls on a frame, so editors see exactly these times.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping, Optional

from cuecast.atomic import link_or_copy
from cuecast.errors import Diagnostic, ScriptError
from cuecast.shown import output_lines, shown_capture
from cuecast.model import (
    SEGMENT_BROWSER,
    SEGMENT_EDITOR,
    SEGMENT_SLIDE,
    Beat,
    Capture,
    Lesson,
    Narration,
    Section,
    Segment,
    Timeline,
    VoiceClip,
)


@dataclass(frozen=True)
class PlanOptions:
    """Pacing of the lesson, in seconds unless named otherwise."""

    fps: int = 30
    title_seconds: float = 3.0  # the opening title slide
    title_card_seconds: float = 2.0  # a section slide with nothing said on it
    lead_in: float = 0.4  # from a beat's start to its narration
    lead_out: float = 0.5  # from the end of narration to the beat's end
    slide_min_seconds: float = 3.0  # a slides cue stays at least this long
    browser_min_seconds: float = 4.0  # a browser cue stays at least this long
    typing_chars_per_second: float = 15.0
    typing_max_seconds: float = 12.0  # long code is typed faster, not longer
    typing_min_seconds: float = 1.0
    output_pause: float = 0.4  # between the last keystroke and the output
    output_seconds_per_line: float = 0.6
    output_min_seconds: float = 2.0  # a one-line output still gets read
    output_max_seconds: float = 10.0
    outro_seconds: float = 0.0  # an 'outro' slide at the end (0: none)


def plan_timeline(
    lesson: Lesson,
    clips: Mapping[str, VoiceClip],
    captures: Mapping[str, Capture],
    options: PlanOptions = PlanOptions(),
    voice: str = "none",
) -> Timeline:
    """The Timeline of ``lesson``: ordered, gap-free segments starting at 0
    and the narration placed on them.  ``clips`` are keyed by beat id (a beat
    without one is silent); ``captures`` by snippet path (or cue id)."""
    planner = _Planner(lesson, clips, captures, options)
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

    def __init__(self, lesson, clips, captures, options: PlanOptions):
        self.lesson = lesson
        self.clips = clips
        self.captures = captures
        self.o = options
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

    def say(self, beat: Beat, section: Section, at: float) -> float:
        """Place ``beat``'s clip at ``at`` (a lesson time); return where the
        beat may end (after the lead-out), or ``at`` if nothing is said."""
        clip = self.clips.get(beat.id)
        if clip is None or clip.duration <= 0:
            return at
        start = self.frame_up(at + self.o.lead_in)
        end = start + clip.duration
        self.narration.append(Narration(beat.id, section.id, clip.text, start, end, clip.path))
        return end + self.o.lead_out

    # -- the walk -----------------------------------------------------------

    def run(self) -> None:
        self.add(SEGMENT_SLIDE, "title", "", self.o.title_seconds, slide_id="title")
        for section in self.lesson.walk():
            self.section(section)
        if self.o.outro_seconds > 0:
            self.add(SEGMENT_SLIDE, "outro", "", self.o.outro_seconds, slide_id="outro")
        if self.problems:
            raise ScriptError(self.problems)

    def section(self, section: Section) -> None:
        beats = list(section.beats)
        if not beats or beats[0].cue is not None:
            self.add(SEGMENT_SLIDE, section.id, section.id, self.o.title_card_seconds,
                     slide_id=f"section:{section.id}")
        run: list[Beat] = []
        for beat in beats:
            if beat.cue is None:
                run.append(beat)
                continue
            if run:
                self.slide_run(section, run)
                run = []
            self.cue(section, beat)
        if run:
            self.slide_run(section, run)

    def slide_run(self, section: Section, beats: list[Beat]) -> None:
        """Consecutive beats without a cue, said over the section's slide."""
        start = at = self.clock
        for beat in beats:
            at = self.say(beat, section, at)
        length = max(at - start, self.o.title_card_seconds)
        self.add(SEGMENT_SLIDE, section.id, section.id, length,
                 slide_id=f"section:{section.id}", beat_ids=tuple(b.id for b in beats))

    def cue(self, section: Section, beat: Beat) -> None:
        cue = beat.cue
        start = self.clock
        spoken = self.say(beat, section, start) - start
        common = dict(beat_ids=(beat.id,))
        if cue.kind == "vscode":
            typing, output_at, visible = self.editor_pacing(beat)
            self.add(SEGMENT_EDITOR, beat.id, section.id, max(spoken, visible),
                     cue_id=beat.id, type_seconds=typing, output_at=output_at, **common)
        elif cue.kind == "browser":
            self.add(SEGMENT_BROWSER, beat.id, section.id, max(spoken, self.o.browser_min_seconds),
                     cue_id=beat.id, **common)
        else:
            self.add(SEGMENT_SLIDE, beat.id, section.id, max(spoken, self.o.slide_min_seconds),
                     slide_id=f"cue:{beat.id}", cue_id=beat.id, **common)

    def editor_pacing(self, beat: Beat) -> tuple[float, float, float]:
        """``(type_seconds, output_at, seconds on screen)`` of a code cue."""
        o = self.o
        code = self.shown_code(beat)
        typing = min(o.typing_max_seconds, max(o.typing_min_seconds, len(code) / o.typing_chars_per_second))
        typing = round(typing, 3)
        output_at = round(o.lead_in + typing + o.output_pause, 3)
        capture = shown_capture(beat.cue, self.captures)
        lines = _output_lines(capture)
        reading = min(o.output_max_seconds, max(o.output_min_seconds, lines * o.output_seconds_per_line))
        return typing, output_at, output_at + reading + o.lead_out

    def shown_code(self, beat: Beat) -> str:
        from cuecast.snippet_source import shown_code

        cue = beat.cue
        if not cue.snippet:
            return ""
        try:
            return shown_code(self.lesson, cue)
        except OSError as exc:
            self.problems.append(Diagnostic(cue.location, f"cannot read snippet {cue.snippet}: {exc.strerror or exc}"))
            return ""


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
    suffix = ".png" if segment.kind == SEGMENT_SLIDE else ".mp4"
    return Path(build_dir) / "media" / f"{segment.id}{suffix}"


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
            link_or_copy(source, target)
        placed.append(replace(item, path=str(target.resolve())))
    keep = {Path(item.path).name for item in placed if item.path}
    folder = Path(build_dir) / "audio"
    if folder.is_dir():
        for stale in folder.glob("*.wav"):
            if stale.name not in keep:
                stale.unlink(missing_ok=True)
    return replace(timeline, narration=tuple(placed))

