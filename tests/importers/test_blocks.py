"""``importers.blocks``: the plain data readers produce, and the helpers that
fold a list item's body and trim code."""

from __future__ import annotations

from cuecast.importers.blocks import Item, Items, Listing, Picture, Prose, Text, Todo, fold_item, listing


def text(value: str) -> Text:
    return Text(value, value)


def test_a_list_items_body_becomes_its_text_and_points_and_the_rest_follows():
    picture = Picture("a.png", 9)
    nested = Items((Item(text("inner"), (text("deeper"),), 5), Item(text("second"), (), 6)), 5)
    item, after = fold_item(text("Head."), [Prose(text("More."), 3), nested, Prose(text("Late."), 8), picture], 2)
    assert item == Item(Text("Head. More.", "Head. More."),
                        (text("inner"), text("deeper"), text("second"), text("Late.")), 2)
    assert after == [picture]


def test_a_listing_drops_blank_lines_at_either_end_and_keeps_line_numbers():
    assert listing([(1, ""), (2, "  x = 1  "), (3, ""), (4, "y"), (5, "   ")], "py") == \
        Listing("  x = 1\n\ny", (2, 3, 4), "py")
    assert listing([(1, " "), (2, "")]) is None


def test_empty_text_is_false_and_line_numbers_default_to_zero():
    assert not Text(" ", "") and Text("", "said")
    assert Listing("x", ()).line == 0 and Todo("m", 4).line == 4
