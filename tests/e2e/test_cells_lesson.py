"""A lesson whose code builds up cell by cell (tests/fixtures/cells): every
cue's slide, notebook cell, review page entry and video terminal shows that
cell's output, the same output the cells give when run in order in one plain
Python process with the same seed (an implementation of its own, below)."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from pptx import Presentation

from cuecast.catalogue import build_lessons
from cuecast.runner.events import FINISHED
from cuecast.script import load_lesson
from cuecast.shown import unwrap_terminal_text
from tests.support.cli import run_render
from tests.support.overlap import check_deck
from tests.support.paths import FIXTURES, PROJECT
from tests.support.small_build import SMALL

FIXTURE = FIXTURES / "cells"
RENDER = PROJECT / "render.py"

#: Runs the ``# %%`` cells of a file in order in one namespace, seeded once,
#: showing a bare last expression's repr: what a notebook kernel does.
REFERENCE = r'''
import ast, contextlib, io, json, random, re, sys
import numpy, torch
path = sys.argv[1]
lines = open(path, encoding="utf-8").read().splitlines()
marks = [n for n, line in enumerate(lines) if re.match(r"#\s?%%", line)]
random.seed(0); numpy.random.seed(0); torch.manual_seed(0)
namespace = {"__name__": "__main__", "__file__": path}
found = {}
bounds = [("", 0, marks[0])] + [(lines[m][4:].strip(), m + 1, marks[i + 1] if i + 1 < len(marks) else len(lines))
                                 for i, m in enumerate(marks)]
for title, start, end in bounds:
    out, error = io.StringIO(), ""
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            tree = ast.parse("\n" * start + "\n".join(lines[start:end]), path)
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            exec(compile(tree, path, "exec"), namespace)
            if last is not None:
                value = eval(compile(ast.Expression(last.value), path, "eval"), namespace)
                if value is not None:
                    print(repr(value))
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
    found[title] = {"output": out.getvalue(), "error": error}
print(json.dumps(found))
'''


def reference(root: Path, snippet: str) -> dict:
    """The cells' outputs, run from the project folder as ``python snippets/x.py`` would be."""
    env = dict(os.environ, PYTHONHASHSEED="0", CUDA_VISIBLE_DEVICES="")
    done = subprocess.run([sys.executable, "-c", REFERENCE, snippet], capture_output=True, text=True,
                          env=env, cwd=root, check=True)
    return json.loads(done.stdout)


def build(script: Path):
    ran = []

    def on_event(event):
        if event.kind == FINISHED and not event.capture.cached:
            ran.append(event.snippet)

    (result,) = build_lessons([load_lesson(script)], SMALL, on_run_event=on_event)
    return result, ran


@pytest.fixture(scope="module")
def built_cells_lesson(tmp_path_factory):
    root = tmp_path_factory.mktemp("cells") / "project"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("build"))
    script = root / "script" / "cells.yaml"
    result, ran = build(script)
    assert not result.failed_snippets and ran == ["snippets/tutorial.py"]
    return root, load_lesson(script), result, reference(root, "snippets/tutorial.py")


def expected_lines(ref: dict) -> list[str]:
    return ref["output"].rstrip("\n").split("\n") if ref["output"] else []


def cue_slide_texts(prs, beat_id: str, name: str) -> list[str]:
    ids = {beat_id} | {f"{beat_id}/{n}" for n in range(2, 20)}
    return [shape.text_frame.text for slide in prs.slides if slide.name.removeprefix("cue:") in ids
            for shape in slide.shapes if shape.name == name]


def terminal_lines(texts: list[str]) -> list[str]:
    lines = [line for text in texts for line in unwrap_terminal_text(text)]
    return [line for line in lines if not re.match(r"… \d+ more lines? on the next slide", line)]


@pytest.mark.slow
def test_libreoffice_draws_no_word_over_another_on_the_lessons_deck(built_cells_lesson):
    root, _, _, _ = built_cells_lesson
    check_deck(root / "build" / "cells" / "slides.pptx")


@pytest.mark.slow
def test_every_slide_shows_its_own_cells_output(built_cells_lesson):
    root, lesson, _, ref = built_cells_lesson
    prs = Presentation(str(root / "build" / "cells" / "slides.pptx"))
    for _, beat, cue in lesson.cues():
        expected = expected_lines(ref[cue.cell_title])
        shown = terminal_lines(cue_slide_texts(prs, beat.id, "output:terminal"))
        assert cue_slide_texts(prs, beat.id, "code:code")  # its code is there too (exact text: the next test)
        if cue.output_hidden:
            assert shown == [], cue.cell_title  # output: none
        elif ref[cue.cell_title]["error"]:
            assert shown[: len(expected)] == expected and shown[-1] == ref[cue.cell_title]["error"]
        else:
            assert shown == (expected or ["(no output)"]), cue.cell_title
    long = [b for _, b, c in lesson.cues() if c.cell_title == "Every parameter"][0]
    assert len(expected_lines(ref["Every parameter"])) == 64
    assert len([s for s in prs.slides if s.name.startswith(f"cue:{long.id}")]) >= 2  # continued, not cut


