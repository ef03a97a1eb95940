"""Benchmark: the runner's cost per snippet, on lessons of many tiny snippets.

    python bench/bench_tiny.py [--sizes 200,1000] [--repeat N] [--baseline OTHER_CHECKOUT] [-j N]

A generated project holds one lesson of N snippets, one file each, every one
``import torch; x = torch.ones(3) * i; print(x.sum().item())``: nothing to
compute, so what is measured is what cuecast adds around a snippet (a forked
process each, its isolation, the pool's messages, the cache's writes).
Every number is the wall time of a whole command started as a subprocess:

* floor     one bare ``python`` process that execs every snippet in turn
            (torch imported once): the least any runner can cost;
* cold      ``render check --no-cache --device cpu`` (every snippet runs);
* baseline  with ``--baseline DIR``: that checkout's cold ``render check``
            on the same project (say ``git archive HEAD~3 | tar -x -C DIR``).

Target (issue): cold ≤ 1.2 × floor at 1000 snippets.  Floor, cold and
baseline alternate within each repeat, so load from other processes falls
on all of them; the median of ``--repeat`` runs is reported.  CPU time (user
and system, summed over the command and every process below it) is printed
beside the wall time: on a machine others are using, it says what a run
costs more steadily than the clock does.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_check import FLOOR  # noqa: E402  (the same one-process floor as the default lesson's bench)

SNIPPET = "import torch\nx = torch.ones(3) * {i}\nprint(x.sum().item())\n"


#: Target ratio of cold render check to the floor at the largest size.
TARGET = 1.2


def make_project(root: Path, count: int) -> list[str]:
    """A project with one lesson of ``count`` one-file snippets; the snippet paths."""
    (root / "script").mkdir(parents=True)
    (root / "snippets").mkdir()
    beats, paths = [], []
    for i in range(count):
        name = f"snippets/s{i:04d}.py"
        (root / name).write_text(SNIPPET.format(i=i), encoding="utf-8")
        paths.append(str(root / name))
        beats.append(f"      - show: vscode\n        snippet: {name}\n        say: Snippet {i}.\n")
    text = f"lesson: Tiny\nvoice: none\nsections:\n  - title: All\n    beats:\n{''.join(beats)}"
    (root / "script" / "tiny.yaml").write_text(text, encoding="utf-8")
    return paths


def timed(command: list[str], cwd: Path, env: dict) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, the command and every
    process below it that was waited for: workers and snippet processes)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr.decode()[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def measure(count: int, repeat: int, jobs: int | None, baseline: Path | None) -> dict[str, tuple[float, float]]:
    env = dict(os.environ, PYTHONHASHSEED="0", CUDA_VISIBLE_DEVICES="")
    with tempfile.TemporaryDirectory(prefix="cuecast-bench-tiny-") as tmp:
        project = Path(tmp)
        paths = make_project(project, count)
        options = ["check", "script/tiny.yaml", "--device", "cpu", "--no-cache"] + (["-j", str(jobs)] if jobs else [])
        commands = {
            "floor": [sys.executable, "-c", FLOOR, *paths],
            "cold": [sys.executable, str(ROOT / "render.py"), *options],
        }
        if baseline is not None:
            commands["baseline"] = [sys.executable, str(baseline.resolve() / "render.py"), *options]
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(repeat):
            for name, command in commands.items():  # alternate, so load falls on each alike
                times[name].append(timed(command, project, env))
        return {name: (statistics.median(w for w, _ in values), statistics.median(c for _, c in values))
                for name, values in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200,1000", help="snippet counts, comma-separated")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("-j", "--jobs", type=int, default=None, help="render check's -j (default: its own)")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="another checkout whose cold render check runs alternately with this one's")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    print(f"tiny snippets; {os.cpu_count()} cores; -j {args.jobs or 'default'}; median of {args.repeat}")
    verdict = True
    for count in sizes:
        result = measure(count, args.repeat, args.jobs, args.baseline)
        floor, floor_cpu = result["floor"]
        print(f"\n{count} snippets          wall                                  CPU (user+sys, all processes)")
        rows = [("floor (one bare process)", result["floor"]), ("render check, cold", result["cold"])]
        if "baseline" in result:
            rows.append((f"{args.baseline.name}: render check, cold", result["baseline"]))
        width = max(len(name) for name, _ in rows)
        for name, (seconds, cpu) in rows:
            print(f"  {name:<{width}}  {seconds:6.2f} s {seconds / floor:5.2f}× "
                  f"({(seconds - floor) / count * 1000:5.2f} ms/snippet over)   "
                  f"{cpu:6.2f} s {cpu / floor_cpu:5.2f}× ({(cpu - floor_cpu) / count * 1000:5.2f} ms/snippet over)")
        if count == max(sizes):
            verdict = result["cold"][0] <= TARGET * floor
    print(f"\ntarget: cold ≤ {TARGET:.2f}× floor (wall) at {max(sizes)} snippets ({'met' if verdict else 'MISSED'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
