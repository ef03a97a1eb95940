"""Benchmark: the default lesson's video stage, cold, at 720p and 1080p, side
by side with a stills-only ffmpeg floor (and the moviepy route if moviepy is
installed), in the same run.

    python bench/bench_video.py [--sizes 1280x720,1920x1080] [--fps 30] [--repeat 3] [--jobs 2]

The default lesson (``script/pytorch-intro.yaml``, with ``slides/`` and
``build/.cache/``: captures and narration) is copied to a scratch folder and
built there as ``render video --size …`` builds it: a
``cuecast.build.LessonBuilder`` runs its check and timeline stages untimed,
then its video stage (``stage_video``, the one video path) is timed with
``--no-cache`` (``use_cache=False``: no clip cache, every segment drawn and
encoded, the narration mixed and encoded, everything joined).  Each route
writes an H.264 + AAC MP4 of the same length:

* floor    every segment is one still PNG made *before* the clock starts,
           looped by ffmpeg (``-loop 1 -framerate 1 … -r FPS``) with cuecast's
           codec settings, two segments at a time, joined with ``-c copy``
           and muxed with the narration (mixed before the clock, encoded to
           AAC on the clock): no drawing at all, and every frame encoded;
* render   the video stage, cold (above): slides drawn, the editor typing and
           running, the browser loading, each held end encoded once and
           repeated (``cuecast.video.hold``);
* moviepy  the design card's route (``../shared/DESIGN.md`` lists moviepy for
           video; cuecast departs from it and encodes with ffmpeg directly):
           the floor's stills, each an ``ImageClip`` lasting its segment,
           ``concatenate_videoclips``, every narration clip an
           ``AudioFileClip`` at its timeline start in a ``CompositeAudioClip``,
           ``write_videofile(codec="libx264", audio_codec="aac")`` with the
           same preset, CRF, profile, GOP and pixel format.  Optional:
           without moviepy the bench says ``pip install moviepy`` and runs
           the other two;
* warm     the video stage again with the clip cache full (a re-render after
           the video was deleted: nothing is encoded, only joined).

The stills are each segment's own picture in cuecast's render: a slide's
still as the video stage writes it to ``media/``, an editor's or browser's
first frame, taken from an untimed render before any clock starts.

Prints, per size, the best of ``--repeat`` runs of each route (interleaved,
so a busy machine slows them alike): wall seconds, the realtime factor
(video seconds per wall second), CPU seconds (user + system, this process
and the ffmpeg processes it waited for: steadier than wall time on a shared
machine), the render's frames encoded and the MP4's size, and the ratios
render / floor in wall and CPU time.  Target (issue 23): the render at least
10x realtime at 1920x1080 on 2 cores.
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import imageio_ffmpeg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cuecast.model import SEGMENT_SLIDE  # noqa: E402
from cuecast.video.audio import RATE, mixed_narration  # noqa: E402
from cuecast.video.clipcache import ClipCache  # noqa: E402
from cuecast.video.compose import segment_media_path  # noqa: E402
from cuecast.video.encode import (  # noqa: E402
    AUDIO_BITRATE,
    EncodeSettings,
    concat_and_mux,
    encode_pcm,
    ffmpeg_exe,
    frame_count,
)


def project_copy(folder: Path) -> Path:
    """The default lesson's project in ``folder``, with its caches, so the
    bench neither reruns snippets nor writes into this project's build/."""
    root = folder / "project"
    for name in ("script", "snippets", "slides"):
        shutil.copytree(ROOT / name, root / name)
    if (ROOT / "build" / ".cache").is_dir():
        shutil.copytree(ROOT / "build" / ".cache", root / "build" / ".cache")
    return root


def default_lesson_builder(root: Path, size: tuple[int, int], fps: int):
    """A ``LessonBuilder`` for the default lesson with its check and timeline
    stages run, as ``render timeline --size … --fps …`` runs them (the first
    run fills the caches: snippets run, narration is synthesised)."""
    import warnings

    from cuecast.build import BuildOptions, LessonBuilder, run_snippets, stages_to_run
    from cuecast.script import load_lesson

    lesson = load_lesson(root / "script" / "pytorch-intro.yaml")
    options = BuildOptions(only=("timeline",), device="cpu", size=size, fps=fps)
    [build] = run_snippets([lesson], options)
    builder = LessonBuilder(build, options)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a missing voice falls back; the bench times what there is
        for stage in stages_to_run(options.only):
            builder.run(stage)
    return builder


