"""Fitting text to its box: the largest size whose measured text fits, down
to a readable minimum, and only then a cut at a word with a visible "…"."""

from __future__ import annotations

import pytest

from cuecast.deck.boxes import EMU_PER_PT, Paragraph, Run, inches
from cuecast.deck.fit import ellipsize, fits, inner_size, shrink_to_fit
from cuecast.deck.measure import Measurer, line_height
from cuecast.deck.theme import load_theme

WORDS = "Gradients flow backwards through every operation the tape recorded, from the loss to the leaves"


@pytest.fixture(scope="module")
def measurer():
    return Measurer(load_theme(None))


def paragraphs(text: str, size: float) -> list[Paragraph]:
    return [Paragraph((Run(text, "sans", size, False, "#112233"),), size, line_height(size))]


def test_the_text_area_is_the_box_less_its_insets():
    assert inner_size(inches(2), inches(1), (inches(0.25), 0, inches(0.25), inches(0.5))) == (108.0, 36.0)
    assert inner_size(127_000, 254_000, (0, 0, 0, 0)) == (127_000 / EMU_PER_PT, 254_000 / EMU_PER_PT)


def test_the_largest_size_that_fits_is_chosen(measurer):
    made, size, fitted = shrink_to_fit(lambda s: paragraphs(WORDS, s), measurer, 300, 80, 40, 10)
    assert fitted and 10 < size < 40
    assert fits(measurer, made, 300, 80) and made[0].size == size
    assert not fits(measurer, paragraphs(WORDS, size + 1), 300, 80)  # one point larger would not


def test_text_that_never_fits_comes_back_at_the_smallest_size(measurer):
    made, size, fitted = shrink_to_fit(lambda s: paragraphs(WORDS * 20, s), measurer, 100, 20, 30, 12)
    assert (size, fitted) == (12, False) and made[0].size == 12


def test_unwrapped_text_must_fit_its_width_on_one_line(measurer):
    line = paragraphs("x = torch.ones(3, requires_grad=True)", 14)
    width = measurer.widest(line)
    assert fits(measurer, line, width / 0.95, 100, wrap=False)
    assert not fits(measurer, line, width * 0.9, 100, wrap=False)
    assert fits(measurer, line, width * 0.9, 100, wrap=True)  # wrapped, it takes two lines instead


def test_a_long_paragraph_is_cut_at_a_word_with_an_ellipsis(measurer):
    (paragraph,) = paragraphs(WORDS, 18)
    cut = ellipsize(measurer, paragraph, 200, 2)
    assert len(measurer.paragraph_lines(cut, 200)) <= 2 < len(measurer.paragraph_lines(paragraph, 200))
    assert cut.text.endswith(" …") and WORDS.startswith(cut.text[:-2])
    assert WORDS[len(cut.text) - 2] in " ,"  # cut between words
    assert (cut.runs[0].font, cut.runs[0].size, cut.runs[0].color) == ("sans", 18, "#112233")
    assert ellipsize(measurer, paragraph, 5000, 2) is paragraph  # what fits is left alone
