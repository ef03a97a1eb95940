"""The cue sheet, ``cues.csv`` and ``cues.json``, read back with csv and json."""

from __future__ import annotations

import csv
import json

import pytest

from cuecast.export.common import timecode
from tests.support.timeline_outputs import FPS, LONG_SAY


def test_cue_sheet_csv_and_json(written_timeline):
    _, timeline, _, paths = written_timeline
    rows = list(csv.DictReader(paths["cues.csv"].open()))
    document = json.loads(paths["cues.json"].read_text())
    assert len(rows) == len(document["cues"]) == len(timeline.segments)
    assert document["duration"] == pytest.approx(timeline.duration, abs=1e-3)
    assert document["voice"]["engine"] == document["voice"]["spec"] == "espeak"
    assert [c["beat_id"] for c in document["clips"]] == [n.beat_id for n in timeline.narration]
    row = next(r for r in rows if r["cue_id"] == "casting-1")
    segment = next(s for s in timeline.segments if s.cue_id == "casting-1")
    assert row["kind"] == "vscode" and row["section"] == "casting" and row["section_title"] == "Casting"
    assert float(row["start"]) == pytest.approx(segment.start, abs=1e-3)
    assert float(row["duration"]) == pytest.approx(segment.duration, abs=1e-3)
    assert row["start_tc"] == timecode(segment.start, FPS)
    assert row["show"] == "SHOW IN VS CODE: snippets/casting.py"
    assert row["narration"] == LONG_SAY
    browser = next(r for r in document["cues"] if r["kind"] == "browser")
    assert browser["url"] == "https://pytorch.org/docs/stable/nn.html"
    assert [r["kind"] for r in rows][:3] == ["title", "section", "section"]
