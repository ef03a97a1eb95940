"""cuecast's own PNG drawer: runs of one line never run into each other."""

from __future__ import annotations

import numpy as np

from cuecast.deck.boxes import Paragraph, Run, SlideLayout, TextBox, inches
from cuecast.deck.measure import line_height
from cuecast.deck.raster import draw_slide
from cuecast.deck.theme import load_theme


def test_inline_code_keeps_its_space_from_the_word_before_at_sub_bullet_size():
    theme = load_theme(None)
    size = 12.3  # a sub-bullet's size after shrinking: 24.6 px, drawn with a 25 px font
    words = Run("Call it to fill every leaf's gradient on the tensors like ", "sans", size, False, "#000000")
    code = Run("backward()", "mono", size * 0.92, False, "#FF0000")
    box = TextBox("bullets", inches(0.5), inches(1), inches(12), inches(1),
                  (Paragraph((words, code), size, line_height(size)),))
    image = np.asarray(draw_slide(SlideLayout("s", "s", "", (box,)), theme)).astype(int)
    black = (image.sum(axis=2) < 200).any(axis=0)
    red = ((image[:, :, 0] > 150) & (image[:, :, 1] < 100)).any(axis=0)
    last_black, first_red = np.flatnonzero(black).max(), np.flatnonzero(red).min()
    assert first_red - last_black >= 0.25 * size * 2  # most of a space's width, at 2 px a point
