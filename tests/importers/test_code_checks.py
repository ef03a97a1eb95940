"""``importers.code_checks``: code that will not pass ``render check`` offline
here is a to-do at its input line."""

from __future__ import annotations

import pytest

from cuecast.importers.blocks import Code
from cuecast.importers.code_checks import ADVICE, LONG_CELL_LINES, check_code


def block(text: str, first_line: int = 5) -> Code:
    return Code(text, tuple(range(first_line, first_line + len(text.splitlines()))))


def test_a_missing_package_is_named_once_per_file_with_its_pip_name():
    seen: set[str] = set()
    todos = check_code(block("import torch\nimport cuecast_missing_pkg.sub\nfrom skimage import io\n"), seen)
    messages = {todo.line: todo.message for todo in todos}
    assert messages[6] == ("imports 'cuecast_missing_pkg', which is not installed here "
                           "(pip install cuecast_missing_pkg, or drop it from the lesson)")
    assert 5 not in messages  # torch is installed; the standard library always is
    assert check_code(block("import cuecast_missing_pkg\nimport os, json\n", 40), seen) == []


@pytest.mark.parametrize("line, what", [
    ("data = datasets.MNIST('.', download=True)", "downloads a data set (download=True)"),
    ("model = torch.hub.load('x', 'y')", "downloads weights (torch.hub)"),
    ("r = requests.get(url)", "downloads with requests"),
    ("path = 'https://example.org/data.csv'", "reads a web address"),
])
def test_a_download_is_a_todo_at_its_line(line, what):
    [todo] = check_code(block(f"x = 1\n{line}\n"), set())
    assert (todo.line, todo.message) == (6, f"{what}: {ADVICE}")


def test_comments_and_relative_imports_are_not_checked():
    assert check_code(block("# urlopen(url)\nfrom . import sibling\nfrom __future__ import annotations\n"),
                      set()) == []


def test_a_block_past_the_bound_is_a_todo_at_its_first_line():
    long = block("x = 1\n" * (LONG_CELL_LINES + 1), 30)
    [todo] = check_code(long, set())
    assert todo.line == 30 and f"{LONG_CELL_LINES + 1} lines long" in todo.message
    assert check_code(block("x = 1\n" * LONG_CELL_LINES), set()) == []
