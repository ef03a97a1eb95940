"""The table of stages (``cuecast.stages``) is the only list of them: a stage
record added there is run, skipped, recorded in ``.build.json``, accepted by
``--only``, shown in the progress and run by ``render preview`` and
``render watch`` in the table's order, with nothing else told about it."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cuecast import outputs, stages
from cuecast.build import BuildOptions
from cuecast.catalogue import build_lessons
from cuecast.outputs import Output
from cuecast.script import load_lessons
from cuecast.stages import Stage, stage_modules, stage_names, stages_to_run
from tests.support.small_build import SMALL


LESSON = """\
lesson: Stages
id: stages
voice: none
sections:
  - title: One
    beats:
      - bullet: A stage is one record
        say: A stage is one record.
"""


def write_project(root: Path) -> Path:
    (root / "script").mkdir(parents=True)
    script = root / "script" / "stages.yaml"
    script.write_text(LESSON, encoding="utf-8")
    return script


def stamp_run(builder):
    """A throwaway stage: writes the number of beats, skipped while current."""
    print_ = builder.stage_print("stamp")
    path = builder.dir / "stamp.txt"
    if builder._is_current("stamp", print_):
        return builder._result("stamp", "skipped", {"stamp": path})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{sum(len(section.beats) for section in builder.lesson.sections)} beats\n", encoding="utf-8")
    builder.record.remember("stamp", print_, {"stamp": path})
    return builder._result("stamp", "built", {"stamp": path})


STAMP = Stage("stamp", ("check",), (), lambda builder: builder.notebook_print(), stamp_run)
#: Its output's entry in the output table (the stage's own work writes it).
STAMP_FILE = Output("stamp", "stamp file", "stamp.txt", "stamp", None)


@pytest.fixture
def with_stamp(monkeypatch):
    """The table with the throwaway stage after the slides, and a log of the
    stages each builder ran, in order."""
    ran: list[str] = []

    def logged(stage: Stage) -> Stage:
        def run(builder, run=stage.run, name=stage.name):
            ran.append(name)
            return run(builder)
        return dataclasses.replace(stage, run=run)

    table = list(stages.STAGES)
    table.insert(table.index(stages.stage_named("slides")) + 1, STAMP)
    monkeypatch.setattr(stages, "STAGES", [logged(stage) for stage in table])
    monkeypatch.setattr(outputs, "OUTPUTS", [*outputs.OUTPUTS, STAMP_FILE])
    return ran


def test_stages_to_run_adds_what_each_needs_in_the_tables_order():
    assert stages_to_run(["video"]) == ("check", "timeline", "video")
    assert stages_to_run(["review", "slides"]) == ("check", "slides", "timeline", "review")
    with pytest.raises(KeyError, match="no stage 'nope'"):
        stages_to_run(["nope"])


def test_every_record_needs_only_stages_before_it():
    names = stage_names()
    for stage in stages.STAGES:
        assert all(names.index(need) < names.index(stage.name) for need in stage.needs), stage.name


def test_the_catalogue_warms_what_the_records_say():
    assert "cuecast.video.compose" in stage_modules(["video"])
    assert stage_modules(["slides", "review"]).count("cuecast.review") == 1


def test_a_stage_record_added_is_built_recorded_skipped_and_shown_in_progress(tmp_path, with_stamp):
    script = write_project(tmp_path / "project")
    assert BuildOptions().only[-1] == "review" and "stamp" in BuildOptions().only
    progress = []
    (first,) = build_lessons(load_lessons(script), dataclasses.replace(SMALL, only=("stamp",)),
                             on_progress=lambda *event: progress.append(event))
    assert [r.stage for r in first.results] == ["check", "stamp"]
    assert [r.status for r in first.results] == ["skipped", "built"]  # no snippets: the check has nothing to run
    assert ("stages", "stamp", 1.0, "built") in progress
    out = tmp_path / "project" / "build" / "stages"
    assert (out / "stamp.txt").read_text(encoding="utf-8") == "1 beats\n"
    record = json.loads((out / ".build.json").read_text(encoding="utf-8"))
    assert record["stages"]["stamp"]["outputs"] == {"stamp": "stamp.txt"}

    (second,) = build_lessons(load_lessons(script), dataclasses.replace(SMALL, only=("stamp",)))
    assert [r.status for r in second.results] == ["skipped", "skipped"]
    (out / "stamp.txt").write_text("edited by hand\n", encoding="utf-8")
    (third,) = build_lessons(load_lessons(script), dataclasses.replace(SMALL, only=("stamp",)))
    assert [r.status for r in third.results] == ["skipped", "built"]


def test_only_knows_an_added_stage_and_what_it_needs(tmp_path, with_stamp, capsys):
    from tests.support.cli import render_in_process

    script = write_project(tmp_path / "project")
    code, said = render_in_process(capsys, "build", str(script), "--only", "stamp", "--size", "320x180",
                                   "--fps", "10")
    assert code == 0, said
    assert "stages: stamp built" in said
    assert with_stamp == ["check", "stamp"]
    code, said = render_in_process(capsys, "build", str(script), "--only", "stamps")
    assert code == 2 and "expected one of: check, slides, stamp, timeline, video, notebook, review" in said


@pytest.mark.slow
def test_watch_and_preview_run_the_records_stages_in_the_records_order(tmp_path, with_stamp):
    from cuecast.build import run_options
    from cuecast.cli.watch import rebuild
    from cuecast.preview.events import EventHub
    from cuecast.preview.session import PreviewSession, Update
    from cuecast.runner import Runner

    script = write_project(tmp_path / "project")
    said: list[str] = []
    every = dataclasses.replace(SMALL, only=stage_names())  # what ``render watch`` asks for without --only
    done = rebuild(script, every, lambda text, err=False: said.append(text))
    assert with_stamp == list(stage_names())
    assert done == [f"stages: {name}" for name in stage_names() if name != "check"], said

    with_stamp.clear()
    (script.parent / "stages.yaml").write_text(LESSON.replace("one record", "one record, once"), encoding="utf-8")
    session = PreviewSession(script, SMALL, EventHub(), said.append)
    runner = Runner(run_options(SMALL))
    session._runner = lambda: runner
    try:
        session.update(Update([str(script)], time.time()))
    finally:
        session.close()
        runner.close()
    assert with_stamp == list(stage_names()), said


def test_a_build_with_nothing_changed_imports_no_stage_s_work(tmp_path):
    """In a fresh process, as ``render build`` runs: every stage skipped, and
    nothing that lays out, draws or writes an output (nor torch, python-pptx,
    Pillow's fonts or Pygments) loaded to find that out."""
    script = write_project(tmp_path / "project")
    # what lays out, draws and writes (the timeline's planner and the voice's
    # description are light: a skipped timeline stage reads its voice)
    heavy = ["cuecast.deck.layout", "cuecast.deck.raster", "cuecast.deck.pptx_writer", "cuecast.deck.theme",
             "cuecast.review", "cuecast.video.compose", "cuecast.notebook", "cuecast.export.otio_writer",
             "torch", "pptx", "PIL.ImageFont", "pygments", "nbformat", "opentimelineio", "jinja2"]
    code = (
        "import sys\n"
        "from cuecast.cli import main\n"
        "try:\n"
        f"    main(['build', {str(script)!r}, '--size', '320x180', '--fps', '10', '--device', 'cpu'])\n"
        "except SystemExit as exit:\n"
        "    assert not exit.code, exit.code\n"
        f"print(sorted(name for name in {heavy!r} if name in sys.modules))\n"
    )
    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    said = []
    for _ in range(2):  # the first builds, the second finds everything current
        done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                              timeout=120, env=environment)
        assert done.returncode == 0, done.stderr
        said.append(done)
    assert "stages: slides built" in said[0].stderr
    assert [line for line in said[1].stderr.splitlines() if line.endswith((" built", " failed"))] == []
    assert said[1].stdout.strip().splitlines()[-1] == "[]", said[1].stdout
