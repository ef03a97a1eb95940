"""The builds behind ``render preview``: each save runs the stages of
``cuecast.stages``, the records' stages in the records' order, and tells
the open page what each one changed as soon as it is done:

1. snippets (check), on a ``Runner`` kept for the whole session: its worker
   has torch imported, so a changed snippet costs its own run (the runner is
   replaced when the environment changes: another torch, another
   interpreter);
2. slides: the changed slides drawn, and the page sent the new thumbnails,
   snippet output and problems -- the first thing an author looks for --
   before the stage writes the deck file (``LessonBuilder.on_drawn``);
3. the timeline, then the video with only the changed segments encoded; the
   page is told which segments changed and plays them from ``media/``;
4. the notebook and the review page on disk (and any stage added later);
5. on the joiner's thread, the full MP4 joined again; then the page swaps it
   in and clears its "stale" marks.  A newer save wins: a join that finishes
   after the next save began is not announced.

A broken script, a failing cell or a crash in a stage is shown on the page
and in the terminal, and the session waits for the next save.
"""

from __future__ import annotations

import importlib
import os
import queue
import sys
import threading
import time
import traceback
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Optional, Sequence

from cuecast.build import BuildOptions, LessonBuilder, run_options, run_snippets
from cuecast.errors import CuecastError
from cuecast.preview.events import Event, EventHub
from cuecast.preview.patch import PageState
from cuecast.review import Problem, fragments, script_problems
from cuecast.stages import stage_names, stages_to_run

Echo = Callable[[str], None]
#: The page parts sent as soon as the slides are drawn.
FIRST_PARTS = ("thumbs", "snippets", "problems")


def environment_signature(device: str) -> tuple:
    """What the warm worker's imports depend on: torch's installed version
    (and its files' time, for a reinstall of the same version), the
    interpreter and what decides the device.  A change means a new worker."""
    from cuecast.runner.device import installed_torch_version, probe_key

    importlib.invalidate_caches()
    installed_torch_version.cache_clear()
    try:
        key = probe_key(device)
    except CuecastError as exc:  # torch uninstalled: the next run says so
        key = str(exc)
    spec = importlib.util.find_spec("torch")
    stamp = None
    for folder in (spec.submodule_search_locations or []) if spec else []:
        try:
            stamp = os.stat(Path(folder) / "version.py").st_mtime_ns
        except OSError:
            continue
    return key, stamp, sys.executable


@dataclass
class Update:
    """One save (or several close together) to build for."""

    paths: list[str] = field(default_factory=list)
    saved_at: float = 0.0  # when the first of them was noticed (time.time())


class Joiner:
    """Joins full videos on its own thread; for each lesson only the newest
    request waits, so a burst of saves joins once.  A request replaced or
    left at close is discarded (its temporary folder removed)."""

    def __init__(self, echo: Echo):
        self.echo = echo
        self._pending: dict[str, tuple[Callable[[], None], Callable[[], None]]] = {}
        self._wake = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._loop, name="cuecast-preview-join", daemon=True)
        self._thread.start()

    def submit(self, lesson_id: str, job: Callable[[], None], discard: Callable[[], None]) -> None:
        with self._wake:
            if self._closed:
                replaced = (job, discard)
            else:
                replaced = self._pending.get(lesson_id)
                self._pending[lesson_id] = (job, discard)
                self._wake.notify()
        if replaced is not None:
            replaced[1]()

    def _loop(self) -> None:
        while True:
            with self._wake:
                while not self._pending and not self._closed:
                    self._wake.wait()
                if self._closed:
                    return
                lesson_id = next(iter(self._pending))
                job, _ = self._pending.pop(lesson_id)
            try:
                job()
            except BaseException:  # the thread carries on with the next request
                if self._closed:
                    return  # the join was cancelled: the preview is stopping
                self.echo(f"internal error while joining the video (a cuecast bug):\n{traceback.format_exc()}")

    def stop(self) -> None:
        """Take no more requests and discard the waiting ones; a join in
        progress is the session's to cancel (``LessonBuilder.cancel``)."""
        with self._wake:
            self._closed = True
            left = list(self._pending.values())
            self._pending.clear()
            self._wake.notify_all()
        for _, discard in left:
            discard()

    def close(self, timeout: float = 30) -> None:
        self.stop()
        self._thread.join(timeout)


class Stopped(Exception):
    """The server is stopping: the update in progress ends at its next step."""


