"""The default lesson's timeline covers every beat of the seed script, in order."""

from __future__ import annotations

import re

import pytest

from cuecast.model import Capture
from cuecast.plan import plan_timeline
from cuecast.script import load_lesson
from tests.test_plan import assert_well_formed, silent_clips
from tests.support.paths import PROJECT

SEED_CANDIDATES = (
    PROJECT / "tests" / "fixtures" / "seed" / "pytorch-intro.script.md",
    PROJECT.parent / "shared" / "seed" / "pytorch-intro.script.md",
)
SEED_CUES = {"SHOW IN VS CODE": "vscode", "SHOW ON SLIDES": "slides", "SHOW IN BROWSER": "browser"}


@pytest.fixture(scope="module")
def default_plan():
    lesson = load_lesson(PROJECT / "script" / "pytorch-intro.yaml")
    captures = {
        cue.snippet: Capture(cue.snippet, "ok", "a line of output\n" * 3, torch_version="2.13.0")
        for cue in lesson.snippet_cues()
    }
    return lesson, plan_timeline(lesson, silent_clips(lesson), captures)


def test_default_lesson_timeline_covers_every_beat_in_order(default_plan):
    lesson, timeline = default_plan
    assert_well_formed(timeline)
    beats = [beat.id for _, beat in lesson.beats()]
    assert [b for segment in timeline.segments for b in segment.beat_ids] == beats
    assert [n.beat_id for n in timeline.narration] == [b for b in beats if b in silent_clips(lesson)]
    kinds = [s.kind for s in timeline.segments]
    assert kinds.count("vscode") == 12 and kinds.count("browser") == 1
    assert sum(1 for s in timeline.segments if (s.slide_id or "").startswith("cue:")) == 1
    sections_on_screen = {s.section_id for s in timeline.segments if (s.slide_id or "").startswith("section:")}
    assert sections_on_screen == {section.id for section in lesson.walk()}


def _seed_sequence(text: str) -> list[str]:
    """Section headings and cue kinds of the Markdown seed, in document order."""
    sequence = []
    for line in text.splitlines():
        heading = re.match(r"^#{2,3}\s+(.*\S)", line)
        if heading:
            sequence.append(f"section:{heading.group(1)}")
            continue
        for marker, kind in SEED_CUES.items():
            if f"[{marker}]" in line:
                sequence.append(kind)
    return sequence


def test_default_lesson_timeline_follows_the_seed_script(default_plan):
    seed = next((path for path in SEED_CANDIDATES if path.is_file()), None)
    if seed is None:
        pytest.skip("the Markdown seed is not beside this checkout")
    lesson, timeline = default_plan
    titles = {section.id: section.title for section in lesson.walk()}
    shown = []
    for segment in timeline.segments:
        if segment.slide_id and segment.slide_id.startswith("section:"):
            entry = f"section:{titles[segment.section_id]}"
            if entry not in shown:  # a section's slide returns after a cue
                shown.append(entry)
        elif segment.cue_id:
            cue_kind = {"vscode": "vscode", "browser": "browser"}.get(segment.kind, "slides")
            shown.append(cue_kind)
    assert shown == _seed_sequence(seed.read_text(encoding="utf-8"))