@pytest.mark.slow
def test_each_cues_code_is_its_cell(built_cells_lesson):
    root, lesson, _, _ = built_cells_lesson
    prs = Presentation(str(root / "build" / "cells" / "slides.pptx"))
    source = (root / "snippets" / "tutorial.py").read_text().splitlines()
    for _, beat, cue in lesson.cues():
        code = "\n".join(cue_slide_texts(prs, beat.id, "code:code"))
        body = "\n".join(source[cue.lines[0] - 1: cue.lines[1]]).strip("\n")
        assert code == body and "# %%" not in code


@pytest.mark.slow
def test_notebook_holds_each_cell_once_with_its_output_and_nbclient_reproduces_it(built_cells_lesson):
    from nbclient import NotebookClient

    root, lesson, _, ref = built_cells_lesson
    path = root / "build" / "cells" / "code.ipynb"
    built = nbformat.read(path, as_version=4)
    code_cells = [c for c in built.cells if c.cell_type == "code"]
    assert code_cells[0].metadata["tags"] == ["cuecast-setup"] and code_cells[0].metadata["jupyter"]["source_hidden"]
    assert "cuecast-seed" in code_cells[1].metadata["tags"] and code_cells[1].source == "reseed(0)"
    assert len(code_cells) == 1 + 1 + 1 + 12  # reseed's definition, the seed, the set-up code, each cell once
    for _, beat, cue in lesson.cues():
        [cell] = [c for c in code_cells if c.metadata["cuecast"].get("cue") == beat.id]
        text = "".join(o.get("text", "") or o.get("data", {}).get("text/plain", "") + "\n" for o in cell.outputs
                       if o.output_type != "error")
        assert text == ref[cue.cell_title]["output"], cue.cell_title
        errors = [f"{o.ename}: {o.evalue}" for o in cell.outputs if o.output_type == "error"]
        assert errors == ([ref[cue.cell_title]["error"]] if ref[cue.cell_title]["error"] else [])

    executed = nbformat.read(path, as_version=4)
    NotebookClient(executed, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(root / "snippets")}}).execute()

    def outputs(notebook):
        found = []
        for cell in notebook.cells:
            for out in cell.get("outputs", []):
                if out.output_type == "stream" and out.name == "stdout":
                    found.append(out.text)
                elif out.output_type == "execute_result":
                    found.append(out.data["text/plain"])
                elif out.output_type == "error":
                    found.append(f"{out.ename}: {out.evalue}")
        return found

    assert outputs(executed) == outputs(built)


@pytest.mark.slow
def test_review_page_lists_each_cells_output(built_cells_lesson):
    root, lesson, _, ref = built_cells_lesson
    page = (root / "build" / "cells" / "index.html").read_text()
    outs = [html.unescape(text) for text in re.findall(r'<pre class="out">(.*?)</pre>', page, re.S)]
    assert len(outs) == 12
    for (_, _, cue), shown in zip(lesson.cues(), outs):
        if cue.output_hidden:
            continue
        expected = expected_lines(ref[cue.cell_title])
        if ref[cue.cell_title]["error"]:
            assert shown.split("\n")[-1] == ref[cue.cell_title]["error"]
        else:
            assert shown.split("\n") == (expected or ["(no output)"]), cue.cell_title


def last_frame(path: Path) -> np.ndarray:
    import imageio_ffmpeg

    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    last = None
    for last in reader:
        pass
    w, h = meta["size"]
    return np.frombuffer(last, dtype=np.uint8).reshape(h, w, 3)


