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
