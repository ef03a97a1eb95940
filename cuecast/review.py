"""The review page, ``build/<lesson>/index.html``: one place where a person
sees the video, the slides, the cue sheet, every snippet's real output and
what went wrong.

It must open from ``file://`` with no server, where browsers refuse to load
caption tracks and other text from sibling files; so captions, chapters and
slide thumbnails are embedded as data URIs, and only the video (too large to
embed), the segment media and the download links point at files beside the
page -- never outside the project's build folder.

The page is made of named fragments (each thumbnail, each snippet, the cue
sheet, the problems, the video's state), each an element with an ``id``, so
``render preview`` can send the browser only the fragments a save changed;
``render build`` writes the same fragments as one file.  Thumbnails are kept
in ``slides/.thumbs.json`` by the bytes of their slide image, so a build
re-encodes only the thumbnails of slides that were redrawn.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Optional, Sequence

import jinja2

from cuecast import kinds
from cuecast.atomic import write_text
from cuecast.errors import Diagnostic
from cuecast.kinds import capture_name, kind_of
from cuecast.deck.thumbnails import ThumbnailCache
from cuecast.model import (  # noqa: F401 (the page's video states, importable from here)
    VIDEO_BUILDING, VIDEO_FRESH, VIDEO_NONE, VIDEO_STALE, Capture, Lesson, SlideImage, Timeline, VideoState,
)
from cuecast.check.report import format_duration
from cuecast.clock import clock_time
from cuecast.shown import cell_label, output_lines, run_capture, shown_capture, unit_name, units
from cuecast.snippet_source import shown_code

@dataclass(frozen=True)
class CueRow:
    """One row of the review page's cue sheet: a video segment."""

    start: float
    timecode: str
    section: str
    show: str
    narration: str
    segment_id: str = ""
    media: str = ""  # the segment's own media, relative to the page ("" when not built)


@dataclass(frozen=True)
class Thumb:
    dom_id: str
    slide_id: str
    title: str
    src: str


@dataclass(frozen=True)
class SnippetView:
    """What one cue's code did, as the page shows it."""

    dom_id: str
    path: str
    code: str
    output: str
    status: str
    device: str
    duration: str


@dataclass(frozen=True)
class Problem:
    """Something the author must look at: a script error at its place, or
    a snippet (or cell) that failed, with its traceback."""

    where: str
    message: str
    detail: str = ""  # preformatted: the source line and caret, or the traceback


@dataclass(frozen=True)
class ReviewPage:
    """Everything the page shows, as plain data; ``fragments`` renders it."""

    title: str
    source: str
    meta: str
    video: VideoState
    captions: Optional[str] = None
    chapters: Optional[str] = None
    cue_rows: tuple[CueRow, ...] = ()
    thumbs: tuple[Thumb, ...] = ()
    snippets: tuple[SnippetView, ...] = ()
    files: tuple[tuple[str, str], ...] = ()
    problems: tuple[Problem, ...] = ()
    #: The video's poster: the first slide's image, which is its first frame,
    #: so the player shows the lesson's title and not a black box.
    poster: Optional[str] = None


def dom_id(prefix: str, key: object) -> str:
    """A stable element id for a slide or snippet, whatever its name holds."""
    return f"{prefix}-{hashlib.sha1(repr(key).encode('utf-8')).hexdigest()[:12]}"


# --- the parts ---------------------------------------------------------------


def review_rows(timeline: Timeline, lesson: Lesson, media: Optional[Mapping[str, str]] = None) -> list[CueRow]:
    """A row per video segment: what is shown from when, and what is said
    (the cue sheet's segments and narration, ``export.common``); ``media``
    maps a segment id to its media's link."""
    from cuecast.export.common import narration_over, segment_infos

    said = narration_over(timeline)
    rows = []
    for info in segment_infos(timeline, lesson):
        segment, cue = info.segment, info.cue
        rows.append(
            CueRow(
                start=segment.start,
                timecode=clock_time(segment.start),
                section=info.section.title if info.section else segment.section_id,
                show=kind_of(cue).review(cue) if cue is not None else f"Slide: {segment.slide_id}",
                narration=said(segment),
                segment_id=segment.id,
                media=(media or {}).get(segment.id, ""),
            )
        )
    return rows


