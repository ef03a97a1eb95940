"""``render build``: every stage of every lesson, skipping what did not change.

The stages run in a fixed order (check → slides → timeline → video →
notebook → review) because each reads values the earlier ones returned:
captures, the deck, the timeline.  Each stage's inputs are reduced to a
fingerprint; when it equals the one recorded in ``build/<lesson>/.build.json``
after the last successful run and the outputs still exist, the stage is
skipped.  The record is written only after a stage succeeds, so an
interrupted build redoes exactly the stages it did not finish.

Snippets, voice clips and video segments have caches of their own below
this, so even a stage that is rebuilt redoes only what an edit touched: a
changed snippet runs alone, only slides whose layout changed are drawn,
only segments whose pixels changed are encoded, and only redrawn slides get
new thumbnails on the review page.  ``render watch`` and ``render preview``
run these same stages, with a ``Runner`` kept warm between saves.

Outputs are recorded relative to the lesson's build folder, so a copied
project never points back at the folder it was copied from.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import json
import os
import shutil
import tempfile
import threading
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
    #: Where the work runs: ``local``, ``ray`` or ``ray://HOST:PORT`` (``cuecast.executors``).
    executor: str = "local"


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


#: One writer at a time for the records of this process (``render preview``
#: joins a video on a thread while the next save builds).
_RECORD_LOCK = threading.Lock()


class BuildRecord:
    """The fingerprints of the stages last built for one lesson, kept in
    ``build/<lesson>/.build.json``; unreadable records count as empty.

    Outputs are stored relative to the build folder.  An output that resolves
    outside it (an absolute path in a record copied from another project)
    counts as missing, so the stage is rebuilt here instead of linking there.
    """

    def __init__(self, build_dir: Path):
        self.dir = Path(build_dir)
        self.path = self.dir / RECORD_NAME
        self.stages: dict = self._read()

    def _read(self) -> dict:
        try:
            stages = json.loads(self.path.read_text(encoding="utf-8"))["stages"]
            return stages if isinstance(stages, dict) else {}
        except (OSError, ValueError, KeyError, TypeError):
            return {}

    def resolve(self, text) -> Optional[Path]:
        path = self.dir / str(text)  # an absolute path stays absolute
        try:
            inside = Path(os.path.abspath(path)).is_relative_to(os.path.abspath(self.dir))
        except (TypeError, ValueError):
            return None
        return path if inside else None

    def _stored(self, path: Path) -> str:
        try:
            return Path(os.path.relpath(os.path.abspath(path), os.path.abspath(self.dir))).as_posix()
        except ValueError:  # another drive
            return str(path)

    def is_current(self, stage: str, print_: str) -> bool:
        entry = self.stages.get(stage)
        if not isinstance(entry, dict) or entry.get("fingerprint") != print_:
            return False
        paths = [self.resolve(p) for p in (entry.get("outputs") or {}).values()]
        return all(p is not None and p.exists() for p in paths)

    def outputs(self, stage: str) -> dict[str, Path]:
        entry = self.stages.get(stage)
        found = {}
        for label, text in ((entry or {}).get("outputs") or {}).items() if isinstance(entry, dict) else ():
            path = self.resolve(text)
            if path is not None:
                found[label] = path
        return found

    def extra(self, stage: str):
        entry = self.stages.get(stage)
        return entry.get("extra") if isinstance(entry, dict) else None

    def fingerprint(self, stage: str) -> Optional[str]:
        entry = self.stages.get(stage)
        return entry.get("fingerprint") if isinstance(entry, dict) else None

    def remember(self, stage: str, print_: str, outputs: Mapping[str, Path], extra=None) -> None:
        """Record ``stage`` as built; other stages are merged from the file as
        it is now, since another builder of this lesson may have written it."""
        entry = {"fingerprint": print_, "outputs": {k: self._stored(v) for k, v in outputs.items()}, "extra": extra}
        with _RECORD_LOCK:
            self.stages = {**self._read(), stage: entry}
            write_text(self.path, json.dumps({"cuecast": __version__, "stages": self.stages}, indent=1))

    def forget(self, stage: str) -> None:
        with _RECORD_LOCK:
            stages = self._read()
            if stages.pop(stage, None) is not None:
                write_text(self.path, json.dumps({"cuecast": __version__, "stages": stages}, indent=1))
            self.stages = stages


def _theme_for(lesson: Lesson):
    from cuecast.deck.theme import lesson_theme_path, load_theme

    return load_theme(lesson_theme_path(Path(lesson.root)))


@dataclass
class PendingJoin:
    """The last step of a video stage left for later (``render preview``
    shows the changed segments first and joins the full MP4 on a thread):
    call it to join; it records the stage when done."""

    builder: "LessonBuilder"
    clips: list
    print_: str
    work: Path

    def __call__(self) -> Path:
        try:
            return self.builder._join(self.clips, self.print_, self.work)
        finally:
            shutil.rmtree(self.work, ignore_errors=True)
            if self.builder.pending_join is self:
                self.builder.pending_join = None

    def discard(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)


class LessonBuilder:
    """Runs the stages for one lesson, holding the values they pass on.

    ``defer_join``: the video stage encodes the segments and leaves the join
    to ``pending_join`` (for ``render preview``); the review page then says
    the video is being updated.  With nothing to join it still looks the
    segments up, so ``segment_clips`` always says which versions are shown."""

    def __init__(self, build: LessonBuild, options: BuildOptions, on_progress: Optional[Progress] = None,
                 defer_join: bool = False):
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
        self.slides: list = []  # review.SlideImage per slide, in deck order
        self._drawn = False
        self.defer_join = defer_join
        self.segment_clips: Optional[list] = None  # what the video stage encoded (compose.SegmentClip)
        self.pending_join: Optional[PendingJoin] = None

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
        """The deck, laid out once per build and shared by the slides, the
        timeline (pages per cue) and the video."""
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

    def _video_print(self) -> str:
        opts = self.options
        return fingerprint(self.timeline, self._slides_print(), opts.size, opts.fps, opts.captions)

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

    def _recorded_slides(self) -> Optional[list]:
        """The slide images the record lists, if it lists them in full."""
        from cuecast.review import SlideImage

        entries = self.record.extra("slides")
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            return None  # a record from before slide ids were kept: redraw (only what changed)
        slides = []
        for entry in entries:
            png = self.record.resolve(entry.get("png", ""))
            if png is None:
                return None
            slides.append(SlideImage(str(entry.get("id", "")), str(entry.get("title", "")), png))
        return slides

    def draw_slides(self) -> list:
        """Lay out the deck and draw the slide images that changed (PNGs whose
        layout digest is unchanged are kept); the part of the slides stage
        ``render preview`` shows first."""
        from cuecast.deck.raster import png_name, write_pngs
        from cuecast.review import SlideImage

        deck = self._deck()
        folder = self.dir / "slides"
        self.slides = [SlideImage(s.id, s.title, folder / png_name(i, s.id)) for i, s in enumerate(deck.slides, start=1)]
        if not self._drawn:
            write_pngs(deck, self._theme(), folder)
            self._drawn = True
        return self.slides

    def stage_slides(self) -> StageResult:
        print_ = self._slides_print()
        recorded = self._recorded_slides() if self._is_current("slides", print_) else None
        if recorded is not None:
            self.slides = recorded
            return self._result("slides", "skipped", self.record.outputs("slides"), f"{len(self.slides)} slides")

        from cuecast.deck.pptx_writer import write_pptx

        self.draw_slides()
        outputs = {"deck": write_pptx(self._deck(), self._theme(), self.dir / "slides.pptx")}
        outputs["slide images"] = self.dir / "slides"
        self.record.remember("slides", print_, outputs,
                             [{"id": s.slide_id, "title": s.title, "png": f"slides/{s.png.name}"}
                              for s in self.slides])
        return self._result("slides", "built", outputs, f"{len(self.slides)} slides")

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

    def _slide_frames(self):
        """``slide_image`` and ``slide_key`` for the video: the deck's own
        slides, drawn only when their layout digest has no clip yet."""
        from cuecast.deck.raster import draw_slide, slide_digest

        slides = {slide.id: slide for slide in self._deck().slides}
        theme, size = self._theme(), self.options.size

        def slide(slide_id: str):
            if slide_id not in slides:
                raise CuecastError(f"the timeline shows slide '{slide_id}', which the deck of "
                                   f"'{self._lesson.id}' does not have")
            return slides[slide_id]

        return (lambda slide_id: draw_slide(slide(slide_id), theme, size),
                lambda slide_id: slide_digest(slide(slide_id), theme))

    def _clip_cache(self):
        from cuecast.video.clipcache import ClipCache
        from cuecast.video.render import CLIP_CACHE

        return ClipCache(self.dir / CLIP_CACHE if self.options.use_cache else None)

    def stage_video(self) -> StageResult:
        opts = self.options
        print_ = self._video_print()
        note = f"{opts.size[0]}x{opts.size[1]} @ {opts.fps} fps"
        current = self._is_current("video", print_)
        if current and not self.defer_join:
            return self._result("video", "skipped", self.record.outputs("video"), note)

        from cuecast.video.compose import encode_segments

        def progress(done: float, total: float) -> None:
            self.on_progress(self._lesson.id, "video", done / total if total else None, "")

        slide_image, slide_key = self._slide_frames()
        self.dir.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".video-", dir=self.dir))
        try:
            self.segment_clips = encode_segments(
                self.timeline, self.lesson, self.build.captures, slide_image, self.dir / "media", work,
                self._clip_cache(), size=opts.size, fps=opts.fps, captions=opts.captions, on_progress=progress,
                pages=self._pages(), slide_key=slide_key)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        pending = PendingJoin(self, self.segment_clips, print_, work)
        if current:  # render preview: the segments' versions known (all from the cache), nothing to join
            pending.discard()
            return self._result("video", "skipped", self.record.outputs("video"), note)
        if self.defer_join:
            self.pending_join = pending
            encoded = sum(1 for clip in self.segment_clips if clip.encoded)
            return self._result("video", "built", {"segment media": self.dir / "media"},
                                f"{note}; {encoded} segments encoded, joining the video")
        path = pending()
        return self._result("video", "built", {"video": path, "segment media": self.dir / "media"}, note)

    def _join(self, clips: list, print_: str, work: Path) -> Path:
        """Join the encoded segments with the narration into video.mp4 and
        record the stage; the clip cache is then trimmed to its bound."""
        from cuecast.video.compose import join_segments, narration_track
        from cuecast.video.encode import ProcessRegistry

        registry = ProcessRegistry()
        cache = self._clip_cache()
        try:
            audio = narration_track(self.timeline, self.options.fps, work, cache, registry)
            path = join_segments(clips, audio, self.dir / "video.mp4", work, registry)
        except BaseException:
            registry.kill_all()
            raise
        for clip in clips:  # what this video is made of stays; older versions go first
            if clip.clip is not None:
                cache.used.add(Path(clip.clip).name)
        cache.used.add(Path(audio).name)
        cache.prune()
        self.record.remember("video", print_, {"video": path, "segment media": self.dir / "media"})
        return path

    def video_state(self):
        """Whether the video on disk shows this build (``review.VideoState``)."""
        from cuecast.review import VIDEO_BUILDING, VIDEO_FRESH, VIDEO_NONE, VIDEO_STALE, VideoState

        if self.pending_join is not None:
            return VideoState(VIDEO_BUILDING)
        video = self.record.outputs("video").get("video")
        if video is None or not video.exists():
            return VideoState(VIDEO_NONE)
        if self.timeline is None or self.record.fingerprint("video") == self._video_print():
            return VideoState(VIDEO_FRESH)
        return VideoState(VIDEO_STALE, note="its stage was not run after the latest change")

    def stage_notebook(self) -> StageResult:
        path = self.dir / "code.ipynb"
        print_ = fingerprint(self.lesson, captures_fingerprint(self.build.captures))
        if self._is_current("notebook", print_):
            return self._result("notebook", "skipped", {"notebook": path})

        from cuecast.notebook import build_notebook, write_notebook

        write_notebook(build_notebook(self.lesson, self.build.captures), path)
        self.record.remember("notebook", print_, {"notebook": path})
        return self._result("notebook", "built", {"notebook": path})

    def review_outputs(self) -> dict[str, Path]:
        """What this build wrote, and what earlier builds left (``--only review``)."""
        outputs: dict[str, Path] = {}
        for stage in STAGES:
            outputs.update(self.record.outputs(stage))
        for result in self.build.results:
            outputs.update(result.outputs)
        return {k: v for k, v in outputs.items() if v.is_file() and k != "review page"}

    def review_page(self, problems: Sequence = ()):
        """The review page as data (``review.ReviewPage``)."""
        from cuecast.review import review_page

        if not self.slides:
            self.slides = self._recorded_slides() or []
        return review_page(self.lesson, self.build.captures, self.timeline, self.dir, self.review_outputs(),
                           self.slides, self.video_state(), problems)

    def stage_review(self) -> StageResult:
        path = self.dir / "index.html"
        outputs = self.review_outputs()
        if not self.slides:
            self.slides = self._recorded_slides() or []
        print_ = fingerprint(
            self.lesson, captures_fingerprint(self.build.captures), self.timeline, self.slides, self.video_state(),
            [(k, str(v), v.stat().st_mtime_ns) for k, v in sorted(outputs.items())],
            [(s.png.name, s.png.stat().st_mtime_ns) for s in self.slides if s.png.exists()],
        )
        if self._is_current("review", print_):
            return self._result("review", "skipped", {"review page": path})

        from cuecast.review import write_page

        write_page(self.review_page(), path)
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
    runner=None,
) -> list[LessonBuild]:
    """Build every lesson; returns what each stage did.  Snippet failures do
    not stop the build (their errors show on the slides and in the notebook);
    the caller decides the exit code from ``LessonBuild.failed_snippets``.
    ``runner`` (a ``cuecast.runner.Runner`` made with ``run_options(options)``)
    keeps its warm workers for the next build, as ``render watch`` does.
    ``options.executor`` says where the work runs (``cuecast.executors``);
    the lessons' later stages are built ``-j`` at a time (``cuecast.catalogue``)."""
    from cuecast.catalogue import build_stages
    from cuecast.executors import open_executor, using

    with open_executor(options.executor, options.jobs) as executor, using(executor):
        builds = run_snippets(lessons, options, on_progress, on_run_event, runner)
        build_stages(builds, options, on_progress, executor.lesson_workers)
    return builds


