"""A fully cached ``render build`` of the default lesson against importing torch once.

The issue's target: a build with nothing changed finishes in well under the
time of one ``import torch``.  Both are measured as fresh processes, side by
side and alternating (the machine is noisy), and the ratio is printed.
A build with nothing changed is timed twice over: answered from the record
the last such build left (``cli/noop_build.py``: what a user's second build
in a row meets), and decided by the stages themselves, that record removed
first (what the first build after a change to an output's folder meets).
Both run as a user's would: with Python's bytecode cache written (torch's is,
by pip; an environment with ``PYTHONDONTWRITEBYTECODE`` would recompile
cuecast's modules on every run and time the compiler instead).  Each timed
build must skip every stage; one that built something fails the bench.

    python bench/bench_build.py [--repeat 5]
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
BUILD = [sys.executable, str(ROOT / "render.py"), "build", "script/pytorch-intro.yaml"]
IMPORT_TORCH = [sys.executable, "-c", "import torch"]
RECORDS = ROOT / "build" / ".cache" / "noop"
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str], noop: bool = False) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=ENV)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    built = [line for line in done.stderr.splitlines() if line.endswith(" built")]
    if noop and built:
        sys.exit("the build was not a no-op:\n" + "\n".join(built))
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    print("warming up: one full build (skipped if already built), then one that leaves its record…", flush=True)
    timed(BUILD)
    time.sleep(2.5)  # what a build reads must be older than a clock tick can hide (witness.RACY_NS)
    timed(BUILD, noop=True)
    answered, decided, imports = [], [], []
    for _ in range(args.repeat):
        answered.append(timed(BUILD, noop=True))
        imports.append(timed(IMPORT_TORCH))
        for record in RECORDS.glob("*.json"):  # the folder stays: a build lists the one above it
            record.unlink()
        decided.append(timed(BUILD, noop=True))  # and leaves the record for the next round
    torch = statistics.median(imports)
    print(f"baseline  python -c 'import torch'                     {torch:6.3f} s  (median of {args.repeat})")
    for name, times in (("answered from its record", answered), ("decided by the stages", decided)):
        build = statistics.median(times)
        print(f"cuecast   render build, nothing changed, {name:24}  {build:6.3f} s  = {build / torch:.3f}x the baseline")


if __name__ == "__main__":
    main()
