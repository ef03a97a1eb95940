"""Prose made speakable: inline markup → (slide text, narration), sentence
splitting, narrator labels (maths alone: tests/test_math_text.py)."""

from __future__ import annotations

import pytest

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
