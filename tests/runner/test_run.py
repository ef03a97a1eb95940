"""The snippet runner against snippets that misbehave on purpose
(tests/fixtures/runner/): every fault costs its snippet only, with a report
that says which and why.

One lesson with every fixture runs once per module on a two-worker pool; the
tests read its Captures.  Tests that need a pool of their own say why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cuecast.model import (
    STATUS_CRASHED,
    STATUS_ERROR,
    STATUS_EXPECTED_ERROR,
    STATUS_MISSING_ERROR,
    STATUS_OK,
    STATUS_TIMEOUT,
    Beat,
    Cue,
    Lesson,
    Location,
    Section,
)
from cuecast.runner import FINISHED, PLANNED, STARTED, RunOptions, Runner
from cuecast.runner.streams import truncation_note
from tests.support.broken_sources import restore_broken_sources
from tests.support import paths

FIXTURES = paths.FIXTURES / "runner"

#: (fixture name, extra Cue fields) in lesson order.
FAULTS = [
    ("ok", {}),
    ("interleaved", {}),
    ("raises", {}),
    ("raises_expected", {"expect_error": True}),
    ("exits_0", {"expect_error": True}),  # ran cleanly though an error was expected
    ("exits_3", {}),
    ("reads_input", {}),
    ("syntax_error", {}),
    ("memory", {}),
    ("writes_cwd", {}),
    ("floods", {}),
    ("tape", {"kind": "slides", "diagram": "autograd"}),
    ("hangs", {"timeout": 2}),
    ("exits_hard", {}),
    ("segfault", {}),
    ("killed", {}),
]


def make_lesson(root: Path, entries, lesson_id: str = "faults") -> Lesson:
    """A lesson with one beat per ``(name, cue fields)``; snippet ``name``
    is ``snippets/<name>.py`` under ``root``."""
    beats = []
    for number, (name, fields) in enumerate(entries, start=1):
        fields = dict(fields)
        kind = fields.pop("kind", "vscode")
        where = Location("script/faults.yaml", number, 1)
        cue = Cue(kind=kind, id=f"s-{number}", location=where, snippet=f"snippets/{name}.py", **fields)
        beats.append(Beat(id=f"s-{number}", location=where, say=name, cue=cue))
    where = Location("script/faults.yaml")
    section = Section(id="s", title="Faults", location=where, beats=tuple(beats))
    return Lesson(id=lesson_id, title="Faults", source="script/faults.yaml", root=str(root),
                  location=where, sections=(section,))


def make_project(root: Path) -> Path:
    (root / "snippets").mkdir(parents=True, exist_ok=True)
    for source in [*FIXTURES.glob("*.py"), *FIXTURES.glob("*.py.broken")]:
        shutil.copy(source, root / "snippets" / source.name)
    restore_broken_sources(root / "snippets")
    return root


@pytest.fixture(scope="module")
def fixture_snippets(tmp_path_factory) -> Path:
    return make_project(tmp_path_factory.mktemp("project"))


@pytest.fixture(scope="module")
def runner():
    with Runner(RunOptions(device="cpu", jobs=2, use_cache=False)) as shared:
        yield shared


@pytest.fixture(scope="module")
def faults(fixture_snippets, runner):
    events = []
    runner.on_event = events.append
    captures = runner.run_lesson(make_lesson(fixture_snippets, FAULTS))
    runner.on_event = None
    return captures, events


def capture(faults, name):
    return faults[0][f"snippets/{name}.py"]


def test_captures_come_back_in_lesson_order_with_events(faults):
    captures, events = faults
    assert list(captures) == [f"snippets/{name}.py" for name, _ in FAULTS]
    assert events[0].kind == PLANNED and events[0].total == len(FAULTS) and events[0].cached == 0
    started = sorted(e.snippet for e in events if e.kind == STARTED)
    finished = sorted(e.snippet for e in events if e.kind == FINISHED)
    assert started == finished == sorted(captures)


def test_clean_snippet_captures_output_device_and_versions(faults):
    ok = capture(faults, "ok")
    assert ok.status == STATUS_OK and ok.passed
    assert ok.output.startswith("hello\nto stderr\n")
    assert ok.device == "cpu" and ok.device_name
    assert ok.torch_version.startswith("2.") and ok.python_version == ".".join(map(str, sys.version_info[:3]))
    assert ok.exception is None and not ok.truncated and not ok.cached and ok.key


def test_seed_is_fixed_for_torch_and_random(faults, fixture_snippets, runner):
    first = capture(faults, "ok").output
    # torch.manual_seed(0): the first two torch.rand values are known
    assert "[0.49625658988952637, 0.7682217955589294]" in first
    again = runner.run_lesson(make_lesson(fixture_snippets, [("ok", {})]))["snippets/ok.py"]
    assert again.output == first


def test_stdout_and_stderr_keep_their_order(faults):
    interleaved = capture(faults, "interleaved")
    assert interleaved.streams == (("stdout", "one\n"), ("stderr", "two\n"), ("stdout", "three\n"))
    assert interleaved.output == "one\ntwo\nthree\n"


def test_exception_traceback_points_into_the_snippet_without_cuecast_frames(faults):
    raised = capture(faults, "raises")
    assert raised.status == STATUS_ERROR and not raised.passed
    assert raised.output == "before\n"
    error = raised.exception
    assert (error.type, error.message, error.line) == ("ZeroDivisionError", "division by zero", 2)
    assert 'File "snippets/raises.py", line 6, in <module>' in error.traceback
    assert 'File "snippets/raises.py", line 2, in divide' in error.traceback
    assert error.traceback.rstrip().endswith("ZeroDivisionError: division by zero")
    assert "cuecast" not in error.traceback and "exec(" not in error.traceback


def test_expect_error_turns_an_error_into_a_pass_and_a_clean_run_into_a_failure(faults):
    assert capture(faults, "raises_expected").status == STATUS_EXPECTED_ERROR
    assert capture(faults, "raises_expected").passed
    missing = capture(faults, "exits_0")
    assert missing.status == STATUS_MISSING_ERROR and not missing.passed


def test_sys_exit(faults):
    clean = capture(faults, "exits_0")
    assert clean.output == "done early\n" and clean.exception is None
    three = capture(faults, "exits_3")
    assert three.status == STATUS_ERROR
    assert (three.exception.type, three.exception.message, three.exception.line) == ("SystemExit", "exit code 3", 4)


def test_input_is_a_clear_error(faults):
    asked = capture(faults, "reads_input")
    assert asked.status == STATUS_ERROR
    assert asked.exception.type == "EOFError" and asked.exception.line == 1
    assert "input() is not available" in asked.exception.message
    assert "streams.py" not in asked.exception.traceback


def test_syntax_error_points_at_the_line(faults):
    broken = capture(faults, "syntax_error")
    assert broken.status == STATUS_ERROR and broken.output == ""
    assert broken.exception.type == "SyntaxError" and broken.exception.line == 2
    assert broken.exception.traceback.startswith('  File "snippets/syntax_error.py", line 2')
    assert "cuecast" not in broken.exception.traceback


def test_memory_error_is_an_ordinary_error(faults):
    oom = capture(faults, "memory")
    assert oom.status == STATUS_ERROR and oom.exception.type == "MemoryError" and oom.exception.line == 1


def test_writes_go_to_a_temporary_folder_that_is_removed(faults, fixture_snippets):
    wrote = capture(faults, "writes_cwd")
    assert wrote.status == STATUS_OK
    listing, cwd = wrote.output.splitlines()
    assert listing == "['written-by-snippet.txt']"  # a fresh, empty folder
    assert not Path(cwd).exists()
    assert not Path(cwd).resolve().is_relative_to(fixture_snippets.resolve())
    assert not list(fixture_snippets.rglob("written-by-snippet.txt"))


def test_a_50_mb_print_is_cut_at_the_cap_with_a_note(faults):
    flood = capture(faults, "floods")
    assert flood.status == STATUS_OK and flood.truncated
    note = truncation_note(1_000_000)
    assert note == "… output truncated after 1.0 MB"
    assert flood.output.endswith(note + "\n")
    body = flood.output[: -len(note) - 1]
    assert len(body.encode()) <= 1_000_000 + 1 and body.startswith("x" * 1023 + "\n")


def test_autograd_diagram_is_the_real_tape(faults):
    tape = capture(faults, "tape")
    assert tape.status == STATUS_OK, tape.exception
    labels = [node.label for node in tape.graph.nodes]
    assert labels == ["loss", "MulBackward0", "AddBackward0", "SumBackward0", "b", "MulBackward0", "w (3,)"]
    assert [node.id for node in tape.graph.nodes] == [f"n{i}" for i in range(7)]
    assert ("n6", "n5") in tape.graph.edges and ("n1", "n0") in tape.graph.edges


def test_hang_is_killed_with_its_line(faults):
    hung = capture(faults, "hangs")
    assert hung.status == STATUS_TIMEOUT and not hung.passed
    assert hung.reason == "did not finish within 2 s (it was at line 5)"
    assert hung.exception.line == 5
    assert hung.streams == (("stdout", "going to sleep\n"),)  # printed before the kill


def test_os_exit_is_a_crash_with_its_exit_code(faults):
    gone = capture(faults, "exits_hard")
    assert gone.status == STATUS_CRASHED
    assert gone.reason == "exited early with status 7"
    assert gone.output == "about to leave\n"


def test_segfault_is_a_crash_with_the_signal_and_line(faults):
    crashed = capture(faults, "segfault")
    assert crashed.status == STATUS_CRASHED
    assert "SIGSEGV" in crashed.reason and crashed.reason.endswith("at line 4")
    assert crashed.exception.line == 4
    assert crashed.output == "about to crash\n"


def test_killed_worker_is_a_crash(faults):
    killed = capture(faults, "killed")
    assert killed.status == STATUS_CRASHED and "SIGKILL" in killed.reason


def test_the_pool_survives_the_faults(faults, fixture_snippets, runner):
    after = runner.run_lesson(make_lesson(fixture_snippets, [("interleaved", {})]))
    assert after["snippets/interleaved.py"].status == STATUS_OK
    assert sum(1 for w in runner.pool.workers if not w.dead) <= 2


def test_a_snippet_used_by_two_cues_runs_once(fixture_snippets, runner):
    events = []
    runner.on_event = events.append
    try:
        captures = runner.run_lesson(make_lesson(fixture_snippets, [("ok", {}), ("interleaved", {}), ("ok", {})]))
    finally:
        runner.on_event = None
    assert list(captures) == ["snippets/ok.py", "snippets/interleaved.py"]
    assert [e.snippet for e in events if e.kind == STARTED].count("snippets/ok.py") == 1


def test_missing_snippet_file_is_an_error_not_a_crash(fixture_snippets, runner):
    captures = runner.run_lesson(make_lesson(fixture_snippets, [("no_such_file", {})]))
    missing = captures["snippets/no_such_file.py"]
    assert missing.status == STATUS_ERROR and missing.exception.type == "FileNotFoundError"


def test_after_a_hang_the_next_snippet_runs_and_the_worker_stays_warm(tmp_path):
    # its own one-worker pool: the hung snippet's process is killed, not the
    # worker, so the next snippet runs in a fresh process of the same worker
    fixture_snippets = make_project(tmp_path)
    with Runner(RunOptions(device="cpu", jobs=1, use_cache=False, timeout=30)) as solo:
        captures = solo.run_lesson(make_lesson(fixture_snippets, [("hangs", {"timeout": 1.5}), ("ok", {})]))
        workers = solo.pool.workers
    assert captures["snippets/hangs.py"].status == STATUS_TIMEOUT
    assert captures["snippets/hangs.py"].reason == "did not finish within 1.5 s (it was at line 5)"
    assert captures["snippets/ok.py"].status == STATUS_OK
    assert captures["snippets/ok.py"].output.startswith("hello\nto stderr\n")
    assert len(workers) == 1  # torch was imported once


def test_no_worker_and_no_torch_in_the_main_process(tmp_path):
    # a fresh interpreter, since this test process may have imported torch itself
    project = make_project(tmp_path)
    script = f"""
