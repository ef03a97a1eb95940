"""Timeline → MP4: one clip per segment (in parallel), then one join + mux.

The Timeline is followed exactly: segment boundaries are rounded to frames on
the lesson clock, so the video lasts the timeline's duration to within one
frame however many segments there are.  Each segment's clip is written where
the editors' timeline expects its media (``<media>/<segment id>.mp4``; a slide
also gets its still as ``<segment id>.png``), so ``timeline.otio`` opens with
its media linked.

The video is written to a temporary file beside ``out_path`` and renamed into
place at the end: an interrupted or failed render kills its ffmpeg processes
and leaves the previous video as it was.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import tempfile
import threading
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Optional

from PIL import Image

from cuecast import executors, kinds
from cuecast.atomic import atomic_path, copy_into_place
from cuecast.defaults import FPS, FRAME_SIZE
from cuecast.errors import ConfigError, CuecastError
from cuecast.model import (
    SEGMENT_BROWSER,
    SEGMENT_EDITOR,
    SEGMENT_KINDS,
    SEGMENT_SLIDE,
    SEGMENT_TERMINAL,
    Beat,
    Capture,
    Lesson,
    Segment,
    Timeline,
    then_id,
)
from cuecast.video.audio import RATE, mixed_narration
from cuecast.video.browser import BrowserScene, browser_content
from cuecast.video.canvas import Caption, CaptionedScene, Scene, StillScene, caption_chunks, caption_style
from cuecast.video.clipcache import ClipCache, clip_key
from cuecast.video.hold import hold_of, plan_pieces, window
from cuecast.shown import shown_capture
from cuecast.video.editor import EditorScene, editor_content, terminal_content
from cuecast.video.spoken_code import code_highlights
from cuecast.video.encode import (
    AUDIO_BITRATE,
    EncodeSettings,
    ProcessRegistry,
    concat_and_mux,
    concat_copy,
    encode_pcm,
    encode_frames,
    frame_count,
)

CAPTION_MODES = ("none", "burn")
#: What a progress callback receives: seconds of video done, seconds in all.
Progress = Callable[[float, float], None]
SlideImage = Callable[[str], Image.Image]
#: The process umask, read once (reading it means setting it, which is not
#: safe while worker threads create files).
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def segment_media_path(media_dir: Path, segment: Segment) -> Path:
    """Where a segment's media goes in ``media_dir``: ``Segment.media_name``,
    the name ``cuecast.plan.media_path`` gives the timeline."""
    return Path(media_dir) / segment.media_name


def _safe_name(segment_id: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in segment_id)


class _ProgressMeter:
    """Adds up frames encoded across worker threads and reports seconds."""

    def __init__(self, total_frames: int, fps: int, callback: Optional[Progress]):
        self.total_frames = total_frames
        self.fps = fps
        self.callback = callback
        self.done = 0
        self.lock = threading.Lock()

    def advance(self, frames: int) -> None:
        if frames <= 0:
            return
        with self.lock:
            self.done = min(self.total_frames, self.done + frames)
            if self.callback is not None:
                self.callback(self.done / self.fps, self.total_frames / self.fps)


def _readable(path: Path) -> None:
    """Give a finished file the usual permissions (the temporary file it was
    written as is private to its owner)."""
    os.chmod(path, 0o666 & ~_UMASK)


def _fit(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    image = image.convert("RGB")
    if image.size != size:
        image = image.resize(size, Image.LANCZOS)
    return image


def caption_screens(timeline: Timeline, size: tuple[int, int]) -> list[tuple[float, float, list[str]]]:
    """``(start, end, lines)`` of every caption on the lesson clock: the very
    cues of the ``.srt``/``.vtt`` sidecars (same line breaks, same times) when
    the timeline exporter is present, else the narration split here."""
    try:
        from cuecast.export.captions import build_captions
    except ImportError:  # pragma: no cover - the exporter ships with cuecast
        fnt, width, _ = caption_style(size)
        return [chunk for item in timeline.narration if item.text.strip()
                for chunk in caption_chunks(item.text, item.start, item.end, fnt, width)]
    return [(c.start_ms / 1000, c.end_ms / 1000, list(c.lines)) for c in build_captions(timeline) if c.text.strip()]


def _segment_captions(screens, first: int, last: int, fps: int) -> list[Caption]:
    """The caption screens that fall in frames [first, last), on the segment's
    own clock."""
    captions = []
    for t0, t1, lines in screens:
        a = max(first, frame_count(t0, fps))
        b = min(last, frame_count(t1, fps))
        if b > a:
            captions.append(Caption(a - first, b - first, "\n".join(lines)))
    return captions


@dataclass(frozen=True)
class SegmentClip:
    """One segment as encoded: what the join concatenates and what the
    timeline and the live preview show.  ``key`` hashes everything its
    pixels depend on, so a new key is a changed segment, whether or not it
    had to be encoded (``encoded``: False when it came from the clip cache,
    as after undoing an edit)."""

    segment_id: str
    kind: str
    start: float
    end: float
    frames: int
    clip: Optional[Path]  # None when shorter than half a frame: nothing to join
    media: Path  # <media>/<id>.png for a slide, <media>/<id>.mp4 otherwise
    key: str
    encoded: bool


class _Job:
    """One segment to encode: builds its scene (in the worker thread, since
    drawing a slide or tokenising code takes a moment) and its clip path."""

    def __init__(self, segment: Segment, first: int, last: int, clip: Path, still: Optional[Path]):
        self.segment = segment
        self.first = first
        self.last = last
        self.clip = clip
        self.still = still
        self.key = ""
        self.encoded = False

    @property
    def n_frames(self) -> int:
        return self.last - self.first


def _cost_order(job: _Job) -> tuple[bool, int]:
    return job.still is not None, -job.n_frames


def _check_settings(timeline: Timeline, size: tuple[int, int], fps: int, captions: str) -> None:
    width, height = size
    if width < 16 or height < 16 or width % 2 or height % 2:
        raise ConfigError(f"video size {width}x{height} must be even and at least 16x16 (H.264 4:2:0)")
    if captions not in CAPTION_MODES:
        raise ConfigError(f"captions must be one of: {', '.join(CAPTION_MODES)} (got {captions!r})")
    if fps < 1 or fps > 120:
        raise ConfigError(f"fps must be between 1 and 120 (got {fps})")
    if not timeline.segments:
        raise CuecastError(f"the timeline of '{timeline.lesson_id}' has no segments: nothing to render")


def encode_segments(
    timeline: Timeline,
    lesson: Lesson,
    captures: Mapping[str, Capture],
    slide_image: SlideImage,
    media_dir: Path,
    work_dir: Path,
    cache: ClipCache,
    size: tuple[int, int] = FRAME_SIZE,
    fps: int = FPS,
    captions: str = "none",
    on_progress: Optional[Progress] = None,
    preset: str = "veryfast",
    jobs: int = 2,
    pages: Optional[Mapping[str, object]] = None,
    slide_key: Optional[Callable[[str], str]] = None,
    registry: Optional[ProcessRegistry] = None,
) -> list[SegmentClip]:
    """Encode every segment whose clip is not in ``cache`` and put each
    segment's media in ``media_dir``; returns the clips in timeline order.

    ``slide_key(slide_id)``, when given, says what a slide's pixels depend on
    (its layout digest): a slide segment found in the cache is then neither
    drawn nor encoded.  Without it a slide is drawn and its pixels hashed.
    Clips that are not cached are written to ``work_dir``."""
    _check_settings(timeline, size, fps, captions)
    encoder = _SegmentEncoder(timeline, lesson, captures, slide_image, Path(media_dir), Path(work_dir), cache,
                              EncodeSettings(size[0], size[1], fps, preset=preset), captions, on_progress, pages,
                              slide_key, registry if registry is not None else ProcessRegistry())
    return encoder.encode_all(jobs)


class _SegmentEncoder:
    """The steps of ``encode_segments``: a job per segment, each segment's
    inputs and scene (``SEGMENT_SCENES``, by segment kind), then encoding
    the jobs whose clip is not cached, on ``jobs`` threads."""

    def __init__(self, timeline: Timeline, lesson: Lesson, captures: Mapping[str, Capture], slide_image: SlideImage,
                 media: Path, work: Path, cache: ClipCache, settings: EncodeSettings, captions: str,
                 on_progress: Optional[Progress], pages: Optional[Mapping[str, object]],
                 slide_key: Optional[Callable[[str], str]], registry: ProcessRegistry):
        self.timeline, self.lesson, self.captures = timeline, lesson, captures
        self.slide_image, self.slide_key, self.pages = slide_image, slide_key, pages or {}
        self.media, self.work, self.cache = media, work, cache
        self.settings, self.captions, self.registry = settings, captions, registry
        self.size, self.fps = (settings.width, settings.height), settings.fps
        self.beats: dict[str, Beat] = {beat.id: beat for _, beat in lesson.beats()}
        self.meter = _ProgressMeter(frame_count(timeline.duration, self.fps), self.fps, on_progress)
        self.screens = caption_screens(timeline, self.size) if captions == "burn" else []
        self.slide_lock = threading.Lock()
        self.slide_cache: dict[str, Image.Image] = {}
        media.mkdir(parents=True, exist_ok=True)

    def job(self, segment: Segment) -> _Job:
        """A slide is encoded in the work folder (its still goes to media/);
        a screen capture straight to media/."""
        first, last = frame_count(segment.start, self.fps), frame_count(segment.end, self.fps)
        kind = SEGMENT_KINDS.get(segment.kind)
        if kind is None:
            raise CuecastError(f"segment '{segment.id}' has unknown kind '{segment.kind}'")
        media = segment_media_path(self.media, segment)
        if kind.still:
            return _Job(segment, first, last, self.work / f"{_safe_name(segment.id)}.mp4", media)
        return _Job(segment, first, last, media, None)

    # --- what a segment shows -------------------------------------------------

    def draw_slide(self, slide_id: str) -> Image.Image:
        with self.slide_lock:  # the deck's drawer need not be thread-safe; a slide shown twice is drawn once
            if slide_id not in self.slide_cache:
                self.slide_cache[slide_id] = _fit(self.slide_image(slide_id), self.size)
            return self.slide_cache[slide_id]

    def write_still(self, job: _Job, image_of: Callable[[], Image.Image], what: object) -> None:
        """The slide's still in media/: from the cache when its key is known,
        so an unchanged slide is not drawn again."""
        assert job.still is not None
        key = clip_key("still", what, self.size) if self.slide_key is not None else None
        cached = self.cache.get(key, ".png") if key is not None else None
        if cached is None:
            target = (self.cache.path(key, ".png") if key is not None else None) or job.still
            with self.cache.store(target) as part:
                image_of().save(part, format="PNG", compress_level=1)
                _readable(part)
            cached = target
        if cached != job.still:
            copy_into_place(cached, job.still)

    def slide(self, job: _Job) -> tuple[object, Callable[[], Scene]]:
        segment = job.segment
        if not segment.slide_id:
            raise CuecastError(f"slide segment '{segment.id}' names no slide")
        slide_id = segment.slide_id
        if self.slide_key is not None:
            inputs: object = ("slide", self.slide_key(slide_id))
        else:
            inputs = hashlib.sha256(self.draw_slide(slide_id).tobytes()).hexdigest()
        self.write_still(job, lambda: self.draw_slide(slide_id), inputs)
        return inputs, lambda: StillScene(self.draw_slide(slide_id), job.n_frames)

    def cue_of(self, segment: Segment):
        beat = self.beats.get(segment.cue_id or "")
        if beat is None or beat.cue is None:
            raise CuecastError(f"segment '{segment.id}' shows cue '{segment.cue_id}', "
                               f"which is not a cue of lesson '{self.lesson.id}'")
        return beat, beat.cue

    def editor(self, job: _Job) -> tuple[object, Callable[[], Scene]]:
        segment = job.segment
        beat, cue = self.cue_of(segment)
        if not cue.snippet:
            raise CuecastError(f"editor segment '{segment.id}' shows a cue with no snippet", cue.location)
        content = editor_content(self.lesson, cue, shown_capture(cue, self.captures))
        said = [item for item in self.timeline.narration if item.beat_id in (beat.id, then_id(beat.id))]
        highlights = code_highlights(beat.code_terms, said, content.lines, segment.start, self.fps, job.n_frames)
        return self.typed(job, content, highlights)

    def terminal(self, job: _Job) -> tuple[object, Callable[[], Scene]]:
        _, cue = self.cue_of(job.segment)
        return self.typed(job, terminal_content(self.lesson, cue, shown_capture(cue, self.captures)))

    def typed(self, job: _Job, content, highlights: tuple = ()) -> tuple[object, Callable[[], Scene]]:
        segment = job.segment
        inputs = (content, segment.type_seconds, segment.output_at) + ((highlights,) if highlights else ())
        return (inputs, functools.partial(EditorScene, content, self.size, self.fps, job.n_frames,
                                          segment.type_seconds, segment.output_at, highlights))

    def browser(self, job: _Job) -> tuple[object, Callable[[], Scene]]:
        beat, cue = self.cue_of(job.segment)
        content = browser_content(cue, beat.say)
        page = self.pages.get(cue.url or "")  # captured by cuecast.web, else simulated
        if page is not None:
            from cuecast.video.web_scene import CapturedPageScene

            return (content, page.digest), functools.partial(CapturedPageScene, content, page, self.size, self.fps,
                                                             job.n_frames)
        return content, functools.partial(BrowserScene, content, self.size, self.fps, job.n_frames)

    # --- encoding ---------------------------------------------------------------

    def run(self, job: _Job) -> None:
        """Encode ``job``'s clip unless the cache has it; its media in place."""
        # a slide's still is written even when it lasts no frame
        inputs, make_scene = SEGMENT_SCENES.lookup(job.segment.kind)(self, job)
        burned: list[Caption] = []
        if self.captions == "burn":
            burned = _segment_captions(self.screens, job.first, job.last, self.fps)
        key = clip_key(job.segment.kind, inputs, burned, job.n_frames, self.settings)
        job.key = key
        if job.n_frames <= 0:  # shorter than half a frame: nothing on screen
            return
        cached = self.cache.get(key)
        if cached is None:
            cached = self.encode(job, key, make_scene, burned)
        else:
            self.meter.advance(job.n_frames)
        self.place(job, cached)

    def encode(self, job: _Job, key: str, make_scene: Callable[[], Scene], burned: list[Caption]) -> Path:
        reported = [0]

        def on_frame(done: int) -> None:
            self.meter.advance(done - reported[0])
            reported[0] = done

        target = self.cache.path(key) or job.clip
        pieces = self.work / f"{_safe_name(job.segment.id)}.pieces"
        with self.cache.store(target) as part:
            encode_scene(make_scene, burned, self.size, job.n_frames, self.settings, part, pieces, self.registry,
                         on_frame, what=f"encoding segment '{job.segment.id}'")
            _readable(part)
        self.meter.advance(job.n_frames - reported[0])
        job.encoded = True
        return target

    def encode_all(self, jobs: int) -> list[SegmentClip]:
        plan = [self.job(segment) for segment in self.timeline.segments]
        executor = executors.current()
        if executor.remote:
            self.encode_elsewhere(executor, plan)
            return _clips(plan, self.media)
        pool = ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="cuecast-video")
        try:
            # Costliest first, so two workers finish together: a still costs one held unit
            # however long it lasts (``hold``), an animated segment its changing frames.
            futures = [pool.submit(self.run, job) for job in sorted(plan, key=_cost_order)]
            wait(futures, return_when=FIRST_EXCEPTION)  # the first failure stops the render
            for future in futures:
                if future.done() and future.exception() is not None:
                    raise future.exception()
            for future in futures:
                future.result()
        except BaseException:
            self.registry.kill_all()
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
        return _clips(plan, self.media)

    def encode_elsewhere(self, executor, plan: list[_Job]) -> None:
        """``encode_all`` with the executor's tasks encoding: lookups and
        stills here, in timeline order; each missing clip drawn and encoded
        by a task (CPU only) and written into the cache here."""
        missing = []
        for job in plan:
            inputs, make_scene = SEGMENT_SCENES.lookup(job.segment.kind)(self, job)
            burned = _segment_captions(self.screens, job.first, job.last, self.fps) if self.captions == "burn" else []
            job.key = clip_key(job.segment.kind, inputs, burned, job.n_frames, self.settings)
            if job.n_frames <= 0:
                continue
            cached = self.cache.get(job.key)
            if cached is not None:
                self.meter.advance(job.n_frames)
                self.place(job, cached)
                continue
            if job.segment.kind == SEGMENT_SLIDE:  # sent drawn: the deck's drawer stays here
                make_scene = functools.partial(StillScene, self.draw_slide(job.segment.slide_id), job.n_frames)
            missing.append((job, make_scene, burned))
        calls = [(make_scene, burned, self.size, job.n_frames, self.settings, f"encoding segment '{job.segment.id}'")
                 for job, make_scene, burned in missing]
        for (job, _, _), data in zip(missing, executor.map(encode_clip, calls, batch=1)):
            target = self.cache.path(job.key) or job.clip
            with self.cache.store(target) as part:
                part.write_bytes(data)
                _readable(part)
            self.meter.advance(job.n_frames)
            job.encoded = True
            self.place(job, target)

    def place(self, job: _Job, cached: Path) -> None:
        """``job``'s media in place from ``cached``; the join reads the cache
        entry, which no later render rewrites."""
        if job.still is None and cached != job.clip:
            copy_into_place(cached, job.clip)  # the editors' timeline links media/, a copy
        job.clip = cached


