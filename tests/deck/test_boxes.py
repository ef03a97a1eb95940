"""The deck's plain data: EMU from inches and points, a box moved as a whole,
a text box's text as python-pptx reads it back, slides found by id."""

from __future__ import annotations

import pytest

from cuecast.deck.boxes import (EMU_PER_INCH, EMU_PER_PT, Connector, Deck, ImageBox, Paragraph, Rect, Run,
                                SlideLayout, TextBox, inches, moved, pt_to_emu)


def para(text: str, continues: bool = False) -> Paragraph:
    return Paragraph((Run(text[:2]), Run(text[2:])), 18.0, 22.0, continues=continues)


def test_units_round_to_whole_emu():
    assert inches(1) == EMU_PER_INCH and inches(0.5) == 457_200 and inches(1 / 3) == 304_800
    assert pt_to_emu(1) == EMU_PER_PT and pt_to_emu(0.5) == 6_350 and pt_to_emu(1e-5) == 0
    assert inches(13.333) == round(13.333 * EMU_PER_INCH)


def test_a_moved_box_keeps_its_size_and_a_connector_moves_both_ends():
    rect = Rect("r", 10, 20, 30, 40, fill="#FFFFFF")
    assert moved(rect, 5, -5) == Rect("r", 15, 15, 30, 40, fill="#FFFFFF")
    image = moved(ImageBox("i", 0, 0, 7, 8, "a.png"), 1, 2)
    assert (image.x, image.y, image.w, image.h) == (1, 2, 7, 8)
    arrow = moved(Connector("e", "a", "b", 0, 10, 20, 30), 100, 200)
    assert (arrow.x1, arrow.y1, arrow.x2, arrow.y2) == (100, 210, 120, 230) and (arrow.start, arrow.end) == ("a", "b")


def test_a_text_box_reads_as_pptx_writes_it():
    box = TextBox("t", 0, 0, 10, 10, (para("first"), para("second"), para("wrapped", continues=True)))
    assert box.text == "first\nsecond\vwrapped"
    assert box.paragraphs[0].text == "first"
    assert TextBox("t", 0, 0, 1, 1, ()).text == ""


def test_a_slide_is_found_by_its_id_and_beat_ids_do_not_change_it():
    plain = SlideLayout("cue:a-1", "A", "", ())
    with_beats = SlideLayout("cue:a-1", "A", "", (), beat_ids=("a-1", "a-2"))
    assert plain == with_beats and repr(plain) == repr(with_beats)  # a slide's image digest is its repr
    deck = Deck(100, 50, (SlideLayout("title", "T", "", ()), with_beats))
    assert deck.slide("cue:a-1") is with_beats
    with pytest.raises(KeyError):
        deck.slide("cue:missing")