def run_options(options: BuildOptions):
    """The runner's options for a build's."""
    from cuecast.runner import RunOptions

    run = RunOptions(device=options.device, jobs=options.jobs, use_cache=options.use_cache,
                     memory_limit=options.memory_limit)
    if options.timeout is not None:
        run = dataclasses.replace(run, timeout=options.timeout)
    return run


def run_snippets(
    lessons: Sequence[Lesson],
    options: BuildOptions = BuildOptions(),
    on_progress: Optional[Progress] = None,
    on_run_event=None,
    runner=None,
) -> list[LessonBuild]:
    """The check stage's work: every snippet of every lesson run (or served
    from the cache) on one pool; a ``LessonBuild`` per lesson to go on with."""
    from cuecast.executors import current

    for lesson in lessons:
        if on_progress:
            on_progress(lesson.id, "check", 0.0, "")
    started = time.perf_counter()
    if runner is None:
        with current().runner(run_options(options), on_run_event) as own:
            all_captures = own.run_lessons(lessons)
    else:
        previous, runner.on_event = runner.on_event, on_run_event or runner.on_event
        try:
            all_captures = runner.run_lessons(lessons)
        finally:
            runner.on_event = previous
    run_seconds = (time.perf_counter() - started) / max(len(lessons), 1)
    return [LessonBuild(lesson, dict(captures), run_seconds) for lesson, captures in zip(lessons, all_captures)]
