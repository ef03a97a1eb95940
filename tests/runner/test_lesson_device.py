"""A lesson's or a cue's ``device:`` picks where a snippet file runs when
``--device`` is ``auto``: such files run on a pool of their own with that
device; an explicit ``--device`` wins for every snippet."""

from __future__ import annotations

from pathlib import Path

from cuecast.runner import RunOptions, Runner
from cuecast.script import load_lessons

#: What the worker pool set up for the snippet: a cpu pool hides every GPU.
SNIPPET = "import os\nprint(repr(os.environ.get('CUDA_VISIBLE_DEVICES')))\n"


def _project(root: Path) -> Path:
    (root / "script").mkdir(parents=True)
    (root / "snippets").mkdir()
    (root / "snippets" / "where.py").write_text(SNIPPET)
    (root / "snippets" / "where_too.py").write_text(SNIPPET + "# the other lesson's copy\n")
    for name, snippet, device in (("a-cpu", "where.py", "device: cpu\n"), ("b-auto", "where_too.py", "")):
        (root / "script" / f"{name}.yaml").write_text(
            f"lesson: {name}\nvoice: none\n{device}sections:\n  - title: S\n    beats:\n"
            f"      - show: vscode\n        snippet: snippets/{snippet}\n")
    return root / "script"


def _outputs(target: Path, device: str) -> dict[str, str]:
    lessons = load_lessons(target)
    with Runner(RunOptions(device=device, use_cache=False)) as runner:
        results = runner.run_lessons(lessons)
        pools = 1 + len(runner.others)
    assert all(capture.passed for captures in results for capture in captures.values())
    return {lesson.id: next(iter(captures.values())).output.strip()
            for lesson, captures in zip(lessons, results)} | {"pools": str(pools)}


def test_a_lesson_that_names_its_device_runs_on_a_pool_with_it(tmp_path, monkeypatch):
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    target = _project(tmp_path)
    assert _outputs(target, "auto") == {"a-cpu": "''", "b-auto": "None", "pools": "2"}


def test_an_explicit_device_wins_over_the_lessons(tmp_path, monkeypatch):
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    target = _project(tmp_path)
    assert _outputs(target, "cpu") == {"a-cpu": "''", "b-auto": "''", "pools": "1"}


def test_a_cue_that_names_its_device_wins_over_its_lesson(tmp_path, monkeypatch):
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    target = _project(tmp_path)
    script = target / "b-auto.yaml"
    script.write_text(script.read_text() + "      - show: vscode\n        snippet: snippets/where.py\n"
                      "        device: cpu\n")
    (target / "a-cpu.yaml").unlink()
    lessons = load_lessons(target)
    with Runner(RunOptions(device="auto", use_cache=False)) as runner:
        [captures] = runner.run_lessons(lessons)
    assert list(captures) == ["snippets/where_too.py", "snippets/where.py"]  # the lesson's order
    assert [c.output.strip() for c in captures.values()] == ["None", "''"]


def test_cues_of_one_file_that_disagree_are_a_located_error(tmp_path):
    from cuecast.errors import CuecastError

    target = _project(tmp_path)
    script = target / "a-cpu.yaml"
    script.write_text(script.read_text() + "      - show: vscode\n        snippet: snippets/where.py\n"
                      "        device: mps\n")
    lessons = [lesson for lesson in load_lessons(target) if lesson.id == "a-cpu"]
    with Runner(RunOptions(device="auto", use_cache=False)) as runner:
        try:
            runner.run_lessons(lessons)
        except CuecastError as exc:
            assert "snippets/where.py runs once, but its cues ask for two devices" in exc.message
            assert exc.location is not None and exc.location.line == 9
        else:
            raise AssertionError("no error")
