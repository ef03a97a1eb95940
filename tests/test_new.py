"""``render new`` scaffolds a lesson that passes ``render check`` at once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

RENDER = [sys.executable, str(Path(__file__).parents[1] / "render.py")]


def test_new_lesson_passes_check_and_refuses_to_overwrite(tmp_path):
    made = subprocess.run(RENDER + ["new", "tensors-101"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "script" / "tensors-101.yaml").is_file()
    assert (tmp_path / "snippets" / "tensors_101" / "first_tensor.py").is_file()

    checked = subprocess.run(RENDER + ["check", "script/tensors-101.yaml", "--device", "cpu"],
                             cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "first_tensor.py" in checked.stdout + checked.stderr

    again = subprocess.run(RENDER + ["new", "tensors-101"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert again.returncode == 2 and "already exists" in again.stderr


def test_new_rejects_a_name_that_is_not_a_file_name(tmp_path):
    done = subprocess.run(RENDER + ["new", "../evil"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "not usable as a file name" in done.stderr
    assert not any(tmp_path.iterdir())
