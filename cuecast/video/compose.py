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
import tempfile
import threading
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Optional

from PIL import Image

from cuecast import executors
from cuecast.atomic import atomic_path, copy_into_place
from cuecast.errors import ConfigError, CuecastError
from cuecast.model import (
    SEGMENT_BROWSER,
    SEGMENT_EDITOR,
    SEGMENT_SLIDE,
    Beat,
    Capture,
    Lesson,
    Segment,
    Timeline,
)
from cuecast.video.audio import mix_narration
from cuecast.video.browser import BrowserScene, browser_content
from cuecast.video.canvas import Caption, CaptionedScene, Scene, StillScene, caption_chunks, caption_style
from cuecast.video.clipcache import ClipCache, clip_key
from cuecast.shown import shown_capture
from cuecast.video.editor import EditorScene, editor_content
from cuecast.video.encode import (
    AUDIO_BITRATE,
    EncodeSettings,
    ProcessRegistry,
    concat_and_mux,
    encode_audio,
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
    """Where a segment's media goes: ``<id>.png`` for a slide, ``<id>.mp4``
    otherwise -- the names ``cuecast.plan.media_path`` gives the timeline."""
    suffix = ".png" if segment.kind == SEGMENT_SLIDE else ".mp4"
    return Path(media_dir) / f"{segment.id}{suffix}"


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
    size: tuple[int, int] = (1920, 1080),
    fps: int = 30,
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
    settings = EncodeSettings(size[0], size[1], fps, preset=preset)
    beats: dict[str, Beat] = {beat.id: beat for _, beat in lesson.beats()}
    meter = _ProgressMeter(frame_count(timeline.duration, fps), fps, on_progress)
    registry = registry if registry is not None else ProcessRegistry()
    media = Path(media_dir)
    media.mkdir(parents=True, exist_ok=True)
    work = Path(work_dir)

    plan: list[_Job] = []
    for segment in timeline.segments:
        first, last = frame_count(segment.start, fps), frame_count(segment.end, fps)
        if segment.kind == SEGMENT_SLIDE:
            clip = work / f"{_safe_name(segment.id)}.mp4"
            still = segment_media_path(media, segment)
        elif segment.kind in (SEGMENT_EDITOR, SEGMENT_BROWSER):
            clip, still = segment_media_path(media, segment), None
        else:
            raise CuecastError(f"segment '{segment.id}' has unknown kind '{segment.kind}'")
        plan.append(_Job(segment, first, last, clip, still))

    screens = caption_screens(timeline, size) if captions == "burn" else []
    slide_lock = threading.Lock()
    slide_cache: dict[str, Image.Image] = {}

    def draw_slide(slide_id: str) -> Image.Image:
        with slide_lock:  # the deck's drawer need not be thread-safe; a slide shown twice is drawn once
            if slide_id not in slide_cache:
                slide_cache[slide_id] = _fit(slide_image(slide_id), size)
            return slide_cache[slide_id]

    def write_still(job: _Job, image_of: Callable[[], Image.Image], what: object) -> None:
        """The slide's still in media/: from the cache when its key is known,
        so an unchanged slide is not drawn again."""
        assert job.still is not None
        key = clip_key("still", what, size) if slide_key is not None else None
        cached = cache.get(key, ".png") if key is not None else None
        if cached is None:
            target = (cache.path(key, ".png") if key is not None else None) or job.still
            with atomic_path(target) as part:
                image_of().save(part, format="PNG", compress_level=1)
                _readable(part)
            cached = target
        if cached != job.still:
            copy_into_place(cached, job.still)

    def inputs_for(job: _Job) -> tuple[object, Optional[Callable[[], Scene]]]:
        """What the segment's pixels depend on (its cache key) and how to
        build its scene; the scene is built only when the clip is missing."""
        segment = job.segment
        if segment.kind == SEGMENT_SLIDE:
            if not segment.slide_id:
                raise CuecastError(f"slide segment '{segment.id}' names no slide")
            slide_id = segment.slide_id
            if slide_key is not None:
                inputs: object = ("slide", slide_key(slide_id))
            else:
                inputs = hashlib.sha256(draw_slide(slide_id).tobytes()).hexdigest()
            write_still(job, lambda: draw_slide(slide_id), inputs)
            return inputs, lambda: StillScene(draw_slide(slide_id), job.n_frames)
        beat = beats.get(segment.cue_id or "")
        if beat is None or beat.cue is None:
            raise CuecastError(f"segment '{segment.id}' shows cue '{segment.cue_id}', "
                               f"which is not a cue of lesson '{lesson.id}'")
        cue = beat.cue
        if segment.kind == SEGMENT_EDITOR:
            if not cue.snippet:
                raise CuecastError(f"editor segment '{segment.id}' shows a cue with no snippet", cue.location)
            content = editor_content(lesson, cue, shown_capture(cue, captures))
            return ((content, segment.type_seconds, segment.output_at),
                    lambda: EditorScene(content, size, fps, job.n_frames, segment.type_seconds, segment.output_at))
        content = browser_content(cue, beat.say)
        page = (pages or {}).get(cue.url or "")  # captured by cuecast.web, else simulated
        if page is not None:
            from cuecast.video.web_scene import CapturedPageScene

            return (content, page.digest), lambda: CapturedPageScene(content, page, size, fps, job.n_frames)
        return content, lambda: BrowserScene(content, size, fps, job.n_frames)

    def run(job: _Job) -> None:
        inputs, make_scene = inputs_for(job)  # a slide's still is written even when it lasts no frame
        burned: list[Caption] = []
        if captions == "burn":
            burned = _segment_captions(screens, job.first, job.last, fps)
        key = clip_key(job.segment.kind, inputs, burned, job.n_frames, settings)
        job.key = key
        if job.n_frames <= 0:  # shorter than half a frame: nothing on screen
            return
        cached = cache.get(key)
        if cached is None:
            scene = make_scene()
            if burned:
                scene = CaptionedScene(scene, burned, size)
            keyframes = scene.keyframes()
            reported = [0]

            def on_frame(index: int) -> None:
                meter.advance(index - reported[0])
                reported[0] = index

            frames = ((index, picture.tobytes()) for index, picture in scene.render())
            target = cache.path(key) or job.clip
            with atomic_path(target) as part:
                encode_frames(frames, keyframes, job.n_frames, part, settings, registry, on_frame,
                              what=f"encoding segment '{job.segment.id}'")
                _readable(part)
            meter.advance(job.n_frames - reported[0])
            cached = target
            job.encoded = True
        else:
            meter.advance(job.n_frames)
        if job.still is None and cached != job.clip:
            copy_into_place(cached, job.clip)  # the editors' timeline links media/, a copy
        job.clip = cached  # the join reads the cache entry, which no later render rewrites

    executor = executors.current()
    if executor.remote:
        _encode_elsewhere(executor, plan, inputs_for, draw_slide, cache, meter, screens, captions, size, fps,
                          settings)
        return _clips(plan, media)

    pool = ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="cuecast-video")
    try:
        # Longest first, so two workers finish together.
        futures = [pool.submit(run, job) for job in sorted(plan, key=lambda job: -job.n_frames)]
        wait(futures, return_when=FIRST_EXCEPTION)  # the first failure stops the render
        for future in futures:
            if future.done() and future.exception() is not None:
                raise future.exception()
        for future in futures:
            future.result()
    except BaseException:
        registry.kill_all()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return _clips(plan, media)