import sys
sys.path.insert(0, {str(paths.PROJECT)!r})
from tests.runner.test_run import make_lesson
from pathlib import Path
from cuecast.runner import RunOptions, Runner
lesson = make_lesson(Path({str(project)!r}), [("ok", {{}}), ("tape", {{"diagram": "autograd"}})])
with Runner(RunOptions(device="cpu", jobs=1)) as cold:
    first = cold.run_lesson(lesson)
assert "torch" not in sys.modules, "unpickling a capture imported torch"
with Runner(RunOptions(device="cpu", jobs=1)) as warm:
    second = warm.run_lesson(lesson)
    assert warm.pool is None, "a fully cached run started a worker"
assert all(c.cached for c in second.values()) and not any(c.cached for c in first.values())
assert [c.output for c in first.values()] == [c.output for c in second.values()]
assert second["snippets/tape.py"].graph == first["snippets/tape.py"].graph
assert "torch" not in sys.modules
print("fine")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "fine"


def test_device_that_is_not_there_is_a_config_error(tmp_path):
    from cuecast.errors import ConfigError

    fixture_snippets = make_project(tmp_path)
    env_has_cuda = os.path.exists("/dev/nvidiactl")
    if env_has_cuda:
        pytest.skip("this machine has a CUDA device")
    with pytest.raises(ConfigError, match="--device cuda requested but no CUDA device is available"):
        with Runner(RunOptions(device="cuda", jobs=1)) as runner:
            runner.run_lesson(make_lesson(fixture_snippets, [("ok", {})]))


