"""Benchmark: ``render check`` on the course's snippets, cold and warm, against
two baselines measured in the same run.

    python bench/bench_check.py [--repeat N] [--script script/pytorch-intro.yaml] [--device cpu|cuda|mps]
                                [--baseline OTHER_CHECKOUT]

Every number is the wall time of a whole command started as a subprocess
(interpreter start included), because that is what a user waits for:

* floor        one bare ``python`` process that execs every snippet in turn
               (torch imported once): the least any runner can cost;
* per-process  ``python FILE`` for each snippet, one after another;
* cold         ``render check --no-cache`` (every snippet runs, workers start);
* warm         ``render check`` with every capture cached (no worker, no torch);
* baseline     with ``--baseline DIR``: that checkout's ``render.py check
               --no-cache`` on the same snippets (say ``git archive HEAD~3 |
               tar -x -C DIR``), to compare a runner change before and after
               under the same load.

Targets (issue 2): cold ≤ 1.1 × floor, warm < 0.1 × floor.  Reports the
median of ``--repeat`` runs, floor and cold taken alternately so that load
from other processes falls on both (per-process runs once: it is the slow one).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

FLOOR = """
import os, runpy, sys, tempfile
for path in sys.argv[1:]:
    here = os.getcwd()
    os.chdir(tempfile.mkdtemp())
    try:
        runpy.run_path(path, run_name="__main__")
    finally:
        os.chdir(here)
"""


def timed(command: list[str], env=None) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr.decode()[-2000:]}")
    return elapsed


def median(command: list[str], repeat: int, env=None) -> float:
    return statistics.median(timed(command, env) for _ in range(repeat))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--script", default="script/pytorch-intro.yaml")
    parser.add_argument("--skip-per-process", action="store_true", help="skip the slowest baseline")
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda", "mps"),
                        help="where render check runs the snippets; the baselines see the same devices")
    parser.add_argument("-j", "--jobs", type=int, default=None, help="render check's -j (default: its own)")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="another checkout whose cold render check runs alternately with this one's")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from cuecast.script import load_lesson

    lesson = load_lesson(ROOT / args.script)
    snippets = [str(Path(lesson.root) / cue.snippet) for cue in lesson.snippet_cues()]
    env = dict(os.environ, PYTHONHASHSEED="0")
    if args.device == "cpu":
        env["CUDA_VISIBLE_DEVICES"] = ""  # as render check --device cpu hides the GPU from its workers
    render = [sys.executable, str(ROOT / "render.py"), "check", args.script, "--device", args.device]
    if args.jobs:
        render += ["-j", str(args.jobs)]

    print(f"{len(snippets)} snippets of {args.script}; {os.cpu_count()} cores; device {args.device}; "
          f"-j {args.jobs or 'default'}; "
          f"median of {args.repeat}")
    options = render[2:]
    baseline = [sys.executable, str(args.baseline.resolve() / "render.py"), *options] if args.baseline else None
    # floor and cold (and the baseline's cold) alternate, so load from other
    # processes hits them alike
    floors, colds, baselines = [], [], []
    for _ in range(args.repeat):
        floors.append(timed([sys.executable, "-c", FLOOR, *snippets], env))
        colds.append(timed(render + ["--no-cache"]))
        if baseline:
            baselines.append(timed(baseline + ["--no-cache"]))
    floor, cold = statistics.median(floors), statistics.median(colds)
    timed(render)  # make sure every capture is stored
    warm = median(render, max(args.repeat, 5))
    rows = [("floor (one bare process)", floor), ("render check, cold (--no-cache)", cold),
            ("render check, warm (all cached)", warm)]
    if baselines:
        rows.insert(2, (f"{args.baseline.name}: render check, cold", statistics.median(baselines)))
    if not args.skip_per_process:
        per_process = sum(timed([sys.executable, path], env) for path in snippets)
        rows.insert(1, ("one python process per snippet", per_process))

    width = max(len(name) for name, _ in rows)
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds:6.2f} s  {seconds / floor:5.2f}× floor")
    print(f"targets: cold ≤ 1.10× floor ({'met' if cold <= 1.1 * floor else 'MISSED'}), "
          f"warm < 0.10× floor ({'met' if warm < 0.1 * floor else 'MISSED'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
