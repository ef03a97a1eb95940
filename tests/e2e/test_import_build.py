"""End to end: ``render import`` each tutorial fixture into a fresh project,
then ``render check`` the lesson it wrote, through the real command line.

This proves the import's promise: what it writes is a lesson whose every
cue runs (the cell files need the runner's cell support).
"""

from __future__ import annotations

import shutil

import pytest
from tests.support import paths
from tests.support.cli import run_render

pytestmark = pytest.mark.slow

FIXTURES = paths.FIXTURES / "import"

CASES = [
    ("tensors_gallery.py", "tensors_gallery"),
    ("autograd.ipynb", "autograd"),
    ("nn_percent.py", "nn_percent"),
    ("broadcasting.qmd", "broadcasting"),
    ("indexing_myst.md", "indexing_myst"),
    ("tensors_video.script.md", "tensors_video"),
]


@pytest.mark.parametrize("name,lesson_id", CASES, ids=[name for name, _ in CASES])
def test_an_imported_tutorial_passes_render_check(tmp_path, name, lesson_id):
    if name.endswith(".script.md"):  # a video script names snippets the author wrote
        shutil.copytree(FIXTURES / "snippets", tmp_path / "snippets")
    imported = run_render("import", str(FIXTURES / name), cwd=tmp_path, timeout=60)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert (tmp_path / "script" / f"{lesson_id}.yaml").is_file()
    checked = run_render("check", f"script/{lesson_id}.yaml", "--device", "cpu", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_tutorial_inside_the_project_keeps_its_image(tmp_path):
    shutil.copytree(FIXTURES, tmp_path / "tutorials", ignore=shutil.ignore_patterns("snippets"))
    imported = run_render("import", "tutorials/tensors_gallery.py", cwd=tmp_path, timeout=60)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "image: tutorials/images/tensor.png" in (tmp_path / "script" / "tensors_gallery.yaml").read_text()
    checked = run_render("check", "script/tensors_gallery.yaml", "--device", "cpu", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
