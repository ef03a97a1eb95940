"""``render build``: every stage of every lesson, skipping what did not change.

The stages run in a fixed order (check → slides → timeline → video →
notebook → review) because each reads values the earlier ones returned:
captures, the deck, the timeline.  Each stage's inputs are reduced to a
fingerprint; when it equals the one recorded in ``build/<lesson>/.build.json``
after the last successful run and the outputs still exist, the stage is
skipped.  The record is written only after a stage succeeds, so an
interrupted build redoes exactly the stages it did not finish.

Snippets, voice clips and video segments have caches of their own below
this, so even a stage that is rebuilt redoes only what an edit touched.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Optional, Sequence

from cuecast import __version__
from cuecast.atomic import write_text
from cuecast.errors import EXIT_FAILED, CuecastError
from cuecast.model import Capture, Lesson
from cuecast.shown import units

STAGES = ("check", "slides", "timeline", "video", "notebook", "review")

#: Stages that need another stage's value; asking for one pulls these in,
#: but pulled-in stages reuse what is on disk when nothing changed.
NEEDS = {
    "slides": ("check",),
    "timeline": ("check",),
    "video": ("check", "timeline"),
    "notebook": ("check",),
    "review": ("check", "timeline"),
}

RECORD_NAME = ".build.json"

DISK_FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


class DiskFull(CuecastError):
    """A stage ran out of disk (or file-size quota) while writing; every
    output is written atomically, so the previous ones are still whole."""

    exit_code = EXIT_FAILED


@dataclass(frozen=True)
class BuildOptions:
    only: tuple[str, ...] = STAGES
    device: str = "auto"
    jobs: Optional[int] = None
    timeout: Optional[float] = None
    use_cache: bool = True
    voice: Optional[str] = None
    size: tuple[int, int] = (1920, 1080)
    fps: int = 30
    captions: str = "none"
    #: Cap (bytes) on each snippet worker's address space; None: no cap.
    memory_limit: Optional[int] = None
    #: Capture browser cues' pages again instead of using build/.cache/web/.
    refresh_web: bool = False


@dataclass
class StageResult:
    """What one stage did for one lesson: ``built``, ``skipped`` (inputs
    unchanged) or ``failed``."""

    lesson_id: str
    stage: str
    status: str
    seconds: float = 0.0
    outputs: dict[str, Path] = field(default_factory=dict)
    note: str = ""


@dataclass
class LessonBuild:
    lesson: Lesson
    captures: dict[str, Capture]
    run_seconds: float = 0.0  # this lesson's share of running the snippets
    results: list[StageResult] = field(default_factory=list)

    @property
    def failed_snippets(self) -> list[Capture]:
        return [c for c in self.captures.values() if not c.passed]


#: ``on_progress(lesson_id, stage, fraction, message)``; fraction in [0, 1] or None.
Progress = Callable[[str, str, Optional[float], str], None]


def fingerprint(*parts) -> str:
    """A stable hash of plain values (dataclass reprs, strings, bytes)."""
    digest = hashlib.sha256(__version__.encode())
    for part in parts:
        digest.update(b"\0")
        digest.update(part if isinstance(part, bytes) else repr(part).encode("utf-8"))
    return digest.hexdigest()[:24]


def captures_fingerprint(captures: Mapping[str, Capture]) -> str:
    return fingerprint(
        sorted((path, c.key, c.status, c.output, c.device_name, c.torch_version) for path, c in captures.items())
    )


def stages_to_run(only: Sequence[str]) -> tuple[str, ...]:
    wanted = set(only)
    for stage in list(wanted):
        wanted.update(NEEDS.get(stage, ()))
    return tuple(stage for stage in STAGES if stage in wanted)


class BuildRecord:
    """The fingerprints of the stages last built for one lesson, kept in
    ``build/<lesson>/.build.json``; unreadable records count as empty."""

    def __init__(self, build_dir: Path):
        self.path = build_dir / RECORD_NAME
        try:
            self.stages: dict = json.loads(self.path.read_text(encoding="utf-8"))["stages"]
        except (OSError, ValueError, KeyError, TypeError):
            self.stages = {}

    def is_current(self, stage: str, print_: str) -> bool:
        entry = self.stages.get(stage)
        if not isinstance(entry, dict) or entry.get("fingerprint") != print_:
            return False
        return all(Path(p).exists() for p in entry.get("outputs", {}).values())

    def outputs(self, stage: str) -> dict[str, Path]:
        return {k: Path(v) for k, v in self.stages.get(stage, {}).get("outputs", {}).items()}

    def extra(self, stage: str):
        return self.stages.get(stage, {}).get("extra")

    def remember(self, stage: str, print_: str, outputs: Mapping[str, Path], extra=None) -> None:
        self.stages[stage] = {"fingerprint": print_, "outputs": {k: str(v) for k, v in outputs.items()},
                              "extra": extra}
        write_text(self.path, json.dumps({"cuecast": __version__, "stages": self.stages}, indent=1))


def _theme_for(lesson: Lesson):
    from cuecast.deck.theme import lesson_theme_path, load_theme

    return load_theme(lesson_theme_path(Path(lesson.root)))


class LessonBuilder:
    """Runs the stages for one lesson, holding the values they pass on."""

    def __init__(self, build: LessonBuild, options: BuildOptions, on_progress: Optional[Progress] = None):
        self.build = build
        self._lesson = build.lesson
        self._rendered: Optional[Lesson] = None
        self.options = options
        self.on_progress = on_progress or (lambda *a: None)
        self.dir = Path(build.lesson.root) / "build" / build.lesson.id
        self.record = BuildRecord(self.dir)
        self.theme = None
        self.deck = None
        self.timeline = None
        self.pages = None  # browser cues' captured pages (cuecast.web), fetched once per build
        self.slide_pngs: list[tuple[str, Path]] = []

    # -- helpers -----------------------------------------------------------

    @property
    def lesson(self) -> Lesson:
        """The lesson with its templates (``{{ torch_version }}``) filled in
        from the captures: what every output says and speaks."""
        if self._rendered is None:
            from cuecast.deck.templating import render_lesson

            self._rendered = render_lesson(self._lesson, self.build.captures)
        return self._rendered

    def _theme(self):
        if self.theme is None:
            self.theme = _theme_for(self._lesson)
        return self.theme

    def _deck(self):
        if self.deck is None:
            from cuecast.deck.layout import layout_deck

            self.deck = layout_deck(self.lesson, self.build.captures, self._theme(), self._pages())
        return self.deck

    def _pages(self):
        """The browser cues' real pages, shared by the slides and the video
        (each unreachable page tried and warned about once per build)."""
        if self.pages is None:
            from cuecast.web import pages_for_video

            self.pages = pages_for_video(self.lesson, self.options.size, refresh=self.options.refresh_web)
        return self.pages

    def _slides_print(self) -> str:
        return fingerprint(self.lesson, captures_fingerprint(self.build.captures), self._theme(),
                           sorted(self._pages().items()))

    def run(self, stage: str) -> StageResult:
        started = time.perf_counter()
        self.on_progress(self._lesson.id, stage, 0.0, "")
        try:
            result = getattr(self, f"stage_{stage}")()
        except OSError as exc:
            if exc.errno not in DISK_FULL_ERRNOS:
                raise
            raise DiskFull(self._disk_full_message(stage, exc.errno, exc.filename)) from None
        except CuecastError as exc:  # ffmpeg says it in its own words
            code = next((n for n in DISK_FULL_ERRNOS if os.strerror(n) in exc.message), None)
            if code is None:
                raise
            raise DiskFull(self._disk_full_message(stage, code, None)) from None
        result.seconds += time.perf_counter() - started
        self.on_progress(self._lesson.id, stage, 1.0, result.status)
        self.build.results.append(result)
        return result

    def _disk_full_message(self, stage: str, code: int, filename) -> str:
        reason = {errno.EFBIG: "file size limit exceeded"}.get(code, os.strerror(code).lower())
        return (f"{reason} while writing the {stage} of lesson {self._lesson.id} ({filename or self.dir}); "
                f"previous outputs are left as they were")

    def _result(self, stage: str, status: str, outputs: Mapping[str, Path], note: str = "") -> StageResult:
        return StageResult(self._lesson.id, stage, status, outputs=dict(outputs), note=note)

    # -- stages ------------------------------------------------------------

    def stage_check(self) -> StageResult:
        captures = self.build.captures
        cached = sum(1 for c in captures.values() if c.cached)
        checked = [unit for capture in captures.values() for unit in units(capture)]
        failed = [unit for unit in checked if not unit.passed]
        cells = sum(1 for unit in checked if unit.cell)
        note = f"{len(captures)} snippets" + (f" ({cells} cells)" if cells else "") + f", {cached} cached"
        if failed:
            note += f", {len(failed)} failed"
        status = "failed" if failed else ("skipped" if cached == len(captures) else "built")
        result = self._result("check", status, {}, note)
        result.seconds = self.build.run_seconds
        return result

    def _is_current(self, stage: str, print_: str) -> bool:
        """Whether ``stage`` can be skipped; never with ``--no-cache``, which
        promises a build from scratch."""
        return self.options.use_cache and self.record.is_current(stage, print_)

    def stage_slides(self) -> StageResult:
        print_ = self._slides_print()
        if self._is_current("slides", print_) and self.record.extra("slides"):
            self.slide_pngs = [(title, Path(png)) for title, png in self.record.extra("slides") or ()]
            return self._result("slides", "skipped", self.record.outputs("slides"), f"{len(self.slide_pngs)} slides")

        from cuecast.deck.raster import png_name, write_pngs
        from cuecast.deck.pptx_writer import write_pptx

        deck = self._deck()
        folder = self.dir / "slides"
        self.slide_pngs = [(s.title, folder / png_name(i, s.id)) for i, s in enumerate(deck.slides, start=1)]
        outputs = {"deck": write_pptx(deck, self._theme(), self.dir / "slides.pptx")}
        write_pngs(deck, self._theme(), folder)
        outputs["slide images"] = folder
        self.record.remember("slides", print_, outputs, [(t, str(p)) for t, p in self.slide_pngs])
        return self._result("slides", "built", outputs, f"{len(deck.slides)} slides")

    def stage_timeline(self) -> StageResult:
        from cuecast.deck import cue_pages
        from cuecast.plan import PlanOptions
        from cuecast.export import WRITERS, narrated_timeline, write_timeline_outputs
        from cuecast.narrate import lesson_voice, voice_cache_dir

        voice = lesson_voice(self.lesson, self.options.voice)
        self.timeline = narrated_timeline(self.lesson, self.build.captures, voice, self.dir,
                                          voice_cache_dir(Path(self._lesson.root)), refresh=not self.options.use_cache,
                                          page_counts=cue_pages(slide.id for slide in self._deck().slides),
                                          options=PlanOptions(fps=self.options.fps))  # cuts on the video's frames
        # the formats written are part of the stage: a new one is made on the next build
        print_ = fingerprint(self.timeline, self.lesson, self.options.size, [name for name, _, _ in WRITERS])
        note = f"{self.timeline.duration:.1f} s, voice {voice.describe()}"
        if self._is_current("timeline", print_):
            return self._result("timeline", "skipped", self.record.outputs("timeline"), note)
        outputs = _labelled(write_timeline_outputs(self.timeline, self.lesson, self.dir, self.options.size))
        self.record.remember("timeline", print_, outputs)
        return self._result("timeline", "built", outputs, note)

    def stage_video(self) -> StageResult:
        opts = self.options
        print_ = fingerprint(self.timeline, self._slides_print(), opts.size, opts.fps, opts.captions)
        note = f"{opts.size[0]}x{opts.size[1]} @ {opts.fps} fps"
        if self._is_current("video", print_):
            return self._result("video", "skipped", self.record.outputs("video"), note)

        from cuecast.video.render import render_lesson_video

        def progress(done: float, total: float) -> None:
            self.on_progress(self._lesson.id, "video", done / total if total else None, "")

        path = render_lesson_video(
            self.lesson, self.build.captures, self.timeline, self.dir, theme=self._theme(),
            size=opts.size, fps=opts.fps, captions=opts.captions, on_progress=progress, use_cache=opts.use_cache,
            pages=self._pages(),
        )
        outputs = {"video": path, "segment media": self.dir / "media"}
        self.record.remember("video", print_, outputs)
        return self._result("video", "built", outputs, note)

    def stage_notebook(self) -> StageResult:
        path = self.dir / "code.ipynb"
        print_ = fingerprint(self.lesson, captures_fingerprint(self.build.captures))
        if self._is_current("notebook", print_):
            return self._result("notebook", "skipped", {"notebook": path})

        from cuecast.notebook import build_notebook, write_notebook

        write_notebook(build_notebook(self.lesson, self.build.captures), path)
        self.record.remember("notebook", print_, {"notebook": path})
        return self._result("notebook", "built", {"notebook": path})

    def stage_review(self) -> StageResult:
        path = self.dir / "index.html"
        # What this build wrote, and what earlier builds left (``--only review``).
        outputs: dict[str, Path] = {}
        for stage in STAGES:
            outputs.update(self.record.outputs(stage))
        for result in self.build.results:
            outputs.update(result.outputs)
        outputs = {k: v for k, v in outputs.items() if v.is_file() and k != "review page"}
        if not self.slide_pngs:
            self.slide_pngs = [(title, Path(png)) for title, png in self.record.extra("slides") or ()]
        print_ = fingerprint(
            self.lesson, captures_fingerprint(self.build.captures), self.timeline, self.slide_pngs,
            [(k, str(v), v.stat().st_mtime_ns) for k, v in sorted(outputs.items())],
        )
        if self._is_current("review", print_):
            return self._result("review", "skipped", {"review page": path})

        from cuecast.review import render_review

        html = render_review(self.lesson, self.build.captures, self.timeline, self.dir, outputs, self.slide_pngs)
        write_text(path, html)
        self.record.remember("review", print_, {"review page": path})
        return self._result("review", "built", {"review page": path})


def _labelled(outputs: Mapping[str, Path]) -> dict[str, Path]:
    """Name outputs for people (the timeline stage keys them by file name)."""
    names = {
        "timeline.otio": "timeline (OpenTimelineIO)",
        "timeline.edl": "timeline (CMX 3600 EDL)",
        "timeline.xml": "timeline (FCP 7 XML)",
        "timeline.kdenlive": "timeline (Kdenlive)",
        "captions.srt": "captions (SRT)",
        "captions.vtt": "captions (WebVTT)",
        "chapters.vtt": "chapters (WebVTT)",
        "cues.csv": "cue sheet (CSV)",
        "cues.json": "cue sheet (JSON)",
        "narration.csv": "recording list (CSV)",
    }
    return {names.get(key, key): path for key, path in outputs.items()}


def build_lessons(
    lessons: Sequence[Lesson],
    options: BuildOptions = BuildOptions(),
    on_progress: Optional[Progress] = None,
    on_run_event=None,
) -> list[LessonBuild]:
    """Build every lesson; returns what each stage did.  Snippet failures do
    not stop the build (their errors show on the slides and in the notebook);
    the caller decides the exit code from ``LessonBuild.failed_snippets``."""
    from cuecast.runner import RunOptions, run_lessons

    run_options = RunOptions(device=options.device, jobs=options.jobs, use_cache=options.use_cache,
                             memory_limit=options.memory_limit)
    if options.timeout is not None:
        run_options = dataclasses.replace(run_options, timeout=options.timeout)
    for lesson in lessons:
        if on_progress:
            on_progress(lesson.id, "check", 0.0, "")
    started = time.perf_counter()
    all_captures = run_lessons(lessons, run_options, on_event=on_run_event)
    run_seconds = (time.perf_counter() - started) / max(len(lessons), 1)
    builds = []
    for lesson, captures in zip(lessons, all_captures):
        build = LessonBuild(lesson, dict(captures), run_seconds)
        builder = LessonBuilder(build, options, on_progress)
        for stage in stages_to_run(options.only):
            builder.run(stage)
        builds.append(build)
    return builds
