"""Captions and chapters: SRT read back with ``srt``, WebVTT with
``webvtt-py``, at the planned times; how narration is cut into caption groups."""

from __future__ import annotations

import pytest
import srt
import webvtt

from cuecast.export.captions import MAX_LINE, build_captions
from tests.support.timeline_outputs import LONG_SAY, vtt_seconds


def test_srt_and_vtt_hold_all_narration_in_order_at_the_planned_times(written_timeline):
    _, timeline, _, paths = written_timeline
    subtitles = list(srt.parse(paths["captions.srt"].read_text()))
    vtt = list(webvtt.read(str(paths["captions.vtt"])))
    assert len(subtitles) == len(vtt) > len(timeline.narration)  # the long clip was split
    joined_srt = " ".join(s.content.replace("\n", " ") for s in subtitles)
    joined_vtt = " ".join(c.text.replace("\n", " ") for c in vtt)
    assert joined_srt == joined_vtt == " ".join(n.text for n in timeline.narration)
    for sub, cue in zip(subtitles, vtt):
        assert sub.start.total_seconds() == pytest.approx(vtt_seconds(cue.start_time), abs=1e-3)
        assert all(len(line) <= MAX_LINE for line in sub.content.split("\n"))
        assert len(sub.content.split("\n")) <= 2
    for before, after in zip(subtitles, subtitles[1:]):
        assert before.end <= after.start
    # each clip's captions start and end exactly when its narration does
    captions = build_captions(timeline)
    for item in timeline.narration:
        mine = [c for c in captions if c.ident == item.beat_id or c.ident.startswith(item.beat_id + ".")]
        assert mine[0].start_ms == round(item.start * 1000)
        assert mine[-1].end_ms == round(item.end * 1000)
    first = next(s for s in subtitles)
    assert first.start.total_seconds() == pytest.approx(timeline.narration[0].start, abs=1e-3)


def test_chapters_one_per_top_level_section(written_timeline):
    lesson, timeline, _, paths = written_timeline
    chapters = list(webvtt.read(str(paths["chapters.vtt"])))
    assert [c.text for c in chapters] == [s.title for s in lesson.sections]
    assert vtt_seconds(chapters[0].start_time) == 0
    assert vtt_seconds(chapters[-1].end_time) == pytest.approx(timeline.duration, abs=1e-3)
    starts = {s.section_id: s.start for s in reversed(timeline.segments)}
    for chapter, section in list(zip(chapters, lesson.sections))[1:]:
        assert vtt_seconds(chapter.start_time) == pytest.approx(starts[section.id], abs=1e-3)
    for before, after in zip(chapters, chapters[1:]):
        assert before.end_time == after.start_time


def test_caption_groups_keep_sentences_together_and_respect_limits():
    from cuecast.export.captions import caption_groups

    assert caption_groups("Tensors are n-dimensional arrays. They have a shape and a dtype.") == [
        ("Tensors are n-dimensional arrays.", "They have a shape and a dtype.")
    ]
    groups = caption_groups(LONG_SAY + " Short one.")
    assert all(1 <= len(g) <= 2 and all(len(line) <= MAX_LINE for line in g) for g in groups)
    assert " ".join(" ".join(g) for g in groups) == LONG_SAY + " Short one."
    assert caption_groups("x" * 100) == [("x" * 42, "x" * 42), ("x" * 16,)]


def test_long_sentences_are_cut_where_a_clause_ends():
    from cuecast.export.captions import caption_groups

    text = ("When a sentence runs long, as narration often does when it explains a tensor, "
            "the caption breaks after a clause; never in the middle of a short phrase.")
    groups = caption_groups(text)
    assert [g[-1][-1] for g in groups] == [",", "."]  # each cue ends where a clause or sentence ends
    assert all(len(g) <= 2 and all(len(line) <= 42 for line in g) for g in groups)
    assert " ".join(" ".join(g) for g in groups) == text