def test_output_below_python_is_captured_in_order(fixture_snippets, runner):
    """``os.system``, a child process and a raw ``os.write`` print where
    ``python FILE`` would show them: between the snippet's own prints."""
    captures = runner.run_lesson(make_lesson(fixture_snippets, [("below_python", {}), ("ok", {})], lesson_id="fd"))
    below = captures["snippets/below_python.py"]
    assert below.status == STATUS_OK
    assert below.output == ("python before\nfrom a shell\npython between\nchild stderr\n"
                            "python again\nraw fd write\npython after\n")
    assert below.streams == (
        ("stdout", "python before\nfrom a shell\npython between\n"),
        ("stderr", "child stderr\n"),
        ("stdout", "python again\nraw fd write\npython after\n"),
    )
    # the worker's own descriptors are back: the next snippet is captured as usual
    assert captures["snippets/ok.py"].output.startswith("hello\nto stderr\n")


def test_a_flood_below_python_is_cut_at_the_limit(fixture_snippets):
    with Runner(RunOptions(device="cpu", jobs=1, use_cache=False, output_limit=10_000)) as small:
        flooding = make_lesson(fixture_snippets, [("floods_fd", {})], lesson_id="flood")
        flood = small.run_lesson(flooding)["snippets/floods_fd.py"]
    assert flood.status == STATUS_OK
    assert flood.truncated
    assert flood.output.startswith("start\n0123456789\n0123456789\n")
    assert flood.output.endswith(truncation_note(10_000) + "\n")
    assert len(flood.output) < 10_000 + 100
    assert "end" not in flood.output  # past the cap everything is dropped
