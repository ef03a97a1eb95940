"""Benchmark: a whole course catalogue, on this machine's cores and on Ray.

    python bench/bench_catalogue.py [--lessons 50] [--snippets 20] [--video-lessons 5] [--skip-ray]

A generated project holds ``--lessons`` lessons of ``--snippets`` tiny torch
snippets each (one file each, a bullet beat and a snippet beat per section
of five), so what is measured is what cuecast adds around many small
pieces of work.  Every number is the wall time of a whole command started
as a subprocess, cold (``--no-cache``, ``build/`` removed first):

* floor        one bare ``python`` process that execs every snippet in turn
               (torch imported once; ``bench_check.FLOOR``);
* check        ``render check``, local ``-j 1`` and ``-j 2``, and Ray;
* no video     ``render build --only check,slides,timeline,notebook,review``;
* video        ``render build`` with video at 640x360, for ``--video-lessons``
               of the lessons (a catalogue of their own).

Ray runs start a Ray of their own with two CPUs (``--executor ray -j 2``),
whose start-up (several seconds) is part of what a user waits for and is
printed separately.  Ratios are against the floor and against local
``-j 1``.  Target (issue 17): the catalogue without video in at most 30 s
on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_check import FLOOR  # noqa: E402  (the one-process floor every runner bench uses)
from bench_tiny import timed as timed_with_cpu  # noqa: E402  (wall and CPU seconds of a command)

SNIPPET = "import torch\nx = torch.arange({n}.0).reshape(1, -1) * {lesson}\nprint(x.sum().item(), x.shape)\n"

#: Target of issue 17: the 50-lesson catalogue without video, 2 cores.
TARGET_SECONDS = 30.0


def make_catalogue(root: Path, lessons: int, snippets: int) -> list[str]:
    """The project's lessons and snippets; the snippet paths, in order."""
    (root / "script").mkdir(parents=True)
    (root / "snippets").mkdir()
    paths = []
    for lesson in range(lessons):
        sections = []
        for i in range(snippets):
            name = f"snippets/l{lesson:03d}_s{i:02d}.py"
            (root / name).write_text(SNIPPET.format(n=i + 1, lesson=lesson), encoding="utf-8")
            paths.append(str(root / name))
            if i % 5 == 0:
                sections.append(f"  - title: Part {i // 5 + 1}\n    beats:\n"
                                f"      - bullet: Tensors of {i + 1} numbers\n")
            sections.append(f"      - show: vscode\n        snippet: {name}\n        say: Snippet {i}.\n")
        text = f"lesson: Lesson {lesson}\nvoice: none\nsections:\n{''.join(sections)}"
        (root / "script" / f"lesson-{lesson:03d}.yaml").write_text(text, encoding="utf-8")
    return paths


#: CPU seconds (user + system) of each timed command and the processes
#: below it that were waited for, by the order they ran.
CPU: list[float] = []


def timed(command: list[str], cwd: Path, env: dict) -> float:
    """Wall seconds of ``command``; its CPU seconds go to ``CPU``."""
    elapsed, cpu = timed_with_cpu(command, cwd, env)
    CPU.append(cpu)
    return elapsed


def cold(command: list[str], project: Path, env: dict) -> float:
    shutil.rmtree(project / "build", ignore_errors=True)
    return timed(command, project, env)


