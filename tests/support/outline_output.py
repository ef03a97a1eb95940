"""A throwaway output format, ``outline.md``: the lesson's sections and
what each cue shows, as Markdown.  One module with one ``write(context,
path)``, as each module of ``cuecast/outputs/`` is; ``ENTRY`` is its row in
``cuecast.outputs.OUTPUTS`` (a test adds it with ``monkeypatch``)."""

from __future__ import annotations

from pathlib import Path

from cuecast.atomic import write_text
from cuecast.kinds import kind_of
from cuecast.output_context import OutputContext
from cuecast.outputs import Output

ENTRY = Output("outline.md", "outline (Markdown)", "outline.md", "timeline", __name__)


def write(context: OutputContext, path: Path) -> Path:
    lines = [f"# {context.lesson.title}", ""]
    for section in context.lesson.walk():
        lines.append(f"## {section.title}")
        lines += [f"- {kind_of(beat.cue).instruction(beat.cue)}" for beat in section.beats if beat.cue]
        lines.append("")
    lines.append(f"{len(context.timeline.segments)} segments, {context.timeline.duration:.1f} s")
    return write_text(path, "\n".join(lines) + "\n")