@pytest.mark.slow
def test_the_video_terminal_ends_on_each_cells_output(built_cells_lesson):
    from cuecast.export import narrated_timeline
    from cuecast.narrate import lesson_voice, voice_cache_dir
    from cuecast.plan import media_path
    from cuecast.runner import RunOptions, run_lesson
    from cuecast.shown import shown_capture
    from cuecast.video.editor import EditorScene, editor_content

    root, lesson, _, ref = built_cells_lesson
    captures = run_lesson(lesson, RunOptions(device="cpu"))
    out = root / "build" / "cells"
    timeline = narrated_timeline(lesson, captures, lesson_voice(lesson, "none"), out, voice_cache_dir(root))
    cues = {beat.id: cue for _, beat, cue in lesson.cues()}
    editors = [s for s in timeline.segments if s.kind == "vscode"]
    assert len(editors) == 12
    for segment in editors:
        cue = cues[segment.cue_id]
        content = editor_content(lesson, cue, shown_capture(cue, captures))
        expected = expected_lines(ref[cue.cell_title])
        lines = [line.text for line in content.output]
        if cue.output_hidden:
            assert lines == []
        elif ref[cue.cell_title]["error"]:
            assert lines[: len(expected)] == expected and lines[-1] == ref[cue.cell_title]["error"]
        else:
            assert lines == (expected or ["(no output)"])
        n_frames = round(segment.end * SMALL.fps) - round(segment.start * SMALL.fps)
        scene = EditorScene(content, SMALL.size, SMALL.fps, n_frames, segment.type_seconds, segment.output_at)
        state = scene.state(n_frames - 1)
        assert state.output_lines == len(lines) and state.prompt  # everything printed by the last frame
        *_, (_, picture) = scene.render()
        drawn = np.asarray(picture.convert("RGB")).astype(int)
        encoded = last_frame(media_path(out, segment)).astype(int)
        assert np.abs(drawn - encoded).mean() < 6, segment.id  # the video's last frame is that terminal


def slide_texts(path: Path) -> dict[str, tuple[list[str], list[str]]]:
    """Each slide's text, and apart from it the run-time badge's."""
    found = {}
    for slide in Presentation(str(path)).slides:
        shapes = [s for s in slide.shapes if s.has_text_frame]
        found[slide.name] = ([s.text_frame.text for s in shapes if s.name != "output:badge"],
                             [s.text_frame.text for s in shapes if s.name == "output:badge"])
    return found


@pytest.mark.slow
def test_editing_one_cell_re_encodes_only_the_segments_it_changed(built_cells_lesson, tmp_path, monkeypatch):
    import cuecast.video.compose as compose
    from cuecast.deck.raster import png_name

    root = tmp_path / "edited"
    shutil.copytree(built_cells_lesson[0], root)
    script = root / "script" / "cells.yaml"
    out = root / "build" / "cells"
    slides_before = {p.name: p.read_bytes() for p in (out / "slides").glob("*.png")}
    texts_before = slide_texts(out / "slides.pptx")
    pptx_before = (out / "slides.pptx").read_bytes()
    encoded = []
    real = compose.encode_frames
    monkeypatch.setattr(compose, "encode_frames", lambda *a, **k: encoded.append(a) or real(*a, **k))
    snippet = root / "snippets" / "tutorial.py"
    snippet.write_text(snippet.read_text().replace('print(f"Datatype of tensor: {data.dtype}")',
                                                   'print(f"Type of tensor: {data.dtype}")'))
    result, ran = build(script)
    assert ran == ["snippets/tutorial.py"]  # the file runs again, as a kernel would
    assert len(encoded) == 1, [str(a[3]) for a in encoded]  # only the edited cell's segment
    slides_after = {p.name: p.read_bytes() for p in (out / "slides").glob("*.png")}
    redrawn = {name for name in slides_after if slides_after[name] != slides_before.get(name)}
    after = slide_texts(out / "slides.pptx")
    content_changed = {name for name in after if after[name][0] != texts_before[name][0]}
    assert content_changed == {"cue:tensors-3"}  # the edited cell's code and output, nothing else
    assert all(after[name][1] == texts_before[name][1] for name in after)  # badges hold no run time to change
    pngs = {png_name(index, name): name for index, name in enumerate(after, start=1)}
    assert {pngs[name] for name in redrawn} == {"cue:tensors-3"}  # exactly the edited cell's slide is redrawn
    assert (out / "slides.pptx").read_bytes() != pptx_before
    rows = json.loads((out / "cues.json").read_text())["cues"]
    assert [r["cell"] for r in rows if r["kind"] == "vscode"][:2] == ["Make a tensor", "Tensor attributes"]


@pytest.mark.slow
def test_check_and_pytest_count_cells(built_cells_lesson, tmp_path):
    root = built_cells_lesson[0]
    check = run_render("check", "script/cells.yaml", cwd=root)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "all 12 cells passed" in check.stdout and "snippets/tutorial.py::Tensor attributes" in check.stdout
    collected = subprocess.run([sys.executable, "-m", "pytest", "--cuecast", "script/cells.yaml", "--collect-only",
                                "-q", "-p", "no:cacheprovider"], cwd=root, capture_output=True, text=True)
    items = [line for line in collected.stdout.splitlines() if "::" in line]
    assert len(items) == 12 and "script/cells.yaml::a-model::a-model-4[snippets/tutorial.py::A shape mistake]" in items
