"""The kept parse: read back only while the tool, the script and every file
the parser consulted are unchanged; every edit, a damaged cache or a new
cuecast parses again, and a broken script is still refused with its
located problems."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

import cuecast.parse_cache
import cuecast.script
from cuecast.errors import ScriptError
from cuecast.parse_cache import cache_path, load_lesson, load_lessons
from cuecast.script import load_lesson as parse_lesson

SCRIPT = """\
lesson: Cached
sections:
  - title: One
    beats:
      - show: vscode
        snippet: snippets/ok.py
        region: main
        say: the main region
      - show: slides
        image: pics/a.png
        say: a picture
"""

SNIPPET = "import math\n# region main\nx = 1\nprint(x)\n# endregion\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "proj"
    (root / "script").mkdir(parents=True)
    (root / "snippets").mkdir()
    (root / "pics").mkdir()
    (root / "snippets" / "ok.py").write_text(SNIPPET)
    Image.new("RGB", (4, 3), "white").save(root / "pics" / "a.png")
    (root / "script" / "cached.yaml").write_text(SCRIPT)
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def parses(monkeypatch):
    """The scripts the parser itself read (the real parser runs)."""
    seen = []
    real = cuecast.script.read_lesson

    def counting(path, root=None):
        seen.append(Path(path).name)
        return real(path, root)

    monkeypatch.setattr(cuecast.script, "read_lesson", counting)
    return seen


SCRIPT_PATH = Path("script/cached.yaml")


def test_a_kept_parse_is_the_parse_and_is_read_back(project, parses):
    first = load_lesson(SCRIPT_PATH)
    assert first == parse_lesson(SCRIPT_PATH)
    parses.clear()
    assert cache_path(SCRIPT_PATH).is_file()
    assert cache_path(SCRIPT_PATH).is_relative_to(project / "build" / ".cache" / "parse")
    assert load_lessons(SCRIPT_PATH) == [first]
    assert load_lesson(SCRIPT_PATH) == first
    assert parses == []


def test_an_edited_script_is_parsed_again(project, parses):
    load_lesson(SCRIPT_PATH)
    (project / SCRIPT_PATH).write_text(SCRIPT.replace("Cached", "Edited"))
    assert load_lessons(SCRIPT_PATH)[0].title == "Edited"
    assert parses == ["cached.yaml", "cached.yaml"]


def test_an_edited_snippet_is_parsed_again_and_its_problem_located(project, parses):
    load_lesson(SCRIPT_PATH)
    (project / "snippets" / "ok.py").write_text(SNIPPET.replace("# endregion\n", ""))
    with pytest.raises(ScriptError) as info:
        load_lessons(SCRIPT_PATH)
    (problem,) = info.value.diagnostics
    assert "'# region main' has no '# endregion'" in problem.message
    assert (problem.location.path, problem.location.line) == ("snippets/ok.py", 2)


@pytest.mark.parametrize("change", ["deleted", "folder", "redrawn"])
def test_a_changed_picture_is_checked_again(project, parses, change):
    load_lesson(SCRIPT_PATH)
    picture = project / "pics" / "a.png"
    picture.unlink()
    if change == "folder":
        picture.mkdir()
    elif change == "redrawn":
        picture.write_bytes(b"not a png at all")
    with pytest.raises(ScriptError) as info:
        load_lessons(SCRIPT_PATH)
    assert "a.png" in info.value.diagnostics[0].message
    assert info.value.diagnostics[0].location.line == 10


def test_a_symlink_led_elsewhere_is_checked_again(project, tmp_path, parses):
    outside = tmp_path / "outside.py"
    outside.write_text(SNIPPET)
    inside = project / "snippets" / "inside.py"
    inside.write_text(SNIPPET)
    (project / "snippets" / "ok.py").unlink()
    (project / "snippets" / "ok.py").symlink_to(inside)
    load_lesson(SCRIPT_PATH)
    (project / "snippets" / "ok.py").unlink()
    (project / "snippets" / "ok.py").symlink_to(outside)  # the same bytes, outside the project
    with pytest.raises(ScriptError, match="leads outside the project folder"):
        load_lessons(SCRIPT_PATH)


@pytest.mark.parametrize("damage", [b"", b"\x80\x04 cut short", pickle.dumps({"key": None}), pickle.dumps([1])])
def test_a_damaged_cache_is_ignored_and_written_again(project, parses, damage):
    first = load_lesson(SCRIPT_PATH)
    cache_path(SCRIPT_PATH).write_bytes(damage)
    assert load_lessons(SCRIPT_PATH) == [first]
    assert load_lessons(SCRIPT_PATH) == [first]
    assert parses == ["cached.yaml", "cached.yaml"]


def test_a_new_cuecast_parses_again(project, parses, monkeypatch):
    load_lesson(SCRIPT_PATH)
    monkeypatch.setattr(cuecast.parse_cache, "tool_version", lambda: "9.9.9+another")
    load_lessons(SCRIPT_PATH)
    assert parses == ["cached.yaml", "cached.yaml"]


def test_another_current_folder_parses_again(project, parses, monkeypatch):
    """Locations print the script as given from where render runs."""
    load_lesson(SCRIPT_PATH)
    monkeypatch.chdir(project / "script")
    (lesson,) = load_lessons(Path("cached.yaml"))
    assert lesson.source == "cached.yaml"
    assert parses == ["cached.yaml", "cached.yaml"]


def test_a_broken_script_is_never_kept(project, parses):
    (project / SCRIPT_PATH).write_text(SCRIPT.replace("snippets/ok.py", "snippets/nope.py"))
    for _ in range(2):
        with pytest.raises(ScriptError, match="snippet file 'snippets/nope.py' does not exist"):
            load_lessons(SCRIPT_PATH)
    assert not cache_path(SCRIPT_PATH).exists()
    assert parses == ["cached.yaml", "cached.yaml"]


def test_a_read_back_parse_does_not_import_the_parser(project):
    load_lesson(SCRIPT_PATH)
    code = ("import sys; from pathlib import Path; from cuecast.parse_cache import load_lessons; "
            "(l,) = load_lessons(Path('script/cached.yaml')); print(l.title); "
            "print(sorted(m for m in ('cuecast.script', 'yaml', 'cuecast.speech') if m in sys.modules))")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(cuecast.__file__).parents[1]), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True, text=True, env=env)
    assert done.stdout.splitlines() == ["Cached", "[]"], done.stderr