def cpu_seconds() -> float:
    """User + system time of this process and of its children waited for."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(work) -> tuple[float, float]:
    """``(wall, cpu)`` seconds of ``work()``."""
    cpu, started = cpu_seconds(), time.perf_counter()
    work()
    return time.perf_counter() - started, cpu_seconds() - cpu


def render(builder, cold: bool) -> tuple[float, float]:
    """The video stage as ``render video`` runs it (``cold``: ``--no-cache``;
    else with the clip cache, the previous video deleted so the stage runs)."""
    builder.options = dataclasses.replace(builder.options, use_cache=not cold)
    (builder.dir / "video.mp4").unlink(missing_ok=True)
    return timed(builder.stage_video)


def encoded_frames(builder) -> int:
    """Frames the cold render hands x264: each segment's changing frames and
    one unit of its held end (``cuecast.video.hold``)."""
    from cuecast.video.compose import SEGMENT_SCENES, _SegmentEncoder
    from cuecast.video.hold import hold_of, plan_pieces

    opts = builder.options
    slide_image, slide_key = builder._slide_frames()
    encoder = _SegmentEncoder(builder.timeline, builder.lesson, builder.build.captures, slide_image,
                              builder.dir / "media", builder.dir, ClipCache(None),
                              EncodeSettings(opts.size[0], opts.size[1], opts.fps), "none", None,
                              builder._pages(), slide_key, None)
    total = 0
    for segment in builder.timeline.segments:
        job = encoder.job(segment)
        if job.n_frames > 0:
            _, make_scene = SEGMENT_SCENES.lookup(segment.kind)(encoder, job)
            total += plan_pieces(job.n_frames, *hold_of(make_scene()), opts.fps).encoded_frames
    return total


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


def floor(timeline, stills: dict, audio: bytes, work: Path, size, fps: int, jobs: int) -> tuple[float, float]:
    """Encode every segment as its still, join and mux; returns ``(wall, cpu)`` seconds."""
    return timed(lambda: _floor(timeline, stills, audio, work, size, fps, jobs))


def _floor(timeline, stills: dict, audio: bytes, work: Path, size, fps: int, jobs: int) -> None:
    settings = EncodeSettings(size[0], size[1], fps)

    def encode(index_segment):
        index, (segment, frames) = index_segment
        clip = work / f"floor-{index:03d}.mp4"
        subprocess.run([ffmpeg_exe(), "-y", "-nostdin", "-loglevel", "error", "-loop", "1", "-framerate", "1",
                        "-i", str(stills[segment.id]), "-frames:v", str(frames), "-r", str(fps),
                        *settings.video_codec_args(), "-an", "-movflags", "+faststart", str(clip)], check=True)
        return clip

    with ThreadPoolExecutor(1) as sound:  # AAC alongside the video, as the video stage does
        track = sound.submit(encode_pcm, audio, RATE, work / "floor.m4a")
        with ThreadPoolExecutor(jobs) as pool:
            clips = list(pool.map(encode, enumerate(shown(timeline, fps))))
        concat_and_mux(clips, track.result(), work / "floor.mp4", work)


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


def moviepy_route(timeline, stills: dict, work: Path, size, fps: int) -> tuple[float, float]:
    """The stills and the narration clips through moviepy; returns ``(wall, cpu)`` seconds."""
    return timed(lambda: _moviepy(timeline, stills, work, size, fps))


def _moviepy(timeline, stills: dict, work: Path, size, fps: int) -> None:
    from moviepy import AudioFileClip, CompositeAudioClip, ImageClip, concatenate_videoclips

    settings = EncodeSettings(size[0], size[1], fps)
    duration = frame_count(timeline.duration, fps) / fps
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


def have_moviepy() -> bool:
    import importlib.util

    return importlib.util.find_spec("moviepy") is not None


def bench_size(root: Path, work: Path, size: tuple[int, int], args, moviepy: bool) -> dict:
    """Every route at one size; returns the best (wall, cpu) of each and the figures beside them."""
    builder = default_lesson_builder(root, size, args.fps)
    timeline = builder.timeline
    kinds: dict = {}
    for segment in timeline.segments:
        kinds[segment.kind] = kinds.get(segment.kind, 0) + 1
    print(f"{size[0]}x{size[1]} @ {args.fps} fps: {timeline.duration:.1f} s, {len(timeline.segments)} segments "
          f"({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}), "
          f"{len(timeline.narration)} narration clips", flush=True)
    render(builder, cold=False)  # untimed: the stills, the clip cache filled, everything warmed up
    stills = segment_stills(timeline, builder.dir / "media", work, args.fps)
    audio = mixed_narration(timeline.narration, frame_count(timeline.duration, args.fps) / args.fps)
    runs: dict = {"floor": [], "render": [], "moviepy": []}
    for round_ in range(args.repeat):
        runs["floor"].append(floor(timeline, stills, audio, work, size, args.fps, args.jobs))
        runs["render"].append(render(builder, cold=True))
        line = f"  run {round_ + 1}: floor {runs['floor'][-1][0]:6.2f} s   render {runs['render'][-1][0]:6.2f} s"
        if moviepy:
            runs["moviepy"].append(moviepy_route(timeline, stills, work, size, args.fps))
            line += f"   moviepy {runs['moviepy'][-1][0]:6.2f} s"
        print(line, flush=True)
    video = builder.dir / "video.mp4"
    frames, _ = imageio_ffmpeg.count_frames_and_secs(str(video))
    best = {name: (min(w for w, _ in times), min(c for _, c in times)) for name, times in runs.items() if times}
    return {"size": size, "duration": timeline.duration, "best": best, "warm": render(builder, cold=False),
            "frames": frames, "encoded": encoded_frames(builder), "bytes": video.stat().st_size}


def report(result: dict, repeat: int) -> None:
    duration, best = result["duration"], result["best"]
    width, height = result["size"]
    print(f"{width}x{height}, best of {repeat} (wall, realtime factor, CPU user+sys):")
    names = {"floor": "floor   (stills, ffmpeg)", "render": "render  (video stage, cold)",
             "moviepy": "moviepy (stills, libx264)"}
    for name, label in names.items():
        if name in best:
            wall, cpu = best[name]
            print(f"  {label:28s} {wall:6.2f} s  {duration / wall:5.1f}x realtime  CPU {cpu:6.2f} s")
    wall, cpu = result["warm"]
    print(f"  {'render, warm clip cache':28s} {wall:6.2f} s  {duration / wall:5.1f}x realtime  CPU {cpu:6.2f} s")
    print(f"  render / floor: {best['render'][0] / best['floor'][0]:.2f}x wall, "
          f"{best['render'][1] / best['floor'][1]:.2f}x CPU")
    if "moviepy" in best:
        print(f"  moviepy / render: {best['moviepy'][0] / best['render'][0]:.2f}x wall")
    print(f"  frames: {result['frames']} in the video, {result['encoded']} encoded "
          f"({result['encoded'] / result['frames']:.0%}); video.mp4 {result['bytes'] / 1e6:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1280x720,1920x1080")
    parser.add_argument("--fps", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    sizes = [tuple(int(v) for v in size.lower().split("x")) for size in args.sizes.split(",")]
    moviepy = have_moviepy()
    if not moviepy:
        print("moviepy is not installed (pip install moviepy): running the floor and the render only")
    with tempfile.TemporaryDirectory(prefix="bench-video-") as tmp:
        work = Path(tmp)
        root = project_copy(work)
        results = [bench_size(root, work, size, args, moviepy) for size in sizes]
    for result in results:
        report(result, args.repeat)
    for result in results:
        factor = result["duration"] / result["best"]["render"][0]
        if result["size"] == (1920, 1080):
            print(f"target: render >= 10x realtime at 1920x1080: {factor:.1f}x, {'met' if factor >= 10 else 'NOT met'}")


if __name__ == "__main__":
    main()
