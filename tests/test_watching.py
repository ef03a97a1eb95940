"""``cuecast.watching``: which saves count and which folders ``render watch``
and ``render preview`` look in, with a real file watcher."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from cuecast.errors import CuecastError
from cuecast.watching import project_root, relevant, watch_saves, watched_folders

SCRIPT = """\
lesson: Watched
id: watched
voice: {voice}
sections:
  - title: One
    beats:
      - show: vscode
        snippet: snippets/a.py
        say: A snippet.
"""


def test_only_source_files_trigger_a_rebuild():
    assert relevant("/p/snippets/a.py") and relevant("/p/script/x.yaml")
    assert not relevant("/p/snippets/.a.py.swp") and not relevant("/p/snippets/a.py~")
    assert not relevant("/p/build/tiny/slides.pptx")
    assert relevant("/p/recordings/beat-1.wav") and not relevant("/p/snippets/notes.md")


def make_project(root: Path, voice: str = "none") -> Path:
    (root / "script").mkdir(parents=True)
    (root / "snippets").mkdir()
    (root / "script" / "watched.yaml").write_text(SCRIPT.format(voice=voice))
    (root / "snippets" / "a.py").write_text("print(1)\n")
    return root


def test_the_project_is_found_from_a_script_its_folder_or_the_current_one(tmp_path, monkeypatch):
    project = make_project(tmp_path / "course")
    assert project_root(project / "script" / "watched.yaml") == project
    assert project_root(project / "script") == project
    assert project_root(project) == project
    monkeypatch.chdir(project / "snippets")
    assert project_root(None) == project / "snippets"


def test_the_source_folders_that_exist_are_watched_and_a_folder_with_none_is_an_error(tmp_path):
    project = make_project(tmp_path / "course")
    assert watched_folders(project, None) == [str(project / "script"), str(project / "snippets")]
    (project / "slides").mkdir()
    assert str(project / "slides") in watched_folders(project, None)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CuecastError, match=r"nothing to watch: .*empty has none of script, snippets, slides/"):
        watched_folders(empty, None)


def test_a_recordings_folder_outside_the_sources_is_watched_too(tmp_path):
    takes = tmp_path / "takes"
    takes.mkdir()
    project = make_project(tmp_path / "course", voice=f"recorded:{takes}")
    assert watched_folders(project, None) == [str(project / "script"), str(project / "snippets"), str(takes.resolve())]
    inside = project / "snippets" / "takes"  # already watched as part of snippets/: not twice
    inside.mkdir()
    assert watched_folders(project, f"recorded:{inside}") == [str(project / "script"), str(project / "snippets")]


def test_a_broken_script_still_watches_its_sources(tmp_path):
    project = make_project(tmp_path / "course")
    (project / "script" / "watched.yaml").write_text("lesson: [unclosed\n")
    assert watched_folders(project, None) == [str(project / "script"), str(project / "snippets")]


def test_a_save_is_reported_once_and_editor_files_not_at_all(tmp_path):
    folder = tmp_path / "snippets"
    folder.mkdir()
    batches, saved, stop = [], threading.Event(), threading.Event()

    def on_save(paths, noticed_at):
        batches.append(paths)
        saved.set()

    thread = watch_saves([str(folder)], on_save, stop, debounce_ms=50, step_ms=20)
    try:
        for _ in range(30):  # a write before the watcher is ready is missed: write again until seen
            (folder / ".a.py.swp").write_text("swap")
            (folder / "a.py").write_text("print(2)\n")
            if saved.wait(1.0):
                break
    finally:
        stop.set()
        thread.join(timeout=5)
    assert not thread.is_alive()
    assert batches and all(paths == [str(folder / "a.py")] for paths in batches)
