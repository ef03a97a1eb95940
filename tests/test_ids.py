"""``ids``: ids that become file names stay within what a file name holds."""

from __future__ import annotations

import pytest

from cuecast.ids import MAX_ID_BYTES, MAX_ID_CHARS, MAX_SLUG_CHARS, id_problem, shown_id, slugify


def test_a_long_title_gives_a_bounded_slug_that_stays_unique_and_stable():
    first = slugify("Tensors " * 300 + "one")
    second = slugify("Tensors " * 300 + "two")
    assert len(first) <= MAX_SLUG_CHARS and len(second) <= MAX_SLUG_CHARS
    assert first != second
    assert first == slugify("Tensors " * 300 + "one")
    assert first.startswith("tensors-tensors-") and not first.split("-")[-2] == ""
    assert slugify("Short title") == "short-title"  # a slug that fits is not touched


def test_a_slug_of_wide_letters_is_bounded_in_bytes_too():
    slug = slugify("講" * 200)
    assert len(slug.encode("utf-8")) <= 120
    assert id_problem(slug) is None


@pytest.mark.parametrize("value, problem", [
    ("ok-id.1", None),
    ("b" * MAX_ID_CHARS, None),
    ("b" * (MAX_ID_CHARS + 1), "is 101 characters long; ids name files, so at most 100"),
    ("講" * 51, f"takes 153 bytes as UTF-8; ids name files, so at most {MAX_ID_BYTES} bytes"),
    ("..", "may only hold letters, digits, '-', '_' and '.' (and not start with '-' or '.')"),
    ("take-1\n", "may only hold letters, digits, '-', '_' and '.' (and not start with '-' or '.')"),
    ("a/b", "may only hold letters, digits, '-', '_' and '.' (and not start with '-' or '.')"),
])
def test_every_id_is_checked_for_what_a_file_name_can_hold(value, problem):
    assert id_problem(value) == problem


@pytest.mark.parametrize("title,slug", [
    ("grad_fn, how pytorch keeps track of operations", "grad-fn-how-pytorch-keeps-track-of-operations"),
    ("import torch.nn as nn", "import-torch-nn-as-nn"),
    ("  Data  Types!! ", "data-types"),
    ("🚀", ""),
])
def test_slugify(title, slug):
    assert slugify(title) == slug


def test_an_id_in_a_message_shows_what_does_not_print_and_is_cut_when_long():
    assert shown_id("take-1\n") == "take-1\\n"
    assert shown_id("x" * 50, limit=10) == "x" * 9 + "…"
    assert shown_id("x" * 10, limit=10) == "x" * 10
