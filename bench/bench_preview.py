"""The edit loop on the default lesson: ``render preview`` and ``render build``
after a one-snippet edit, against what the edit itself costs.

The floor is the edited snippet run in a Python that has already imported
torch: no tool can show its new output sooner.  Measured, each in a fresh
copy of the default lesson (script/, snippets/, slides/):

* preview: ``render preview`` with the page open in headless Chromium; the
  snippet's printed text is edited (``snippets/casting.py``), and the page's
  own clock (``Date.now()`` when it applied each event) gives the time from
  the save to the updated slide thumbnail, to the changed video segment set
  playing from ``media/`` (and loaded), and to the full video swapped in.
  The slide is also timed from the moment the server had the snippet's new
  output (``ran_at``: the snippet finished), as the target is put;
* ``render build``: cold (empty ``build/``), then after the same edit, then
  after undoing it, each a fresh process.

    python bench/bench_preview.py [--runs 3] [--skip-cold]

Targets (the issue's): the slide on the page within 0.5 s of the snippet
finishing; the segment within 3 s of the save; ``render build`` after a
one-snippet edit at most 0.1x a cold build; undoing an edit at most 0.05x.
Every number is printed, met or not.
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.cdp import Browser, find_chromium  # noqa: E402

RENDER = [sys.executable, str(ROOT / "render.py")]
SNIPPET = "snippets/casting.py"
ORIGINAL = '"original: "'

FLOOR = r"""
import contextlib, io, runpy, statistics, sys, time
import torch  # imported once, as a warm worker has it
times = []
for _ in range(int(sys.argv[2])):
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        runpy.run_path(sys.argv[1], run_name="__main__")
    times.append(time.perf_counter() - started)
