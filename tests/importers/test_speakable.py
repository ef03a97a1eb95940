"""Prose made speakable: inline markup → (slide text, narration), sentence
splitting, narrator labels (maths alone: tests/test_math_text.py)."""

from __future__ import annotations

import pytest

from cuecast.importers.blocks import Heading, Items, Listing, Picture, Prose, Text, Todo
from cuecast.importers.markdown import parse_markdown
from cuecast.importers.rst import parse_rst
from cuecast.importers.speakable import jinja_safe, md_inline, rst_inline, sentences, strip_label
from cuecast.speech import speech


@pytest.mark.parametrize("source,slide,say", [
    ("A :class:`torch.Tensor` is an array.", "A `torch.Tensor` is an array.", "A torch.Tensor is an array."),
    ("Use :func:`~torch.nn.functional.relu`.", "Use `relu`.", "Use relu."),
    ("See :doc:`the guide <guides/start>`.", "See the guide.", "See the guide."),
    ("See `NumPy <https://numpy.org>`_ and `this`__.", "See NumPy and this.", "See NumPy and this."),
    ("Call ``x.view(-1)`` on **every** *tensor*.", "Call `x.view(-1)` on every tensor.",
     "Call x.view(-1) on every tensor."),
    ("Area :math:`\\pi r^2`.", "Area πr².", "Area pi r squared."),
    ("Footnote here [#]_ and |version|.", "Footnote here and version.", "Footnote here and version."),
    ("Shared memory (see :ref:`bridge-to-np-label`). Next", "Shared memory. Next", "Shared memory. Next"),
    ("Use ``d_k**0.5``.", "Use `d_k**0.5`.", "Use d_k to the power 0.5."),
    ("Visit https://pytorch.org/docs for more.", "Visit https://pytorch.org/docs for more.",
     "Visit pytorch.org for more."),
])
def test_rst_inline(source, slide, say):
    text = rst_inline(source)
    assert (text.slide, speech(text.say)) == (slide, say)


@pytest.mark.parametrize("source,slide,say", [
    ("A [NumPy array](https://numpy.org) and `x.shape`.", "A NumPy array and `x.shape`.", "A NumPy array and x.shape."),
    ("**Bold**, _em_ and snake_case_name stay.", "Bold, em and snake_case_name stay.",
     "Bold, em and snake_case_name stay."),
    ("The loss $L = (y - \\hat{y})^2$ costs $5 or $6.", "The loss L = (y - ŷ)² costs $5 or $6.",
     "The loss L equals y minus y hat squared costs $5 or $6."),
    ("{class}`torch.nn.Module` and <https://a.org/x>.", "`torch.nn.Module` and https://a.org/x.",
     "torch.nn.Module and a.org."),
    ("VO: Now we train.", "Now we train.", "Now we train."),
    # a label that is a path is shown as written and said by the file's name
    ("See the [./multihead-attention.ipynb](./multihead-attention.ipynb) notebook.",
     "See the ./multihead-attention.ipynb notebook.", "See the multihead attention notebook."),
    ("Use the `.view` method.", "Use the `.view` method.", "Use the .view method."),
    ("Query: $q^{(i)} = x^{(i)}\\,W_q $ here.", "Query: q⁽ⁱ⁾ = x⁽ⁱ⁾Wq here.", "Query: q i equals x i W q here."),
    ("Line<br>break and <b>tags</b>.", "Line break and tags.", "Line break and tags."),
])
def test_md_inline(source, slide, say):
    text = md_inline(source)
    assert (text.slide, speech(text.say)) == (slide, say)


@pytest.mark.parametrize("read,source,say", [
    (rst_inline, "By maths, :math:`P_3'(x)=\\frac{3}{2}x`, with ``x.view(-1)``.",
     "By maths, $P_3'(x)=\\frac{3}{2}x$, with `x.view(-1)`."),
    (rst_inline, "See :class:`torch.Tensor` and `the docs <https://pytorch.org/docs>`_.",
     "See `torch.Tensor` and the docs."),
    (md_inline, "The **sum** $\\overbrace{a}^\\text{$z$}$ of [x](https://a.org) and `y`.",
     "The sum \\(\\overbrace{a}^\\text{$z$}\\) of x and `y`."),
])
def test_the_said_rendering_is_the_lessons_own_markup(read, source, say):
    """``say:`` keeps maths as TeX and code in backticks, so the build reads it
    with the one normaliser and shows it under a cue's title as symbols."""
    assert read(source).say == say


def test_sentences_do_not_split_at_abbreviations_or_code():
    assert sentences("We use e.g. `torch.nn.Linear`. Then we train. 3 epochs! Done") == [
        "We use e.g. `torch.nn.Linear`.", "Then we train.", "3 epochs!", "Done"]


@pytest.mark.parametrize("line", ["VO: Hi.", "Narrator: Hi.", "**VO:** Hi.", "**Narrator**: Hi.", "V.O.: Hi."])
def test_narrator_labels(line):
    assert strip_label(line) == "Hi."
    assert strip_label("VOLTAGE: high") == "VOLTAGE: high"


def test_template_marks_in_text_are_kept_literal():
    assert jinja_safe("plain") == "plain"
    assert jinja_safe("a dict {{'a': 1}}") == "{% raw %}a dict {{'a': 1}}{% endraw %}"


def lines(text: str):
    return list(enumerate(text.splitlines(), start=1))


def test_rst_blocks():
    blocks = parse_rst(lines(
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


def test_markdown_blocks():
    blocks = parse_markdown(lines(
        "# T\n\nText with ![alt](a.png) inside.\n\n1. one\n2. two\n   - nested\n\n- other list\n\n"
        "> [!TIP]\n> Be brief.\n\n```bash\nls\n```\n\n| a | b |\n|---|---|\n\n$$\nE = mc^2\n$$\n"))
    assert blocks[:2] == [Heading(1, Text("T", "T"), 1), Prose(Text("Text with inside.", "Text with inside."), 3)]
    assert blocks[2] == Picture("a.png", 3, "alt")
    assert [(i.text.slide, [p.slide for p in i.points]) for i in blocks[3].items] == [("one", []), ("two", ["nested"])]
    assert [i.text.slide for i in blocks[4].items] == ["other list"]
    assert blocks[5:] == [
        Prose(Text("Tip: Be brief.", "Tip: Be brief."), 12),
        Listing("ls", (15,), "bash"),
        Todo("a table was left out; say what it shows, or make it an image", 18),
        Prose(Text("E = mc²", "$E = mc^2$"), 21, display_math=True),
    ]
