"""Sibling "Pros of …" subsections are laid out side by side, the narrated one
in full colour, each still with its own slide."""

from __future__ import annotations


from cuecast.deck.layout import layout_deck
from cuecast.deck.theme import load_theme
from cuecast.script import load_lesson
from tests.support.paths import PROJECT

ROOT = PROJECT


def test_pros_subsections_are_compared_side_by_side():
    lesson = load_lesson(ROOT / "script" / "pytorch-intro.yaml")
    theme = load_theme(ROOT / "slides" / "theme.yaml")
    deck = layout_deck(lesson, {}, theme)
    for current, other in (("pros-nn", "pros-functional"), ("pros-functional", "pros-nn")):
        slide = deck.slide(f"section:{current}")
        columns = {box.name: box for box in slide.boxes if box.name in ("column-1", "column-2")}
        assert len(columns) == 2
        left, right = columns["column-1"], columns["column-2"]
        assert left.x + left.w < right.x  # side by side, not overlapping
        assert "You can create stateful objects" in left.text
        assert "Directly applicable" in right.text
        active = left if current == "pros-nn" else right
        muted = right if current == "pros-nn" else left
        assert {r.color for p in active.paragraphs for r in p.runs} == {theme.color("text")}
        assert {r.color for p in muted.paragraphs for r in p.runs} == {theme.color("muted")}
        assert slide.title.startswith("Pros of")


def test_a_lone_subsection_keeps_a_plain_slide():
    lesson = load_lesson(ROOT / "script" / "pytorch-intro.yaml")
    deck = layout_deck(lesson, {}, load_theme(ROOT / "slides" / "theme.yaml"))
    outro = deck.slide("section:outro")
    assert not any(box.name.startswith("column-") for box in outro.boxes)


def _long_columns_lesson():
    from cuecast.model import Beat, Lesson, Location, Section

    def bullet(section: str, n: int, text: str, *points: str) -> Beat:
        return Beat(f"{section}-{n}", Location("c.yaml", n + 1, 1), say=text, bullet=text, points=points)

    points = ("its first sub-point, long enough to take a line of its own in a column",
              "its second sub-point, just as long as the first one was before it")
    left = Section("left", "Pros of a long list", Location("c.yaml", 2, 1), level=2, beats=tuple(
        bullet("left", n, f"Reason {n}, written out at length so that the column fills quickly", *points)
        for n in range(1, 9)))
    right = Section("right", "Pros of a short list", Location("c.yaml", 20, 1), level=2,
                    beats=(bullet("right", 1, "One short reason"),))
    parent = Section("compare", "Long against short", Location("c.yaml", 1, 1), subsections=(left, right))
    return Lesson("c", "Columns", "c.yaml", ".", Location("c.yaml", 1, 1), (parent,))


def test_a_comparison_column_too_long_for_the_slide_continues_on_the_next_page_and_none_is_cut():
    from cuecast.deck import cue_pages, page_beats

    lesson = _long_columns_lesson()
    theme = load_theme(None)
    deck = layout_deck(lesson, {}, theme)
    left, right = lesson.sections[0].subsections
    for section in (left, right):
        pages = [s for s in deck.slides if s.id.startswith(f"section:{section.id}")]
        assert len(pages) >= 2 and [s.id for s in pages[1:]] == [f"section:{section.id}/{n}"
                                                                 for n in range(2, len(pages) + 1)]
        shown = [p.text for s in pages for b in s.boxes if b.name == "column-1" for p in b.paragraphs]
        assert shown == [t for b in left.beats for t in (b.bullet, *b.points)]  # every one, in order
        assert not any("…" in t for t in shown)
        assert [b.text for b in pages[-1].boxes if b.name == "title"] == [f"Long against short ({len(pages)}/{len(pages)})"]
        # the short column is on the first page only; both headings on every page
        assert [p.text for s in pages for b in s.boxes if b.name == "column-2" for p in b.paragraphs] == ["One short reason"]
        assert all({"column-1-title", "column-2-title"} <= {b.name for b in s.boxes} for s in pages)
        for slide in pages:
            for box in slide.boxes:
                assert box.y + box.h <= deck.height and box.x + box.w <= deck.width, (slide.id, box.name)
    # each page names the narrated beats it holds, so the timeline turns to it while they are said
    beats_on = page_beats(deck.slides)
    left_ids = [i for n in range(1, 10) for i in beats_on.get(f"section:left/{n}" if n > 1 else "section:left", ())]
    assert left_ids == [b.id for b in left.beats]
    assert "section:right/2" not in beats_on  # right's own beats are all on its first page
    assert cue_pages(s.id for s in deck.slides)["section:left"] >= 2


def test_a_continued_comparison_page_is_on_the_timeline_while_its_bullets_are_said():
    from cuecast.deck import cue_pages, page_beats
    from cuecast.plan import plan_timeline
    from tests.test_plan import silent_clips

    lesson = _long_columns_lesson()
    deck = layout_deck(lesson, {}, load_theme(None))
    timeline = plan_timeline(lesson, silent_clips(lesson), {}, page_counts=cue_pages(s.id for s in deck.slides),
                             page_beats=page_beats(deck.slides))
    left = [s for s in timeline.segments if s.section_id == "left"]
    assert [s.slide_id for s in left][:2] == ["section:left", "section:left/2"]
    said = {n.beat_id: n for n in timeline.narration}
    holds = page_beats(deck.slides)
    for segment in left:
        for beat_id in segment.beat_ids:
            assert beat_id in holds[segment.slide_id]
            assert segment.start - 1e-9 <= said[beat_id].start and said[beat_id].end <= segment.end + 1e-9
