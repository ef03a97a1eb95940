"""Captions and chapters: SRT read back with ``srt``, WebVTT with
``webvtt-py``, at the planned times; how narration is cut into caption groups."""

from __future__ import annotations

import pytest
import srt
import webvtt

from cuecast.export import write_timeline_outputs
from cuecast.export.captions import MAX_LINE, build_captions
from cuecast.model import VoiceClip, Word
from cuecast.plan import plan_timeline
from tests.support.timeline_outputs import LONG_SAY, vtt_seconds
from tests.test_plan import make_captures, make_lesson, silent_clips


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


def test_word_timed_captions_cut_between_words_and_tag_each_word_in_its_cue(tmp_path):
    """A voice that times its words: each cue starts as its first word is
    said, and every later word carries a WebVTT timestamp tag that rises and
    stays inside the cue (the webvtt-py reader still reads the words)."""
    import re

    lesson = make_lesson(tmp_path)
    clips = silent_clips(lesson)
    tokens = LONG_SAY.split()
    step = 9.0 / len(tokens)
    words = tuple(Word(t, round(0.1 + i * step, 3), round(0.1 + i * step + step * 0.8, 3)) for i, t in enumerate(tokens))
    clips["casting-1"] = VoiceClip("casting-1", LONG_SAY, None, 9.2, words=words)
    timeline = plan_timeline(lesson, clips, make_captures(), voice="piper")
    paths = write_timeline_outputs(timeline, lesson, tmp_path / "build")
    said = next(n for n in timeline.narration if n.beat_id == "casting-1")
    assert [(w.text, w.start) for w in said.words] == [(w.text, pytest.approx(said.start + w.start)) for w in words]
    text = paths["captions.vtt"].read_text()
    stamp = r"(\d\d):(\d\d):(\d\d)\.(\d{3})"
    seconds = lambda m: int(m[0]) * 3600 + int(m[1]) * 60 + int(m[2]) + int(m[3]) / 1000  # noqa: E731
    cues = re.findall(rf"^(casting-1\.\d+)\n{stamp} --> {stamp}\n((?:.+\n)+)", text, flags=re.M)
    assert len(cues) > 1
    tagged = []
    for ident, *times, payload in cues:
        start, end = seconds(times[:4]), seconds(times[4:])
        tags = [seconds(t) for t in re.findall(rf"<{stamp}>", payload)]
        assert len(tags) == len(payload.split()) - 1  # every word but the first
        assert tags == sorted(tags) and all(start < t < end for t in tags)
        # the first cue shows as the clip starts; each later one as its first word is said
        assert start == pytest.approx(said.words[len(tagged)].start if tagged else said.start, abs=1e-3)
        tagged.extend(re.sub(r"<[^>]*>", "", payload).split())
    assert tagged == tokens
    vtt = [c for c in webvtt.read(str(paths["captions.vtt"])) if c.identifier.startswith("casting-1")]
    assert " ".join(c.text.replace("\n", " ") for c in vtt) == LONG_SAY
