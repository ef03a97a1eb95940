"""The subcommands are views of one pipeline: a stage built by one view is
current for the others, and a build templates and lays out each lesson's
deck once.  That the same options mean the same thing everywhere is tested
in test_options."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cuecast.cli import cli
from tests.support.paths import PROJECT


@pytest.fixture
def tiny(tmp_path, monkeypatch) -> Path:
    project = tmp_path / "tiny"
    shutil.copytree(PROJECT / "tests" / "tinybuild", project, ignore=shutil.ignore_patterns("__pycache__", "build"))
    monkeypatch.chdir(project)
    return project


class _PoolStarts:
    """Counts the snippet worker pools started: none means every capture
    came from the cache."""

    def __init__(self, monkeypatch):
        from cuecast.runner import pool

        self.count = 0
        original = pool.WorkerPool.start

        def start(pool_self):
            self.count += 1
            return original(pool_self)

        monkeypatch.setattr(pool.WorkerPool, "start", start)


@pytest.mark.slow
def test_slides_after_check_with_the_same_limits_runs_no_snippet(tiny, monkeypatch):
    runner = CliRunner()
    first = runner.invoke(cli, ["check", "--device", "cpu", "--memory-limit", "4G", "--timeout", "30"])
    assert first.exit_code == 0, first.output
    starts = _PoolStarts(monkeypatch)
    slides = runner.invoke(cli, ["slides", "--device", "cpu", "--memory-limit", "4G", "--timeout", "30"])
    assert slides.exit_code == 0, slides.output
    assert starts.count == 0
    assert (tiny / "build" / "tiny" / "slides.pptx").is_file()
    # the counter sees a run: other limits key other captures
    again = runner.invoke(cli, ["slides", "--device", "cpu", "--memory-limit", "3G", "--timeout", "30"])
    assert again.exit_code == 0, again.output
    assert starts.count == 1


@pytest.mark.slow
def test_a_view_and_build_share_the_record_of_what_is_current(tiny):
    runner = CliRunner()
    slides = runner.invoke(cli, ["slides", "--device", "cpu"])
    assert slides.exit_code == 0, slides.output
    assert slides.stdout.splitlines()[0] == "tiny: 8 slides"
    build = runner.invoke(cli, ["build", "--device", "cpu", "--only", "slides"])
    assert build.exit_code == 0, build.output
    row = next(line for line in build.stdout.splitlines() if "│ slides " in line)
    assert "│ skipped │" in row and "8 slides" in row, build.stdout


@pytest.mark.slow
def test_a_full_build_templates_and_lays_out_the_deck_once(tiny, monkeypatch):
    from cuecast import templating
    from cuecast.deck import layout

    calls = {"layout": 0, "template": 0}
    real_layout, real_render = layout.layout_deck, templating.render_lesson

    def counted_layout(*args, **kwargs):
        calls["layout"] += 1
        return real_layout(*args, **kwargs)

    def counted_render(lesson, captures):
        if not lesson.templated:
            calls["template"] += 1
        return real_render(lesson, captures)

    monkeypatch.setattr(layout, "layout_deck", counted_layout)
    monkeypatch.setattr(templating, "render_lesson", counted_render)
    result = CliRunner().invoke(cli, ["build", "--device", "cpu", "--size", "320x180", "--fps", "10"])
    assert result.exit_code == 0, result.output
    assert (tiny / "build" / "tiny" / "video.mp4").is_file()
    assert calls == {"layout": 1, "template": 1}


@pytest.mark.slow
def test_views_summarise_every_lesson_when_lessons_build_in_their_own_processes(tmp_path, monkeypatch):
    from tests.support.catalogue_lessons import make_catalogue

    project = make_catalogue(tmp_path / "project", lessons=2)
    monkeypatch.chdir(project)
    runner = CliRunner()
    one = runner.invoke(cli, ["slides", "script", "--device", "cpu", "-j", "1"])
    assert one.exit_code == 0, one.output
    counts = [line for line in one.stdout.splitlines() if ": " in line and line.endswith(" slides")]
    shutil.rmtree(project / "build" / "lesson-1")
    shutil.rmtree(project / "build" / "lesson-2")
    two = runner.invoke(cli, ["slides", "script", "--device", "cpu", "-j", "2"])  # lesson 2 built in a child
    assert two.exit_code == 0, two.output
    assert [line for line in two.stdout.splitlines() if ": " in line and line.endswith(" slides")] == counts
    assert len(counts) == 2 and all(not line.endswith(": 0 slides") for line in counts)
    timeline = runner.invoke(cli, ["timeline", "script", "--device", "cpu", "-j", "2"])
    assert timeline.exit_code == 0, timeline.output
    summaries = [line for line in timeline.stdout.splitlines() if "narrated beats" in line]
    assert [line.split(":")[0] for line in summaries] == ["lesson-1", "lesson-2"]


def test_a_no_op_build_says_no_per_cue_warning_only_a_summary(tiny):
    """Issue 23: a warning about a stage's inputs (here the browser cue's
    page, not captured offline) is said when that stage runs; a build whose
    stages are all current says one summary line instead."""
    from tests.support.cli import run_render

    where = "script/tiny.yaml:21:9: cannot capture https://pytorch.org/docs/stable/autograd.html"
    first = run_render("build", "--device", "cpu", "--only", "slides", cwd=tiny, check=True)
    assert [line for line in first.stderr.splitlines() if line.startswith("warning:")] == [
        f"warning: {where}: CUECAST_OFFLINE is set, so only pages on this machine are captured; "
        "the slide and the video show a simulated page"]

    again = run_render("build", "--device", "cpu", "--only", "slides", cwd=tiny, check=True)
    assert "│ skipped │" in next(line for line in again.stdout.splitlines() if "│ slides " in line)
    assert "tiny.yaml:" not in again.stderr, again.stderr
    assert [line for line in again.stderr.splitlines() if line.startswith("warning:")] == [
        "warning: tiny: 1 browser cue shows a simulated page or an older capture "
        "(not captured now; the outputs are current)"]

    (tiny / "build" / "tiny" / "slides.pptx").unlink()  # the slides stage runs again, reading the page
    rebuilt = run_render("build", "--device", "cpu", "--only", "slides", cwd=tiny, check=True)
    assert [line for line in rebuilt.stderr.splitlines() if line.startswith("warning:")] == \
        [line for line in first.stderr.splitlines() if line.startswith("warning:")]