def ray_start_seconds(env: dict) -> float:
    """What starting (and stopping) a two-CPU local Ray costs on its own."""
    code = "import ray, logging; ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.WARNING); ray.shutdown()"
    return timed([sys.executable, "-c", code], ROOT, env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lessons", type=int, default=50)
    parser.add_argument("--snippets", type=int, default=20, help="snippets per lesson")
    parser.add_argument("--video-lessons", type=int, default=5, help="lessons of the video run (0: none)")
    parser.add_argument("--skip-ray", action="store_true")
    args = parser.parse_args()

    env = dict(os.environ, PYTHONHASHSEED="0", CUDA_VISIBLE_DEVICES="", CUECAST_OFFLINE="1",
               RAY_USAGE_STATS_ENABLED="0")
    render = [sys.executable, str(ROOT / "render.py")]
    no_video = ["--only", "check,slides,timeline,notebook,review"]
    runs = [("local -j 1", ["-j", "1"]), ("local -j 2", ["-j", "2"])]
    if not args.skip_ray:
        runs.append(("ray, 2 workers", ["-j", "2", "--executor", "ray"]))

    rows: list[tuple[str, float, float]] = []
    with tempfile.TemporaryDirectory(prefix="cuecast-bench-catalogue-") as tmp:
        project = Path(tmp) / "catalogue"
        paths = make_catalogue(project, args.lessons, args.snippets)
        floor = timed([sys.executable, "-c", FLOOR, *paths], project, env)
        print(f"{args.lessons} lessons × {args.snippets} snippets; {os.cpu_count()} cores; "
              f"floor {floor:.2f} s", flush=True)
        rows.append(("floor (one bare process)", floor, CPU[-1]))
        for name, options in runs:
            if name.startswith("ray"):  # check has no --executor: it is the build's check stage
                seconds = cold([*render, "build", "--only", "check", "--no-cache", "--device", "cpu", *options],
                               project, env)
            else:
                seconds = cold([*render, "check", "--no-cache", "--device", "cpu", *options], project, env)
            rows.append((f"check, {name}", seconds, CPU[-1]))
            print(f"  {rows[-1][0]}: {seconds:.2f} s", flush=True)
        for name, options in runs:
            seconds = cold([*render, "build", *no_video, "--no-cache", "--device", "cpu", *options], project, env)
            rows.append((f"build without video, {name}", seconds, CPU[-1]))
            print(f"  {rows[-1][0]}: {seconds:.2f} s", flush=True)
        seconds = timed([*render, "build", *no_video, "--device", "cpu", "-j", "2"], project, env)
        rows.append(("build without video, nothing changed, -j 2", seconds, CPU[-1]))

        if args.video_lessons:
            video_project = Path(tmp) / "video"
            make_catalogue(video_project, args.video_lessons, args.snippets)
            for name, options in runs:
                seconds = cold([*render, "build", "--no-cache", "--device", "cpu", "--size", "640x360",
                                *options], video_project, env)
                rows.append((f"build with video ({args.video_lessons} lessons, 640x360), {name}", seconds, CPU[-1]))
                print(f"  {rows[-1][0]}: {seconds:.2f} s", flush=True)
        if not args.skip_ray:
            rows.append(("(Ray start and stop alone)", ray_start_seconds(env), CPU[-1]))

    local_one = {kind: seconds for name, seconds, _ in rows
                 for kind in ("check", "build without video", "build with video")
                 if name.startswith(kind) and name.endswith("local -j 1")}
    width = max(len(name) for name, _, _ in rows)
    print(f"\n{'':<{width}}  {'wall':>9}  {'× floor':>8}  {'× local -j 1':>13}  CPU (waited-for processes; "
          f"Ray's own daemons partly)")
    for name, seconds, cpu in rows:
        kind = next((k for k in local_one if name.startswith(k)), None)
        versus = f"{seconds / local_one[kind]:12.2f}×" if kind else " " * 13
        print(f"{name:<{width}}  {seconds:7.2f} s  {seconds / floor:7.2f}×  {versus}  {cpu:7.2f} s")
    no_video_two = next(s for n, s, _ in rows if n == "build without video, local -j 2")
    if (args.lessons, args.snippets) == (50, 20):
        print(f"\ntarget: the catalogue without video ≤ {TARGET_SECONDS:.0f} s on 2 cores: {no_video_two:.1f} s "
              f"with local -j 2 ({'met' if no_video_two <= TARGET_SECONDS else 'MISSED'})")
    else:
        print(f"\n(the {TARGET_SECONDS:.0f} s target is for 50 lessons × 20 snippets; this run is smaller)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