class PreviewSession:
    """Builds a project's lessons on each save and tells the open pages."""

    def __init__(self, target: Optional[Path], options: BuildOptions, hub: EventHub, echo: Echo):
        self.target = target
        self.options = replace(options, only=stage_names())
        self.hub = hub
        self.echo = echo
        self.views: dict[str, PageState] = {}
        self.lesson_ids: list[str] = []  # the lessons of the last good load, in order
        self.lessons: dict = {}  # those lessons by id (a take is checked against its beat)
        self.planned: dict[str, dict[str, float]] = {}  # each lesson's narration lengths by beat id
        self.script_problems: list[Problem] = []
        self.generation = 0
        self.runner = None
        self._signature: Optional[tuple] = None
        self._lock = threading.Lock()  # one update (or join announcement) at a time
        self._requests: queue.Queue = queue.Queue()
        self._joiner = Joiner(echo)
        self._thread: Optional[threading.Thread] = None
        self._warned: set[str] = set()
        self._stopping = threading.Event()
        self._builders: set[LessonBuilder] = set()  # the builds with work in flight, cancelled at close
        self._builders_lock = threading.Lock()
        self._runner_closing: Optional[threading.Thread] = None

    # -- what a new page is sent --------------------------------------------

    def snapshot(self, lesson_id: Optional[str]) -> list[Event]:
        view = self.views.get(lesson_id or "")
        if view is None:
            problems = self._problem_fragment(self.script_problems)
            return [Event("patch", {"fragments": problems, "lists": {}}, lesson_id)] if self.script_problems else []
        events = [Event("patch", view.snapshot().as_data(), lesson_id)]
        if view.video is not None:
            events.append(Event("video", view.video, lesson_id))
        if view.status is not None:
            events.append(Event("status", view.status, lesson_id))
        return events

    # -- the update thread ---------------------------------------------------

    def start(self) -> None:
        """Start the warm worker and the update thread, with a first build."""
        self.request([], time.time())
        self._thread = threading.Thread(target=self._loop, name="cuecast-preview-build", daemon=True)
        self._thread.start()

    def request(self, paths: Sequence[str], saved_at: Optional[float] = None) -> None:
        """A save: build for it (saves that arrive during a build are built together after it)."""
        self._requests.put(Update(list(paths), saved_at or time.time()))

    def _loop(self) -> None:
        while True:
            update = self._requests.get()
            if update is None:
                return
            while True:  # fold in what else was saved meanwhile
                try:
                    more = self._requests.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    return
                update.paths += more.paths
            try:
                self.update(update)
            except Stopped:
                return
            except BaseException:  # never let the loop die: say it, wait for the next save
                if self._stopping.is_set():
                    return  # cancelled under a stage (an encoder killed): not a failure
                text = traceback.format_exc()
                self.echo(f"internal error while building (a cuecast bug):\n{text}")
                self._publish_problems([Problem("cuecast", "internal error while building", text.rstrip())])

    def _step(self) -> None:
        if self._stopping.is_set():
            raise Stopped()

    def stop(self) -> None:
        """Start stopping, without waiting: the update in progress ends at
        its next step, the work in flight under it (video segments being
        encoded, the video being joined) is cancelled and its temporary
        folder removed, and the snippet workers are told to stop, all at
        once, so the preview is gone within a second (``close`` waits)."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        self._requests.put(None)
        self._joiner.stop()
        with self._builders_lock:
            builders = list(self._builders)
        for builder in builders:
            builder.cancel()
        if self.runner is not None:
            self._runner_closing = threading.Thread(target=self.runner.close, name="cuecast-preview-stop",
                                                    daemon=True)
            self._runner_closing.start()

    def close(self, timeout: float = 5) -> None:
        """``stop``, then wait for the threads to end (each at most ``timeout``)."""
        self.stop()
        if self._thread is not None:
            self._thread.join(timeout=timeout)
        self._joiner.close(timeout)
        if self._runner_closing is not None:
            self._runner_closing.join(timeout)
        self.runner = None

    # -- one update ----------------------------------------------------------

    def _runner(self):
        """The session's runner; a new one when the environment changed."""
        from cuecast.runner import Runner

        signature = environment_signature(self.options.device)
        if self.runner is not None and signature != self._signature:
            self.echo("the Python environment changed: starting a new snippet worker")
            self.runner.close()
            self.runner = None
        if self.runner is None:
            self.runner = Runner(run_options(self.options), on_event=self._on_run_event)
            self.runner.prestart(1)  # torch's import starts now, not at the first edit
            self._signature = signature
        return self.runner

    def _on_run_event(self, event) -> None:
        from cuecast.check.report import format_duration

        if event.kind == "finished" and event.capture is not None and not event.capture.cached:
            self.echo(f"ran {event.snippet} ({event.capture.status}, {format_duration(event.capture.duration)})")

    def _stale_ids(self, lesson, paths: Sequence[str]) -> Optional[list[str]]:
        """The element ids a save of ``paths`` will change, for the page to
        mark at once: a snippet file's outputs and slides; ``None`` (the
        whole page) for anything else -- the script, the theme, a take."""
        from cuecast.review import snippet_dom_id

        root = Path(lesson.root).resolve()
        touched = set()
        for path in paths:
            try:
                touched.add(Path(path).resolve().relative_to(root).as_posix())
            except ValueError:
                return None
        cues = [(beat, cue) for _, beat, cue in lesson.cues() if cue.snippet in touched]
        if not touched or len(cues) == 0 or touched - {cue.snippet for _, cue in cues}:
            return None
        view = self.views.get(lesson.id)
        slides = view.slide_ids if view is not None else {}
        ids = [snippet_dom_id(cue) for _, cue in cues]
        beats = {f"cue:{beat.id}" for beat, _ in cues}
        ids += [dom for dom, slide_id in slides.items() if slide_id.split("/")[0] in beats]
        return ids

    def update(self, update: Update) -> None:
        from cuecast.lock import project_locks
        from cuecast.script import load_lessons

        names = sorted({Path(p).name for p in update.paths})
        started = time.time()
        with self._lock:
            self.generation += 1
            generation = self.generation
        if names:
            self.echo(f"changed: {', '.join(names)}")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                lessons = load_lessons(self.target)
            except CuecastError as exc:
                self.hub.publish("status", {"state": "building", "changed": names, "saved_at": update.saved_at})
                self._script_failed(exc)
                return
            finally:
                self._say_warnings(caught)
            for lesson in lessons:
                self.hub.publish("status", {"state": "building", "changed": names, "saved_at": update.saved_at,
                                            "stale": self._stale_ids(lesson, update.paths)}, lesson.id)
            runner = self._runner()
            with self._lock, project_locks([Path(lesson.root) / "build" for lesson in lessons],
                                           on_wait=self.echo):
                self.script_problems = []
                try:
                    builds = run_snippets(lessons, self.options, runner=runner)
                except CuecastError as exc:
                    self._script_failed(exc)
                    return
                ran_at = time.time()
                fresh = [lesson.id for lesson in lessons if lesson.id not in self.views]
                self.lesson_ids = [lesson.id for lesson in lessons]
                self.lessons = {lesson.id: lesson for lesson in lessons}
                for build in builds:
                    timing = {"saved_at": update.saved_at, "started_at": started, "ran_at": ran_at,
                              "paths": len(update.paths)}
                    try:
                        self._update_lesson(build, generation, timing)
                    except CuecastError as exc:
                        self._lesson_failed(build.lesson.id, exc)
            self._say_warnings(caught)
        if fresh:
            self.hub.publish("reload", {"lessons": fresh})

    def _update_lesson(self, build, generation: int, timing: dict) -> None:
        lesson_id = build.lesson.id
        view = self.views.setdefault(lesson_id, PageState())
        builder = LessonBuilder(build, self.options, defer_join=True)
        with self._builders_lock:
            self._builders.add(builder)
        try:
            self._build_lesson(builder, view, lesson_id, generation, timing)
        finally:
            if builder.pending_join is None:
                self._forget(builder)

    def _forget(self, builder: LessonBuilder) -> None:
        with self._builders_lock:
            self._builders.discard(builder)

    def _build_lesson(self, builder: LessonBuilder, view: PageState, lesson_id: str, generation: int,
                      timing: dict) -> None:
        told = {"changed": [], "slides_at": None, "segments_at": None, "page": None}
        after = {"slides": self._slides_done, "timeline": self._timeline_done, "video": self._video_done}
        # drawn slides are sent before the slides stage writes the deck file (half a second)
        builder.on_drawn = lambda: self._slides_done(builder, view, lesson_id, timing, told)
        try:
            for stage in stages_to_run(self.options.only):
                self._step()
                builder.run(stage)
                if stage in after:
                    after[stage](builder, view, lesson_id, timing, told)
        except BaseException:
            if builder.pending_join is not None:
                builder.pending_join.discard()
            raise
        self._lesson_done(builder, view, lesson_id, generation, timing, told)

    def _slides_done(self, builder: LessonBuilder, view: PageState, lesson_id: str, timing: dict, told: dict) -> None:
        """The thumbnails, snippet output and problems: once the slides are
        drawn, or once the stage found them current."""
        if told["slides_at"] is None:
            self._send(view, lesson_id, builder.review_page(), FIRST_PARTS, {**timing, "step": "slides"})
            told["slides_at"] = time.time()

    def _timeline_done(self, builder: LessonBuilder, view: PageState, lesson_id: str, timing: dict,
                       told: dict) -> None:
        self.planned[lesson_id] = {n.beat_id: n.end - n.start for n in builder.timeline.narration}

    def _video_done(self, builder: LessonBuilder, view: PageState, lesson_id: str, timing: dict, told: dict) -> None:
        changed = view.changed_segments(builder.segment_clips) if builder.segment_clips is not None else []
        if changed:  # first: the author is waiting for these
            self.hub.publish("segments", {
                "segments": [{"id": c.segment_id, "kind": c.kind, "start": c.start, "end": c.end,
                              "media": f"media/{c.media.name}?v={c.key[:12]}", "encoded": c.encoded}
                             for c in changed],
                "timing": {**timing, "step": "segments", "at": time.time()},
            }, lesson_id)
        page = builder.review_page()
        self._send(view, lesson_id, page, None, {**timing, "step": "page"})
        told.update(changed=changed, segments_at=time.time(), page=page)

    def _lesson_done(self, builder: LessonBuilder, view: PageState, lesson_id: str, generation: int, timing: dict,
                     told: dict) -> None:
        changed = told["changed"]
        page = told["page"] or builder.review_page()
        slides_at = told["slides_at"] or time.time()
        segments_at = told["segments_at"] or time.time()
        builder.notices.summarise(lesson_id)
        encoded = [c.segment_id for c in changed if c.encoded]
        since = "the save" if timing.get("paths") else "the start"
        summary = (f"{lesson_id}: slides {slides_at - timing['saved_at']:.2f} s after {since}, "
                   f"segments {segments_at - timing['saved_at']:.2f} s "
                   f"({len(changed)} changed, {len(encoded)} encoded)")
        failed = [p for p in page.problems]
        for problem in failed:
            self.echo(f"  {problem.where}: {problem.message}")
            if problem.detail:
                self.echo("    " + problem.detail.replace("\n", "\n    "))
        status = {"state": "failed" if failed else "ready", "timing": {**timing, "done_at": time.time()}}
        view.status = status
        self.hub.publish("status", status, lesson_id)
        if builder.pending_join is None:
            self.echo(summary)
            return
        self.echo(summary + "; joining the video…")
        pending = builder.pending_join

        def discard() -> None:
            pending.discard()
            self._forget(builder)

        self._joiner.submit(lesson_id, lambda: self._join(builder, view, lesson_id, generation), discard)

    def _join(self, builder: LessonBuilder, view: PageState, lesson_id: str, generation: int) -> None:
        try:
            self._join_video(builder, view, lesson_id, generation)
        finally:
            self._forget(builder)

    def _join_video(self, builder: LessonBuilder, view: PageState, lesson_id: str, generation: int) -> None:
        pending = builder.pending_join
        if pending is None:
            return
        if generation != self.generation or self._stopping.is_set():  # a newer save will join its own
            pending.discard()
            return
        started = time.time()
        try:
            path = pending()
        except CuecastError as exc:
            self.echo(f"error: joining the video of {lesson_id}: {exc}")
            self.hub.publish("status", {"state": "failed", "message": f"the video could not be joined: {exc}"},
                             lesson_id)
            return
        with self._lock:
            if generation != self.generation:
                self.echo(f"{lesson_id}: video joined in {time.time() - started:.2f} s; a newer save is being built")
                return
            builder.run("review")  # the page on disk: the video is fresh again
            page = builder.review_page()
            self._send(view, lesson_id, page, ("video-status", "files", "meta"), {"step": "video"})
            captions = page.captions or ""
            view.video = {"src": f"{Path(path).name}?v={generation}", "captions": captions,
                          "chapters": page.chapters or "", "at": time.time()}
            self.hub.publish("video", view.video, lesson_id)
        self.echo(f"{lesson_id}: video joined in {time.time() - started:.2f} s")

    # -- takes recorded in the page -------------------------------------------

    def take(self, lesson_id: str, beat_id: str, data: bytes) -> tuple[int, dict]:
        """Keep a take the page recorded and re-time the lesson with it at
        once; a refused take is a located error here and on the page."""
        from cuecast.preview.takes import TakeRefused, save_take

        lesson = self.lessons.get(lesson_id)
        if lesson is None:
            return 404, {"error": f"no lesson '{lesson_id}' is being previewed"}
        try:
            take = save_take(lesson, beat_id, data, self.planned.get(lesson_id, {}).get(beat_id),
                             self.options.voice)
        except TakeRefused as exc:
            where = str(exc.location) if exc.location is not None else lesson.source
            self.echo(f"{where}: error: {exc.message}" + (f"\n  hint: {exc.hint}" if exc.hint else ""))
            return 422, {"error": exc.message, "hint": exc.hint, "where": where}
        kept = f"; the previous take is {take.previous}" if take.previous else ""
        self.echo(f"take for {beat_id}: {take.path} ({take.duration:.1f} s){kept}")
        self.request([str(take.path)])
        return 200, {"beat": beat_id, "duration": take.duration, "take": str(take.path),
                     "previous": str(take.previous) if take.previous else None}

    def take_problem(self, lesson_id: str, message: str) -> tuple[int, dict]:
        """What the browser would not do (no microphone, permission refused)."""
        lesson = self.lessons.get(lesson_id)
        where = lesson.source if lesson is not None else "preview"
        self.echo(f"{where}: warning: recording in the page failed: {message}")
        return 200, {"noted": True}

    # -- telling the pages -----------------------------------------------------

    def _send(self, view: PageState, lesson_id: str, page, parts, timing: dict) -> None:
        if parts is None or "thumbs" in parts:
            view.slide_ids = {thumb.dom_id: thumb.slide_id for thumb in page.thumbs}
        html, lists = fragments(page, parts)
        patch = view.update(html, lists)
        if patch:
            self.hub.publish("patch", {**patch.as_data(), "timing": {**timing, "at": time.time()}}, lesson_id)

    def _problem_fragment(self, problems: Sequence[Problem]) -> dict[str, str]:
        from cuecast.review import ReviewPage, VideoState

        page = ReviewPage("", "", "", VideoState("none"), problems=tuple(problems))
        return fragments(page, ("problems",))[0]

    def _publish_problems(self, problems: Sequence[Problem], lesson_id: Optional[str] = None) -> None:
        html = self._problem_fragment(problems)
        targets = [lesson_id] if lesson_id else (list(self.views) or [None])
        for target in targets:
            view = self.views.get(target or "")
            if view is not None:
                view.update(html, {})
                view.status = {"state": "error"}
            self.hub.publish("patch", {"fragments": html, "lists": {}}, target)
            self.hub.publish("status", {"state": "error"}, target)

    def _script_failed(self, exc: CuecastError) -> None:
        from cuecast.diagnostics import format_diagnostics

        if exc.diagnostics:
            self.echo(format_diagnostics(exc.diagnostics, Path.cwd()))
            self.script_problems = script_problems(exc.diagnostics, Path.cwd())
        else:
            self.echo(f"error: {exc}")
            self.script_problems = [Problem("error", exc.message, exc.hint and f"hint: {exc.hint}")]
        self.echo("waiting for the next save…")
        self._publish_problems(self.script_problems)

    def _lesson_failed(self, lesson_id: str, exc: CuecastError) -> None:
        from cuecast.diagnostics import format_diagnostics

        if exc.diagnostics:
            self.echo(format_diagnostics(exc.diagnostics, Path.cwd()))
            problems = script_problems(exc.diagnostics, Path.cwd())
        else:
            self.echo(f"error: {lesson_id}: {exc}")
            problems = [Problem(lesson_id, exc.message, exc.hint and f"hint: {exc.hint}")]
        self._publish_problems(problems, lesson_id)

    def _say_warnings(self, caught) -> None:
        for warning in caught:
            text = str(warning.message)
            if warning.category.__module__.startswith("cuecast") and text not in self._warned:
                self._warned.add(text)
                self.echo(f"warning: {text}")
        caught.clear()
