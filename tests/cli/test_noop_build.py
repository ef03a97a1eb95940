"""``render build`` answered from the record of the last build that found
nothing to do (``cuecast.cli.noop_build``): only while nothing that build
looked at has changed, printing what it printed, and never in doubt."""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cuecast import witness
from cuecast.cli import noop_build
from tests.support.paths import PROJECT

LESSON = """\
lesson: Answered
id: answered
voice: none
sections:
  - title: One
    beats:
      - bullet: A build with nothing to do
        say: A build with nothing to do says so.
      - show: vscode
        snippet: snippets/hello.py
        say: It prints a number.
"""

#: ``render ARGS`` in a fresh process that says, last on stderr, whether
#: the build was answered from its record (click never imported) or built.
RENDER = ("import sys\nfrom cuecast.cli import main\ncode = main(sys.argv[1:])\n"
          "sys.stderr.write('\\n[answered]\\n' if 'click' not in sys.modules else '\\n[built]\\n')\n"
          "sys.exit(code)\n")
ARGS = ("build", "script/answered.yaml", "--size", "320x180", "--fps", "10", "--device", "cpu")


def render(project: Path, *args: str, env=None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "COLUMNS": "120", "PYTHONPATH": str(PROJECT), **(env or {})}
    done = subprocess.run([sys.executable, "-c", RENDER, *(args or ARGS)], cwd=project, capture_output=True,
                          text=True, env=environment, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def answered(done: subprocess.CompletedProcess) -> bool:
    return done.stderr.rstrip().endswith("[answered]")


def settled(project: Path, *args: str, env=None) -> subprocess.CompletedProcess:
    """A build that finds nothing to do and leaves its record: run once the
    files it reads are older than a clock tick can hide (``RACY_NS``)."""
    time.sleep(witness.RACY_NS / 1e9 + 0.1)
    done = render(project, *args, env=env)
    assert not answered(done) and "built" not in done.stderr.replace("[built]", ""), done.stderr
    return done


def without_times(text: str) -> str:
    return re.sub(r"\d+\.\d\d s ", "T s ", text.replace("[answered]", "").replace("[built]", ""))


@pytest.fixture
def project(tmp_path) -> Path:
    (tmp_path / "script").mkdir()
    (tmp_path / "snippets").mkdir()
    (tmp_path / "script" / "answered.yaml").write_text(LESSON, encoding="utf-8")
    (tmp_path / "snippets" / "hello.py").write_text("print(6 * 7)\n", encoding="utf-8")
    render(tmp_path)
    return tmp_path


@pytest.mark.slow
def test_a_build_with_nothing_to_do_is_answered_until_an_input_changes(project):
    slow = settled(project)
    fast = render(project)
    assert answered(fast)
    assert without_times(fast.stdout) == without_times(slow.stdout)
    assert without_times(fast.stderr) == without_times(slow.stderr)
    assert "answered: check skipped" in fast.stderr and "code.ipynb" in fast.stdout

    # an edited snippet: built again, and what it prints now is shown
    (project / "snippets" / "hello.py").write_text("print(6 * 9)\n", encoding="utf-8")
    edited = render(project)
    assert not answered(edited) and "answered: check built" in edited.stderr
    assert "54" in (project / "build" / "answered" / "code.ipynb").read_text(encoding="utf-8")

    # an output deleted by hand: its stage writes it again
    settled(project)
    (project / "build" / "answered" / "captions.srt").unlink()
    rebuilt = render(project)
    assert not answered(rebuilt) and "answered: timeline built" in rebuilt.stderr
    assert (project / "build" / "answered" / "captions.srt").is_file()

    # a theme that was not there before: the slides are drawn with it
    settled(project)
    (project / "slides").mkdir()
    (project / "slides" / "theme.yaml").write_text("colors:\n  background: '#102030'\n", encoding="utf-8")
    themed = render(project)
    assert not answered(themed) and "answered: slides built" in themed.stderr

    # other options, another environment: another request, never answered by this one's record
    settled(project)
    assert answered(render(project, env={"OLDPWD": "/somewhere/else"}))  # what a shell changes
    assert not answered(render(project, env={"CUDA_VISIBLE_DEVICES": "7"}))
    assert not answered(render(project, *ARGS, "--captions", "burn"))


def test_a_record_is_written_only_for_a_build_that_found_nothing_to_do(tmp_path, monkeypatch):
    class Lesson:
        root = str(tmp_path)

    class Build:
        lesson, failed_snippets = Lesson(), []

    rows = {"rows": [["l", "check", "skipped", 0.0, ""], ["l", "slides", "built", 0.1, ""]], "lessons": []}
    monkeypatch.setattr(witness, "RACY_NS", 0)
    with noop_build.watching(["build"]):
        noop_build.settle([Build()], rows, [])
    assert not (tmp_path / "build" / ".cache" / "noop").exists()
    rows["rows"][1][2] = "skipped"
    with noop_build.watching(["build"]):
        noop_build.settle([Build()], rows, [])
    assert len(list((tmp_path / "build" / ".cache" / "noop").iterdir())) == 1


@pytest.fixture
def recorded(tmp_path, monkeypatch):
    """A record, in ``tmp_path``, of a request that read ``input.txt``
    (pytest names the test phase in the environment: not part of a request here)."""
    monkeypatch.setattr(noop_build, "VOLATILE_ENV", noop_build.VOLATILE_ENV | {"PYTEST_CURRENT_TEST"})
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(witness, "RACY_NS", 0)
    (tmp_path / "input.txt").write_text("one\n", encoding="utf-8")
    time.sleep(0.05)  # older than the trace, by more than a clock tick

    class Lesson:
        root = str(tmp_path)

    class Build:
        lesson, failed_snippets = Lesson(), []

    summary = {"rows": [["l", "check", "skipped", 0.5, "1 snippet"]],
               "lessons": [{"title": "L", "source": "script/l.yaml", "outputs": [["notebook", "build/l/code.ipynb"]]}]}
    args = ["build", "script/l.yaml"]
    with noop_build.watching(args):
        (tmp_path / "input.txt").read_text(encoding="utf-8")
        noop_build.settle([Build()], summary, ["warning: a warning\n"])
    return args


def test_an_unchanged_request_is_answered_with_what_was_printed(recorded, capsys):
    assert noop_build.replay(recorded) == 0
    out, err = capsys.readouterr()
    assert err == "l: check skipped\nwarning: a warning\n"  # pytest's capture is no terminal
    assert "│ l      │ check │ skipped │" in out and "notebook  build/l/code.ipynb" in out
    assert "0.50 s" not in out  # the times are this answer's own


def test_a_changed_input_is_not_answered(recorded):
    Path("input.txt").write_text("two\n", encoding="utf-8")
    assert noop_build.replay(recorded) is None


def test_other_arguments_are_another_request(recorded):
    assert noop_build.replay(recorded + ["--fps", "25"]) is None
    assert noop_build.request_key(recorded) != noop_build.request_key(recorded + ["--fps", "25"])


def test_the_environment_is_part_of_the_request_but_what_a_shell_changes_is_not(recorded, monkeypatch):
    monkeypatch.setenv("OLDPWD", "/elsewhere")
    assert noop_build.current_record(recorded) is not None
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "7")
    assert noop_build.current_record(recorded) is None


