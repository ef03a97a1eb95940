"""What several writers say the same way: the instruction shown for a segment,
the narration over it, and the lookups from a segment back to its lesson
values (timecodes: ``cuecast.clock``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from cuecast.clock import smpte_timecode as timecode
from cuecast.clock import to_frames
from cuecast.deck import OUTRO_SLIDE_ID, TITLE_SLIDE_ID
from cuecast.defaults import FPS
from cuecast.kinds import kind_of
from cuecast.model import Beat, Cue, Lesson, Section, Segment, Timeline


#: ``timecode`` and ``to_frames`` are ``cuecast.clock``'s, named here as the writers once did.
__all__ = ["SegmentInfo", "at_smpte_rate", "instruction", "narration_over", "segment_infos", "smpte_rate", "timecode",
           "to_frames"]


@dataclass(frozen=True)
class SegmentInfo:
    """A segment with the lesson values it came from, for writers that show
    cue details (snippet path, URL, section title)."""

    segment: Segment
    section: Optional[Section]
    beat: Optional[Beat]

    @property
    def cue(self) -> Optional[Cue]:
        return self.beat.cue if self.beat is not None else None

    @property
    def cue_kind(self) -> str:
        """``title`` | ``section`` | ``outro``, or the cue's kind (``vscode``, ...)."""
        if self.cue is not None:
            return self.cue.kind
        if self.segment.slide_id in (TITLE_SLIDE_ID, OUTRO_SLIDE_ID):
            return self.segment.slide_id
        return "section"


def segment_infos(timeline: Timeline, lesson: Lesson) -> list[SegmentInfo]:
    sections = {section.id: section for section in lesson.walk()}
    beats = {beat.id: beat for _, beat in lesson.beats()}
    return [
        SegmentInfo(segment, sections.get(segment.section_id), beats.get(segment.cue_id) if segment.cue_id else None)
        for segment in timeline.segments
    ]


def narration_over(timeline: Timeline) -> Callable[[Segment], str]:
    """What is said over a segment: the narration of its beats (``then:``
    included), in order, as one text -- for every table of segments (the cue
    sheet, the review page)."""
    said: dict[str, list[str]] = {}
    for item in timeline.narration:
        said.setdefault(item.beat_id, []).append(item.text)
    return lambda segment: " ".join(text for beat_id in segment.beat_ids for text in said.get(beat_id, []))


def instruction(info: SegmentInfo, lesson: Lesson) -> str:
    """What the presenter or editor puts on screen, as the seed script says it:
    ``SHOW IN VS CODE: snippets/casting.py`` (with the shown lines, if not all);
    each cue kind words its own (``cuecast.kinds``)."""
    cue = info.cue
    segment = info.segment
    if cue is None:
        if segment.slide_id == TITLE_SLIDE_ID:
            return f"SHOW ON SLIDES: title — {lesson.title}"
        if segment.slide_id == OUTRO_SLIDE_ID:
            return "SHOW ON SLIDES: outro"
        title = info.section.title if info.section else segment.section_id
        return f"SHOW ON SLIDES: {title}"
    return kind_of(cue).instruction(cue)


#: Frame rates SMPTE timecode (an EDL, FCP 7 XML) can count in.
SMPTE_RATES = (24, 25, 30, 50, 60)


def smpte_rate(fps: float) -> int:
    """``fps`` when SMPTE timecode can count in it, else the nearest rate
    that can (a 10 fps preview build is counted at 24 fps)."""
    return min(SMPTE_RATES, key=lambda rate: (abs(rate - fps), rate))


def at_smpte_rate(otio_timeline):
    """``(timeline, fps, rate)``: the OTIO timeline itself when its rate is
    one SMPTE timecode counts in, else a copy with every range rescaled to
    the nearest such ``rate``: each cut is rounded to the nearest frame where
    it falls, so cuts move by at most half a frame and never drift."""
    import opentimelineio as otio

    start = otio_timeline.global_start_time
    fps = start.rate if start is not None else FPS
    rate = smpte_rate(fps)
    if rate == fps:
        return otio_timeline, fps, rate

    copy = otio_timeline.deepcopy()
    copy.global_start_time = otio.opentime.RationalTime(0, rate)

    def frames(t) -> int:
        return round(t.value * rate / t.rate)

    for track in copy.tracks:
        at = 0.0  # where the item starts on the track, at the timeline's own rate
        for item in track:
            if item.source_range is None:
                continue
            length = item.source_range.duration
            # Each cut is rounded where it falls on the track, so rounding never adds up.
            start_frame = frames(otio.opentime.RationalTime(at, length.rate))
            at += length.value
            end_frame = max(start_frame + 1, frames(otio.opentime.RationalTime(at, length.rate)))
            item.source_range = otio.opentime.TimeRange(
                otio.opentime.RationalTime(frames(item.source_range.start_time), rate),
                otio.opentime.RationalTime(end_frame - start_frame, rate))
            reference = getattr(item, "media_reference", None)
            if reference is not None and reference.available_range is not None:
                available = reference.available_range
                reference.available_range = otio.opentime.TimeRange(
                    otio.opentime.RationalTime(frames(available.start_time), rate),
                    otio.opentime.RationalTime(max(frames(available.duration), end_frame - start_frame), rate))
            for marker in getattr(item, "markers", ()):
                marked = marker.marked_range
                marker.marked_range = otio.opentime.TimeRange(
                    otio.opentime.RationalTime(frames(marked.start_time), rate),
                    otio.opentime.RationalTime(frames(marked.duration), rate))
    return copy, fps, rate