print(times[0], statistics.median(times[1:]))  # the first run pays torch's first-call set-up, as an edit does
"""


def copy_lesson(into: Path) -> Path:
    for name in ("script", "snippets", "slides"):
        shutil.copytree(ROOT / name, into / name)
    return into


def floor_seconds(project: Path, runs: int) -> tuple[float, float]:
    """The snippet's first run after ``import torch`` (the floor) and its
    median when run again and again in that process."""
    done = subprocess.run([sys.executable, "-c", FLOOR, str(project / SNIPPET), str(runs)],
                          capture_output=True, text=True, cwd=project, check=True)
    first, again = done.stdout.split()
    return float(first), float(again)


def render_build(project: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(RENDER + ["build", "--device", "cpu"], capture_output=True, text=True, cwd=project)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"render build failed:\n{done.stdout}\n{done.stderr}")
    return elapsed


def edit(project: Path, text: str) -> None:
    path = project / SNIPPET
    source = path.read_text()
    start = source.index('print("') + len("print(")
    end = source.index(",", start)
    path.write_text(source[:start] + text + source[end:])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait(browser: Browser, expression: str, timeout: float = 120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = browser.evaluate(expression)
        if value:
            return value
        browser.settle(0.02)
    raise TimeoutError(expression)


def preview_runs(project: Path, runs: int) -> list[dict]:
    port = free_port()
    log = open(project / "preview.log", "w")
    server = subprocess.Popen(RENDER + ["preview", "--device", "cpu", "--port", str(port), "--stop-after", "1800"],
                              cwd=project, stdout=log, stderr=subprocess.STDOUT)
    results = []
    try:
        deadline = time.monotonic() + 600
        while "pytorch-intro: slides" not in (project / "preview.log").read_text():  # the first build is done
            if server.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"render preview did not start:\n{(project / 'preview.log').read_text()}")
            time.sleep(0.2)
        with Browser(find_chromium()) as browser:
            browser.open(f"http://127.0.0.1:{port}/pytorch-intro/")
            wait(browser, "window.cuecastLive && window.cuecastLive.connected")
            wait(browser, "window.cuecastLive.log.some(e => e.type === 'patch')")
            time.sleep(2)
            texts = [f'"edit {n}: "' for n in range(runs)] + [ORIGINAL]
            for index, text in enumerate(texts):
                kind = "undo" if text == ORIGINAL else "edit"
                seen = browser.evaluate("window.cuecastLive.log.length")
                saved = time.time() * 1000
                edit(project, text)
                shown = text.strip('"').strip()
                outputs = "[...document.querySelectorAll('#snippets pre.out')].map(p => p.innerText).join()"
                wait(browser, f"{outputs}.includes({json.dumps(shown)})")
                wait(browser, f"window.cuecastLive.log.slice({seen}).some(e => e.type === 'video')", 300)
                entries = browser.evaluate(f"window.cuecastLive.log.slice({seen})")
                slide = next(e for e in entries if e["type"] == "patch" and any(i.startswith("slide-") for i in e["ids"]))
                segments = next(e for e in entries if e["type"] == "segments")
                loaded = next((e for e in entries if e["type"] == "segment-loaded"), None)
                video = next(e for e in entries if e["type"] == "video")
                results.append({
                    "kind": kind,
                    "slide": (slide["at"] - saved) / 1000,
                    "slide_after_run": slide["at"] / 1000 - slide["timing"]["ran_at"],
                    "run": slide["timing"]["ran_at"] - saved / 1000,
                    "segment": (segments["at"] - saved) / 1000,
                    "segment_loaded": (loaded["at"] - saved) / 1000 if loaded else None,
                    "video": (video["at"] - saved) / 1000,
                    "segments": segments["ids"],
                })
                print(f"  preview {kind:4}: slide {results[-1]['slide']:.2f} s "
                      f"({results[-1]['slide_after_run']:.2f} s after the run), "
                      f"segment {results[-1]['segment']:.2f} s, video {results[-1]['video']:.2f} s "
                      f"{results[-1]['segments']}", flush=True)
                time.sleep(1.5)
            browser.screenshot(project / "preview.png")
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="edits measured in the preview")
    parser.add_argument("--skip-cold", action="store_true", help="only the preview (no cold build)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    if find_chromium() is None:
        sys.exit("needs chromium (Debian's, or CUECAST_CHROMIUM)")

    work = args.keep or Path(tempfile.mkdtemp(prefix="cuecast-bench-preview-"))
    try:
        floor, again = floor_seconds(copy_lesson(work / "floor"), 20)
        print(f"floor: {SNIPPET} run in a Python with torch imported: {floor * 1000:.1f} ms "
              f"(run again in it: {again * 1000:.2f} ms)", flush=True)

        builds = {}
        if not args.skip_cold:
            project = copy_lesson(work / "build")
            print("render build, cold…", flush=True)
            builds["cold"] = render_build(project)
            edit(project, '"edited: "')
            builds["edit"] = render_build(project)
            edit(project, ORIGINAL)
            builds["undo"] = render_build(project)
            for name, seconds in builds.items():
                print(f"  render build {name}: {seconds:.2f} s", flush=True)

        print("render preview…", flush=True)
        runs = preview_runs(copy_lesson(work / "preview"), args.runs)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)

    edits = [r for r in runs if r["kind"] == "edit"]
    undo = [r for r in runs if r["kind"] == "undo"]

    def med(key, rows):
        values = [r[key] for r in rows if r[key] is not None]
        return statistics.median(values) if values else float("nan")

    rows = [
        ("preview: save → slide on the page", med("slide", edits), None, ""),
        ("preview: snippet finished → slide on the page", med("slide_after_run", edits), 0.5, "≤ 0.5 s"),
        ("preview: save → changed segment on the page", med("segment", edits), 3.0, "≤ 3 s"),
        ("preview: save → segment media loaded", med("segment_loaded", edits), None, ""),
        ("preview: save → full video swapped in", med("video", edits), None, ""),
        ("preview: undo → slide / segment", med("slide", undo), None, f"segment {med('segment', undo):.2f} s"),
    ]
    print(f"\nfloor (the snippet alone, torch imported): {floor * 1000:.1f} ms")
    print(f"{'measure':48} {'seconds':>8} {'× floor':>9}  target")
    for name, value, target, note in rows:
        verdict = "" if target is None else ("met" if value <= target else "NOT met")
        print(f"{name:48} {value:8.2f} {value / floor:9.0f}  {note} {verdict}".rstrip())
    if builds:
        cold = builds["cold"]
        for name, limit in (("edit", 0.1), ("undo", 0.05)):
            ratio = builds[name] / cold
            print(f"{'render build after ' + ('a one-snippet edit' if name == 'edit' else 'undoing it'):48} "
                  f"{builds[name]:8.2f} {builds[name] / floor:9.0f}  {ratio:.3f}× cold ({cold:.1f} s), "
                  f"target ≤ {limit}× {'met' if ratio <= limit else 'NOT met'}")


if __name__ == "__main__":
    main()