def test_a_build_running_is_never_answered_for(recorded, tmp_path):
    (tmp_path / "build").mkdir(exist_ok=True)
    with open(tmp_path / "build" / ".lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        assert noop_build.current_record(recorded) is None
        fcntl.flock(lock, fcntl.LOCK_UN)
    assert noop_build.current_record(recorded) is not None


def test_a_damaged_record_is_not_answered_from(recorded, tmp_path):
    path = Path(noop_build.record_path(str(tmp_path), noop_build.request_key(recorded)))
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    assert noop_build.replay(recorded) is None
    path.write_text(json.dumps({**json.loads(text), "summary": None}), encoding="utf-8")
    assert noop_build.replay(recorded) is None


def test_a_probe_that_answers_otherwise_is_not_answered(recorded, tmp_path, monkeypatch):
    path = Path(noop_build.record_path(str(tmp_path), noop_build.request_key(recorded)))
    record = json.loads(path.read_text(encoding="utf-8"))
    monkeypatch.setenv("CUECAST_OFFLINE", "1")  # the answer below is the offline one
    key = noop_build.request_key(recorded)
    offline = "CUECAST_OFFLINE is set, so only pages on this machine are captured"
    path = Path(noop_build.record_path(str(tmp_path), key))
    path.write_text(json.dumps({**record, "key": key, "probes": [["https://example.com/", offline]]}),
                    encoding="utf-8")
    assert noop_build.current_record(recorded) is not None
    path.write_text(json.dumps({**record, "key": key, "probes": [["https://example.com/", None]]}),
                    encoding="utf-8")
    assert noop_build.current_record(recorded) is None


def test_the_project_of_a_script_or_folder_is_where_records_are_looked_for(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "course" / "script").mkdir(parents=True)
    (tmp_path / "course" / "script" / "a.yaml").write_text("", encoding="utf-8")
    roots = noop_build.candidate_roots(["build", "course/script/a.yaml", "course/script", "--fps", "25"])
    assert roots == [str(tmp_path), str(tmp_path / "course")]


@pytest.mark.slow
def test_a_catalogue_built_in_forked_children_is_answered_too(tmp_path):
    """Lessons after the first are built in children forked for the build:
    what they read is part of the record, so an edit only they read counts."""
    (tmp_path / "script").mkdir()
    (tmp_path / "snippets").mkdir()
    for name, number in (("first", 6), ("second", 7)):
        lesson = LESSON.replace("Answered", name.title()).replace("answered", name)
        (tmp_path / "script" / f"{name}.yaml").write_text(lesson.replace("hello.py", f"{name}.py"), encoding="utf-8")
        (tmp_path / "snippets" / f"{name}.py").write_text(f"print({number} * 7)\n", encoding="utf-8")
    args = ("build", "--size", "320x180", "--fps", "10", "--device", "cpu", "-j", "2")
    render(tmp_path, *args)
    settled(tmp_path, *args)
    assert answered(render(tmp_path, *args))
    (tmp_path / "snippets" / "second.py").write_text("print(8 * 7)\n", encoding="utf-8")
    edited = render(tmp_path, *args)
    assert not answered(edited) and "second: check built" in edited.stderr and "first: check skipped" in edited.stderr
