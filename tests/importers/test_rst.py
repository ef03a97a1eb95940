"""``importers.rst``: reStructuredText prose → blocks, each at its input line."""

from __future__ import annotations

from cuecast.importers.blocks import Heading, Items, Listing, Picture, Prose, Text, Todo
from cuecast.importers.rst import HeadingStyles, parse_rst
from tests.support.numbered import numbered


def test_rst_blocks():
    blocks = parse_rst(numbered(
        "Title\n=====\n\nIntro text.\n\nPart\n----\n\n- one\n- two\n\n  * nested\n\n"
        ".. note::\n   Careful.\n\n.. figure:: img/a.png\n   :alt: A\n\n   The caption.\n\n"
        "Code follows::\n\n    x = 1\n\n.. mystery:: arg\n\n.. _label:\n\n+---+\n| a |\n+---+\n"))
    assert blocks == [
        Heading(1, Text("Title", "Title"), 1),
        Prose(Text("Intro text.", "Intro text."), 4),
        Heading(2, Text("Part", "Part"), 6),
        Items((blocks[3].items[0], blocks[3].items[1]), 9),
        Prose(Text("Note: Careful.", "Note: Careful."), 15),
        Picture("img/a.png", 17, "A", Text("The caption.", "The caption.")),
        Prose(Text("Code follows:", "Code follows:"), 22),
        Listing("x = 1", (24,)),
        Todo("unknown directive '.. mystery::' was left out", 26),
        Todo("a table was left out; say what it shows, or make it an image", 30),
    ]
    assert [item.text.slide for item in blocks[3].items] == ["one", "two"]
    assert [p.slide for p in blocks[3].items[1].points] == ["nested"]


def test_heading_levels_follow_the_order_styles_first_appear_across_text_blocks():
    """As docutils does: one file's text blocks share one style table, so a
    '-' title in a later block is still level 2."""
    styles = HeadingStyles()
    first = parse_rst(numbered("A\n===\n\nB\n---\n"), styles)
    later = parse_rst(numbered("C\n---\n\nD\n~~~\n"), styles)
    assert [(h.level, h.title.slide) for h in first + later] == [(1, "A"), (2, "B"), (2, "C"), (3, "D")]
    assert parse_rst(numbered("C\n---\n"))[0].level == 1  # a fresh table starts again


def test_code_block_math_and_definition_lists():
    blocks = parse_rst(numbered(
        ".. code-block:: python\n\n   x = 1\n\n.. math::\n\n   a^2\n\nterm\n   definition here.\n"))
    assert blocks[:2] == [Listing("x = 1", (3,), "python"), Prose(Text("a²", "$a^2$"), 5, display_math=True)]
    assert isinstance(blocks[2], Items)
    assert [item.text.slide for item in blocks[2].items] == ["term: definition here."]
