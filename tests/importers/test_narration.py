"""Where an imported tutorial's prose is spoken: a corpus of small
tutorial-shaped inputs, each with the narration it must give (and where)."""

from __future__ import annotations

import json
import textwrap

import pytest

from cuecast.importers import import_file
from cuecast.importers.narration import comments, cue_say, leading_comments, with_comments


def imported(tmp_path, text: str, name: str = "lesson.md") -> dict:
    source = tmp_path / name
    source.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return import_file(source, tmp_path / "project").data


def beats(data: dict, section: int = 0) -> list[dict]:
    return data["sections"][section].get("beats", [])


def test_the_paragraph_before_code_is_said_while_the_code_is_on_screen(tmp_path):
    data = imported(tmp_path, """
        # Lesson

        ## Making tensors

        Tensors hold numbers. There are many ways to make one.

        A tensor can be made from a list; its type is inferred.

        ```python
        x = [1, 2]
        ```
        """)
    assert beats(data) == [
        {"bullet": "Tensors hold numbers.", "say": "Tensors hold numbers. There are many ways to make one."},
        {"show": "vscode", "snippet": "snippets/lesson.py", "cell": "Making tensors",
         "say": "A tensor can be made from a list; its type is inferred."},
    ]


def test_a_result_paragraph_is_said_over_the_output_and_background_stays_on_the_slide(tmp_path):
    data = imported(tmp_path, """
        # Lesson

        ## Sums

        We add two numbers and print their sum:

        ```python
        print(1 + 2)
        ```

        Notice that the sum is printed on its own line.

        Sums are everywhere in deep learning.

        Here we add two more numbers.

        ```python
        print(3 + 4)
        ```

        The last paragraph of a section is about what was just printed.

        ## Next

        More words here.
        """)
    title, first, background, second = beats(data)
    assert title == {"say": "Sums."}  # the section slide is not a silent title card
    assert first["say"] == "We add two numbers and print their sum:"
    assert first["then"] == "Notice that the sum is printed on its own line."
    assert background == {"bullet": "Sums are everywhere in deep learning."}
    assert second["say"] == "Here we add two more numbers."
    assert second["then"] == "The last paragraph of a section is about what was just printed."
    assert beats(data, 1) == [{"bullet": "More words here."}]


def test_a_paragraph_between_two_code_blocks_leads_into_the_second(tmp_path):
    data = imported(tmp_path, """
        # Lesson

        ## Steps

        ```python
        # Start from one
        a = 1
        ```

        Then we double it and print the result.

        ```python
        print(a * 2)
        ```
        """)
    title, first, second = beats(data)
    assert title == {"say": "Steps."}  # the slide says its heading, the cue does not repeat it
    assert first["say"] == "Start from one." and "then" not in first
    assert second["say"] == "Then we double it and print the result."


def test_a_display_equation_stays_on_the_slide_and_the_code_says_its_comments(tmp_path):
    data = imported(tmp_path, """
        # Lesson

        ## Loss

        The loss is the mean squared error:

        $$
        L = \\frac{1}{n} \\sum_i (y_i - \\hat{y}_i)^2
        $$

        ```python
        # Compute the loss of two predictions.
        # x = torch.ones(3)
        loss = ((1 - 2) ** 2 + (3 - 3) ** 2) / 2
        print(loss)
        ```
        """)
    lead, equation, cue = beats(data)
    assert lead["bullet"] == "The loss is the mean squared error:"
    assert equation["bullet"].startswith("L = ")  # the formula stays where it is shown
    assert cue["say"] == "Loss. Compute the loss of two predictions."


def test_a_notebook_list_item_before_code_leads_into_it_and_a_result_item_follows_it(tmp_path):
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Lesson\n", "\n", "## Attention\n"]},
        {"cell_type": "markdown", "metadata": {}, "source": [
            "- Attention weighs every input\n", "- We start with the scores:\n"]},
        {"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [],
         "source": ["scores = [0.2, 0.8]\n", "print(scores)"]},
        {"cell_type": "markdown", "metadata": {}, "source": [
            "- As we can see, the scores sum to one\n", "- Weights come next\n"]},
    ]
    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}
    data = imported(tmp_path, json.dumps(notebook), name="lesson.ipynb")
    assert beats(data) == [
        {"bullet": "Attention weighs every input"},
        {"show": "vscode", "snippet": "snippets/lesson.py", "cell": "Attention", "say": "We start with the scores:",
         "then": "As we can see, the scores sum to one"},
        {"bullet": "Weights come next"},
    ]


