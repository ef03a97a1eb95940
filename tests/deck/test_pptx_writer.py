"""The pptx writer tells a renderer where to wrap: a wrapped paragraph's
right margin leaves a width at which the measured lines, and no longer
ones, fit."""

from __future__ import annotations

from cuecast.deck.boxes import EMU_PER_PT, Paragraph, Run, inches
from cuecast.deck.measure import Measurer, line_height
from cuecast.deck.pptx_writer import wrap_margin
from cuecast.deck.theme import load_theme


def test_the_margin_leaves_room_for_every_measured_line_and_not_for_one_more_word():
    measurer = Measurer(load_theme(None))
    width = inches(5.92)
    # "Attention weights come from" is 0.01% wider than the measurer's limit in this column: the next
    # word must still wrap in a renderer that sets DejaVu a little narrower than Pillow does.
    text = "Attention weights come from dot products, which the softmax normalises into weights"
    paragraph = Paragraph((Run(text, "sans", 26),), 26, line_height(26), bullet="•", indent=inches(0.45))
    lines = measurer.paragraph_lines(paragraph, width / EMU_PER_PT)
    assert len(lines) > 1
    room = (width - paragraph.indent - wrap_margin(paragraph, width, measurer)) / EMU_PER_PT
    for line, following in zip(lines, lines[1:]):
        assert measurer.line_width(line) * 1.005 < room  # every line fits, with room for a renderer's widths
        longer = (*line, Run(following[0].text.split()[0], "sans", 26))
        assert measurer.line_width(longer) * 0.995 > room  # the next word does not
    one_line = Paragraph((Run("Short", "sans", 26),), 26, line_height(26))
    assert wrap_margin(one_line, width, measurer) == 0
