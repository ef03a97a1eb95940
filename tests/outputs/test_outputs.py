"""The table of outputs (``cuecast.outputs.OUTPUTS``): every entry names a
module with one ``write(context, path)``, keys and files are unique, labels
come from the table, and ``write_outputs`` writes a stage's outputs in
order, only those the build wants."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import pytest

from cuecast import outputs
from cuecast.stages import stage_names
from cuecast.output_context import OutputContext
from cuecast.outputs import OUTPUTS, Output, output, output_label, output_path, stage_outputs, write_outputs
from tests.support.deck_lesson import seed_like_lesson


def test_every_written_output_is_a_module_with_one_write():
    for entry in OUTPUTS:
        if entry.module is None:
            continue
        module = importlib.import_module(entry.module)
        assert list(inspect.signature(module.write).parameters) == ["context", "path"], entry.key


def test_keys_and_files_are_unique_and_every_stage_is_a_build_stage():
    assert len({entry.key for entry in OUTPUTS}) == len(OUTPUTS)
    assert len({entry.file for entry in OUTPUTS}) == len(OUTPUTS)
    assert {entry.stage for entry in OUTPUTS} <= set(stage_names())


def test_labels_and_paths_come_from_the_table(tmp_path):
    assert output_label("timeline.edl") == "CMX 3600 EDL (picture only)"
    assert output_label("deck") == "deck"
    assert output_label("something else") == "something else"
    assert output_path("notebook", tmp_path) == tmp_path / "code.ipynb"
    with pytest.raises(KeyError, match="no output 'slides.key'.*deck"):
        output("slides.key")


def test_an_output_made_by_its_stage_has_no_writer(tmp_path):
    with pytest.raises(ValueError, match="segment media is made by the video stage itself"):
        output("segment media").write(OutputContext(seed_like_lesson(), tmp_path))


def _note(name: str):
    """A module-like writer: writes ``name`` and the lesson's title."""
    def write(context: OutputContext, path: Path) -> Path:
        path.write_text(f"{name}: {context.lesson.title}\n")
        return path
    return write


@pytest.fixture
def two_formats(monkeypatch, tmp_path):
    """Two throwaway formats of a stage of their own, the second wanted only with ``pdf`` set."""
    import sys
    import types

    for name in ("first", "second"):
        module = types.ModuleType(f"throwaway_{name}")
        module.write = _note(name)
        monkeypatch.setitem(sys.modules, module.__name__, module)
    entries = [Output("first", "the first", "first.txt", "extra", "throwaway_first"),
               Output("second", "the second", "second.txt", "extra", "throwaway_second",
                      wanted=lambda context: bool(context.pdf))]
    monkeypatch.setattr(outputs, "OUTPUTS", [*OUTPUTS, *entries])
    return OutputContext(seed_like_lesson(), tmp_path)


def test_a_stage_writes_its_outputs_in_order_and_only_those_wanted(two_formats, tmp_path):
    context = two_formats
    assert [entry.key for entry in stage_outputs("extra")] == ["first", "second"]
    assert write_outputs("extra", context) == {"first": tmp_path / "first.txt"}
    assert not (tmp_path / "second.txt").exists()
    context.pdf = "slides"
    assert write_outputs("extra", context) == {"first": tmp_path / "first.txt", "second": tmp_path / "second.txt"}
    assert (tmp_path / "second.txt").read_text() == f"second: {context.lesson.title}\n"


def test_what_the_stage_already_wrote_is_listed_not_written_again(two_formats, tmp_path):
    drawn = tmp_path / "drawn-earlier.txt"
    assert write_outputs("extra", two_formats, written={"first": drawn}) == {"first": drawn}
    assert not (tmp_path / "first.txt").exists()
    assert write_outputs("extra", two_formats, only=("first",)) == {"first": tmp_path / "first.txt"}


def test_shared_values_are_made_once(tmp_path):
    context = OutputContext(seed_like_lesson(), tmp_path)
    made = []
    assert context.shared("otio", lambda: made.append(1) or "value") == "value"
    assert context.shared("otio", lambda: made.append(2) or "other") == "value"
    assert made == [1]