#: What fills the screen for each segment kind: ``scene(encoder, job)`` gives
#: what its pixels depend on (the clip cache key) and how to build its scene.
SEGMENT_SCENES = kinds.segment_table("video", {
    SEGMENT_SLIDE: _SegmentEncoder.slide,
    SEGMENT_EDITOR: _SegmentEncoder.editor,
    SEGMENT_BROWSER: _SegmentEncoder.browser,
    SEGMENT_TERMINAL: _SegmentEncoder.terminal,
})


def _clips(plan: list[_Job], media: Path) -> list[SegmentClip]:
    return [
        SegmentClip(job.segment.id, job.segment.kind, job.segment.start, job.segment.end, job.n_frames,
                    job.clip if job.n_frames > 0 else None, job.still or segment_media_path(media, job.segment),
                    job.key, job.encoded)
        for job in plan
    ]


def _captioned(make_scene: Callable[[], Scene], burned: list, size: tuple[int, int]) -> Scene:
    scene = make_scene()
    return CaptionedScene(scene, burned, size) if burned else scene


def encode_scene(make_scene: Callable[[], Scene], burned: list, size: tuple[int, int], n_frames: int,
                 settings: EncodeSettings, out: Path, work: Path, registry: ProcessRegistry,
                 on_frame: Optional[Callable[[int], None]] = None, what: str = "encoding a clip") -> Path:
    """One segment's clip at ``out``: its changing frames encoded as they
    come and its held end as a repeated unit (``cuecast.video.hold``), the
    pieces made in ``work`` (removed after) and joined without re-encoding.
    ``on_frame(done)`` hears how many of the segment's frames are done."""
    scene = _captioned(make_scene, burned, size)
    pieces = plan_pieces(n_frames, *hold_of(scene), settings.fps)
    if not pieces.unit:
        keyframes = scene.keyframes()
        frames = ((index, picture.tobytes()) for index, picture in scene.render())
        return encode_frames(frames, keyframes, n_frames, out, settings, registry, on_frame, what=what)
    work.mkdir(parents=True, exist_ok=True)
    try:
        entries: list[tuple[Path, Optional[float]]] = []
        if pieces.head:
            keyframes, frames = window(scene, 0, pieces.head)
            entries.append((encode_frames(frames, keyframes, pieces.head, work / "head.mp4", settings, registry,
                                          on_frame, what=what), None))
            scene = _captioned(make_scene, burned, size)  # drawn again from its start for the unit
        keyframes, frames = window(scene, pieces.head, pieces.head + pieces.unit)
        unit = encode_frames(frames, keyframes, pieces.unit, work / "unit.mp4", settings, registry,
                             None if on_frame is None else lambda index: on_frame(pieces.head + index), what=what)
        entries += [(unit, None)] * pieces.repeats
        if pieces.rest:  # cut between two frames' timestamps, so rounding never keeps one too many
            entries.append((unit, (pieces.rest - 0.5) / settings.fps))
        return concat_copy(entries, out, work, registry, what=what)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def encode_clip(make_scene: Callable[[], Scene], burned: list, size: tuple[int, int], n_frames: int,
                settings: EncodeSettings, what: str) -> bytes:
    """One segment's clip as MP4 bytes, drawn and encoded wherever this runs
    (a Ray task): the caller puts the bytes in its clip cache, so no file
    is shared between the machines."""
    registry = ProcessRegistry()
    with tempfile.TemporaryDirectory(prefix="cuecast-clip-") as folder:
        out = Path(folder) / "clip.mp4"
        try:
            encode_scene(make_scene, burned, size, n_frames, settings, out, Path(folder) / "pieces", registry,
                         what=what)
        except BaseException:
            registry.kill_all()
            raise
        return out.read_bytes()


