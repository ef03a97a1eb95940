"""``render import FILE`` as a user meets it: where it writes, what it
refuses to overwrite, and a clear error (exit 2, no traceback) for input it
cannot read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cuecast.cli import cli
from tests.support import paths
from tests.support.cli import run_render

FIXTURES = paths.FIXTURES / "import"
GALLERY = FIXTURES / "tensors_gallery.py"


def run(*args, cwd: Path):
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(cli, ["import", *map(str, args)])
    finally:
        os.chdir(old)


def test_writes_the_lesson_and_its_cell_file_into_the_project(tmp_path):
    project = tmp_path / "course"
    result = run(GALLERY, "--project", project, cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert (project / "script" / "tensors_gallery.yaml").is_file()
    assert (project / "snippets" / "tensors_gallery.py").is_file()
    assert f"wrote {Path('course/script/tensors_gallery.yaml')}" in result.output
    assert f"wrote {Path('course/snippets/tensors_gallery.py')}" in result.output
    assert "to do: 2 things the import could not settle:" in result.output
    assert "tensors_gallery.py:65  unknown directive '.. youtube::' was left out" in result.output
    assert f"next: render check {Path('course/script/tensors_gallery.yaml')}" in result.output


def test_lesson_id_option_names_both_files(tmp_path):
    result = run(GALLERY, "--id", "tensors-101", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    data = yaml.safe_load((tmp_path / "script" / "tensors-101.yaml").read_text())
    assert data["id"] == "tensors-101"
    assert {beat.get("snippet") for s in data["sections"] for beat in s.get("beats", []) if "show" in beat} == {
        "snippets/tensors-101.py"}
    assert (tmp_path / "snippets" / "tensors-101.py").is_file()
    bad = run(GALLERY, "--id", "../up", cwd=tmp_path)
    assert bad.exit_code == 2 and "--id '../up' cannot name a file" in bad.output


@pytest.mark.parametrize("existing", ["script/tensors_gallery.yaml", "snippets/tensors_gallery.py"])
def test_refuses_to_overwrite_the_lesson_or_its_snippet(tmp_path, existing):
    (tmp_path / existing).parent.mkdir(parents=True)
    (tmp_path / existing).write_text("mine\n")
    result = run(GALLERY, cwd=tmp_path)
    assert result.exit_code == 2
    assert f"{Path(existing)} already exists; nothing was written" in result.output
    assert "--force" in result.output
    assert (tmp_path / existing).read_text() == "mine\n"
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()) == [existing]
    forced = run(GALLERY, "--force", cwd=tmp_path)
    assert forced.exit_code == 0, forced.output
    assert (tmp_path / existing).read_text() != "mine\n"


def test_never_writes_outside_the_project(tmp_path):
    project = tmp_path / "course"
    project.mkdir()
    outside = run(GALLERY, "-o", tmp_path / "elsewhere.yaml", "--project", project, cwd=tmp_path)
    assert outside.exit_code == 2
    assert "is outside the project folder" in outside.output and "nothing was written" in outside.output
    (tmp_path / "real_script").mkdir()
    (project / "script").symlink_to(tmp_path / "real_script")
    through_link = run(GALLERY, "--project", project, cwd=tmp_path)
    assert through_link.exit_code == 2 and "is outside the project folder" in through_link.output
    assert not any(tmp_path.rglob("*.yaml")) and not (project / "snippets").exists()


def test_dash_output_prints_and_writes_nothing(tmp_path):
    result = CliRunner().invoke(cli, ["import", str(GALLERY), "-o", "-", "--project", str(tmp_path)])
    assert result.exit_code == 0
    assert yaml.safe_load(result.stdout)["lesson"] == "Tensors"
    assert "not written: snippets/tensors_gallery.py" in result.stderr
    assert list(tmp_path.iterdir()) == []


#: One refusal per reader reaches the command line whole; each reader's own refusals
#: are tested at its mirrored file (tests/importers/test_source.py, test_notebook.py).
@pytest.mark.parametrize("name,content,message", [
    ("empty.py", b"", "is empty: there is nothing to import"),
    ("broken.ipynb", b'{"cells": [\n  {"cell_type": }\n]}', "not a notebook: invalid JSON"),
    ("notes.docx", b"text", "cannot import a '.docx' file"),
])
def test_unreadable_input_is_a_clear_error_naming_the_file(tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    result = run(name, cwd=tmp_path)
    assert result.exit_code == 2, result.output
    assert f"{name}" in result.output and message in result.output
    assert isinstance(result.exception, SystemExit)  # reported and exited, nothing raised through
    assert not (tmp_path / "script").exists()


def test_missing_file_and_folder(tmp_path):
    missing = run("nope.py", cwd=tmp_path)
    assert missing.exit_code == 2 and "nope.py │ no such file" in missing.output
    (tmp_path / "folder.py").mkdir()
    folder = run("folder.py", cwd=tmp_path)
    assert folder.exit_code == 2 and "folder.py │ is a folder" in folder.output


def test_binary_input_in_a_real_process_has_no_traceback(tmp_path):
    (tmp_path / "model.ipynb").write_bytes(bytes(range(256)) * 4)
    done = run_render("import", "model.ipynb", cwd=tmp_path, timeout=60)
    assert done.returncode == 2
    assert "model.ipynb │ is a binary file, not a tutorial" in done.stderr
    assert "Traceback" not in done.stderr


def test_help_names_every_format_and_the_safety_options():
    result = CliRunner().invoke(cli, ["import", "--help"])
    assert result.exit_code == 0
    for text in ("sphinx-gallery", "percent", ".ipynb", ".qmd", "MyST", "video script", "--project", "--force",
                 "--id", "to-do", "FILE:LINE", "snippets/ID.py"):
        assert text in result.output, text
