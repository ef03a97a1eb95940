"""Benchmark: composing the default lesson's video, against a floor measured
in the same run.

    python bench/bench_video.py [--size 1280x720] [--fps 30] [--repeat 2] [--jobs 2]

Both sides start from the same Timeline (the default lesson: captures from
the runner's cache, narration from the voice cache) and write the same kind
of file (H.264 with the same codec settings + AAC, segments encoded two at a
time, joined with ``-c copy``):

* floor   every segment is one still PNG drawn *before* the clock starts,
          looped by ffmpeg (``-loop 1 -framerate 1 … -r FPS``): no drawing at
          all, only encoding -- the least this video can cost;
* render  ``compose_video`` with an empty clip cache: slides drawn by the
          deck's raster drawer, the editor typing and running, the browser
          loading, the narration mixed and encoded;
* warm    ``compose_video`` again with nothing changed: every segment clip
          and the narration track come from the clip cache (a re-render).

Prints the realtime factor (video seconds per wall second) of each and their
ratio.  Targets (issue 5): render ≥ 8× realtime and ≤ 1.5× the floor's time.
Reports the best of ``--repeat`` runs of each (the two are interleaved, so a
busy machine slows both alike).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cuecast.video.audio import mix_narration  # noqa: E402
from cuecast.video.compose import compose_video  # noqa: E402
from cuecast.video.encode import EncodeSettings, concat_and_mux, encode_audio, ffmpeg_exe, frame_count  # noqa: E402


def load_default_lesson(fps: int):
    """Lesson, captures and Timeline of the default lesson, from the caches
    (the first run fills them: snippets run, narration is synthesised)."""
    import warnings

    from cuecast.narrate import get_voice, narrate_lesson, voice_cache_dir
    from cuecast.plan import PlanOptions, plan_timeline
    from cuecast.runner import RunOptions, run_lesson
    from cuecast.script import load_lesson

    lesson = load_lesson(ROOT / "script" / "pytorch-intro.yaml")
    captures = run_lesson(lesson, RunOptions(device="cpu"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        voice = get_voice(lesson.voice or "espeak", base=ROOT)
    clips = narrate_lesson(lesson, voice, voice_cache_dir(ROOT))
    timeline = plan_timeline(lesson, clips, captures, PlanOptions(fps=fps), voice=voice.spec)
    return lesson, captures, timeline


def floor(timeline, stills: dict, audio: Path, work: Path, size, fps: int, jobs: int) -> float:
    """Encode every segment as its still, join and mux; returns wall seconds."""
    import subprocess

    settings = EncodeSettings(size[0], size[1], fps)
    started = time.perf_counter()

    def encode(index_segment):
        index, segment = index_segment
        frames = frame_count(segment.end, fps) - frame_count(segment.start, fps)
        clip = work / f"floor-{index:03d}.mp4"
        subprocess.run([ffmpeg_exe(), "-y", "-nostdin", "-loglevel", "error", "-loop", "1", "-framerate", "1",
                        "-i", str(stills[segment.id]), "-frames:v", str(frames), "-r", str(fps),
                        *settings.video_codec_args(), "-an", "-movflags", "+faststart", str(clip)], check=True)
        return clip

    with ThreadPoolExecutor(1) as sound:  # AAC alongside the video, as compose_video does
        track = sound.submit(encode_audio, audio, work / "floor.m4a")
        with ThreadPoolExecutor(jobs) as pool:
            clips = list(pool.map(encode, enumerate(timeline.segments)))
        concat_and_mux(clips, track.result(), work / "floor.mp4", work)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--fps", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    size = tuple(int(v) for v in args.size.lower().split("x"))

    from cuecast.video.render import deck_slide_image

    lesson, captures, timeline = load_default_lesson(args.fps)
    from cuecast.deck.theme import load_theme

    theme_file = ROOT / "slides" / "theme.yaml"
    theme = load_theme(theme_file if theme_file.is_file() else None)
    slide_image = deck_slide_image(lesson, captures, theme, size)
    kinds = {}
    for segment in timeline.segments:
        kinds[segment.kind] = kinds.get(segment.kind, 0) + 1
    duration = timeline.duration
    print(f"default lesson: {duration:.1f} s, {len(timeline.segments)} segments "
          f"({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}), {size[0]}x{size[1]} @ {args.fps} fps, "
          f"{args.jobs} jobs")

    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="bench-video-") as tmp:
        work = Path(tmp)
        stills = {}
        for segment in timeline.segments:  # drawn before the floor's clock starts
            path = work / f"{segment.id}.png"
            if segment.slide_id:
                slide_image(segment.slide_id).convert("RGB").save(path)
            else:
                Image.new("RGB", size, (30, 30, 30)).save(path)
            stills[segment.id] = path
        audio = mix_narration(timeline.narration, frame_count(duration, args.fps) / args.fps, work / "narration.wav")

        floors, renders = [], []
        for round_ in range(args.repeat):
            floors.append(floor(timeline, stills, audio, work, size, args.fps, args.jobs))
            cache = work / f"cache-{round_}"  # empty: every segment is encoded
            started = time.perf_counter()
            compose_video(timeline, lesson, captures, slide_image, work / "video.mp4", size=size, fps=args.fps,
                          media_dir=work / "media", jobs=args.jobs, cache_dir=cache)
            renders.append(time.perf_counter() - started)
            print(f"  run {round_ + 1}: floor {floors[-1]:6.2f} s   render {renders[-1]:6.2f} s")
        started = time.perf_counter()  # nothing changed: every clip comes from the cache
        compose_video(timeline, lesson, captures, slide_image, work / "video.mp4", size=size, fps=args.fps,
                      media_dir=work / "media", jobs=args.jobs, cache_dir=cache)
        warm = time.perf_counter() - started

    best_floor, best_render = min(floors), min(renders)
    print(f"floor  (stills only)   {best_floor:6.2f} s   {duration / best_floor:5.1f}x realtime")
    print(f"render (compose_video) {best_render:6.2f} s   {duration / best_render:5.1f}x realtime   "
          f"{best_render / best_floor:.2f}x the floor's time")
    print(f"render, warm clip cache {warm:6.2f} s   {duration / warm:5.1f}x realtime   (re-render, nothing changed)")
    print(f"targets: >= 8x realtime ({'met' if duration / best_render >= 8 else 'NOT met'}), "
          f"<= 1.5x the floor ({'met' if best_render / best_floor <= 1.5 else 'NOT met'})")


if __name__ == "__main__":
    main()