def snippet_views(lesson: Lesson, captures: Mapping[str, Capture]) -> list[SnippetView]:
    """One view per distinct thing the cues show (a file, a cell, a range)."""
    views = []
    seen: set = set()
    for _, _, cue in lesson.cues():
        key = _view_key(cue)
        view = SNIPPET_VIEWS.lookup(cue.kind, cue.location)
        if not key[0] or view is None or key in seen:
            continue
        seen.add(key)
        path, code = view(lesson, cue)
        capture = shown_capture(cue, captures)
        views.append(
            SnippetView(
                dom_id=snippet_dom_id(cue),
                path=path,
                code=code,
                output="\n".join(text for text, _ in output_lines(capture)[0]),
                status=capture.status if capture else "not-run",
                device=(capture.device_name or capture.device) if capture else "",
                duration=format_duration(capture.duration) if capture else "",
            )
        )
    return views


def _view_key(cue) -> tuple:
    """What makes two cues' views one: what ran, and which part is shown."""
    return (capture_name(cue), cue.cell, cue.lines, cue.output_lines, cue.output_hidden)


def snippet_dom_id(cue) -> str:
    """The page element of the code and output ``cue`` shows."""
    return dom_id("snip", _view_key(cue))


def _code_view(lesson: Lesson, cue) -> tuple[str, str]:
    """A code cue's name (its file, and cell) and the code it shows."""
    return (f"{cue.snippet} · {cell_label(cue)}" if cue.cell else cue.snippet), shown_code(lesson, cue)


def _command_view(lesson: Lesson, cue) -> tuple[str, str]:
    """A terminal cue's name and what is typed: its command at the prompt."""
    return capture_name(cue), capture_name(cue)


#: How the page shows what each cue kind ran: ``view(lesson, cue)`` gives its
#: name and its code; ``None`` for a kind that runs nothing.
SNIPPET_VIEWS = kinds.table("review", {
    "vscode": _code_view,
    "slides": _code_view,
    "browser": None,
    "terminal": _command_view,
})


def snippet_problems(lesson: Lesson, captures: Mapping[str, Capture]) -> list[Problem]:
    """Every snippet or cell that failed, with where and its traceback."""
    problems = []
    seen: set[str] = set()
    for _, _, cue in lesson.cues():
        capture = run_capture(cue, captures) if capture_name(cue) else None
        if capture is None:
            continue
        for unit in units(capture) if cue.cell is None else [capture]:
            name = unit_name(unit)
            if unit.passed or name in seen:
                continue
            seen.add(name)
            exception = unit.exception
            where = f"{unit.snippet}:{exception.line}" if exception and exception.line else unit.snippet
            if unit.cell:
                where += f" ({unit.cell})"
            message = (f"{exception.type}: {exception.message}" if exception else unit.reason) or unit.status
            detail = exception.traceback if exception else unit.reason
            problems.append(Problem(where, f"{unit.status}: {message}", detail.rstrip()))
    return problems


def script_problems(diagnostics: Iterable[Diagnostic], base: Optional[Path] = None) -> list[Problem]:
    """A script error per diagnostic, with its source line and caret."""
    from cuecast.diagnostics import format_diagnostic

    problems = []
    for diagnostic in diagnostics:
        text = format_diagnostic(diagnostic, base)
        # the source line, caret and hint, without the gutter that lines them up under the location
        detail = "\n".join(line.split("│ ", 1)[-1] for line in text.splitlines()[1:])
        problems.append(Problem(str(diagnostic.location), diagnostic.message, detail))
    return problems


def _data_uri(path: Optional[Path], mime: str) -> Optional[str]:
    if path is None or not path.exists():
        return None
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def thumbnails(slides: Sequence[SlideImage]) -> list[Thumb]:
    """A thumbnail per slide whose image exists, through the folder's cache."""
    caches: dict[Path, ThumbnailCache] = {}
    thumbs = []
    for slide in slides:
        if slide.png.parent not in caches:
            caches[slide.png.parent] = ThumbnailCache(slide.png.parent)
        cache = caches[slide.png.parent]
        uri = cache.uri(slide.png)
        if uri is not None:
            thumbs.append(Thumb(dom_id("slide", slide.slide_id or slide.png.name), slide.slide_id, slide.title, uri))
    for folder, cache in caches.items():
        cache.save(s.png.name for s in slides if s.png.parent == folder)
    return thumbs


def inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` lies in ``folder`` (both resolved, links followed)."""
    try:
        return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(folder))
    except OSError:
        return False


def page_link(path: Optional[Path], out_dir: Path) -> Optional[str]:
    """A link from the page at ``out_dir`` to ``path``, or ``None`` for a
    file that does not exist or lies outside the project's build folder (a
    record copied from another project must not send the page there)."""
    if path is None or not Path(path).exists() or not inside(path, Path(out_dir).parent):
        return None
    return Path(os.path.relpath(path, out_dir)).as_posix()


def segment_media(out_dir: Path, timeline: Optional[Timeline]) -> dict[str, str]:
    """Each segment's media file beside the page (``media/<id>.mp4`` or
    ``.png``), linked when it exists."""
    if timeline is None:
        return {}
    from cuecast.plan import media_path

    found = {}
    for segment in timeline.segments:
        link = page_link(media_path(out_dir, segment), out_dir)
        if link:
            found[segment.id] = link
    return found


def review_page(
    lesson: Lesson,
    captures: Mapping[str, Capture],
    timeline: Optional[Timeline],
    out_dir: Path,
    outputs: Mapping[str, Path],
    slides: Sequence[SlideImage] = (),
    video: Optional[VideoState] = None,
    problems: Sequence[Problem] = (),
) -> ReviewPage:
    """The page as data.  ``outputs`` maps each file built, keyed as the
    build's stages key them (``video``, ``captions.vtt``), to its path (links
    are made relative to ``out_dir`` and never leave the build folder);
    ``slides`` lists the deck's slide images in order; ``video`` says
    whether the video shows the latest edit (default: fresh if it exists)."""
    any_capture = next(iter(captures.values()), None)
    runtime = (
        f"torch {any_capture.torch_version} on {any_capture.device_name or any_capture.device}"
        if any_capture
        else ""
    )
    href = page_link(outputs.get("video"), out_dir)
    if video is None:
        video = VideoState(VIDEO_FRESH if href else VIDEO_NONE)
    video = VideoState(video.state, href, video.note)
    rows = review_rows(timeline, lesson, segment_media(out_dir, timeline)) if timeline else []
    meta = " · ".join(part for part in (
        lesson.source, f"{sum(1 for _ in lesson.walk())} sections", f"{len(rows)} segments",
        clock_time(timeline.duration) if timeline else "not planned", runtime) if part)
    from cuecast.outputs import output_label

    files = tuple((output_label(key), link) for key, link in ((k, page_link(p, out_dir)) for k, p in outputs.items())
                  if link)
    return ReviewPage(
        title=lesson.title,
        source=lesson.source,
        meta=meta,
        video=video,
        captions=_data_uri(outputs.get("captions.vtt"), "text/vtt"),
        chapters=_data_uri(outputs.get("chapters.vtt"), "text/vtt"),
        cue_rows=tuple(rows),
        thumbs=tuple(thumbnails(slides)),
        snippets=tuple(snippet_views(lesson, captures)),
        files=files,
        problems=tuple(problems) + tuple(snippet_problems(lesson, captures)),
        poster=page_link(slides[0].png, out_dir) if slides and href else None,
    )


# --- rendering ---------------------------------------------------------------


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("cuecast", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


_TEMPLATE: Optional[dict[str, jinja2.Template]] = None


def _template(name: str = "review.html.j2") -> jinja2.Template:
    global _TEMPLATE
    if _TEMPLATE is None:
        environment = _environment()
        _TEMPLATE = {name: environment.get_template(name) for name in ("review.html.j2", "review_parts.html.j2")}
    return _TEMPLATE[name]


#: The fragments a page is made of, by element id: ``fragments`` renders
#: each with the template's macro of the same name.
SINGLE_FRAGMENTS = ("meta", "video-status", "problems", "cue-rows", "files")
#: Lists of fragments: the container's id, then each item's own id.
LIST_FRAGMENTS = ("thumbs", "snippets")


def fragments(page: ReviewPage, parts: Optional[Iterable[str]] = None) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The page's fragments as HTML by element id, and each list's item ids
    in order; ``parts`` limits them to some of ``SINGLE_FRAGMENTS`` and
    ``LIST_FRAGMENTS``."""
    wanted = set(parts) if parts is not None else set(SINGLE_FRAGMENTS + LIST_FRAGMENTS)
    module = _template("review_parts.html.j2").module
    html: dict[str, str] = {}
    order: dict[str, list[str]] = {}
    single = {
        "meta": lambda: module.meta(page),
        "video-status": lambda: module.video_status(page.video),
        "problems": lambda: module.problems(page.problems),
        "cue-rows": lambda: module.cue_table(page.cue_rows),
        "files": lambda: module.files(page.files),
    }
    for name, make in single.items():
        if name in wanted:
            html[name] = str(make())
    if "thumbs" in wanted:
        order["thumbs"] = [thumb.dom_id for thumb in page.thumbs]
        html.update((thumb.dom_id, str(module.thumb(thumb))) for thumb in page.thumbs)
    if "snippets" in wanted:
        order["snippets"] = [item.dom_id for item in page.snippets]
        html.update((item.dom_id, str(module.snippet(item))) for item in page.snippets)
    return html, order


def render_page(page: ReviewPage) -> str:
    """The whole page as HTML text."""
    return _template().render(page=page)


def write_page(page: ReviewPage, path: Path) -> Path:
    return write_text(path, render_page(page))