def narration_track(timeline: Timeline, fps: int, work_dir: Path, cache: ClipCache,
                    registry: Optional[ProcessRegistry] = None) -> Path:
    """The narration mixed and encoded to AAC, keyed by its clips' bytes and
    places (not their paths: a copied project finds its narration), so an
    unchanged narration is neither mixed nor encoded again.  The mix goes to
    ffmpeg through a pipe, never to disk as a WAV."""
    duration = frame_count(timeline.duration, fps) / fps
    places = [(item.beat_id, item.start, item.end, bool(item.path)) for item in timeline.narration]
    digest = hashlib.sha256(repr((places, duration)).encode("utf-8"))
    for item in timeline.narration:
        if item.path:
            try:
                digest.update(Path(item.path).read_bytes())
            except OSError:
                digest.update(b"missing")  # mixed_narration says which, below
    key = clip_key("narration", digest.hexdigest(), AUDIO_BITRATE)
    cached = cache.get(key, ".m4a")
    if cached is not None:
        return cached
    pcm = mixed_narration(timeline.narration, duration)
    target = cache.path(key, ".m4a") or Path(work_dir) / "narration.m4a"
    with cache.store(target) as part:
        encode_pcm(pcm, RATE, part, registry=registry)
    return target


def join_segments(clips: list[SegmentClip], audio: Path, out_path: Path, work_dir: Path,
                  registry: Optional[ProcessRegistry] = None) -> Path:
    """Concatenate the clips (no re-encode) with the narration into
    ``out_path``, written beside it and renamed into place."""
    out_path = Path(out_path)
    with atomic_path(out_path) as part:
        concat_and_mux([clip.clip for clip in clips if clip.clip is not None], audio, part, Path(work_dir),
                       registry=registry)
        _readable(part)
    return out_path
