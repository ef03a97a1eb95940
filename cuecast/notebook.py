"""The lesson's notebook (the seed's ``.code.ipynb``): narration as markdown,
every code cue as a code cell already holding what the snippet printed.

Cells hold the whole snippet file, not only the region shown on the slide, so
that re-running the notebook reproduces the captured outputs; the outputs come
from the Captures, so building the notebook never runs code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

import nbformat
from nbformat import v4

from cuecast.atomic import write_text
from cuecast.model import Capture, Lesson, Section
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


def _outputs(capture: Capture) -> list:
    """Stream outputs in the order they were written, merging neighbours of
    the same stream as Jupyter does, then the error if there was one."""
    outputs = []
    for name, text in capture.streams:
        if outputs and outputs[-1]["name"] == name:
            outputs[-1]["text"] += text
        else:
            outputs.append(v4.new_output("stream", name=name, text=text))
    if capture.exception is not None:
        exc = capture.exception
        outputs.append(
            v4.new_output(
                "error",
                ename=exc.type,
                evalue=exc.message,
                traceback=exc.traceback.rstrip("\n").split("\n"),
            )
        )
    return outputs


def build_notebook(lesson: Lesson, captures: Mapping[str, Capture]) -> nbformat.NotebookNode:
    """A notebook value (not yet written): one markdown cell per section, one
    code cell per code cue in spoken order, outputs taken from ``captures``."""
    cells = [v4.new_markdown_cell(f"# {lesson.title}")]
    for section in lesson.walk():
        cells.append(v4.new_markdown_cell(_section_markdown(section)))
        for beat in section.beats:
            cue = beat.cue
            if cue is None:
                continue
            if cue.kind == "browser":
                cells.append(v4.new_markdown_cell(f"[{beat.say or cue.url}]({cue.url})"))
                continue
            if cue.kind != "vscode" or not cue.snippet:
                if beat.say:
                    cells.append(v4.new_markdown_cell(_cue_markdown(beat)))
                continue
            if beat.say or beat.points:
                cells.append(v4.new_markdown_cell(_cue_markdown(beat)))
            cell = v4.new_code_cell(read_snippet(lesson, cue).rstrip("\n"))
            cell.metadata["cuecast"] = {"cue": cue.id, "snippet": cue.snippet}
            capture = captures.get(cue.snippet)
            if capture is not None:
                cell.outputs = _outputs(capture)
                cell.metadata["cuecast"].update(
                    status=capture.status, device=capture.device, duration=round(capture.duration, 3)
                )
                if cue.expect_error:
                    cell.metadata["tags"] = ["raises-exception"]
            cells.append(cell)
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
