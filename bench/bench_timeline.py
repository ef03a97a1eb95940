"""Benchmark: ``render timeline`` of the default lesson with a warm cache.

Side by side, in the same run, each as a fresh ``python`` process (what a
user pays):

* baseline ``otio-floor``: start Python, import OpenTimelineIO and write a
  one-clip timeline through the otio_json, CMX 3600 and FCP XML adapters — the
  least any timeline export can cost;
* ``render timeline`` (voice espeak, captures and voice clips cached);
* ``render timeline --voice none`` (no audio at all).

Target: the warm espeak run under 2 s.  Prints medians and the ratio to the
baseline.  Run from the repository root: ``python bench/bench_timeline.py``.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "script" / "pytorch-intro.yaml"
REPEATS = 5

BASELINE = """
import opentimelineio as otio, tempfile, os
t = otio.schema.Timeline(name="empty")
track = otio.schema.Track(kind=otio.schema.TrackKind.Video)
r = otio.opentime.TimeRange(otio.opentime.RationalTime(0, 30), otio.opentime.RationalTime(30, 30))
track.append(otio.schema.Clip(name="c", media_reference=otio.schema.ExternalReference("file:///c.png", r), source_range=r))
t.tracks.append(track)
for name in ("otio_json", "cmx_3600", "fcp_xml"):
    otio.adapters.write_to_string(t, adapter_name=name)
"""

RENDER = "import sys; from cuecast.cli import main; sys.exit(main(sys.argv[1:]))"


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv[:4])} failed ({done.returncode}):\n{done.stderr}")
    return elapsed


def median_of(argv: list[str]) -> float:
    return statistics.median(timed(argv) for _ in range(REPEATS))


def main() -> None:
    if not SCRIPT.is_file():
        sys.exit(f"{SCRIPT} is missing")
    espeak = [sys.executable, "-c", RENDER, "timeline", str(SCRIPT), "--voice", "espeak"]
    silent = [sys.executable, "-c", RENDER, "timeline", str(SCRIPT), "--voice", "none"]
    cold_start = timed(espeak)  # warms the capture and voice caches (may run snippets)
    timed(silent)
    floor = median_of([sys.executable, "-c", BASELINE])
    warm = median_of(espeak)
    warm_silent = median_of(silent)
    print(f"first run (fills caches)          {cold_start:7.3f} s")
    print(f"baseline otio-floor               {floor:7.3f} s   1.00x")
    print(f"render timeline (espeak, warm)    {warm:7.3f} s   {warm / floor:5.2f}x   target < 2 s: {'ok' if warm < 2 else 'MISSED'}")
    print(f"render timeline (--voice none)    {warm_silent:7.3f} s   {warm_silent / floor:5.2f}x")


if __name__ == "__main__":
    main()
