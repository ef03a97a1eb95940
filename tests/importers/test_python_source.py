"""``importers.python_source``: what the two ``.py`` readers share."""

from __future__ import annotations

import pytest

from cuecast.errors import ScriptError
from cuecast.importers.python_source import docstring_lines, first_statement_line, looks_like_rst, parse_python
from tests.support.numbered import numbered


def test_docstring_lines_keep_their_file_lines_without_quotes_or_indentation():
    text = '#!/usr/bin/env python\nr"""Title\n    =====\n\n      Indented more.\n    """\nx = 1\n'
    lines, last = docstring_lines(parse_python(text, "t.py"), text)
    assert lines == [(2, "Title"), (3, "====="), (4, ""), (5, "  Indented more."), (6, "")]
    assert last == 6


def test_a_one_line_docstring_in_single_quotes():
    text = "'''One line.'''\nx = 1\n"
    assert docstring_lines(parse_python(text, "t.py"), text) == ([(1, "One line.")], 1)


def test_no_docstring_gives_nothing():
    text = "x = 1\n'''not a docstring'''\n"
    assert docstring_lines(parse_python(text, "t.py"), text) == ([], 0)


def test_first_statement_after_a_line():
    tree = parse_python('"""Doc."""\n\nimport torch\nx = 1\n', "t.py")
    assert first_statement_line(tree, 1) == 3
    assert first_statement_line(tree, 3) == 4
    assert first_statement_line(tree, 4) is None


@pytest.mark.parametrize("text, rst", [
    ("Title\n=====\n\nText.", True),
    ("Text with :func:`torch.ones`.", True),
    (".. note::\n   Careful.", True),
    ("# Title\n\nText with `code` and **bold**.", False),
    ("# Heading\n---\n", False),  # a Markdown heading over a rule is not an underlined title
])
def test_looks_like_rst(text, rst):
    assert looks_like_rst(numbered(text)) is rst


@pytest.mark.parametrize("text, line, message", [
    ("x = 1\ny = (\n", 2, "not valid Python: '(' was never closed"),
    ("x = 1\x00\n", 1, "not valid Python: source code string cannot contain null bytes"),
])
def test_invalid_python_is_a_located_script_error(text, line, message):
    with pytest.raises(ScriptError) as caught:
        parse_python(text, "t.py")
    [problem] = caught.value.diagnostics
    assert (problem.location.path, problem.location.line, problem.message) == ("t.py", line, message)