def _clips(plan: list[_Job], media: Path) -> list[SegmentClip]:
    return [
        SegmentClip(job.segment.id, job.segment.kind, job.segment.start, job.segment.end, job.n_frames,
                    job.clip if job.n_frames > 0 else None, job.still or segment_media_path(media, job.segment),
                    job.key, job.encoded)
        for job in plan
    ]


def encode_clip(make_scene: Callable[[], Scene], burned: list, size: tuple[int, int], n_frames: int,
                settings: EncodeSettings, what: str) -> bytes:
    """One segment's clip as MP4 bytes, drawn and encoded wherever this runs
    (a Ray task): the caller puts the bytes in its clip cache, so no file
    is shared between the machines."""
    scene = make_scene()
    if burned:
        scene = CaptionedScene(scene, burned, size)
    keyframes = scene.keyframes()
    frames = ((index, picture.tobytes()) for index, picture in scene.render())
    registry = ProcessRegistry()
    with tempfile.TemporaryDirectory(prefix="cuecast-clip-") as folder:
        out = Path(folder) / "clip.mp4"
        try:
            encode_frames(frames, keyframes, n_frames, out, settings, registry, None, what=what)
        except BaseException:
            registry.kill_all()
            raise
        return out.read_bytes()


def _encode_elsewhere(executor, plan, inputs_for, draw_slide, cache, meter, screens, captions, size, fps,
                      settings) -> None:
    """``encode_segments`` with the executor's tasks encoding: lookups and
    stills here, in timeline order; each missing clip drawn and encoded by a
    task (CPU only) and written into the cache here, atomically."""
    missing = []
    for job in plan:
        inputs, make_scene = inputs_for(job)
        burned = _segment_captions(screens, job.first, job.last, fps) if captions == "burn" else []
        job.key = clip_key(job.segment.kind, inputs, burned, job.n_frames, settings)
        if job.n_frames <= 0:
            continue
        cached = cache.get(job.key)
        if cached is not None:
            meter.advance(job.n_frames)
            _place(job, cached)
            continue
        if job.segment.kind == SEGMENT_SLIDE:  # sent drawn: the deck's drawer stays here
            make_scene = functools.partial(StillScene, draw_slide(job.segment.slide_id), job.n_frames)
        missing.append((job, make_scene, burned))
    calls = [(make_scene, burned, size, job.n_frames, settings, f"encoding segment '{job.segment.id}'")
             for job, make_scene, burned in missing]
    for (job, _, _), data in zip(missing, executor.map(encode_clip, calls, batch=1)):
        target = cache.path(job.key) or job.clip
        with atomic_path(target) as part:
            part.write_bytes(data)
            _readable(part)
        meter.advance(job.n_frames)
        job.encoded = True
        _place(job, target)


