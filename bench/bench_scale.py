"""Scale: a generated course (up to 50 lessons x 20 snippets) is parsed,
validated and planned (silent voice) in time that grows linearly with the
number of snippets and memory that stays bounded.

    python bench/bench_scale.py

Prints seconds per snippet and peak traced memory at 10, 100 and 1000
snippets; the ratio column is time-per-snippet relative to the 10-snippet
course (about 1 means linear).  Snippets are not executed here (the runner
has its own benchmark, bench_check); this measures what grows with course
size in cuecast itself: script loading, snippet source checks and planning.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cuecast.narrate import narrate_lesson  # noqa: E402
from cuecast.narrate.silent import SilentVoice  # noqa: E402
from cuecast.plan import PlanOptions, plan_timeline  # noqa: E402
from cuecast.script import load_lessons  # noqa: E402

PER_LESSON = 20


def make_course(root: Path, snippets: int) -> None:
    (root / "script").mkdir(parents=True)
    (root / "snippets").mkdir()
    lessons = max(1, snippets // PER_LESSON)
    for n in range(lessons):
        count = min(PER_LESSON, snippets - n * PER_LESSON)
        beats = []
        for i in range(count):
            name = f"snippets/l{n}_s{i}.py"
            (root / name).write_text(f"# region main\nx = {i}\nprint(x)\n# endregion\n", encoding="utf-8")
            beats.append(f"      - show: vscode\n        snippet: {name}\n        region: main\n"
                         f"        say: Snippet {i} of lesson {n} prints its number.\n")
            beats.append(f"      - bullet: A point about snippet {i}\n        points: [one, two]\n")
        text = (f"lesson: Lesson {n}\nvoice: none\nsections:\n  - title: Part A\n    beats:\n"
                + "".join(beats[: len(beats) // 2]) + "  - title: Part B\n    beats:\n"
                + "".join(beats[len(beats) // 2:] or ["      - say: nothing more\n"]))
        (root / "script" / f"lesson{n:03d}.yaml").write_text(text, encoding="utf-8")


def check_and_plan(root: Path) -> int:
    voice = SilentVoice()
    planned = 0
    for lesson in load_lessons(root / "script"):
        clips = narrate_lesson(lesson, voice, root / "build" / ".cache" / "voice")
        timeline = plan_timeline(lesson, clips, {}, PlanOptions())
        planned += len(timeline.segments)
    return planned


def measure(snippets: int) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_course(root, snippets)
        check_and_plan(root)  # warm imports
        tracemalloc.start()
        started = time.perf_counter()
        repeats = max(1, 200 // snippets)
        for _ in range(repeats):
            check_and_plan(root)
        seconds = (time.perf_counter() - started) / repeats
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return seconds, peak


def main() -> None:
    print(f"{'snippets':>9} {'lessons':>8} {'s total':>9} {'ms/snippet':>11} {'ratio':>6} {'peak MB':>8}")
    base = None
    for snippets in (10, 100, 1000):
        seconds, peak = measure(snippets)
        per = seconds / snippets
        base = base or per
        print(f"{snippets:>9} {max(1, snippets // PER_LESSON):>8} {seconds:>9.3f} {per * 1000:>11.3f} "
              f"{per / base:>6.2f} {peak / 1e6:>8.1f}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the whole run: {rss:.0f} MB")


if __name__ == "__main__":
    main()
