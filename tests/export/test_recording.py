"""``narration.csv``: the recording list names every take ``recorded:DIR`` looks for."""

from __future__ import annotations

import csv

import pytest

from tests.support.timeline_outputs import LONG_SAY


def test_recording_list_names_every_take_recorded_dir_looks_for(written_timeline, tmp_path):
    """narration.csv is the checklist for recording in one's own voice: its
    files, made and put in a folder, are exactly what recorded:DIR reads."""
    from cuecast.narrate import get_voice, narrate_lesson
    from cuecast.narrate.base import write_wav

    lesson, timeline, _, paths = written_timeline
    rows = list(csv.DictReader(paths["narration.csv"].open()))
    assert [r["beat_id"] for r in rows] == [n.beat_id for n in sorted(timeline.narration, key=lambda n: n.start)]
    casting = next(r for r in rows if r["beat_id"] == "casting-1")
    assert (casting["file"], casting["section_title"], casting["text"]) == ("casting-1.wav", "Casting", LONG_SAY)
    assert float(casting["seconds"]) == pytest.approx(4.0, abs=0.01)  # the take's real length
    takes = tmp_path / "takes"
    takes.mkdir()
    for row in rows:
        write_wav(takes / row["file"], b"\x10\x00" * 2205, 22050)
    clips = narrate_lesson(lesson, get_voice(f"recorded:{takes}"), tmp_path / "cache")
    assert sorted(clips) == sorted(r["beat_id"] for r in rows)
