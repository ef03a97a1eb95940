"""``cuecast.runner.reads``: the audit hook records what a snippet read in its
project and refuses what it would change there, decided here on real files
in a temporary project (the hook, once added, stays: it is the worker's)."""

from __future__ import annotations

import os
import shutil
import sys

import pytest

from cuecast.runner.reads import ReadWatch, file_digest, reads_unchanged


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "course"
    (root / "snippets" / "data").mkdir(parents=True)
    (root / "snippets" / "data" / "prices.csv").write_text("a,b\n1,2\n")
    (root / "results").mkdir()
    (root / "build").mkdir()
    (root / "notes.txt").write_text("notes\n")
    return root


def line_of(text: str) -> int:
    """The line of this file that holds ``text`` (where a refusal must point)."""
    with open(__file__, encoding="utf-8") as handle:
        return next(n for n, line in enumerate(handle, 1) if text in line and "line_of" not in line)


def test_reads_inside_the_project_are_recorded_with_their_digest(project, tmp_path):
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("not the lesson's")
    with ReadWatch(str(project)) as watch:
        (project / "snippets" / "data" / "prices.csv").read_text()
        outside.read_text()
        with open(os.open(project / "notes.txt", os.O_RDONLY), encoding="utf-8") as handle:
            handle.read()
    digests = watch.digests()
    assert [path for path, _ in digests] == ["notes.txt", "snippets/data/prices.csv"]
    assert dict(digests)["notes.txt"] == file_digest(project / "notes.txt")
    assert watch.digests(skip=[str(project / "notes.txt")]) == digests[1:]
    assert reads_unchanged(digests, project)
    (project / "snippets" / "data" / "prices.csv").write_text("a,b\n1,3\n")
    assert not reads_unchanged(digests, project)


def test_reads_outside_a_snippet_are_not_recorded(project):
    watch = ReadWatch(str(project))
    with watch:
        pass
    (project / "notes.txt").read_text()
    assert watch.digests() == ()


def test_a_change_to_the_project_is_refused_at_the_snippets_line(project):
    with ReadWatch(str(project), snippet=__file__) as watch:
        with pytest.raises(PermissionError, match="a snippet may not delete notes.txt: a snippet changes no file"):
            os.remove(project / "notes.txt")  # refused: delete
        with pytest.raises(PermissionError, match="may not write to build/x.pptx: build/ holds cuecast's outputs"):
            open(project / "build" / "x.pptx", "wb")  # refused: build
        with pytest.raises(PermissionError, match="may not rename snippets/data/prices.csv"):
            os.rename(project / "snippets" / "data" / "prices.csv", project / "old.csv")
    assert [line for line, _ in watch.refused] == [
        line_of("# refused: delete"), line_of("# refused: build"), line_of("os.rename(project")]
    assert (project / "notes.txt").exists() and not (project / "build" / "x.pptx").exists()


def test_writes_lets_named_files_and_folders_change_but_never_build(project, tmp_path):
    with ReadWatch(str(project), writes=("notes.txt", "results/")) as watch:
        (project / "notes.txt").write_text("changed\n")
        (project / "results" / "run-1").mkdir()
        (project / "results" / "run-1" / "loss.csv").write_text("0.5\n")
        shutil.rmtree(project / "results" / "run-1")
        with pytest.raises(PermissionError):
            ReadWatch(str(project), writes=("build/",)).check("write to", str(project / "build" / "a"))
        (tmp_path / "scratch.txt").write_text("a snippet's own folder is outside the project")
    assert watch.refused == []
    assert [path for path, _ in watch.digests()] == ["notes.txt"]  # what it made is recorded, as a read is


def test_a_link_does_not_carry_a_write_past_the_guard(project, tmp_path):
    link = tmp_path / "innocent.txt"
    link.symlink_to(project / "notes.txt")
    with ReadWatch(str(project)):
        with pytest.raises(PermissionError, match="may not write to notes.txt"):
            open(link, "w")
    assert (project / "notes.txt").read_text() == "notes\n"


def test_installed_packages_in_the_project_are_not_inputs(project):
    venv = project / ".venv" / "lib" / "site-packages" / "pkg"
    venv.mkdir(parents=True)
    (venv / "mod.py").write_text("x = 1\n")
    with ReadWatch(str(project), ignore=[sys.prefix]) as watch:
        (venv / "mod.py").read_text()
    assert watch.digests() == ()


def test_a_file_that_cannot_be_read_has_no_digest(tmp_path):
    assert file_digest(tmp_path / "missing") is None
    assert file_digest(tmp_path) is None  # a folder
    assert not reads_unchanged([("missing", "0" * 64)], tmp_path)
    assert reads_unchanged([], tmp_path)
