"""``render build`` end to end on tests/tinybuild: every output read back with
its own library, a second build skips everything, and an edit to one snippet
rebuilds exactly what it touches."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import opentimelineio as otio
import pytest
from pptx import Presentation

from cuecast.build import BuildOptions
from cuecast.catalogue import build_lessons
from cuecast.errors import ScriptError
from cuecast.runner.events import FINISHED
from cuecast.script import load_lesson
from tests.support.cli import run_render
from tests.support.overlap import check_lesson_deck
from tests.support.small_build import SMALL

TINY = Path(__file__).parent / "tinybuild"


def copy_tiny(destination: Path) -> Path:
    shutil.copytree(TINY, destination, ignore=shutil.ignore_patterns("build"))
    return destination / "script" / "tiny.yaml"


def build(script: Path, options: BuildOptions = SMALL):
    ran: list[str] = []

    def on_event(event):
        if event.kind == FINISHED and not event.capture.cached:
            ran.append(event.snippet)

    (result,) = build_lessons([load_lesson(script)], options, on_run_event=on_event)
    return result, ran


def statuses(result) -> dict[str, str]:
    return {r.stage: r.status for r in result.results}


def pptx_text(path: Path) -> str:
    parts = []
    for slide in Presentation(str(path)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
    return "\n".join(parts)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    script = copy_tiny(tmp_path_factory.mktemp("tiny") / "project")
    first, ran_first = build(script)
    second, ran_second = build(script)
    return script, first, ran_first, second, ran_second


@pytest.mark.slow
def test_first_build_writes_every_output_readable_by_its_library(built):
    script, first, ran_first, _, _ = built
    out = script.parent.parent / "build" / "tiny"
    assert sorted(ran_first) == ["snippets/no_grad.py", "snippets/shapes.py", "snippets/tape.py"]
    assert statuses(first) == {stage: "built" for stage in
                               ("check", "slides", "timeline", "video", "notebook", "review")}

    assert "shape: (2, 3)" in pptx_text(out / "slides.pptx")
    check_lesson_deck(script, out / "slides.pptx")  # LibreOffice draws no word over another, breaks lines as the PNG
    timeline = otio.adapters.read_from_file(str(out / "timeline.otio"))
    clips = list(timeline.video_tracks()[0].find_clips())
    assert clips and all(Path(c.media_reference.target_url.replace("file://", "")).exists() for c in clips)
    notebook = nbformat.read(out / "code.ipynb", as_version=4)
    nbformat.validate(notebook)
    code = [c for c in notebook.cells if c.cell_type == "code" and "cue" in c.metadata["cuecast"]]
    assert [c.metadata["cuecast"]["snippet"] for c in code] == ["snippets/shapes.py", "snippets/no_grad.py"]
    assert code[1].outputs[-1].output_type == "error" and code[1].outputs[-1].ename == "RuntimeError"
    html = (out / "index.html").read_text()
    assert "video.mp4" in html and "snippets/shapes.py" in html and 'class="tc"' in html
    assert len(list((out / "slides").glob("*.png"))) == len(Presentation(str(out / "slides.pptx")).slides)


@pytest.mark.slow
def test_second_build_skips_every_stage_and_runs_nothing(built):
    _, _, _, second, ran_second = built
    assert ran_second == []
    assert set(statuses(second).values()) == {"skipped"}


@pytest.mark.slow
def test_editing_one_snippet_rebuilds_exactly_what_it_touches(tmp_path):
    script = copy_tiny(tmp_path / "project")
    out = script.parent.parent / "build" / "tiny"
    build(script)
    notebook_before = nbformat.read(out / "code.ipynb", as_version=4)
    video_before = (out / "video.mp4").stat().st_mtime_ns
    media_before = {p.name: p.read_bytes() for p in (out / "media").glob("*.mp4")}

    snippet = script.parent.parent / "snippets" / "shapes.py"
    snippet.write_text(snippet.read_text().replace('print("shape:", tuple(x.shape))',
                                                   'print("edited shape:", tuple(x.shape))'))
    result, ran = build(script)

    assert ran == ["snippets/shapes.py"]  # the other captures came from the cache
    assert statuses(result)["slides"] == "built"
    assert "edited shape: (2, 3)" in pptx_text(out / "slides.pptx")
    notebook_after = nbformat.read(out / "code.ipynb", as_version=4)
    # what a reader sees of each cell (its run time is measured again with the file, and may differ)
    seen = lambda cell: (cell.source, cell.get("outputs"), cell.metadata.get("cuecast", {}).get("status"))
    changed = [i for i, (a, b) in enumerate(zip(notebook_before.cells, notebook_after.cells)) if seen(a) != seen(b)]
    assert len(notebook_after.cells) == len(notebook_before.cells)
    assert len(changed) == 1
    assert "edited shape" in notebook_after.cells[changed[0]].source
    assert (out / "video.mp4").stat().st_mtime_ns != video_before
    media_after = {p.name: p.read_bytes() for p in (out / "media").glob("*.mp4")}
    assert media_after.keys() == media_before.keys()
    changed_media = sorted(name for name in media_after if media_after[name] != media_before[name])
    rows = json.loads((out / "cues.json").read_text())["cues"]
    shapes_segment = next(r["segment"] for r in rows if r["snippet"] == "snippets/shapes.py")
    assert changed_media == [f"{shapes_segment}.mp4"]  # the other screen captures were not re-encoded


@pytest.mark.slow
def test_undoing_an_edit_encodes_nothing_and_draws_only_the_slides_it_touched(tmp_path, monkeypatch):
    import cuecast.video.compose as compose

    script = copy_tiny(tmp_path / "project")
    out = script.parent.parent / "build" / "tiny"
    build(script)
    snippet = script.parent.parent / "snippets" / "shapes.py"
    original = snippet.read_text()
    video_before = (out / "video.mp4").read_bytes()
    snippet.write_text(original.replace('"shape:"', '"edited shape:"'))
    build(script)
    pngs = {p.name: p.stat().st_mtime_ns for p in (out / "slides").glob("*.png")}

    encoded = []
    real = compose.encode_frames
    monkeypatch.setattr(compose, "encode_frames", lambda *a, **k: encoded.append(k.get("what")) or real(*a, **k))
    snippet.write_text(original)
    result, ran = build(script)
    assert ran == []  # the capture of the original is still cached
    assert encoded == []  # so are its segment clips: the clip cache keeps earlier versions
    redrawn = [name for name, stamp in pngs.items() if (out / "slides" / name).stat().st_mtime_ns != stamp]
    assert len(redrawn) == 1 and "cue-tensors" in redrawn[0], redrawn  # the shapes cue's slide alone
    assert (out / "video.mp4").read_bytes() == video_before  # the very same video as before the edit


@pytest.mark.slow
def test_a_copied_project_links_its_own_build_folder(tmp_path):
    script = copy_tiny(tmp_path / "first")
    build(script)
    copy = tmp_path / "second"
    shutil.copytree(tmp_path / "first", copy)
    record = json.loads((copy / "build" / "tiny" / ".build.json").read_text())
    stored = [p for stage in record["stages"].values() for p in stage["outputs"].values()]
    assert stored and not any(Path(p).is_absolute() for p in stored)  # relative to the build folder

    snippet = copy / "snippets" / "shapes.py"
    snippet.write_text(snippet.read_text().replace('"shape:"', '"copied shape:"'))
    build(copy / "script" / "tiny.yaml", dataclasses.replace(SMALL, only=("slides", "review")))
    page = (copy / "build" / "tiny" / "index.html").read_text()
    links = re.findall(r'(?:href|src)="([^"]+)"', page)
    assert "video.mp4" in links and not any(link.startswith("..") or link.startswith("/") for link in links)
    assert "Stale:" in page  # the video was not rebuilt after the edit, and the page says so


def test_a_record_pointing_outside_its_build_folder_is_not_current(tmp_path):
    from cuecast.build import BuildRecord

    elsewhere = tmp_path / "other" / "video.mp4"
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(b"x")
    build_dir = tmp_path / "project" / "build" / "tiny"
    build_dir.mkdir(parents=True)
    (build_dir / ".build.json").write_text(json.dumps(
        {"stages": {"video": {"fingerprint": "f", "outputs": {"video": str(elsewhere)}}}}))
    record = BuildRecord(build_dir)  # as a project copied with an old absolute record has it
    assert not record.is_current("video", "f") and record.outputs("video") == {}


def test_only_pulls_in_the_stages_a_stage_needs():
    from cuecast.stages import stages_to_run

    assert stages_to_run(["video"]) == ("check", "timeline", "video")
    assert stages_to_run(["notebook"]) == ("check", "notebook")
    assert stages_to_run(["slides", "review"]) == ("check", "slides", "timeline", "review")


def test_a_corrupt_build_record_just_rebuilds(tmp_path):
    from cuecast.build import BuildRecord

    (tmp_path / ".build.json").write_text("{not json")
    record = BuildRecord(tmp_path)
    assert record.stages == {} and not record.is_current("slides", "x")
    target = tmp_path / "out.txt"
    target.write_text("x")
    record.remember("slides", "abc", {"deck": target})
    again = BuildRecord(tmp_path)
    assert again.is_current("slides", "abc") and not again.is_current("slides", "abd")
    target.unlink()
    assert not again.is_current("slides", "abc")  # an output that vanished is rebuilt


@pytest.mark.slow
def test_render_build_cli_prints_where_everything_is(tmp_path):
    script = copy_tiny(tmp_path / "project")
    command = [sys.executable, str(Path(__file__).parents[1] / "render.py"), "build", str(script),
               "--size", "320x180", "--fps", "10", "--only", "slides,notebook"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    for label in ("deck", "notebook"):
        assert re.search(rf"^\s+{label}\s+\S+", done.stdout, re.M), done.stdout
    assert "slides.pptx" in done.stdout and "code.ipynb" in done.stdout
    assert not (tmp_path / "project" / "build" / "tiny" / "video.mp4").exists()


def test_bad_only_stage_is_a_usage_error(tmp_path):
    script = copy_tiny(tmp_path / "project")
    done = run_render("build", str(script), "--only", "slidez", timeout=60)
    assert done.returncode == 2
    assert "unknown stage 'slidez'" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.slow
def test_only_review_still_links_what_earlier_builds_made(built):
    import dataclasses

    script = built[0]
    page = script.parent.parent / "build" / "tiny" / "index.html"
    page.unlink()
    result, ran = build(script, dataclasses.replace(SMALL, only=("review",)))
    assert ran == [] and statuses(result)["review"] == "built"
    html = page.read_text()
    assert 'src="video.mp4"' in html
    assert html.count("data:image/jpeg") == len(list((page.parent / "slides").glob("*.png"))) > 0
    assert "slides.pptx" in html and "code.ipynb" in html


@pytest.mark.slow
def test_no_cache_builds_everything_from_scratch(tmp_path, monkeypatch):
    import cuecast.video.compose as compose

    script = copy_tiny(tmp_path / "project")
    build(script)
    encoded = set()  # the segments encoded (a held end is a second encode of its segment)
    real = compose.encode_frames

    def counting(*args, **kwargs):
        encoded.add(kwargs["what"])
        return real(*args, **kwargs)

    monkeypatch.setattr(compose, "encode_frames", counting)
    result, ran = build(script, dataclasses.replace(SMALL, use_cache=False))
    assert sorted(ran) == ["snippets/no_grad.py", "snippets/shapes.py", "snippets/tape.py"]
    assert set(statuses(result).values()) == {"built"}
    timeline = otio.adapters.read_from_file(str(script.parent.parent / "build" / "tiny" / "timeline.otio"))
    clips = list(timeline.video_tracks()[0].find_clips())
    assert len(encoded) == len(clips) > 0  # every segment encoded again, none taken from the clip cache


@pytest.mark.slow
def test_templates_are_filled_in_what_is_spoken_captioned_and_written(tmp_path):
    """`{{ torch_version }}` in narration and titles reaches the captions, the
    chapters, the notebook and the deck alike, never as raw braces."""
    import torch  # the version the captures report
    import webvtt

    script = copy_tiny(tmp_path / "project")
    text = script.read_text()
    text = text.replace("say: Making a tensor and printing its shape.",
                        "say: Making a tensor with torch {{ torch_version }}.")
    text = text.replace("  - title: Gradients", '  - title: "Gradients on {{ device_type }}"')
    script.write_text(text)
    build(script)
    out = script.parent.parent / "build" / "tiny"
    spoken = f"Making a tensor with torch {torch.__version__}."
    captions = (out / "captions.srt").read_text()
    assert spoken in captions.replace("\n", " ") and "{{" not in captions
    assert [c.text for c in webvtt.read(str(out / "chapters.vtt"))][-1] == "Gradients on cpu"
    notebook = nbformat.read(out / "code.ipynb", as_version=4)
    markdown = " ".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert spoken in markdown and "Gradients on cpu" in markdown and "{{" not in markdown
    assert "Gradients on cpu" in pptx_text(out / "slides.pptx")


def test_a_template_error_in_narration_points_at_its_field(tmp_path):
    script = copy_tiny(tmp_path / "project")
    script.write_text(script.read_text().replace("say: Making a tensor and printing its shape.",
                                                 "say: Made with {{ torch_verison }}."))
    line = next(n for n, l in enumerate(script.read_text().splitlines(), 1) if "torch_verison" in l)
    with pytest.raises(ScriptError) as raised:
        build(script, dataclasses.replace(SMALL, only=("timeline",)))
    (diagnostic,) = raised.value.diagnostics
    assert (diagnostic.location.line, diagnostic.location.col) == (line, 14)
    assert diagnostic.hint.startswith("did you mean 'torch_version'?")


def refuse(what: str):
    def refused(*args, **kwargs):
        raise AssertionError(f"a build with nothing changed {what}")
    return refused


@pytest.mark.slow
def test_a_build_with_nothing_changed_lays_nothing_out_and_plans_nothing(tmp_path, monkeypatch):
    import cuecast.deck.layout as layout
    import cuecast.deck.theme as theme
    import cuecast.export as export

    script = copy_tiny(tmp_path / "project")
    first, _ = build(script)
    monkeypatch.setattr(layout, "layout_deck", refuse("laid the deck out"))
    monkeypatch.setattr(theme, "load_theme", refuse("read the theme (and found its fonts)"))
    monkeypatch.setattr(export, "narrated_timeline", refuse("narrated and planned the timeline"))
    second, ran = build(script)
    assert ran == [] and set(statuses(second).values()) == {"skipped"}
    assert second.timeline == first.timeline  # read back, as it was planned


@pytest.mark.slow
def test_a_changed_voice_setting_plans_the_timeline_again(tmp_path):
    script = copy_tiny(tmp_path / "project")
    only = dataclasses.replace(SMALL, only=("timeline",))
    first, _ = build(script, only)
    slower, _ = build(script, dataclasses.replace(only, rate=80))
    assert statuses(slower)["timeline"] == "built"
    assert slower.timeline.duration > first.timeline.duration


@pytest.mark.slow
def test_a_take_recorded_again_is_heard_in_the_next_build(tmp_path):
    """The author's takes (``recordings/<beat id>.wav``) are inputs the saved
    timeline's fingerprint cannot see, so a voice with takes always plans."""
    from cuecast.narrate.base import wav_duration, write_wav

    script = copy_tiny(tmp_path / "project")
    only = dataclasses.replace(SMALL, only=("timeline",))
    beat_id = build(script, only)[0].timeline.narration[0].beat_id
    takes = script.parent.parent / "recordings"
    takes.mkdir()

    def heard(seconds: float):
        write_wav(takes / f"{beat_id}.wav", b"\x10\x00" * int(22050 * seconds), 22050)
        result, _ = build(script, only)
        return result, next(n for n in result.timeline.narration if n.beat_id == beat_id)

    _, first = heard(2.5)
    again, second = heard(1.5)  # the same beat recorded again: nothing else changed
    assert statuses(again)["timeline"] == "built"
    assert wav_duration(second.path) == pytest.approx(1.5, abs=0.01)
    assert (first.end - first.start, second.end - second.start) == (pytest.approx(2.5, abs=0.01),
                                                                    pytest.approx(1.5, abs=0.01))


@pytest.mark.slow
def test_a_missing_narration_wav_or_a_damaged_saved_timeline_is_planned_again(tmp_path, monkeypatch):
    import cuecast.export as export

    script = copy_tiny(tmp_path / "project")
    out = script.parent.parent / "build" / "tiny"
    spoken = dataclasses.replace(SMALL, only=("timeline",), voice="espeak")
    first, _ = build(script, spoken)
    wav = next((out / "audio").glob("*.wav"))
    wav.unlink()
    (out / ".timeline.pickle").write_bytes(b"not a pickle")
    planned = []
    real = export.narrated_timeline
    monkeypatch.setattr(export, "narrated_timeline", lambda *a, **k: planned.append(1) or real(*a, **k))
    again, _ = build(script, spoken)
    assert planned == [1] and wav.is_file()  # planned, so the WAV is placed again
    assert statuses(again)["timeline"] == "skipped" and again.timeline == first.timeline  # its files were current
    third, _ = build(script, spoken)
    assert planned == [1] and third.timeline == first.timeline  # the saved timeline was written again