def _place(job: _Job, cached: Path) -> None:
    if job.still is None and cached != job.clip:
        copy_into_place(cached, job.clip)  # the editors' timeline links media/, a copy
    job.clip = cached


def narration_track(timeline: Timeline, fps: int, work_dir: Path, cache: ClipCache,
                    registry: Optional[ProcessRegistry] = None) -> Path:
    """The narration mixed and encoded to AAC, keyed by its clips' bytes and
    places, so an unchanged narration is neither mixed nor encoded again."""
    duration = frame_count(timeline.duration, fps) / fps
    digest = hashlib.sha256(repr((timeline.narration, duration)).encode("utf-8"))
    for item in timeline.narration:
        if item.path:
            try:
                digest.update(Path(item.path).read_bytes())
            except OSError:
                digest.update(b"missing")  # mix_narration says which, below
    key = clip_key("narration", digest.hexdigest(), AUDIO_BITRATE)
    cached = cache.get(key, ".m4a")
    if cached is not None:
        return cached
    wav = mix_narration(timeline.narration, duration, Path(work_dir) / "narration.wav")
    target = cache.path(key, ".m4a") or Path(work_dir) / "narration.m4a"
    with atomic_path(target) as part:
        encode_audio(wav, part, registry=registry)
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


def compose_video(
    timeline: Timeline,
    lesson: Lesson,
    captures: Mapping[str, Capture],
    slide_image: SlideImage,
    out_path: Path,
    size: tuple[int, int] = (1920, 1080),
    fps: int = 30,
    captions: str = "none",
    on_progress: Optional[Progress] = None,
    media_dir: Optional[Path] = None,
    preset: str = "veryfast",
    jobs: int = 2,
    cache_dir: Optional[Path] = None,
    pages: Optional[Mapping[str, object]] = None,
    slide_key: Optional[Callable[[str], str]] = None,
    on_segments: Optional[Callable[[list[SegmentClip]], None]] = None,
) -> Path:
    """Render ``timeline`` to an H.264 (yuv420p) + AAC MP4 at ``out_path``.

    ``slide_image(slide_id)`` returns a slide as drawn by the deck's raster
    drawer (resized to ``size`` if it differs); ``captures`` maps snippet
    paths to what they printed.  ``captions='burn'`` draws the narration text
    on the frames.  ``media_dir`` receives the per-segment media (None: kept
    only for the duration of the render).  ``jobs`` segments encode at once.
    ``cache_dir`` keeps segment clips between renders (see ``clipcache``), so a
    re-render encodes only the segments whose pixels changed.  ``pages``
    (``cuecast.web``: captured pages by URL) shows a browser cue's real page;
    a cue without one shows the simulated page.  ``slide_key`` (see
    ``encode_segments``) spares drawing unchanged slides; ``on_segments``
    receives the encoded segments before they are joined.
    """
    _check_settings(timeline, size, fps, captions)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    registry = ProcessRegistry()
    cache = ClipCache(cache_dir)

    with tempfile.TemporaryDirectory(prefix=".video-", dir=out_path.parent) as tmp:
        work = Path(tmp)
        media = Path(media_dir) if media_dir is not None else work / "media"
        sound = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cuecast-audio")
        try:
            # The narration mostly waits on ffmpeg's AAC encoder: it overlaps the segments.
            audio = sound.submit(narration_track, timeline, fps, work, cache, registry)
            clips = encode_segments(timeline, lesson, captures, slide_image, media, work, cache, size=size, fps=fps,
                                    captions=captions, on_progress=on_progress, preset=preset, jobs=jobs,
                                    pages=pages, slide_key=slide_key, registry=registry)
            if on_segments is not None:
                on_segments(clips)
            join_segments(clips, audio.result(), out_path, work, registry)
            cache.prune()
        except BaseException:
            registry.kill_all()
            sound.shutdown(wait=True, cancel_futures=True)
            raise
        sound.shutdown(wait=True)
    return out_path
