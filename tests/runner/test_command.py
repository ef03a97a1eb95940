"""``cuecast.runner.command``: a terminal cue's command run for real under
its supervisor, in the project folder, ended by its exit code or its
timeout, with nothing it started left running."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from cuecast.model import (
    STATUS_ERROR,
    STATUS_EXPECTED_ERROR,
    STATUS_MISSING_ERROR,
    STATUS_OK,
    STATUS_TIMEOUT,
    Cue,
    Lesson,
    Location,
)
from cuecast.runner.command import CommandRun, command_key, plan_commands, run_command
from cuecast.runner.device import Environment
from cuecast.runner.options import RunOptions
from cuecast.runner.streams import truncation_note
from tests.support.processes import alive

ENVIRONMENT = Environment("cpu", "test CPU", "2.x", sys.version.split()[0])
OPTIONS = RunOptions(device="cpu", timeout=30)


def lesson_in(root: Path) -> Lesson:
    return Lesson(id="terminal", title="Terminal", source="script/terminal.yaml", root=str(root),
                  location=Location("script/terminal.yaml"))


def cue(command: str, n: int, **fields) -> Cue:
    return Cue(kind="terminal", id=f"c{n}", location=Location("script/terminal.yaml", n), command=command, **fields)


def test_each_command_is_planned_once_with_the_longest_timeout_and_any_expected_error(tmp_path):
    cues = [cue("pip --version", 1), cue("ls", 2, timeout=5), cue("pip --version", 3, timeout=90),
            cue("ls", 4, expect_error=True), Cue(kind="vscode", id="v", location=Location("s", 5), snippet="a.py")]
    runs = plan_commands(lesson_in(tmp_path), cues, OPTIONS)
    assert [(run.command, run.timeout, run.expect_error) for run in runs] == [
        ("pip --version", 90, False), ("ls", 5, True)]
    assert plan_commands(lesson_in(tmp_path), cues[:1], OPTIONS)[0].timeout == OPTIONS.timeout
    assert runs[0].name == "$ pip --version"


def test_the_cache_key_follows_the_command_its_folder_and_its_options(tmp_path):
    run = CommandRun(lesson_in(tmp_path), "ls", 30, False)
    key = command_key(run, ENVIRONMENT, OPTIONS)
    assert command_key(CommandRun(lesson_in(tmp_path), "ls", 30, False), ENVIRONMENT, OPTIONS) == key
    others = [
        command_key(CommandRun(lesson_in(tmp_path), "ls -l", 30, False), ENVIRONMENT, OPTIONS),
        command_key(CommandRun(lesson_in(tmp_path / "other"), "ls", 30, False), ENVIRONMENT, OPTIONS),
        command_key(CommandRun(lesson_in(tmp_path), "ls", 30, True), ENVIRONMENT, OPTIONS),
        command_key(run, ENVIRONMENT, RunOptions(device="cpu", timeout=30, seed=1)),
    ]
    assert len({key, *others}) == 5


def run(tmp_path: Path, command: str, timeout: float = 30, expect_error: bool = False, **options):
    return run_command(CommandRun(lesson_in(tmp_path), command, timeout, expect_error),
                       RunOptions(device="cpu", **options), ENVIRONMENT, key="k")


def test_a_command_runs_in_the_project_with_one_stream_and_the_snippets_python(tmp_path):
    (tmp_path / "data.txt").write_text("from the project\n")
    command = 'cat data.txt; echo to-stderr >&2; python -c "import sys; print(sys.prefix)"; read answer || echo no-input'
    ran = run(tmp_path, command)
    assert (ran.snippet, ran.status, ran.key, ran.device_name) == (f"$ {command}", STATUS_OK, "k", "test CPU")
    assert ran.output == f"from the project\nto-stderr\n{sys.prefix}\nno-input\n"
    assert ran.streams == (("stdout", ran.output),)


@pytest.mark.parametrize("command, expect_error, status, message", [
    ("exit 3", False, STATUS_ERROR, "exit status 3"),
    ("exit 3", True, STATUS_EXPECTED_ERROR, "exit status 3"),
    ("kill -9 $$", False, STATUS_ERROR, "killed by signal 9"),
    ("true", True, STATUS_MISSING_ERROR, None),
])
def test_the_exit_code_decides_the_status(tmp_path, command, expect_error, status, message):
    ran = run(tmp_path, command, expect_error=expect_error)
    assert ran.status == status
    if message is None:
        assert ran.exception is None and "but the command exited 0" in ran.reason
    else:
        assert (ran.exception.type, ran.exception.message) == ("CommandFailed", message)


def test_a_command_past_its_timeout_is_ended_with_all_it_started(tmp_path):
    pids = tmp_path / "pids"
    ran = run(tmp_path, f"sleep 60 & echo $! > {pids}; setsid sleep 60 & echo $! >> {pids}; echo waiting; wait",
              timeout=1)
    assert ran.status == STATUS_TIMEOUT and ran.reason == "did not finish within 1 s"
    assert ran.output == "waiting\n"
    started = [int(pid) for pid in pids.read_text().split()]
    assert len(started) == 2 and not any(alive(pid) for pid in started)


def test_output_past_the_limit_is_cut_with_a_note(tmp_path):
    ran = run(tmp_path, "yes | head -c 100000", output_limit=1000)
    assert ran.truncated and ran.status == STATUS_OK
    assert ran.output.startswith("y\n" * 500) and ran.output.count("y\n") == 500
    assert ran.output.endswith(truncation_note(1000) + "\n")
