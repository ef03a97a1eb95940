"""The capture cache: keys that change with every input, entries that read
back equal, failures that are not stored, and corrupt entries rebuilt."""

from __future__ import annotations

import dataclasses
import json

import pytest

from cuecast.runner.cache import CaptureCache, capture_from_json, capture_key, capture_to_json, is_cacheable, local_imports
from cuecast.model import (
    STATUS_CRASHED,
    STATUS_ERROR,
    STATUS_OK,
    STATUS_TIMEOUT,
    AutogradGraph,
    Capture,
    GraphNode,
    SnippetException,
)
from cuecast.runner import FINISHED, STARTED, RunOptions, Runner


from tests.runner.test_run import make_lesson, make_project

BASE = dict(
    source=b"print(1)\n",
    snippet="snippets/a.py",
    device="cpu",
    device_name="Some CPU",
    torch_version="2.13.0+cpu",
    python_version="3.11.7",
)


def sample_capture(key: str = "k1", status: str = STATUS_ERROR) -> Capture:
    return Capture(
        snippet="snippets/a.py",
        status=status,
        output="one\ntwo ✓\n",
        streams=(("stdout", "one\n"), ("stderr", "two ✓\n")),
        exception=SnippetException("ValueError", "bad", "Traceback …\nValueError: bad\n", 3),
        duration=0.25,
        device="cpu",
        device_name="Some CPU",
        torch_version="2.13.0+cpu",
        python_version="3.11.7",
        key=key,
        graph=AutogradGraph((GraphNode("n0", "loss", "root"), GraphNode("n1", "w (3,)", "leaf")), (("n1", "n0"),)),
    )


# --- keys -------------------------------------------------------------------


def test_key_is_stable_for_the_same_inputs():
    assert capture_key(**BASE) == capture_key(**dict(BASE))
    assert len(capture_key(**BASE)) == 64


@pytest.mark.parametrize(
    "change",
    [
        {"source": b"print(2)\n"},
        {"snippet": "snippets/b.py"},
        {"device": "cuda"},  # a device change
        {"device_name": "NVIDIA H100"},
        {"torch_version": "2.14.0"},
        {"python_version": "3.12.1"},
        {"diagram": "autograd"},
        {"timeout": 5.0},
        {"expect_error": True},
        {"seed": 1},
        {"output_limit": 10},
        {"memory_limit": 1 << 30},
        {"dependencies": [b"helper = 1\n"]},
        {"runner_version": "older"},
    ],
)
def test_every_input_changes_the_key(change):
    assert capture_key(**{**BASE, **change}) != capture_key(**BASE)


def test_sibling_modules_a_snippet_imports_are_dependencies(tmp_path):
    (tmp_path / "helpers.py").write_text("import deeper\n")
    (tmp_path / "deeper.py").write_text("X = 1\n")
    source = b"import os, helpers\nfrom torch import nn\n"
    assert local_imports(source, tmp_path) == [tmp_path / "helpers.py", tmp_path / "deeper.py"]


# --- entries ------------------------------------------------------------------


def test_entry_reads_back_equal_and_marked_cached(tmp_path):
    cache = CaptureCache(tmp_path)
    original = sample_capture()
    assert cache.put(original)
    path = cache.path_for("k1")
    assert path == tmp_path / "build" / ".cache" / "captures" / "k1.json"
    assert json.loads(path.read_text(encoding="utf-8"))["output"] == "one\ntwo ✓\n"
    back = cache.get("k1")
    assert back == dataclasses.replace(original, cached=True)
    assert [p.name for p in path.parent.iterdir()] == ["k1.json"]  # no temp files left behind


def test_timeouts_and_crashes_are_not_stored_but_errors_are(tmp_path):
    cache = CaptureCache(tmp_path)
    assert not cache.put(sample_capture("t", STATUS_TIMEOUT))
    assert not cache.put(sample_capture("c", STATUS_CRASHED))
    assert cache.put(sample_capture("e", STATUS_ERROR))
    assert (cache.get("t"), cache.get("c")) == (None, None)
    assert cache.get("e") is not None
    assert is_cacheable(sample_capture(status=STATUS_OK))


@pytest.mark.parametrize(
    "content",
    ["{not json", "[]", json.dumps({"schema": 999}), json.dumps({"schema": 1, "snippet": 3})],
)
def test_corrupt_entry_is_a_miss_and_is_rebuilt(tmp_path, content):
    cache = CaptureCache(tmp_path)
    cache.path_for("k1").parent.mkdir(parents=True)
    cache.path_for("k1").write_text(content)
    assert cache.get("k1") is None
    assert cache.put(sample_capture("k1"))
    assert cache.get("k1").output == "one\ntwo ✓\n"


def test_entry_under_the_wrong_key_is_a_miss(tmp_path):
    cache = CaptureCache(tmp_path)
    cache.put(sample_capture("k1"))
    cache.path_for("k2").write_text(cache.path_for("k1").read_text())
    assert cache.get("k2") is None


