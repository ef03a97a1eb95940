"""What ``render build`` prints when it is done: a table of what each
stage did, then each lesson's outputs.

The summary is plain data (``summary_of``) drawn by ``summary_text``, so a
build answered from the record of the last one (``noop_build``) prints what
that one printed, drawn by the same code, without the build's modules.
"""

from __future__ import annotations

import os
from pathlib import Path

from cuecast.cli.text_table import ansi, draw_table

#: How a stage's status is shown on a terminal (``text_table.ansi`` keywords).
STATUS_STYLES = {"failed": {"fg": "red"}, "built": {"fg": "green"}}
HEADER = ("lesson", "stage", "status", "time", "details")


def summary_of(builds) -> dict:
    """``{"rows": [[lesson, stage, status, seconds, details]], "lessons":
    [{"title", "source", "outputs": [[label, path as shown]]}]}`` for the
    ``LessonBuild``s of a build."""
    from cuecast.cli.common import relative_path
    from cuecast.outputs import output_label

    rows, lessons = [], []
    for build in builds:
        build_dir = Path(build.lesson.root) / "build" / build.lesson.id
        for result in build.results:
            names = ", ".join(os.path.relpath(p, build_dir) for p in result.outputs.values())
            details = "; ".join(part for part in (result.note, names) if part)
            rows.append([result.lesson_id, result.stage, result.status, result.seconds, details])
        outputs = [[output_label(key), relative_path(path)] for result in build.results
                   for key, path in result.outputs.items()]
        lessons.append({"title": build.lesson.title, "source": str(build.lesson.source), "outputs": outputs})
    return {"rows": rows, "lessons": lessons}


def stage_lines(summary: dict) -> list[str]:
    """The line a log gets as each stage finishes (``lesson: stage status``)."""
    return [f"{lesson}: {stage} {status}" for lesson, stage, status, _, _ in summary["rows"]]


def summary_text(summary: dict, color: bool, width: int) -> str:
    """The table and the outputs, as printed on stdout (styled when ``color``)."""
    rows = [(lesson, stage, status, f"{seconds:.2f} s", details)
            for lesson, stage, status, seconds, details in summary["rows"]]
    styles = [[None, None, STATUS_STYLES.get(row[2]), None, None] for row in rows]
    parts = [draw_table("render build", HEADER, rows, styles, color=color, width=width)]
    for lesson in summary["lessons"]:
        title = ansi(lesson["title"], bold=True) if color else lesson["title"]
        parts.append(f"\n{title} ({lesson['source']})")
        width_ = max((len(label) for label, _ in lesson["outputs"]), default=0)
        parts.extend(f"  {label:<{width_}}  {shown}" for label, shown in lesson["outputs"])
    return "\n".join(parts)
