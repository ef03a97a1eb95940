"""``render build``: every stage of every lesson, skipping what did not change.

The stages are declared once, in ``cuecast.stages`` (check → slides →
timeline → video → notebook → review): each reads values the earlier ones
returned (captures, the deck, the timeline).  Each stage's inputs are
reduced to a fingerprint, which includes the cuecast that builds
(``cuecast.tool_version``); when it equals the one recorded in
``build/<lesson>/.build.json`` after the last successful run and every file
it wrote is still there with the size and hash it was written with
(``cuecast.build_record``), the stage is skipped, having computed that
fingerprint and nothing else.  The record is written only after a stage
succeeds, so an interrupted build redoes exactly the stages it did not
finish.

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

import contextlib
import errno
import hashlib
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping, Optional, Sequence

from cuecast.build_record import RECORD_NAME, _RECORD_LOCK, BuildRecord  # noqa: F401 (importable from here)
from cuecast.defaults import FPS, FRAME_SIZE, SNIPPET_TIMEOUT
from cuecast.errors import EXIT_FAILED, CuecastError
from cuecast.model import Capture, Lesson, Timeline
from cuecast.notices import HeldNotices
from cuecast.shown import units
from cuecast.stages import stage_named, stage_names, stages_to_run  # noqa: F401 (importable from here)
from cuecast.tool_version import tool_version

if TYPE_CHECKING:  # threads are the video stage's: a build that skips it does not import them
    from concurrent.futures import Future

DISK_FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
#: A write refused whatever is written: a read-only file system, a folder
#: owned by someone else, an immutable file (``chattr +i``).
REFUSED_ERRNOS = (errno.EROFS, errno.EACCES, errno.EPERM)


class WriteFailed(CuecastError):
    """A stage could not write an output under ``build/<lesson>/``; every
    output is written atomically, so the previous ones are still whole.
    Exit 1, as for a failed snippet: the script is fine, the build is not
    done."""

    exit_code = EXIT_FAILED


class DiskFull(WriteFailed):
    """A stage ran out of disk (or file-size quota) while writing."""


@dataclass(frozen=True)
class BuildOptions:
    """Everything a build's outputs depend on besides the project's files:
    the one options object of every subcommand (``cli/options.py`` declares
    them), so ``render slides`` after ``render check`` with the same options
    finds every capture in the cache."""

    only: tuple[str, ...] = field(default_factory=stage_names)
    device: str = "auto"
    jobs: Optional[int] = None
    timeout: float = SNIPPET_TIMEOUT
    use_cache: bool = True
    voice: Optional[str] = None
    size: tuple[int, int] = FRAME_SIZE
    fps: int = FPS
    captions: str = "none"
    #: Cap (bytes) on each snippet worker's address space; None: no cap.
    memory_limit: Optional[int] = None
    #: Capture browser cues' pages again instead of using build/.cache/web/.
    refresh_web: bool = False
    #: The theme YAML (None: ``slides/theme.yaml`` beside the lesson's script).
    theme: Optional[Path] = None
    #: Narration settings (None: the voice's own defaults).
    rate: Optional[float] = None
    pitch: Optional[int] = None
    voice_name: Optional[str] = None
    length_scale: Optional[float] = None
    speaker: Optional[str] = None
    sentence_pause: Optional[float] = None
    #: ``recorded:DIR``: time beats without a take silently instead of failing.
    allow_missing: bool = False
    #: Also convert the deck to PDF: None, ``"slides"`` or ``"handout"`` (notes under each slide).
    pdf: Optional[str] = None
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
    #: What the slides stage drew (``model.SlideImage`` per slide, in deck order).
    slides: list = field(default_factory=list)
    #: What the timeline stage planned, and the voice it was narrated with (``Voice.describe``).
    timeline: Optional[Timeline] = None
    voice: str = ""

    #: What the stages fill in (``cuecast.catalogue`` sends these back from
    #: the process that built the lesson).
    STAGE_FIELDS = ("results", "slides", "timeline", "voice")

    def stage_values(self) -> dict:
        return {name: getattr(self, name) for name in self.STAGE_FIELDS}

    @property
    def failed_snippets(self) -> list[Capture]:
        return [c for c in self.captures.values() if not c.passed]


#: ``on_progress(lesson_id, stage, fraction, message)``; fraction in [0, 1] or None.
Progress = Callable[[str, str, Optional[float], str], None]


#: Bumped when what a record holds changes meaning (2: outputs keyed by what
#: they are, not by a label), so records written before are rebuilt once.
RECORD_FORMAT = 2
#: The timeline the timeline stage planned, kept so that a build whose
#: inputs did not change reads it back instead of laying out the deck and
#: narrating the lesson again to plan it.
TIMELINE_FILE = ".timeline.pickle"


def fingerprint(*parts) -> str:
    """A stable hash of plain values (dataclass reprs, strings, bytes) and
    of the cuecast computing it, so that a new cuecast rebuilds."""
    digest = hashlib.sha256(f"{tool_version()}/{RECORD_FORMAT}".encode())
    for part in parts:
        digest.update(b"\0")
        digest.update(part if isinstance(part, bytes) else repr(part).encode("utf-8"))
    return digest.hexdigest()[:24]


def captures_fingerprint(captures: Mapping[str, Capture]) -> str:
    return fingerprint(
        sorted((path, c.key, c.status, c.output, c.device_name, c.torch_version) for path, c in captures.items())
    )


def _theme_for(lesson: Lesson, option: Optional[Path] = None):
    from cuecast.deck.theme import lesson_theme_path, load_theme

    return load_theme(lesson_theme_path(Path(lesson.root), option))


@dataclass
class PendingJoin:
    """The last step of a video stage left for later (``render preview``
    shows the changed segments first and joins the full MP4 on a thread):
    call it to join; it records the stage when done."""

    builder: "LessonBuilder"
    clips: list
    print_: str
    work: Path
    audio: Optional[Future] = None  # the narration track, mixed and encoded while the segments were

    def __call__(self) -> Path:
        try:
            return self.builder._join(self.clips, self.print_, self.work, self.audio)
        finally:
            shutil.rmtree(self.work, ignore_errors=True)
            if self.builder.pending_join is self:
                self.builder.pending_join = None

    def discard(self) -> None:
        if self.audio is not None:
            from concurrent.futures import wait

            self.audio.cancel()
            wait([self.audio])
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
        self._theme_files: Optional[tuple] = None  # the theme's stamp (``_theme_stamp``)
        self._slides_inputs: Optional[str] = None  # the print of what the slides are made from (``_slides_print``)
        self.deck = None
        self.timeline = None
        self._voice = None  # the narration voice, made once (``voice``)
        self.pages = None  # browser cues' captured pages (cuecast.web), fetched once per build
        self.slides: list = []  # model.SlideImage per slide, in deck order
        self._drawn = False
        #: Called once the slide images are drawn, before the deck file is
        #: written: ``render preview`` shows them to the author at once.
        self.on_drawn: Callable[[], None] = lambda: None
        self.defer_join = defer_join
        self.segment_clips: Optional[list] = None  # what the video stage encoded (compose.SegmentClip)
        self.pending_join: Optional[PendingJoin] = None
        self.notices = HeldNotices()  # what the inputs warn about, said by a stage that runs
        self._processes = None  # the video stage's ffmpeg processes (video.encode.ProcessRegistry)
        self._registry_lock = threading.Lock()
        self._cancelled = threading.Event()

    # -- helpers -----------------------------------------------------------

    def processes(self):
        """The ffmpeg processes this build's video stage runs (encoding its
        segments, joining the video), so ``cancel`` can end them."""
        with self._registry_lock:
            if self._processes is None:
                from cuecast.video.encode import ProcessRegistry

                self._processes = ProcessRegistry()
            return self._processes

    def cancel(self) -> None:
        """Stop this build's work in flight, from another thread (``render
        preview`` stopping): its encoders are killed, and any it starts
        later, so the stage running raises at once; its temporary folder is
        removed on the way out and every output stays old or complete."""
        self._cancelled.set()
        self.processes().kill_all()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    @property
    def lesson(self) -> Lesson:
        """The lesson with its templates (``{{ torch_version }}``) filled in
        from the captures: what every output says and speaks."""
        if self._rendered is None:
            from cuecast.templating import render_lesson

            self._rendered = render_lesson(self._lesson, self.build.captures)
        return self._rendered

    def _theme(self):
        if self.theme is None:
            self.theme = _theme_for(self._lesson, self.options.theme)
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

            refresh = self.options.refresh_web  # asked for now: why a page did not come is said in full
            with contextlib.nullcontext() if refresh else self.notices.computing("pages"):
                self.pages = pages_for_video(self.lesson, self.options.size, refresh=refresh)
        self.notices.read("pages")
        return self.pages

    # -- each stage's inputs, cheaply (``Stage.inputs``) ---------------------

    def stage_print(self, stage: str) -> str:
        """The fingerprint of ``stage``'s inputs (its record's ``inputs``)."""
        return stage_named(stage).inputs(self)

    def captures_print(self) -> str:
        return captures_fingerprint(self.build.captures)

    def _theme_stamp(self) -> tuple:
        """What the theme is read from (not the theme: reading it finds and
        opens its fonts, which a skipped stage has no use for); taken once
        per build, as the theme is loaded once."""
        from cuecast.deck.theme_files import lesson_theme_path, theme_stamp

        if self._theme_files is None:
            root = Path(self._lesson.root)
            self._theme_files = theme_stamp(lesson_theme_path(root, self.options.theme),
                                            names_dir=root / "build" / ".cache" / "theme-names")
        return self._theme_files

    def _slides_print(self) -> str:
        """Shared by the slides, timeline and video prints: hashed once per
        builder (the lesson's repr is long; a builder's lesson, captures and
        pages are set once)."""
        if self._slides_inputs is None:
            self._slides_inputs = fingerprint(self.lesson, captures_fingerprint(self.build.captures),
                                              self._theme_stamp(), sorted(self._pages().items()))
        return self._slides_inputs

    def slides_print(self) -> str:
        return fingerprint(self._slides_print(), self.options.pdf)

    def timeline_inputs_print(self) -> Optional[str]:
        """What the planned timeline is made from, without planning it: the
        slides' inputs (the deck's page counts come from them), the voice and
        the frame rate.  ``None`` for recordings and for a voice with the
        author's takes, whose files on disk are inputs this does not read."""
        from cuecast.narrate.takes import WithTakes

        with self.notices.computing("narration"):  # said when a stage that reads it runs
            voice = self.voice()
        if voice.spec.startswith("recorded:") or isinstance(voice, WithTakes):
            return None
        from cuecast.input_digests import DigestBook, digest_book_path

        opts = self.options
        book = DigestBook(digest_book_path(Path(self._lesson.root)))
        return fingerprint(self._slides_print(), voice.describe(), voice.identity(book.digest), opts.rate, opts.pitch,
                           opts.voice_name, opts.length_scale, opts.speaker, opts.sentence_pause, opts.fps)

    def video_print(self) -> str:
        opts = self.options
        return fingerprint(self.timeline, self._slides_print(), opts.size, opts.fps, opts.captions)

    def notebook_print(self) -> str:
        return fingerprint(self.lesson, captures_fingerprint(self.build.captures))

    def review_print(self, context=None) -> str:
        """The review page's inputs: the lesson, its captures and timeline,
        the slides and video shown, and every output it links (by time);
        ``context``: the ``_review_context`` already gathered."""
        context = self._review_context() if context is None else context
        return fingerprint(
            self.lesson, captures_fingerprint(self.build.captures), context.timeline, context.slides,
            context.video_state, [(k, str(v), v.stat().st_mtime_ns) for k, v in sorted(context.outputs.items())],
            [(s.png.name, s.png.stat().st_mtime_ns) for s in context.slides if s.png.exists()],
        )

    def run(self, stage: str) -> StageResult:
        if self.cancelled:
            raise KeyboardInterrupt  # as a stopped encoder says it
        record = stage_named(stage)
        started = time.perf_counter()
        self.on_progress(self._lesson.id, stage, 0.0, "")
        self.notices.stage_started()
        result = None
        try:
            result = record.run(self)
        except OSError as exc:
            failed = self._write_failure(stage, exc.errno, exc.filename)
            if failed is None:
                raise
            raise failed from None
        except CuecastError as exc:  # ffmpeg says it in its own words
            from cuecast.video.encode import EncodeError

            encoding = isinstance(exc, EncodeError)
            said = DISK_FULL_ERRNOS + (REFUSED_ERRNOS if encoding else ())
            code = next((n for n in said if os.strerror(n) in exc.message), None)
            failed = None if code is None or isinstance(exc, WriteFailed) else \
                self._write_failure(stage, code, None, writing=encoding)
            if failed is None:
                raise
            raise failed from None
        finally:
            self.notices.stage_ended(ran=result is None or result.status != "skipped")
        result.seconds += time.perf_counter() - started
        self.on_progress(self._lesson.id, stage, 1.0, result.status)
        self.build.results.append(result)
        return result

    def _write_failure(self, stage: str, code: Optional[int], filename,
                       writing: bool = False) -> Optional[WriteFailed]:
        """The message for an output that could not be written, naming the
        stage, the lesson and the file (the output a temp file stood for);
        ``None`` for an error that is not about writing under ``build/``
        (a refused read of an input elsewhere is not one).  ``writing``: the
        error came from a writer (ffmpeg) that names no file."""
        from cuecast.atomic import part_target

        build = Path(self._lesson.root) / "build"
        if not isinstance(filename, (str, bytes, os.PathLike)):
            filename = None  # e.g. a file descriptor
        if filename is not None:
            path = part_target(Path(os.fsdecode(filename)))
            if not Path(os.path.abspath(path)).is_relative_to(os.path.abspath(build)):
                return None
        elif not writing and code not in DISK_FULL_ERRNOS + (errno.EROFS,):  # EACCES, EPERM: maybe not a write
            return None
        if code not in DISK_FULL_ERRNOS + REFUSED_ERRNOS:
            return None
        where = path if filename is not None else self.dir
        try:
            shown = Path(os.path.relpath(where, self._lesson.root)).as_posix()
        except ValueError:
            shown = str(where)
        reason = {errno.EFBIG: "file size limit exceeded"}.get(code, os.strerror(code).lower())
        message = (f"{reason} while writing the {stage} of lesson {self._lesson.id} ({shown}); "
                   f"previous outputs are left as they were")
        folder = Path(os.path.relpath(self.dir, self._lesson.root)).as_posix()
        hint = {
            errno.EROFS: f"{folder} is on a read-only file system: build on a writable copy of the project",
            errno.EACCES: f"this user may not write there: check the owner and mode of {folder} (ls -ld)",
            errno.EPERM: f"the file or its folder refuses changes: check {folder} for immutable files (lsattr)",
        }.get(code, "free some space (or raise the limit) and run the build again")
        kind = DiskFull if code in DISK_FULL_ERRNOS else WriteFailed
        return kind(message + ".", hint=hint)

    def _output_context(self, **values):
        """What this build's outputs are written from (``OutputContext``):
        the lesson, the captures, the frame, and the ``values`` the stage has."""
        from cuecast.output_context import OutputContext

        return OutputContext(self.lesson, self.dir, size=self.options.size, fps=self.options.fps,
                             captures=self.build.captures, **values)

    def _result(self, stage: str, status: str, outputs: Mapping[str, Path], note: str = "") -> StageResult:
        return StageResult(self._lesson.id, stage, status, outputs=dict(outputs), note=note)

    # -- stages ------------------------------------------------------------

    def stage_check(self) -> StageResult:
        from cuecast.shown import count_units

        captures = self.build.captures
        cached = sum(1 for c in captures.values() if c.cached)
        checked = [unit for capture in captures.values() for unit in units(capture)]
        failed = [unit for unit in checked if not unit.passed]
        note = f"{count_units(checked)}, {sum(1 for unit in checked if unit.cached)} cached"
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
        from cuecast.model import SlideImage

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
        from cuecast.deck.raster import png_name
        from cuecast.model import SlideImage
        from cuecast.outputs import output_path, write_outputs

        deck = self._deck()
        folder = output_path("slide images", self.dir)
        self.slides = [SlideImage(s.id, s.title, folder / png_name(i, s.id)) for i, s in enumerate(deck.slides, start=1)]
        if not self._drawn:
            write_outputs("slides", self._output_context(deck=deck, theme=self._theme()), only=("slide images",))
            self._drawn = True
            self.on_drawn()
        return self.slides

    def stage_slides(self) -> StageResult:
        pdf = self.options.pdf
        print_ = self.stage_print("slides")
        recorded = self._recorded_slides() if self._is_current("slides", print_) else None
        if recorded is not None:
            self.slides = self.build.slides = recorded
            return self._result("slides", "skipped", self.record.outputs("slides"), f"{len(self.slides)} slides")

        from cuecast.outputs import output_path, write_outputs

        self.build.slides = self.draw_slides()
        outputs = write_outputs("slides", self._output_context(deck=self._deck(), theme=self._theme(), pdf=pdf),
                                written={"slide images": output_path("slide images", self.dir)})
        note = f"{len(self.slides)} slides"
        if pdf:
            note += f", {'handout' if pdf == 'handout' else 'slides'} converted to PDF by LibreOffice"
        self.record.remember("slides", print_, outputs,
                             [{"id": s.slide_id, "title": s.title, "png": f"slides/{s.png.name}"}
                              for s in self.slides])
        return self._result("slides", "built", outputs, note)

    def voice(self):
        """The narration voice the options and the script ask for; what it
        says about itself (espeak missing, a take missing) is a warning,
        said when a stage that reads the narration runs (``notices``)."""
        from cuecast.narrate import lesson_voice

        if self._voice is not None:
            return self._voice
        opts = self.options
        self._voice = lesson_voice(self.lesson, opts.voice, rate=opts.rate, pitch=opts.pitch,
                                   name=opts.voice_name, length_scale=opts.length_scale, speaker=opts.speaker,
                                   sentence_pause=opts.sentence_pause, allow_missing=opts.allow_missing)
        return self._voice

    def _planned_timeline(self, inputs: Optional[str]) -> Optional[Timeline]:
        """The timeline the stage planned from these same ``inputs``, read
        back, when its files and its WAVs are all still as it left them."""
        import pickle

        extra = self.record.extra("timeline")
        if inputs is None or not isinstance(extra, dict) or extra.get("inputs") != inputs \
                or not self._is_current("timeline", self.record.fingerprint("timeline")):
            return None
        try:
            timeline = pickle.loads((self.dir / TIMELINE_FILE).read_bytes())
        except Exception:  # missing, cut short or from another version: plan it again
            return None
        if not isinstance(timeline, Timeline) or self._timeline_print(timeline) != self.record.fingerprint("timeline"):
            return None
        if not all(Path(n.path).is_file() for n in timeline.narration if n.path):
            return None
        return timeline

    def _timeline_print(self, timeline: Timeline) -> str:
        from cuecast.outputs import stage_outputs

        # the formats written are part of the stage: a new one is made on the next build
        files = [entry.file for entry in stage_outputs("timeline")]
        return fingerprint(timeline, self.lesson, self.options.size, files)

    def _keep_timeline(self, print_: str, outputs: Mapping[str, Path], inputs: Optional[str], wrote: bool) -> None:
        """Save the timeline just planned for the next build to read back,
        and record the stage with the inputs it was planned from (always when
        it ``wrote`` its files: the record holds their hashes)."""
        import pickle

        from cuecast.atomic import write_bytes

        write_bytes(self.dir / TIMELINE_FILE, pickle.dumps(self.timeline))
        if wrote or self.record.extra("timeline") != {"inputs": inputs}:
            self.record.remember("timeline", print_, outputs, extra={"inputs": inputs})

    def stage_timeline(self) -> StageResult:
        import warnings

        from cuecast.narrate import VoiceWarning, voice_cache_dir

        def on_event(kind: str, beat_id: str, message: str) -> None:
            if kind == "missing":
                warnings.warn(f"{beat_id}: {message}", VoiceWarning, stacklevel=2)

        inputs = self.stage_print("timeline")  # makes the voice, under the notices' "narration"
        voice = self.voice()
        planned = self._planned_timeline(inputs)
        if planned is not None:  # nothing laid out, nothing narrated
            self.timeline = self.build.timeline = planned
            self.build.voice = voice.describe()
            return self._result("timeline", "skipped", self.record.outputs("timeline"),
                                f"{planned.duration:.1f} s, voice {self.build.voice}")
        from cuecast.deck import cue_pages, page_beats
        from cuecast.export import narrated_timeline
        from cuecast.plan import PlanOptions

        slides = self._deck().slides
        page_counts, beats_on_pages = cue_pages(slide.id for slide in slides), page_beats(slides)
        with self.notices.computing("narration"):
            self.timeline = narrated_timeline(self.lesson, self.build.captures, voice, self.dir,
                                              voice_cache_dir(Path(self._lesson.root)),
                                              refresh=not self.options.use_cache, page_counts=page_counts,
                                              page_beats=beats_on_pages,
                                              options=PlanOptions(fps=self.options.fps),  # cuts on the video's frames
                                              on_event=on_event)
        print_ = self._timeline_print(self.timeline)
        self.build.timeline, self.build.voice = self.timeline, voice.describe()
        note = f"{self.timeline.duration:.1f} s, voice {self.build.voice}"
        if self._is_current("timeline", print_):
            if inputs is not None:  # planned although current: what was saved is missing or stale
                self._keep_timeline(print_, self.record.outputs("timeline"), inputs, wrote=False)
            return self._result("timeline", "skipped", self.record.outputs("timeline"), note)
        from cuecast.outputs import write_outputs

        outputs = write_outputs("timeline", self._output_context(timeline=self.timeline))
        self._keep_timeline(print_, outputs, inputs, wrote=True)
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
        from cuecast.video.clipcache import CLIP_CACHE, ClipCache

        return ClipCache(self.dir / CLIP_CACHE if self.options.use_cache else None)

    def stage_video(self) -> StageResult:
        opts = self.options
        print_ = self.stage_print("video")
        self.notices.read("narration")  # a silent voice, a missing take: heard in the video
        note = f"{opts.size[0]}x{opts.size[1]} @ {opts.fps} fps"
        current = self._is_current("video", print_)
        if current and not self.defer_join:
            return self._result("video", "skipped", self.record.outputs("video"), note)

        from cuecast.outputs import output_path
        from cuecast.video.compose import encode_segments

        def progress(done: float, total: float) -> None:
            self.on_progress(self._lesson.id, "video", done / total if total else None, "")

        slide_image, slide_key = self._slide_frames()
        media = output_path("segment media", self.dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".video-", dir=self.dir))
        registry, cache = self.processes(), self._clip_cache()
        # render preview (defer_join) joins later on a thread, and may discard the join: its
        # narration is made then; a build's is made while the segments are.
        audio = None if current or self.defer_join else self._narration_meanwhile(work, cache, registry)
        try:
            self.segment_clips = encode_segments(
                self.timeline, self.lesson, self.build.captures, slide_image, media, work,
                cache, size=opts.size, fps=opts.fps, captions=opts.captions, on_progress=progress,
                pages=self._pages(), slide_key=slide_key, registry=registry)
        except BaseException:
            registry.kill_all()  # the narration's encoder too
            if audio is not None:
                from concurrent.futures import wait

                wait([audio])
            shutil.rmtree(work, ignore_errors=True)
            raise
        pending = PendingJoin(self, self.segment_clips, print_, work, audio)
        if current:  # render preview: the segments' versions known (all from the cache), nothing to join
            pending.discard()
            return self._result("video", "skipped", self.record.outputs("video"), note)
        if self.defer_join:
            self.pending_join = pending
            encoded = sum(1 for clip in self.segment_clips if clip.encoded)
            return self._result("video", "built", {"segment media": media},
                                f"{note}; {encoded} segments encoded, joining the video")
        path = pending()
        return self._result("video", "built", {"video": path, "segment media": media}, note)

    def _narration_meanwhile(self, work: Path, cache, registry) -> Future:
        """The narration track, mixed and encoded on a thread while the
        segments are: it mostly waits on ffmpeg's AAC encoder."""
        from concurrent.futures import ThreadPoolExecutor

        from cuecast.video.compose import narration_track

        sound = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cuecast-audio")
        audio = sound.submit(narration_track, self.timeline, self.options.fps, work, cache, registry)
        sound.shutdown(wait=False)  # its thread ends with the track
        return audio

    def _join(self, clips: list, print_: str, work: Path, track: Optional[Future] = None) -> Path:
        """Join the encoded segments with the narration into video.mp4 and
        record the stage; the clip cache is then trimmed to its bound."""
        from cuecast.output_context import VideoParts
        from cuecast.outputs import output_path, write_outputs
        from cuecast.video.compose import narration_track

        registry = self.processes()
        cache = self._clip_cache()
        try:
            audio = track.result() if track is not None else \
                narration_track(self.timeline, self.options.fps, work, cache, registry)
            parts = VideoParts(clips, audio, work, registry)
            path = write_outputs("video", self._output_context(timeline=self.timeline, video=parts))["video"]
        except BaseException:
            registry.kill_all()
            raise
        for clip in clips:  # what this video is made of stays; older versions go first
            if clip.clip is not None:
                cache.used.add(Path(clip.clip).name)
        cache.used.add(Path(audio).name)
        cache.prune()
        media = output_path("segment media", self.dir)
        self.record.remember("video", print_, {"video": path, "segment media": media})
        return path

    def video_state(self):
        """Whether the video on disk shows this build (``model.VideoState``)."""
        from cuecast.model import VIDEO_BUILDING, VIDEO_FRESH, VIDEO_NONE, VIDEO_STALE, VideoState

        if self.pending_join is not None:
            return VideoState(VIDEO_BUILDING)
        video = self.record.outputs("video").get("video")
        if video is None or not video.exists():
            return VideoState(VIDEO_NONE)
        if self.timeline is None or self.record.fingerprint("video") == self.stage_print("video"):
            return VideoState(VIDEO_FRESH)
        return VideoState(VIDEO_STALE, note="its stage was not run after the latest change")

    def stage_notebook(self) -> StageResult:
        from cuecast.outputs import output_path, write_outputs

        print_ = self.stage_print("notebook")
        if self._is_current("notebook", print_):
            return self._result("notebook", "skipped", {"notebook": output_path("notebook", self.dir)})

        outputs = write_outputs("notebook", self._output_context())
        self.record.remember("notebook", print_, outputs)
        return self._result("notebook", "built", outputs)

    def review_outputs(self) -> dict[str, Path]:
        """What this build wrote, and what earlier builds left (``--only review``)."""
        outputs: dict[str, Path] = {}
        for stage in stage_names():
            outputs.update(self.record.outputs(stage))
        for result in self.build.results:
            outputs.update(result.outputs)
        own = stage_named("review").makes()
        return {k: v for k, v in outputs.items() if v.is_file() and k not in own}

    def _review_context(self, problems: Sequence = ()):
        """What the review page is written from, and fingerprinted on: the
        slides drawn (or recorded), the outputs it links, the video's state."""
        if not self.slides:
            self.slides = self._recorded_slides() or []
        return self._output_context(timeline=self.timeline, slides=self.slides, outputs=self.review_outputs(),
                                    video_state=self.video_state(), problems=problems)

    def review_page(self, problems: Sequence = ()):
        """The review page as data (``review.ReviewPage``), as the review stage writes it."""
        from cuecast.outputs.review_page import page

        return page(self._review_context(problems))

    def stage_review(self) -> StageResult:
        from cuecast.outputs import output_path, write_outputs

        path = output_path("review page", self.dir)
        context = self._review_context()  # gathered once: fingerprinted, then written if not current
        print_ = self.review_print(context)
        if self._is_current("review", print_):
            return self._result("review", "skipped", {"review page": path})

        written = write_outputs("review", context)
        self.record.remember("review", print_, written)
        return self._result("review", "built", written)


def run_options(options: BuildOptions):
    """The runner's options for a build's."""
    from cuecast.runner import RunOptions

    return RunOptions(device=options.device, jobs=options.jobs, timeout=options.timeout, use_cache=options.use_cache,
                      memory_limit=options.memory_limit)


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
