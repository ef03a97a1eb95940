"""The lesson's notebook (the seed's ``.code.ipynb``): narration as markdown,
every code cue as a code cell already holding what the snippet printed, and
every terminal cue as a ``!command`` cell holding what the command printed.

A plain snippet is one code cell holding the whole file, not only the lines
shown on the slide; a cell file is one code cell per cell (set-up code too),
in file order, each with that cell's own outputs.  One set-up cell (its
source hidden in Jupyter) defines ``reseed``, and a one-line ``reseed(0)``
cell before each file seeds as the runner did, so re-running the notebook
reproduces the captured outputs; the outputs come from the Captures, so building the
notebook never runs code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

import nbformat
from nbformat import v4

from cuecast import kinds
from cuecast.atomic import write_text
from cuecast.cells import cell_code, runnable, split_cells
from cuecast.model import STATUS_EXPECTED_ERROR, Capture, Lesson, Section
from cuecast.runner.streams import RESULT
from cuecast.shown import learner_traceback, run_capture
from cuecast.snippet_source import read_snippet


def _section_markdown(section: Section) -> str:
    heading = "#" * (section.level + 1)
    lines = [f"{heading} {section.title}", ""]
    for beat in section.beats:
        if beat.bullet is not None:
            lines.append(f"- {beat.bullet}")
            lines.extend(f"  - {point}" for point in beat.points)
    return "\n".join(lines).rstrip()


def _cue_markdown(beat) -> str:
    lines = [f"*{beat.say}*"] if beat.say else []
    lines.extend(f"- {point}" for point in beat.points)
    return "\n".join(lines)


def _outputs(streams, exception, count: int) -> list:
    """Stream outputs in the order they were written, merging neighbours of
    the same stream as Jupyter does; a bare last expression's repr as an
    ``execute_result``; then the error if there was one."""
    outputs = []
    for name, text in streams:
        if name == RESULT:
            outputs.append(v4.new_output("execute_result", data={"text/plain": text.rstrip("\n")},
                                         execution_count=count))
        elif outputs and outputs[-1].get("name") == name:
            outputs[-1]["text"] += text
        else:
            outputs.append(v4.new_output("stream", name=name, text=text))
    if exception is not None:
        outputs.append(
            v4.new_output(
                "error",
                ename=exception.type,
                evalue=exception.message,
                traceback=learner_traceback(exception.traceback).rstrip("\n").split("\n"),
            )
        )
    return outputs


#: The function the set-up cell defines and each file's one-line cell calls.
RESEED = "reseed"


def setup_source() -> str:
    """The notebook's set-up cell (its source hidden in Jupyter): a function
    that seeds a kernel as the runner seeds each snippet file."""
    return "\n".join([
        "# cuecast ran each snippet file freshly seeded; reseed() before a file gives the same numbers",
        f"def {RESEED}(seed):",
        "    import random", "    import torch",
        "    random.seed(seed)", "    torch.manual_seed(seed)",
        "    try:", "        import numpy", "        numpy.random.seed(seed)", "    except ImportError:", "        pass",
    ])


def seed_source(seed: int) -> str:
    """The one line before each file's code that seeds it as its run was."""
    return f"{RESEED}({seed})"


