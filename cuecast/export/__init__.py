"""Every timeline writer, from one ``Timeline`` (plus the lesson for cue
details) into ``build/<lesson id>/``.

``WRITERS`` is the lookup table: adding a format is one entry.  The OTIO
value is built once and shared by the OTIO, EDL and FCP XML writers.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Callable

from cuecast.defaults import FRAME_SIZE
from cuecast.model import Lesson, Timeline


class _Context:
    """What the writers share, built lazily (the OTIO value, the cue rows)."""

    def __init__(self, timeline: Timeline, lesson: Lesson, build_dir: Path, size: tuple[int, int]):
        self.timeline = timeline
        self.size = size
        self.lesson = lesson
        self.build_dir = Path(build_dir)
        self._otio = None
        self._rows = None

    @property
    def otio(self):
        if self._otio is None:
            from cuecast.export.otio_writer import build_otio

            self._otio = build_otio(self.timeline, self.lesson, self.build_dir)
        return self._otio

    @property
    def rows(self):
        if self._rows is None:
            from cuecast.export.cuesheet import cue_rows

            self._rows = cue_rows(self.timeline, self.lesson)
        return self._rows


def _otio(ctx: _Context, path: Path) -> Path:
    from cuecast.export.otio_writer import write_otio

    return write_otio(ctx.otio, path)


def _edl(ctx: _Context, path: Path) -> Path:
    from cuecast.export.edl import write_edl

    return write_edl(ctx.otio, path)


def _fcpxml(ctx: _Context, path: Path) -> Path:
    from cuecast.export.fcpxml import write_fcpxml

    return write_fcpxml(ctx.otio, path, ctx.timeline.fps, ctx.size)


def _kdenlive(ctx: _Context, path: Path) -> Path:
    from cuecast.export.kdenlive import write_kdenlive

    return write_kdenlive(ctx.timeline, ctx.lesson, ctx.build_dir, path, ctx.size)


def _srt(ctx: _Context, path: Path) -> Path:
    from cuecast.export.captions import write_srt

    return write_srt(ctx.timeline, path)


def _vtt(ctx: _Context, path: Path) -> Path:
    from cuecast.export.captions import write_vtt

    return write_vtt(ctx.timeline, path)


def _chapters(ctx: _Context, path: Path) -> Path:
    from cuecast.export.captions import write_chapters

    return write_chapters(ctx.timeline, ctx.lesson, path)


def _csv(ctx: _Context, path: Path) -> Path:
    from cuecast.export.cuesheet import write_csv

    return write_csv(ctx.rows, path)


def _json(ctx: _Context, path: Path) -> Path:
    from cuecast.export.cuesheet import write_json

    return write_json(ctx.rows, ctx.timeline, path)


def _recording(ctx: _Context, path: Path) -> Path:
    from cuecast.export.recording import write_recording_list

    return write_recording_list(ctx.timeline, ctx.lesson, path)


#: (file name in build/<lesson>/, what it is, writer)
WRITERS: tuple[tuple[str, str, Callable[[_Context, Path], Path]], ...] = (
    ("timeline.otio", "OpenTimelineIO timeline", _otio),
    ("timeline.edl", "CMX 3600 EDL (picture only)", _edl),
    ("timeline.xml", "FCP 7 XML", _fcpxml),
    ("timeline.kdenlive", "Kdenlive project (MLT XML)", _kdenlive),
    ("captions.srt", "captions (SRT)", _srt),
    ("captions.vtt", "captions (WebVTT)", _vtt),
    ("chapters.vtt", "chapters (WebVTT)", _chapters),
    ("cues.csv", "cue sheet (CSV)", _csv),
    ("cues.json", "cue sheet (JSON)", _json),
    ("narration.csv", "recording list (CSV)", _recording),
)


def output_label(key: str) -> str:
    """What an output is, for people: a stage keys its outputs by what they
    are (``video``, ``deck``) or, for the timeline's files, by file name, and
    the timeline's writers say what each file is."""
    return next((what for name, what, _ in WRITERS if name == key), key)


def write_timeline_outputs(
    timeline: Timeline, lesson: Lesson, build_dir: Path, size: tuple[int, int] = FRAME_SIZE
) -> dict[str, Path]:
    """Write every format into ``build_dir``; returns file name → path.
    ``size`` is the video's frame size, which the FCP XML sequence declares
    (an editor conforms the clips to it)."""
    ctx = _Context(timeline, lesson, build_dir, size)
    return {name: writer(ctx, Path(build_dir) / name) for name, _, writer in WRITERS}


def narrated_timeline(
    lesson: Lesson,
    captures,
    voice,
    build_dir: Path,
    cache_dir: Path,
    refresh: bool = False,
    options=None,
    on_event=None,
    page_counts=None,
    page_beats=None,
) -> Timeline:
    """Narrate every beat (cached in ``cache_dir``), plan the clock and put
    the WAVs under ``build_dir/audio``; nothing else is written.
    ``page_counts``: the deck's page count per slides cue (``deck.cue_pages``);
    ``page_beats``: the beats each section page holds (``deck.page_beats``)."""
    from cuecast.templating import render_lesson
    from cuecast.narrate import narrate_lesson
    from cuecast.plan import PlanOptions, place_audio, plan_timeline

    lesson = render_lesson(lesson, captures)  # say what the slides say: {{ torch_version }} filled in
    clips = narrate_lesson(lesson, voice, cache_dir, on_event=on_event, refresh=refresh)
    timeline = plan_timeline(lesson, clips, captures, options or PlanOptions(), voice=voice.spec,
                             page_counts=page_counts, page_beats=page_beats)
    return replace(place_audio(timeline, build_dir), voice_record=voice.record())
