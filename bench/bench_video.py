"""Benchmark: composing the default lesson's video, against a floor and the
moviepy route, measured side by side in the same run.

    python bench/bench_video.py [--size 1280x720] [--fps 30] [--repeat 2] [--jobs 2]

The lesson, its captures, its Timeline and its slide pictures come from the
build itself: a ``cuecast.build.LessonBuilder`` for the default lesson
(``script/pytorch-intro.yaml``) runs its check and timeline stages, as
``render timeline`` does (captures from the runner's cache, narration from
the voice cache, the timeline's files written under ``build/``), and its
``_slide_frames`` draw the slides from the deck the build laid out.  Every
route starts from that Timeline and writes an H.264 + AAC MP4 of the same
length:

* floor    every segment is one still PNG made *before* the clock starts,
           looped by ffmpeg (``-loop 1 -framerate 1 … -r FPS``) with cuecast's
           codec settings, two segments at a time, joined with ``-c copy``
           and muxed with the narration (mixed before the clock, encoded to
           AAC on the clock): no drawing at all, only encoding.  ffmpeg's
           still loop converts every frame to YUV, where cuecast's encoder
           converts only the frames that change (``cuecast.video.encode``),
           so the full render can match it: at 1280x720 on 2 busy cores it
           took 0.96-0.99x the floor's time;
* render   cuecast's full animated render, ``compose_video`` as the video
           stage calls it (the builder's ``slide_image``/``slide_key``, the
           captured pages) with an empty clip cache: slides drawn, the editor
           typing and running, the browser loading, the narration mixed and
           encoded;
* moviepy  the design card's route (``../shared/DESIGN.md`` lists moviepy for
           video; cuecast departs from it and encodes with ffmpeg directly):
           the floor's stills, each an ``ImageClip`` lasting its segment,
           ``concatenate_videoclips``, every narration clip an
           ``AudioFileClip`` at its timeline start in a ``CompositeAudioClip``,
           ``write_videofile(codec="libx264", audio_codec="aac")`` with the
           same preset, CRF, profile, GOP and pixel format.  moviepy pipes
           every frame as RGB to one ffmpeg, and writes the audio (48 kHz,
           the same bitrate, but stereo: ``AudioFileClip`` reads two
           channels) before the video instead of alongside it.  Optional:
           without moviepy the bench says ``pip install moviepy`` and runs
           the other two;
* warm     ``compose_video`` again with nothing changed: every segment clip
           and the narration track come from the clip cache (a re-render).

The stills are each segment's own picture in cuecast's render: a slide's
still as the video stage writes it to ``media/``, an editor's or browser's
first frame, taken from an untimed render before any clock starts.

Prints the realtime factor (video seconds per wall second) of each route and
the ratios moviepy / render, moviepy / floor and render / floor.  Targets
(issue 5): render ≥ 8× realtime and ≤ 1.5× the floor's time.  The moviepy
ratio is the figure behind the departure from the design card (issue 19):
moviepy, drawing nothing, should still need more time than cuecast's full
animated render.  Reports the best of ``--repeat`` runs of each (the routes
are interleaved, so a busy machine slows them alike).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cuecast.model import SEGMENT_SLIDE  # noqa: E402
from cuecast.video.audio import RATE, mixed_narration  # noqa: E402
from cuecast.video.compose import compose_video, segment_media_path  # noqa: E402
from cuecast.video.encode import (  # noqa: E402
    AUDIO_BITRATE,
    EncodeSettings,
    concat_and_mux,
    encode_pcm,
    ffmpeg_exe,
    frame_count,
)


def default_lesson_builder(size: tuple[int, int], fps: int):
    """A ``LessonBuilder`` for the default lesson with its check and timeline
    stages run, as ``render timeline --size … --fps …`` runs them (the first
    run fills the caches: snippets run, narration is synthesised)."""
    import warnings

    from cuecast.build import BuildOptions, LessonBuilder, run_snippets, stages_to_run
    from cuecast.script import load_lesson

    lesson = load_lesson(ROOT / "script" / "pytorch-intro.yaml")
    options = BuildOptions(only=("timeline",), device="cpu", size=size, fps=fps)
    [build] = run_snippets([lesson], options)
    builder = LessonBuilder(build, options)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a missing voice falls back; the bench times what there is
        for stage in stages_to_run(options.only):
            builder.run(stage)
    return builder


def render(builder, out: Path, media: Path, cache: Path, jobs: int) -> float:
    """``compose_video`` as the video stage calls it; returns wall seconds."""
    opts = builder.options
    slide_image, slide_key = builder._slide_frames()
    pages = builder._pages()
    started = time.perf_counter()
    compose_video(builder.timeline, builder.lesson, builder.build.captures, slide_image, out, size=opts.size,
                  fps=opts.fps, captions=opts.captions, media_dir=media, jobs=jobs, cache_dir=cache,
                  pages=pages, slide_key=slide_key)
    return time.perf_counter() - started


def shown(timeline, fps: int) -> list:
    """``(segment, frames)`` of the segments that last at least one frame
    (a shorter one is not in the video either)."""
    spans = [(s, frame_count(s.end, fps) - frame_count(s.start, fps)) for s in timeline.segments]
    return [(segment, frames) for segment, frames in spans if frames > 0]


def segment_stills(timeline, media: Path, work: Path, fps: int) -> dict:
    """Each shown segment's picture as a PNG: a slide's still from the
    render's media folder, an animated segment's first frame."""
    stills = {}
    for segment, _ in shown(timeline, fps):
        source = segment_media_path(media, segment)
        if segment.kind == SEGMENT_SLIDE:
            stills[segment.id] = source
            continue
        path = work / f"still-{len(stills):03d}.png"
        subprocess.run([ffmpeg_exe(), "-y", "-nostdin", "-loglevel", "error", "-i", str(source),
                        "-frames:v", "1", str(path)], check=True)
        stills[segment.id] = path
    return stills


def floor(timeline, stills: dict, audio: bytes, work: Path, size, fps: int, jobs: int) -> float:
    """Encode every segment as its still, join and mux; returns wall seconds."""
    settings = EncodeSettings(size[0], size[1], fps)
    started = time.perf_counter()

    def encode(index_segment):
        index, (segment, frames) = index_segment
        clip = work / f"floor-{index:03d}.mp4"
        subprocess.run([ffmpeg_exe(), "-y", "-nostdin", "-loglevel", "error", "-loop", "1", "-framerate", "1",
                        "-i", str(stills[segment.id]), "-frames:v", str(frames), "-r", str(fps),
                        *settings.video_codec_args(), "-an", "-movflags", "+faststart", str(clip)], check=True)
        return clip

    with ThreadPoolExecutor(1) as sound:  # AAC alongside the video, as compose_video does
        track = sound.submit(encode_pcm, audio, RATE, work / "floor.m4a")
        with ThreadPoolExecutor(jobs) as pool:
            clips = list(pool.map(encode, enumerate(shown(timeline, fps))))
        concat_and_mux(clips, track.result(), work / "floor.mp4", work)
    return time.perf_counter() - started


def moviepy_codec_params(settings: EncodeSettings) -> list[str]:
    """cuecast's codec arguments less the two moviepy sets itself (codec and
    preset).  moviepy then appends ``-pix_fmt yuva420p`` for libx264, which
    libx264 lacks, so ffmpeg falls back to yuv420p: the same as cuecast's."""
    args = settings.video_codec_args()
    params = []
    for name, value in zip(args[::2], args[1::2]):
        if name not in ("-c:v", "-preset"):
            params += [name, value]
    return params + ["-movflags", "+faststart"]


