"""A small project for the script parser's tests: a few snippets (one not
UTF-8, one a folder, one a symlink out of the project), a picture, and a
one-beat script to put the keys under test in."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

SNIPPET = """\
import math

# region main
x = 1
print(x)
# endregion
print("done")
"""

#: What a script with ``show: vscod`` is told.
UNKNOWN_KIND = "unknown cue kind 'vscod' (expected one of: vscode, slides, browser, terminal)"


@pytest.fixture
def snippet_project(tmp_path: Path) -> Path:
    """A project folder with a few snippets, a picture, a non-UTF-8 file and a
    symlink that leads out of the project."""
    root = tmp_path / "proj"
    (root / "script").mkdir(parents=True)
    (root / "snippets").mkdir()
    (root / "snippets" / "ok.py").write_text(SNIPPET, encoding="utf-8")
    (root / "snippets" / "latin1.py").write_bytes(b"# caf\xe9\nprint(1)\n")
    (root / "snippets" / "notes.txt").write_text("not code\n")
    (root / "snippets" / "folder.py").mkdir()
    (root / "pics").mkdir()
    Image.new("RGB", (4, 3), "white").save(root / "pics" / "a.png")
    (tmp_path / "outside.py").write_text("print('outside')\n")
    (root / "snippets" / "link.py").symlink_to(tmp_path / "outside.py")
    return root


def beat(*lines: str) -> str:
    """A one-section, one-beat script whose beat starts on line 5, column 9."""
    body = "      - " + lines[0] + "\n" + "".join(f"        {line}\n" for line in lines[1:])
    return "lesson: T\nsections:\n  - title: S\n    beats:\n" + body
