"""``importers.gallery``: a sphinx-gallery example → blocks."""

from __future__ import annotations

from cuecast.importers.blocks import Code, Heading, Prose, Text
from cuecast.importers.gallery import is_gallery, read_gallery

SPLITTER = "#" * 70

EXAMPLE = f'''"""
Title
=====

Intro.
"""
# sphinx_gallery_thumbnail_number = 2
import torch

{SPLITTER}
# Part
# ----
#
# Text.

# just a comment
x = 1
# %% Named
y = 2
'''


def test_text_blocks_code_blocks_and_titled_splitters():
    """Configuration lines are dropped, a comments-only block joins the code
    after it, and a ``# %% Title`` splitter names the code it starts."""
    assert read_gallery(EXAMPLE, "g.py").blocks == [
        Heading(1, Text("Title", "Title"), 2),
        Prose(Text("Intro.", "Intro."), 5),
        Code("import torch", (8,)),
        Heading(2, Text("Part", "Part"), 11),
        Prose(Text("Text.", "Text."), 14),
        Code("# just a comment\nx = 1", (16, 17)),
        Code("y = 2", (19,), title="Named"),
    ]


def test_comments_before_a_heading_stay_where_they_were_written():
    text = f'"""\nT\n===\n"""\nimport torch\n{SPLITTER}\n\n# a note\n{SPLITTER}\n# Next\n# ----\nx = 1\n'
    blocks = read_gallery(text, "g.py").blocks
    assert [type(b).__name__ for b in blocks] == ["Heading", "Code", "Code", "Heading", "Code"]
    assert blocks[2] == Code("# a note", (8,))
    assert blocks[4] == Code("x = 1", (12,))


def test_is_gallery_tells_a_gallery_script_from_a_percent_one():
    assert is_gallery(EXAMPLE)
    assert is_gallery(f"x = 1\n{SPLITTER}\n# text\n")  # a splitter alone is enough
    assert not is_gallery('"""Intro."""\n# %% [markdown]\n# Text\n')
    assert not is_gallery("# %%\nx = 1\n")
    assert is_gallery('# coding: utf-8\n"""\n.. _target:\n\nTitle\n-----\n"""\n')  # a reST target line is skipped
