"""The measurer's line breaks: long URLs and paths break after a joint,
never inside a word, and the zero-width breaks are never drawn or counted."""

from __future__ import annotations

from cuecast.deck.boxes import Run
from cuecast.deck.measure import JOINT, Measurer, drawn, with_joints
from cuecast.deck.theme import load_theme

URL = "https://pytorch.org/tutorials/beginner/basics/buildmodel_tutorial.html#define-the-class"


def test_long_words_get_breaks_after_their_joints_and_short_ones_none():
    marked = with_joints(f"See {URL} for the documentation")
    assert drawn(marked) == f"See {URL} for the documentation"
    assert f"basics/{JOINT}buildmodel_{JOINT}tutorial.{JOINT}html#{JOINT}define-{JOINT}the-{JOINT}class" in marked
    assert "https://" + JOINT + "pytorch" in marked  # not between the two slashes
    assert with_joints("a self-attention mechanism, e.g. torch.nn") == "a self-attention mechanism, e.g. torch.nn"


def test_a_url_wider_than_the_line_wraps_at_a_joint_and_widths_ignore_the_breaks():
    measurer = Measurer(load_theme(None))
    run = Run(f"See {URL} for the documentation", "sans", 26)
    assert measurer.width(Run(with_joints(URL), "sans", 26)) == measurer.width(Run(URL, "sans", 26))
    for width in (300, 450, 600, 800):
        lines = ["".join(r.text for r in line) for line in measurer.wrap((run,), width)]
        assert drawn("".join(lines)) == run.text
        assert len(lines) > 1
        for line in lines[:-1]:  # each ends between words or after a joint, never inside a word
            assert line.endswith(" ") or drawn(line)[-1] in "/._-#", (width, lines)