def moviepy_route(timeline, stills: dict, work: Path, size, fps: int) -> float:
    """The stills and the narration clips through moviepy; returns wall seconds."""
    from moviepy import AudioFileClip, CompositeAudioClip, ImageClip, concatenate_videoclips

    settings = EncodeSettings(size[0], size[1], fps)
    duration = frame_count(timeline.duration, fps) / fps
    started = time.perf_counter()
    shots = [ImageClip(str(stills[segment.id])).with_duration(frames / fps) for segment, frames in shown(timeline, fps)]
    voices = [AudioFileClip(str(item.path)).with_start(item.start) for item in timeline.narration
              if item.path and item.start < duration]
    video = concatenate_videoclips(shots)
    if voices:
        video = video.with_audio(CompositeAudioClip(voices).with_duration(duration))
    try:
        video.write_videofile(str(work / "moviepy.mp4"), fps=fps, codec="libx264", preset=settings.preset,
                              ffmpeg_params=moviepy_codec_params(settings), audio_codec="aac", audio_fps=RATE,
                              audio_bitrate=AUDIO_BITRATE, temp_audiofile_path=str(work), logger=None)
    finally:
        for clip in voices:
            clip.close()
    return time.perf_counter() - started


def have_moviepy() -> bool:
    import importlib.util

    return importlib.util.find_spec("moviepy") is not None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--fps", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    size = tuple(int(v) for v in args.size.lower().split("x"))

    builder = default_lesson_builder(size, args.fps)
    timeline = builder.timeline
    kinds = {}
    for segment in timeline.segments:
        kinds[segment.kind] = kinds.get(segment.kind, 0) + 1
    duration = timeline.duration
    print(f"default lesson: {duration:.1f} s, {len(timeline.segments)} segments "
          f"({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}), "
          f"{len(timeline.narration)} narration clips, {size[0]}x{size[1]} @ {args.fps} fps, {args.jobs} jobs")
    moviepy = have_moviepy()
    if not moviepy:
        print("moviepy is not installed (pip install moviepy): running the floor and the render only")

    with tempfile.TemporaryDirectory(prefix="bench-video-") as tmp:
        work = Path(tmp)
        media = work / "media"
        # untimed: the stills (each segment's picture in cuecast's render), and everything warmed up
        render(builder, work / "video.mp4", media, work / "cache-first", args.jobs)
        stills = segment_stills(timeline, media, work, args.fps)
        audio = mixed_narration(timeline.narration, frame_count(duration, args.fps) / args.fps)  # PCM, as the render mixes it

        floors, renders, moviepys = [], [], []
        for round_ in range(args.repeat):
            floors.append(floor(timeline, stills, audio, work, size, args.fps, args.jobs))
            cache = work / f"cache-{round_}"  # empty: every segment is encoded
            renders.append(render(builder, work / "video.mp4", media, cache, args.jobs))
            line = f"  run {round_ + 1}: floor {floors[-1]:6.2f} s   render {renders[-1]:6.2f} s"
            if moviepy:
                moviepys.append(moviepy_route(timeline, stills, work, size, args.fps))
                line += f"   moviepy {moviepys[-1]:6.2f} s"
            print(line, flush=True)
        warm = render(builder, work / "video.mp4", media, cache, args.jobs)  # nothing changed: all from the cache

    best_floor, best_render = min(floors), min(renders)
    print(f"best of {args.repeat}:")
    print(f"floor   (stills, ffmpeg)     {best_floor:6.2f} s   {duration / best_floor:5.1f}x realtime")
    print(f"render  (compose_video)      {best_render:6.2f} s   {duration / best_render:5.1f}x realtime")
    if moviepy:
        best_moviepy = min(moviepys)
        print(f"moviepy (stills, libx264)    {best_moviepy:6.2f} s   {duration / best_moviepy:5.1f}x realtime")
    print(f"render, warm clip cache      {warm:6.2f} s   {duration / warm:5.1f}x realtime   (re-render, nothing changed)")
    print("ratios (time):")
    if moviepy:
        print(f"  moviepy / render  {best_moviepy / best_render:5.2f}x")
        print(f"  moviepy / floor   {best_moviepy / best_floor:5.2f}x")
    print(f"  render  / floor   {best_render / best_floor:5.2f}x")
    print(f"targets: render >= 8x realtime ({'met' if duration / best_render >= 8 else 'NOT met'}), "
          f"render <= 1.5x the floor ({'met' if best_render / best_floor <= 1.5 else 'NOT met'})")


if __name__ == "__main__":
    main()
