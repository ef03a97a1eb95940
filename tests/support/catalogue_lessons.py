"""A small catalogue for the tests of building many lessons: three lessons
with a bullet, a snippet of their own, a cell of a file they all share, and
a snippet that raises as its cue expects."""

from __future__ import annotations

from pathlib import Path

LESSON = """\
lesson: Catalogue lesson {n}
id: lesson-{n}
voice: none
sections:
  - title: Tensors {n}
    beats:
      - bullet: Tensors have a shape
      - show: vscode
        snippet: snippets/make_{n}.py
        say: Making a tensor.
      - show: vscode
        snippet: snippets/cells.py
        cell: 2
        say: The second cell.
  - title: Errors
    beats:
      - show: vscode
        snippet: snippets/wrong_{n}.py
        expect_error: true
        say: Shapes that do not match.
"""

CELLS = """\
# %%
import torch
x = torch.arange(6.0)
print(x)
# %%
print(x.reshape(2, 3).sum(dim=0))
"""


def make_catalogue(root: Path, lessons: int = 3) -> Path:
    """A project of ``lessons`` lessons whose snippets all differ but one
    cell file, which every lesson shows (it runs once)."""
    (root / "script").mkdir(parents=True)
    (root / "snippets").mkdir()
    (root / "snippets" / "cells.py").write_text(CELLS)
    for n in range(1, lessons + 1):
        (root / "script" / f"lesson-{n}.yaml").write_text(LESSON.format(n=n))
        (root / "snippets" / f"make_{n}.py").write_text(
            f"import torch\ntorch.manual_seed({n})\nprint(torch.rand(2, {n}).round(decimals=3))\n")
        (root / "snippets" / f"wrong_{n}.py").write_text(
            f"import torch\ntorch.ones({n}, 2) @ torch.ones(3, {n})\n")
    return root


def outputs(project: Path) -> dict[str, bytes]:
    """Every file a build wrote for its lessons, by path: not the caches, and
    not ``.build.json``, the record of what was built (its fingerprints
    include the outputs' modification times)."""
    found = {}
    for path in sorted((project / "build").rglob("*")):
        rel = path.relative_to(project / "build").as_posix()
        if (path.is_file() and not rel.startswith(".") and "/.video-cache/" not in rel
                and not rel.endswith("/.build.json")):
            found[rel] = path.read_bytes()
    return found
