"""A project a kind's script checks can be run in: a snippet and a picture."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image


@pytest.fixture
def kind_project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "script").mkdir(parents=True)
    (root / "snippets").mkdir()
    (root / "snippets" / "ok.py").write_text("x = 1\nprint(x)\n", encoding="utf-8")
    (root / "pics").mkdir()
    Image.new("RGB", (4, 3), "white").save(root / "pics" / "a.png")
    return root