class _Builder:
    """Appends cells in spoken order; a cell file's cells go in file order,
    each once, with the narration of the cue that shows it before it."""

    def __init__(self, lesson: Lesson, captures: Mapping[str, Capture], seed: int):
        self.lesson = lesson
        self.captures = captures
        self.seed = seed
        self.cells: list = [v4.new_markdown_cell(f"# {lesson.title}")]
        self.count = 0
        self.emitted: dict[str, int] = {}  # cell file -> index of the last cell emitted
        self.set_up = False  # the set-up cell defining reseed() is written before the first file
        # the file's last code cue also writes its remaining cells (slides cues put none in the notebook)
        self.last_cue = {cue.snippet: cue.id for _, _, cue in lesson.cues()
                         if cue.snippet and CUE_CELLS.lookup(cue.kind, cue.location) is _code}

    def markdown(self, text: str) -> None:
        self.cells.append(v4.new_markdown_cell(text))

    def seed_cell(self, snippet: str) -> None:
        """One short line before a file's first cell; the first one in the
        notebook comes after the set-up cell that defines ``reseed``."""
        if not self.set_up:
            setup = v4.new_code_cell(setup_source())
            setup.metadata["cuecast"] = {"setup": True}
            setup.metadata["jupyter"] = {"source_hidden": True}
            setup.metadata["tags"] = ["cuecast-setup"]
            self.code(setup)
            self.set_up = True
        cell = v4.new_code_cell(seed_source(self.seed))
        cell.metadata["cuecast"] = {"seed": self.seed, "snippet": snippet}
        cell.metadata["tags"] = ["cuecast-seed"]
        self.code(cell)

    def code(self, cell) -> None:
        self.count += 1
        cell.execution_count = self.count
        for output in cell.outputs:
            if output.output_type == "execute_result":
                output.execution_count = self.count
        self.cells.append(cell)

    def cue(self, beat, cue) -> None:
        if beat.say or beat.points:
            self.markdown(_cue_markdown(beat))
        capture = self.captures.get(cue.snippet)
        source = read_snippet(self.lesson, cue)
        cells = split_cells(source, self.lesson.selects_cells(cue.snippet))
        if not cells:
            self.whole_file(cue, source, capture)
            return
        last = self.emitted.get(cue.snippet)
        if last is None:
            self.seed_cell(cue.snippet)
            last = -1
        target = next((c.index for c in cells if c.number == cue.cell), None) if cue.cell else None
        if target is None or self.last_cue[cue.snippet] == cue.id:
            target = cells[-1].index  # the whole file, or the file's last cue: its remaining cells too
        results = {r.index: r for r in capture.cells} if capture is not None else {}
        for cell in runnable(cells):
            if last < cell.index <= target:
                self.file_cell(cue, source, cell, results.get(cell.index))
        self.emitted[cue.snippet] = max(last, target)

    def command(self, beat, cue) -> None:
        """A terminal cue: a ``!command`` cell (IPython runs it in a shell)
        holding what the command printed."""
        if beat.say or beat.points:
            self.markdown(_cue_markdown(beat))
        cell = v4.new_code_cell(f"!{cue.command}")
        cell.metadata["cuecast"] = {"cue": cue.id, "command": cue.command}
        capture = run_capture(cue, self.captures)
        if capture is not None:
            cell.outputs = _outputs(capture.streams, None, 0)
            cell.metadata["cuecast"].update(status=capture.status, duration=round(capture.duration, 3))
            if capture.status == STATUS_EXPECTED_ERROR:
                cell.metadata["tags"] = ["raises-exception"]
        self.code(cell)

    def whole_file(self, cue, source: str, capture) -> None:
        self.seed_cell(cue.snippet)
        cell = v4.new_code_cell(source.rstrip("\n"))
        cell.metadata["cuecast"] = {"cue": cue.id, "snippet": cue.snippet}
        if capture is not None:
            cell.outputs = _outputs(capture.streams, capture.exception, 0)
            cell.metadata["cuecast"].update(
                status=capture.status, device=capture.device, duration=round(capture.duration, 3)
            )
            if cue.expect_error:
                cell.metadata["tags"] = ["raises-exception"]
        self.code(cell)

    def file_cell(self, cue, source: str, cell, result) -> None:
        code = v4.new_code_cell(cell_code(source, cell))
        code.metadata["cuecast"] = {"snippet": cue.snippet, "cell": cell.title or cell.number or "set-up"}
        if cell.number == cue.cell:
            code.metadata["cuecast"]["cue"] = cue.id
        if result is not None:
            code.outputs = _outputs(result.streams, result.exception, 0)
            code.metadata["cuecast"].update(status=result.status, duration=round(result.duration, 3))
            if result.status == STATUS_EXPECTED_ERROR:
                code.metadata["tags"] = ["raises-exception"]
        self.code(code)


def _link(builder: _Builder, beat, cue) -> None:
    builder.markdown(f"[{beat.say or cue.url}]({cue.url})")


def _narration(builder: _Builder, beat, cue) -> None:
    if beat.say:
        builder.markdown(_cue_markdown(beat))


def _code(builder: _Builder, beat, cue) -> None:
    if cue.snippet:
        builder.cue(beat, cue)
    else:
        _narration(builder, beat, cue)


#: The cells each cue kind puts in the notebook: ``add(builder, beat, cue)``.
#: A slides cue puts its narration only (its diagram's snippet is not a step
#: of the lesson's code).
CUE_CELLS = kinds.table("notebook", {
    "vscode": _code,
    "slides": _narration,
    "browser": _link,
    "terminal": _Builder.command,
})


def build_notebook(lesson: Lesson, captures: Mapping[str, Capture], seed: int = 0) -> nbformat.NotebookNode:
    """A notebook value (not yet written): one markdown cell per section, the
    code of every code cue in spoken order (a cell file's cells one notebook
    cell each), outputs taken from ``captures``, and before each snippet file
    a cell that seeds as the run did."""
    builder = _Builder(lesson, captures, seed)
    for section in lesson.walk():
        builder.markdown(_section_markdown(section))
        for beat in section.beats:
            if beat.cue is not None:
                CUE_CELLS.lookup(beat.cue.kind, beat.cue.location)(builder, beat, beat.cue)
    cells = builder.cells
    for index, cell in enumerate(cells):
        # nbformat invents random ids; fixed ones keep rebuilt notebooks diffable.
        cell.id = f"cell-{index:03d}"
    notebook = v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    notebook.metadata["cuecast"] = {"lesson": lesson.id, "source": lesson.source}
    return notebook


def write_notebook(notebook: nbformat.NotebookNode, path: Path) -> Path:
    """Validate, then write atomically so a failed build keeps the old notebook."""
    nbformat.validate(notebook)
    return write_text(path, nbformat.writes(notebook))