def test_json_form_rejects_other_schemas():
    data = capture_to_json(sample_capture())
    assert capture_from_json(data).cached
    with pytest.raises(ValueError):
        capture_from_json({**data, "schema": 0})


# --- the cache in a real run ------------------------------------------------------


@pytest.fixture(scope="module")
def runner():
    with Runner(RunOptions(device="cpu", jobs=1)) as shared:
        yield shared


def run(runner, lesson, use_cache=True):
    events = []
    runner.on_event, runner.options = events.append, dataclasses.replace(runner.options, use_cache=use_cache)
    try:
        captures = runner.run_lesson(lesson)
    finally:
        runner.on_event = None
    ran = [e.snippet for e in events if e.kind == STARTED]
    assert len([e for e in events if e.kind == FINISHED]) == len(captures)
    return captures, ran


def test_hit_miss_edit_and_no_cache(tmp_path, runner):
    project = make_project(tmp_path)
    lesson = make_lesson(project, [("ok", {}), ("raises", {}), ("interleaved", {})])
    first, ran = run(runner, lesson)
    assert len(ran) == 3 and not any(c.cached for c in first.values())

    second, ran = run(runner, lesson)
    assert ran == [] and all(c.cached for c in second.values())
    assert second["snippets/raises.py"].exception == first["snippets/raises.py"].exception  # errors are cached
    assert [c.output for c in second.values()] == [c.output for c in first.values()]

    (project / "snippets" / "ok.py").write_text('print("edited")\n')
    third, ran = run(runner, lesson)
    assert ran == ["snippets/ok.py"]
    assert third["snippets/ok.py"].output == "edited\n" and not third["snippets/ok.py"].cached
    assert third["snippets/interleaved.py"].cached

    forced, ran = run(runner, lesson, use_cache=False)
    assert sorted(ran) == sorted(forced) and not any(c.cached for c in forced.values())


def test_corrupt_entry_is_rebuilt_by_the_next_run(tmp_path, runner):
    project = make_project(tmp_path)
    lesson = make_lesson(project, [("interleaved", {})])
    first, _ = run(runner, lesson)
    entry = CaptureCache(project).path_for(first["snippets/interleaved.py"].key)
    entry.write_text('{"schema": 1, "truncated')
    again, ran = run(runner, lesson)
    assert ran == ["snippets/interleaved.py"] and again["snippets/interleaved.py"].output == "one\ntwo\nthree\n"
    assert CaptureCache(project).get(first["snippets/interleaved.py"].key) is not None


def test_timeouts_rerun_next_time(tmp_path, runner):
    project = make_project(tmp_path)
    lesson = make_lesson(project, [("hangs", {"timeout": 1})])
    run(runner, lesson)
    _, ran = run(runner, lesson)
    assert ran == ["snippets/hangs.py"]


def test_an_edited_data_file_or_package_module_reruns_the_snippet(tmp_path, runner):
    """The files a snippet reads at run time are part of what it depends on,
    found while it runs: a CSV beside it, a package of the project."""
    project = make_project(tmp_path)
    (project / "snippets" / "data").mkdir()
    values = project / "snippets" / "data" / "values.txt"
    values.write_text("1 2 3\n")
    package = project / "snippets" / "helpers_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "scale.py").write_text("factor = 10\n")
    lesson = make_lesson(project, [("reads_data", {}), ("ok", {})])

    first, ran = run(runner, lesson)
    assert first["snippets/reads_data.py"].output == "scaled: [10.0, 20.0, 30.0]\n"
    assert [path for path, _ in first["snippets/reads_data.py"].reads] == [
        "snippets/data/values.txt", "snippets/helpers_pkg/__init__.py", "snippets/helpers_pkg/scale.py"]
    assert first["snippets/ok.py"].reads == ()  # torch's own files are not lesson inputs
    assert run(runner, lesson)[1] == []

    values.write_text("1 2 3 4\n")
    second, ran = run(runner, lesson)
    assert ran == ["snippets/reads_data.py"]
    assert second["snippets/reads_data.py"].output == "scaled: [10.0, 20.0, 30.0, 40.0]\n"

    (package / "scale.py").write_text("factor = 100\n")
    third, ran = run(runner, lesson)
    assert ran == ["snippets/reads_data.py"]
    assert third["snippets/reads_data.py"].output == "scaled: [100.0, 200.0, 300.0, 400.0]\n"
    assert run(runner, lesson)[1] == []


def test_an_entry_corrupted_inside_its_text_is_a_miss(tmp_path):
    """A flipped character in the output still parses as JSON; its digest does not match."""
    from cuecast.runner.cache import CaptureCache
    from cuecast.model import Capture

    cache = CaptureCache(tmp_path)
    capture = Capture("snippets/a.py", "ok", "tensor([1., 2.])\n", streams=(("stdout", "tensor([1., 2.])\n"),), key="k1")
    assert cache.put(capture) and cache.get("k1").output == capture.output
    entry = cache.path_for("k1")
    entry.write_text(entry.read_text(encoding="utf-8").replace("2.])", "3.])"), encoding="utf-8")
    assert cache.get("k1") is None  # run again rather than show a number the snippet never printed