def test_a_gallery_label_names_the_cell_and_the_cue_says_it_with_its_comments(tmp_path):
    data = imported(tmp_path, '''
        """
        Labels
        ======

        A tutorial.
        """
        import torch

        ######################################################################
        # Arithmetic
        # ----------
        #
        # **Matrix products**

        # This computes the matrix product of two tensors.
        y = torch.ones(2, 2) @ torch.ones(2, 2)
        print(y)
        ''', name="labels.py")
    (title, cue) = beats(data, 1)
    assert title == {"say": "Arithmetic."}
    assert cue["cell"] == "Matrix products"
    assert cue["say"] == "Matrix products. This computes the matrix product of two tensors."


def test_set_up_imports_stay_unshown_and_their_paragraph_stays_on_the_slide(tmp_path):
    data = imported(tmp_path, """
        # Lesson

        We use PyTorch throughout this lesson.

        ```python
        import torch
        ```

        ## Ones

        Ones everywhere, in a small tensor.

        ```python
        print(torch.ones(2))
        ```
        """)
    assert beats(data) == [{"bullet": "We use PyTorch throughout this lesson."}]
    assert beats(data, 1) == [{"say": "Ones."}, {"show": "vscode", "snippet": "snippets/lesson.py", "cell": "Ones",
                               "say": "Ones everywhere, in a small tensor."}]


def test_a_long_cell_goes_on_with_its_own_comments_while_it_is_typed():
    code = "\n".join(["class Net:", "    def __init__(self):",
                      "        # Two layers, the second one smaller.",
                      *[f"        self.layer_{n} = {n}" for n in range(30)],
                      "    def forward(self, x):",
                      "        # Apply the layers in order",
                      "        return x  # the input comes back unchanged"])
    said = with_comments("We define the network:", code)
    assert said == ("We define the network: Two layers, the second one smaller. Apply the layers in order. "
                    "The input comes back unchanged.")
    assert with_comments("A short one.", "# A comment here.\nx = 1\n") == "A short one."  # read in time
    # a lead that ends in maths ends its sentence before the comments go on
    assert with_comments("By mathematics, $P'(x)=3x^2$", code).startswith("By mathematics, $P'(x)=3x^2$. Two layers")


@pytest.mark.parametrize("code,expected", [
    ("# Move the tensor to the GPU\n# when there is one\nx = 1\n", "Move the tensor to the GPU when there is one."),
    ("#!/usr/bin/env python\n# noqa: E501\nx = 1\n", ""),
    ("# x = torch.ones(3)\nx = 1\n", ""),  # commented-out code is not said
    ("\n# Use `torch.cat` here\nx = 1\n", "Use `torch.cat` here."),  # the marks stay: the build reads them
    ("x = 1\n# not leading\n", ""),
    # a comment that opens with a name keeps its case: it is code, not a word
    ("# word_to_ix maps each word to an index\nw = {}\n", "word_to_ix maps each word to an index."),
    ("# torch.cat joins them\nx = 1\n", "torch.cat joins them."),
    ("# nHeads is the count\nx = 1\n", "nHeads is the count."),
])
def test_leading_comments(code, expected):
    assert leading_comments(code) == expected


def test_comments_are_grouped_and_strings_are_not_comments():
    code = 's = "# not a comment"\n# First line\n# goes on here\ny = 2  # trailing words here\n# New\n'
    assert comments(code) == ["First line goes on here.", "Trailing words here."]
    assert comments("def broken(:\n") == []


def test_a_cue_without_prose_says_its_title_then_its_comments():
    assert cue_say("# Sum the rows\nx.sum(0)\n", "Sums:") == "Sums. Sum the rows."
    assert cue_say("x.sum(0)\n", "Sums") == "Sums."
