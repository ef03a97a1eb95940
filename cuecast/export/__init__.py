"""The timeline's formats, from one ``Timeline`` (plus the lesson for cue
details) into ``build/<lesson id>/``, and the narrated timeline they are
written from.

Each format is one module of ``cuecast.outputs`` and one entry in its
table; the modules here hold what the formats are made of.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from cuecast.defaults import FRAME_SIZE
from cuecast.model import Lesson, Timeline


def write_timeline_outputs(
    timeline: Timeline, lesson: Lesson, build_dir: Path, size: tuple[int, int] = FRAME_SIZE
) -> dict[str, Path]:
    """Every format the timeline stage writes (``cuecast.outputs``), into
    ``build_dir``; returns key (the file name) → path.  ``size`` is the
    video's frame size, which the FCP XML sequence declares."""
    from cuecast.output_context import OutputContext
    from cuecast.outputs import write_outputs

    return write_outputs("timeline", OutputContext(lesson, Path(build_dir), size=size, timeline=timeline))


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
