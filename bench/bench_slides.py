"""Benchmark: build the default lesson's deck from a warm capture cache.

Measured (best of N): load the lesson + cached captures (no torch import),
lay the deck out, write slides.pptx.  Baseline, in the same run: python-pptx
writing the same number of empty 16:9 slides.  Prints both and their ratio.
The target is under 2 s for the whole deck build.

    python bench/bench_slides.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build_deck(out: Path) -> int:
    from cuecast.deck.layout import layout_deck
    from cuecast.deck.pptx_writer import write_pptx
    from cuecast.deck.theme import load_theme
    from cuecast.runner import RunOptions, run_lesson
    from cuecast.script import load_lesson

    lesson = load_lesson(ROOT / "script" / "pytorch-intro.yaml")
    captures = run_lesson(lesson, RunOptions(device="cpu"))
    theme = load_theme(None)
    deck = layout_deck(lesson, captures, theme)
    write_pptx(deck, theme, out)
    return len(deck.slides)


def empty_slides(out: Path, count: int) -> None:
    from pptx import Presentation

    prs = Presentation()
    prs.slide_width, prs.slide_height = 12192000, 6858000
    for _ in range(count):
        prs.slides.add_slide(prs.slide_layouts[6])
    prs.save(str(out))


def best(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        count = build_deck(tmp_path / "warmup.pptx")  # warms the capture cache
        deck_time = best(lambda: build_deck(tmp_path / "deck.pptx"), args.repeat)
        empty_time = best(lambda: empty_slides(tmp_path / "empty.pptx", count), args.repeat)
    print(f"slides: {count}")
    print(f"cuecast deck (warm cache, layout + pptx): {deck_time:.3f} s  (target < 2 s)")
    print(f"baseline: python-pptx, {count} empty slides: {empty_time:.3f} s")
    print(f"ratio deck / empty: {deck_time / empty_time:.1f}x")
    print("torch imported in this process:", "torch" in sys.modules)


if __name__ == "__main__":
    main()
