"""Benchmark: what golden comparison and the pytest plugin cost on top of a
plain ``render check``, measured side by side in one run.

    python bench/bench_golden.py [--repeat N] [--script script/pytorch-intro.yaml]

Every number is the wall time of a whole command started as a subprocess:

* check          ``render check`` (the baseline; cold = ``--no-cache``);
* check+golden   ``render check --golden``: the same run plus normalising and
                 tolerant comparison of every output with its golden file;
* plugin         ``pytest --cuecast --cuecast-golden``: the same snippets as
                 pytest items (one batch through one shared runner);
* plugin -n 2    the same under pytest-xdist (one runner per xdist worker).

Cold runs re-run every snippet; warm runs are served from the capture cache.
Also times ``golden.compare`` alone on every course output against an exact
``==`` plus ``difflib`` (what a tolerance-free golden check would do).
Reports medians of ``--repeat`` runs and ratios to the baseline.
"""

from __future__ import annotations

import argparse
import difflib
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return elapsed


def median_of(command: list[str], repeat: int) -> float:
    return statistics.median(wall(command) for _ in range(repeat))


def compare_costs(script: str, repeat: int) -> tuple[float, float]:
    """Seconds for one pass of ``golden.compare`` and of ``==`` + difflib over
    every golden file of the lesson, each compared with itself plus noise."""
    from cuecast.check import golden
    from cuecast.script import load_lessons

    (lesson,) = load_lessons(Path(ROOT / script))
    texts = [p.read_text() for p in sorted(golden.golden_dir(lesson).glob("*.txt"))]
    noisy = [t.replace("0.", "0.0000000") for t in texts]  # same values, other digits

    def tolerant() -> None:
        for want, got in zip(texts, noisy):
            golden.compare(want, got)

    def exact() -> None:
        for want, got in zip(texts, noisy):
            if want != got:
                list(difflib.unified_diff(want.splitlines(), got.splitlines(), lineterm=""))

    def best(func) -> float:
        times = []
        for _ in range(max(repeat, 5)):
            start = time.perf_counter()
            func()
            times.append(time.perf_counter() - start)
        return min(times)

    return best(tolerant), best(exact)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--script", default="script/pytorch-intro.yaml")
    args = parser.parse_args()
    render = [sys.executable, "render.py"]
    pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--cuecast", "--cuecast-golden"]
    device = ["--device", "cpu"]
    runs = {
        "cold": {
            "check": render + ["check", *device, "--no-cache", args.script],
            "check+golden": render + ["check", *device, "--no-cache", "--golden", args.script],
            "plugin": pytest + ["--cuecast-device", "cpu", "--cuecast-no-cache", args.script],
            "plugin -n 2": pytest + ["--cuecast-device", "cpu", "--cuecast-no-cache", "-n", "2", args.script],
        },
        "warm": {
            "check": render + ["check", *device, args.script],
            "check+golden": render + ["check", *device, "--golden", args.script],
            "plugin": pytest + ["--cuecast-device", "cpu", args.script],
        },
    }
    wall(runs["warm"]["check"])  # fill the cache for the warm runs
    for mode, commands in runs.items():
        base = None
        print(f"{mode}:")
        for name, command in commands.items():
            seconds = median_of(command, args.repeat)
            base = base or seconds
            print(f"  {name:<14} {seconds:7.2f} s   {seconds / base:5.2f}× check")
    tolerant, exact = compare_costs(args.script, args.repeat)
    print("compare every golden file once:")
    print(f"  == + difflib   {exact * 1e3:7.2f} ms")
    print(f"  golden.compare {tolerant * 1e3:7.2f} ms   {tolerant / exact:5.1f}× exact")


if __name__ == "__main__":
    main()
