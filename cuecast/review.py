"""The review page, ``build/<lesson>/index.html``: one place where a person
sees the video, the slides, the cue sheet and every snippet's real output.

It must open from ``file://`` with no server, where browsers refuse to load
caption tracks and other text from sibling files; so captions, chapters and
slide thumbnails are embedded as data URIs, and only the video (too large to
embed) and the download links point at files beside the page.
"""

from __future__ import annotations

import base64
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional, Sequence

import jinja2

from cuecast.model import Capture, Lesson, Timeline
from cuecast.report import format_duration, timecode
from cuecast.shown import cell_label, output_lines, shown_capture
from cuecast.snippet_source import shown_code

THUMB_WIDTH = 384


@dataclass(frozen=True)
class CueRow:
    """One row of the review page's cue sheet."""

    start: float
    timecode: str
    section: str
    show: str
    narration: str


def cue_rows(lesson: Lesson, timeline: Timeline) -> list[CueRow]:
    """A row per video segment: what is shown from when, and what is said."""
    titles = {section.id: section.title for section in lesson.walk()}
    cues = {beat.id: cue for _, beat, cue in lesson.cues()}
    narration_by_beat = {n.beat_id: n.text for n in timeline.narration}
    rows = []
    for segment in timeline.segments:
        cue = cues.get(segment.cue_id or "") if segment.cue_id else None
        if cue is None and segment.slide_id and segment.slide_id.startswith("cue:"):
            cue = cues.get(segment.slide_id[4:])
        if cue is not None and cue.kind == "vscode":
            show = f"VS Code: {cue.snippet}"
        elif cue is not None and cue.kind == "browser":
            show = f"Browser: {cue.url}"
        elif cue is not None:
            show = f"Slide: {cue.diagram or cue.image or cue.id}"
        else:
            show = f"Slide: {segment.slide_id}"
        text = " ".join(narration_by_beat.get(b, "") for b in segment.beat_ids).strip()
        rows.append(
            CueRow(
                start=segment.start,
                timecode=timecode(segment.start),
                section=titles.get(segment.section_id, segment.section_id),
                show=show,
                narration=text,
            )
        )
    return rows


def _data_uri(path: Optional[Path], mime: str) -> Optional[str]:
    if path is None or not path.exists():
        return None
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _thumbnail_uri(png: Path) -> str:
    from PIL import Image

    with Image.open(png) as image:
        image = image.convert("RGB")
        height = round(image.height * THUMB_WIDTH / image.width)
        image = image.resize((THUMB_WIDTH, height), Image.LANCZOS)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=80)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("cuecast", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def render_review(
    lesson: Lesson,
    captures: Mapping[str, Capture],
    timeline: Optional[Timeline],
    out_dir: Path,
    outputs: Mapping[str, Path],
    slide_pngs: Sequence[tuple[str, Path]] = (),
) -> str:
    """The page as HTML text.  ``outputs`` maps a label to each file built
    (links are made relative to ``out_dir``); ``slide_pngs`` lists
    ``(slide title, png path)`` in deck order."""

    def rel(path: Path) -> str:
        return Path(os.path.relpath(path, out_dir)).as_posix()

    snippets = []
    seen: set = set()
    for _, _, cue in lesson.cues():
        if not cue.snippet or (cue.snippet, cue.cell, cue.lines, cue.output_lines, cue.output_hidden) in seen:
            continue
        seen.add((cue.snippet, cue.cell, cue.lines, cue.output_lines, cue.output_hidden))
        capture = shown_capture(cue, captures)
        snippets.append(
            {
                "path": f"{cue.snippet} · {cell_label(cue)}" if cue.cell else cue.snippet,
                "code": shown_code(lesson, cue),
                "output": "\n".join(text for text, _ in output_lines(capture)[0]),
                "status": capture.status if capture else "not-run",
                "device": (capture.device_name or capture.device) if capture else "",
                "duration": format_duration(capture.duration) if capture else "",
            }
        )
    any_capture = next(iter(captures.values()), None)
    runtime = (
        f"torch {any_capture.torch_version} on {any_capture.device_name or any_capture.device}"
        if any_capture
        else ""
    )
    video = outputs.get("video")
    return _environment().get_template("review.html.j2").render(
        lesson=lesson,
        sections=sum(1 for _ in lesson.walk()),
        duration=timecode(timeline.duration) if timeline else "not planned",
        runtime=runtime,
        video=rel(video) if video and video.exists() else None,
        captions=_data_uri(outputs.get("captions (WebVTT)"), "text/vtt"),
        chapters=_data_uri(outputs.get("chapters (WebVTT)"), "text/vtt"),
        cue_rows=cue_rows(lesson, timeline) if timeline else [],
        thumbnails=[{"title": title, "src": _thumbnail_uri(png)} for title, png in slide_pngs if png.exists()],
        snippets=snippets,
        files=[(name, rel(path)) for name, path in outputs.items() if path.exists()],
    )

