"""``importers.source``: a file that cannot be a tutorial is refused by name
before any reader sees it."""

from __future__ import annotations

import pytest

from cuecast.errors import ScriptError
from cuecast.importers.source import MAX_TEXT_BYTES, read_source


def refusal(path, shown="shown/t.md") -> tuple[str, str, str]:
    with pytest.raises(ScriptError) as caught:
        read_source(path, shown)
    [problem] = caught.value.diagnostics
    return str(problem.location), problem.message, problem.hint


def test_the_text_comes_back_without_its_byte_order_mark(tmp_path):
    path = tmp_path / "t.md"
    path.write_bytes("\ufeff# Title\n\nText é.\n".encode())
    assert read_source(path, "t.md") == "# Title\n\nText é.\n"


@pytest.mark.parametrize("data, message", [
    (b"\x89PNG\r\n\x1a\nrest", "is a PNG image, not a tutorial"),
    (b"PK\x03\x04rest", "is a zip archive (a .docx, .pptx or .zip?), not a tutorial"),
    (b"text\x00more", "is a binary file, not a tutorial (it holds NUL bytes)"),
    (b"  \n\n", "is empty: there is nothing to import"),
])
@pytest.mark.parametrize("suffix", [".md", ".ipynb"])
def test_binary_and_empty_files_are_refused(tmp_path, data, message, suffix):
    path = tmp_path / f"t{suffix}"
    path.write_bytes(data)
    assert refusal(path)[:2] == ("shown/t.md", message)


def test_bytes_that_are_not_utf8_are_located(tmp_path):
    path = tmp_path / "t.md"
    path.write_bytes(b"# Title\n\ncaf\xe9\n")
    where, message, hint = refusal(path)
    assert where.startswith("shown/t.md:3:") and message.startswith("is not UTF-8 text")
    assert hint == "save it as UTF-8, or check that this is the right file"


def test_a_folder_a_missing_file_and_an_oversized_one(tmp_path):
    assert refusal(tmp_path)[1] == "is a folder; give the tutorial file to import"
    assert refusal(tmp_path / "nope.md")[1] == "no such file"
    big = tmp_path / "big.md"
    big.write_bytes(b"x" * (MAX_TEXT_BYTES + 1))
    assert refusal(big)[1] == "is 2.0 MB; files over 2 MB are refused"
    notebook = tmp_path / "big.ipynb"  # a notebook may carry its outputs, so the bound is wider
    notebook.write_bytes(b'{"cells": []}' + b" " * MAX_TEXT_BYTES)
    assert read_source(notebook, "big.ipynb").startswith('{"cells"')
