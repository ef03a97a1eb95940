"""Benchmark: narrating the default lesson, piper beside espeak.

Each run is a fresh ``python`` process that narrates every beat of
``script/pytorch-intro.yaml`` into an empty voice cache (cold) and then again
(warm: nothing may be spoken), and reports its wall time, its CPU time
(itself plus its synthesis workers) and its peak memory (the process, and the
largest worker: piper spawns ``piper.worker_count`` of them, each holding the
model).  The machine is shared and noisy, so each voice is run ``REPEATS``
times and the minimum is reported, as a ratio to the spoken length of the
narration: the target for piper is at most 0.05x on 2 cores.

Run from the repository root: ``python bench/bench_voice.py [REPEATS]``.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "script" / "pytorch-intro.yaml"
REPEATS = 3
TARGET = 0.05


def one(voice_spec: str, cache: Path) -> dict:
    """Narrate the lesson into ``cache`` twice, in this process."""
    sys.path.insert(0, str(ROOT))
    from cuecast.narrate import get_voice, narrate_lesson
    from cuecast.script import load_lesson

    lesson = load_lesson(SCRIPT, root=ROOT)
    voice = get_voice(voice_spec)
    usage = lambda: sum(getattr(resource.getrusage(who), field)  # noqa: E731
                        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
                        for field in ("ru_utime", "ru_stime"))
    cpu, start = usage(), time.perf_counter()
    clips = narrate_lesson(lesson, voice, cache)
    cold, cold_cpu = time.perf_counter() - start, usage() - cpu
    stamps = {p: p.stat().st_mtime_ns for p in cache.iterdir()}
    start = time.perf_counter()
    narrate_lesson(lesson, voice, cache)
    warm = time.perf_counter() - start
    rewritten = sum(1 for p in cache.iterdir() if stamps.get(p) != p.stat().st_mtime_ns)
    return {
        "voice": voice.describe(), "clips": len(clips), "spoken": sum(c.duration for c in clips.values()),
        "cold": cold, "cold_cpu": cold_cpu, "warm": warm, "rewritten_warm": rewritten,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def measured(voice_spec: str) -> dict:
    with tempfile.TemporaryDirectory() as cache:
        done = subprocess.run([sys.executable, __file__, "--one", voice_spec, cache], cwd=ROOT,
                              capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"narrating with {voice_spec} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(repeats: int) -> None:
    from cuecast.narrate.piper import worker_count

    for spec in ("espeak", "piper"):
        runs = [measured(spec) for _ in range(repeats)]
        best = min(runs, key=lambda r: r["cold"])
        spoken = best["spoken"]
        print(f"{best['voice']}: {best['clips']} clips, {spoken:.1f} s spoken")
        every = ", ".join(f"{r['cold']:.2f}" for r in runs)
        print(f"  cold  min {min(r['cold'] for r in runs):7.2f} s  {min(r['cold'] for r in runs) / spoken:6.3f}x spoken"
              f"   (all: {every})")
        print(f"  CPU   min {min(r['cold_cpu'] for r in runs):7.2f} s  {min(r['cold_cpu'] for r in runs) / spoken:6.3f}x spoken")
        print(f"  warm  min {min(r['warm'] for r in runs):7.3f} s  clips rewritten: {max(r['rewritten_warm'] for r in runs)}")
        print(f"  peak memory: this process {max(r['peak_mb'] for r in runs):.0f} MB, "
              f"largest worker {max(r['worker_peak_mb'] for r in runs):.0f} MB")
        if spec == "piper":
            ratio = min(r["cold"] for r in runs) / spoken
            print(f"  workers {worker_count(best['clips'])}; target cold <= {TARGET}x spoken: "
                  f"{'ok' if ratio <= TARGET else 'MISSED'}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(one(sys.argv[2], Path(sys.argv[3]))))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else REPEATS)
