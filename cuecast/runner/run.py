"""Run the snippets of one or more lessons: cache first, workers for the rest.

The order of work, chosen so a fully cached run never imports torch:

1. plan: one ``SnippetRun`` per snippet path of each lesson (several cues may
   show one file; it runs once, with the union of what they ask);
2. the environment (device, versions) from ``device.local_environment``; only
   if it is unknown is a worker started to ask;
3. cache lookups by key; hits become Captures at once (``cached=True``);
4. the misses go to a ``WorkerPool`` (started only now, sized to the work),
   and every result that may be cached is stored as it arrives.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Sequence

from cuecast import kinds
from cuecast.runner import cache as capture_cache
from cuecast.cells import code_cells, split_cells  # the module: cuecast.runner.cache imports cuecast.runner.options
from cuecast.errors import CuecastError
from cuecast.model import STATUS_ERROR, Capture, Lesson, SnippetException
from cuecast.runner.command import command_key, plan_commands, run_command
from cuecast.runner.device import Environment, capture_environment, local_environment, remember_environment
from cuecast.runner.events import FINISHED, PLANNED, STARTED, RunEvent
from cuecast.runner.job import Job
from cuecast.runner.options import RunOptions

EventHandler = Callable[[RunEvent], None]

#: Words that mark a snippet as slow to start: torch.optim's first use pulls in
#: torch._dynamo (over a second).  Such snippets are handed out first, so one
#: worker pays that import while the others work through the rest; warming
#: every worker instead would pay it once per worker.
HEAVY_WORDS = (b"optim", b"torch.compile", b"torch._dynamo")
#: What a heavy snippet's worker imports before forking its process, so every
#: later heavy snippet on that worker starts with it imported (a forked
#: process's own imports end with it).
HEAVY_MODULES = ("torch._dynamo",)


def is_heavy(source: bytes) -> bool:
    return any(word in source for word in HEAVY_WORDS)


def heavy_first(jobs: list[Job], sources: dict[str, bytes]) -> list[Job]:
    """``jobs`` with the slow-to-start ones first, otherwise in lesson order."""
    return sorted(jobs, key=lambda job: not is_heavy(sources.get(job.key, b"")))


@dataclass(frozen=True)
class SnippetRun:
    """One snippet of one lesson, with what its cues ask of the run."""

    lesson: Lesson
    snippet: str
    path: Path
    timeout: float
    expect_error: bool
    diagram: Optional[str]
    source: Optional[bytes]  # None when the file cannot be read
    dependencies: tuple[bytes, ...] = ()
    #: Cell files: the cells whose cue expects an error (numbers), and the
    #: cells whose cue sets a timeout (``(index, seconds)``).
    expect_error_cells: tuple[int, ...] = ()
    cell_timeouts: tuple[tuple[int, float], ...] = ()
    region_cells: bool = False
    #: Project files (folders end in ``/``) its cues let it change (``writes:``).
    writes: tuple[str, ...] = ()
    #: Where it runs (``run_device``).
    device: str = "auto"


#: What a cue runs, as its kind says (``CueKind.runs``): its snippet file
#: (in a forked torch worker) or its shell command (``runner.command``).
SNIPPET, COMMAND = kinds.RUNS_SNIPPET, kinds.RUNS_COMMAND


def runs_of(lesson: Lesson, what: str) -> list:
    """The cues of ``lesson`` whose kind runs ``what`` (``SNIPPET``, ``COMMAND``)."""
    return [cue for _, _, cue in lesson.cues() if kinds.kind_of(cue).runs == what]


def plan_lesson(lesson: Lesson, options: RunOptions) -> list[SnippetRun]:
    """The snippets of ``lesson`` in first-use order.  When several cues show
    one file it runs once: with a diagram if any cue draws one, the longest
    timeout any cue allows, and ``expect_error`` if any cue expects one."""
    by_path: dict[str, list] = {}
    for cue in runs_of(lesson, SNIPPET):
        if cue.snippet:
            by_path.setdefault(cue.snippet, []).append(cue)
    runs = []
    for snippet, cues in by_path.items():
        path = Path(lesson.root) / snippet
        try:
            source: Optional[bytes] = path.read_bytes()
            dependencies = tuple(p.read_bytes() for p in capture_cache.local_imports(source, path.parent))
        except OSError:
            source, dependencies = None, ()
        whole = [c for c in cues if c.cell is None]  # cues that show the file, not one cell
        timeouts = [c.timeout for c in whole if c.timeout is not None]
        diagrams = [c.diagram for c in cues if c.diagram]
        region_cells = any(c.cell is not None for c in cues)  # lesson.selects_cells, without a walk per file
        cells = code_cells(split_cells(source.decode("utf-8-sig", "replace"), region_cells)) if source is not None else []
        by_number = {cell.number: cell.index for cell in cells}
        cell_timeouts: dict[int, float] = {}
        for cue in cues:
            if cue.cell in by_number and cue.timeout is not None:
                index = by_number[cue.cell]
                cell_timeouts[index] = max(cue.timeout, cell_timeouts.get(index, 0.0))
        runs.append(
            SnippetRun(
                lesson=lesson,
                snippet=snippet,
                path=path,
                timeout=max(timeouts) if timeouts else options.timeout,
                expect_error=any(c.expect_error for c in whole),
                diagram=diagrams[0] if diagrams else None,
                source=source,
                dependencies=dependencies,
                expect_error_cells=tuple(sorted({c.cell for c in cues if c.cell is not None and c.expect_error})),
                cell_timeouts=tuple(sorted(cell_timeouts.items())),
                region_cells=region_cells,
                writes=tuple(sorted({path for c in cues for path in c.writes})),
                device=run_device(lesson, cues, options),
            )
        )
    return runs


def run_device(lesson: Lesson, cues: Sequence, options: RunOptions) -> str:
    """Where a snippet file runs: an explicit ``--device`` wins (``--device
    cpu`` in CI runs a GPU lesson on the CPU rather than not at all); under
    ``auto``, its cues' ``device:``, else the lesson's.  A file runs once, so
    its cues must agree."""
    if options.device != "auto":
        return options.device
    asked = {cue.device or lesson.device or options.device: cue for cue in cues}
    if len(asked) > 1:
        (first, cue), (second, other) = list(asked.items())[:2]
        raise CuecastError(f"{other.snippet} runs once, but its cues ask for two devices: {first} "
                           f"(at {cue.location}) and {second}", other.location,
                           hint="give every cue of the file the same device:, or none")
    return next(iter(asked), options.device)


def key_for(run: SnippetRun, environment: Environment, options: RunOptions) -> str:
    return capture_cache.capture_key(
        source=run.source or b"",
        snippet=run.snippet,
        diagram=run.diagram,
        timeout=run.timeout,
        expect_error=run.expect_error,
        dependencies=run.dependencies,
        cells={"expect_error": run.expect_error_cells, "timeouts": run.cell_timeouts, "regions": run.region_cells},
        writes=run.writes,
        **options.key_fields(),
        **capture_environment(environment),
    )


def _name(run) -> str:
    """What events and reports call a run: a snippet path or ``$ <command>``."""
    return run.snippet if isinstance(run, SnippetRun) else run.name


def _unreadable(run: SnippetRun, environment: Environment) -> Capture:
    message = f"cannot read {run.snippet}: no such file in {run.lesson.root}"
    return Capture(
        snippet=run.snippet,
        status=STATUS_ERROR,
        output="",
        exception=SnippetException("FileNotFoundError", message, f"FileNotFoundError: {message}\n", None),
        **capture_environment(environment),
    )


class Runner:
    """Runs lessons' snippets; keeps one worker pool across calls until closed.

    Use as a context manager (``with Runner(options) as runner:``) so workers
    are stopped even on Ctrl-C.  ``prestart()`` starts workers before the
    script is even parsed, for callers that know work is coming
    (``--no-cache``), so torch's import overlaps the parsing.
    """

    def __init__(self, options: RunOptions = RunOptions(), on_event: Optional[EventHandler] = None):
        self.options = options
        self.on_event = on_event
        self.pool = None
        #: Runners for the lessons that name another device (``device:``), by device.
        self.others: dict[str, "Runner"] = {}

    def __enter__(self) -> "Runner":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None
        for other in self.others.values():
            other.close()
        self.others.clear()

    def sibling(self, options: RunOptions) -> "Runner":
        """A runner like this one with other options (a subclass that runs
        elsewhere keeps running there)."""
        return type(self)(options, self.on_event)

    def _emit(self, event: RunEvent) -> None:
        if self.on_event is not None:
            self.on_event(event)

    def prestart(self, pending: Optional[int] = None, warm: Sequence[str] = ()) -> None:
        """Start workers now for ``pending`` snippets (unknown: one worker,
        whose torch import overlaps the parsing; the pool grows once the count
        is known) and have them import ``warm`` before their first snippet."""
        from cuecast.runner.pool import WorkerPool

        size = self.options.worker_count(pending if pending is not None else 1)
        if self.pool is None:
            self.pool = WorkerPool(self.options, size=size, warm=tuple(warm)).start()
            return
        if size > self.pool.size:
            self.pool.size = size
            self.pool.start()
        self.pool.warm_up(warm)

    def _environment(self, root: Optional[str], runs: list[SnippetRun]) -> Environment:
        from cuecast.runner.device import installed_torch_version, python_version

        cache_dir = Path(root) / "build" / ".cache" if root else None
        known = local_environment(self.options.device, cache_dir)
        if known is not None and self.pool is None:
            return known
        self.prestart(len(runs) or 1)
        reported = self.pool.environment()
        environment = Environment(
            reported["device"], reported["device_name"], installed_torch_version(), python_version()
        )
        if cache_dir is not None and self.options.device != "cpu":
            remember_environment(self.options.device, cache_dir, environment)
        return environment

    def _correct_remembered(self, root: Optional[str], assumed: Environment) -> None:
        """If the remembered device answer was stale (a GPU came or went in a
        way the probe key missed), store what the workers really report so
        the next run's keys are right."""
        if root is None or self.options.device == "cpu" or self.pool is None:
            return
        reported = self.pool.environment()
        actual = Environment(reported["device"], reported["device_name"], assumed.torch_version, assumed.python_version)
        if actual != assumed:
            remember_environment(self.options.device, Path(root) / "build" / ".cache", actual)

    def run_lessons(self, lessons: Sequence[Lesson]) -> list[dict[str, Capture]]:
        """One ``{snippet path: Capture}`` per lesson (same order as ``lessons``),
        each in the lesson's order; then each terminal cue's command, under
        ``$ <command>``.  Snippet files whose cue or lesson names another
        ``device:`` run on a runner of their own for it (a pool with that
        device; on Ray, tasks that ask for it)."""
        plans = [plan_lesson(lesson, self.options) for lesson in lessons]
        command_plans = [plan_commands(lesson, runs_of(lesson, COMMAND), self.options) for lesson in lessons]
        runs = [run for plan in plans for run in plan]
        commands = [run for plan in command_plans for run in plan]
        root = lessons[0].root if lessons else None
        results: list[dict[str, Capture]] = [{} for _ in lessons]
        if not runs and not commands:
            self._emit(RunEvent(PLANNED, total=0))
            return results
        by_device: dict[str, list[SnippetRun]] = {self.options.device: []}
        for run in runs:
            by_device.setdefault(run.device, []).append(run)
        captured: dict[int, Capture] = {}
        for device, group in by_device.items():
            runner = self if device == self.options.device else self._other(device)
            ran, commanded = runner._capture(group, commands if runner is self else [], root)
            captured.update({id(run): capture for run, capture in zip(group, ran)})
            captured.update({id(run): capture for run, capture in zip(commands if runner is self else [], commanded)})
        for index, plan in enumerate(plans):
            for run in plan:
                results[index][run.snippet] = captured[id(run)]
        for index, plan in enumerate(command_plans):
            for run in plan:
                results[index][run.name] = captured[id(run)]
        return results

    def _other(self, device: str) -> "Runner":
        runner = self.others.get(device)
        if runner is None:
            runner = self.others[device] = self.sibling(dataclasses.replace(self.options, device=device))
        runner.on_event = self.on_event
        return runner

    def _capture(self, runs: list[SnippetRun], commands: list, root: Optional[str]):
        """The Captures of ``runs`` (snippet files, all on this runner's
        device) and ``commands``, in their order: from the cache, else run."""
        if not runs and not commands:
            return [], []
        environment = self._environment(root, runs)
        keyed = [(run, key_for(run, environment, self.options)) for run in runs]
        command_keys = [(run, command_key(run, environment, self.options)) for run in commands]
        caches: dict[str, capture_cache.CaptureCache] = {}
        found = self._cached(keyed, command_keys, environment, caches)
        self._emit(RunEvent(PLANNED, total=len(keyed) + len(command_keys),
                            cached=sum(1 for _, k in keyed + command_keys if k in found)))
        for run, key in keyed + command_keys:
            if key in found:
                self._emit(RunEvent(FINISHED, run.lesson.id, _name(run), found[key]))
        self._run_snippets(keyed, found, caches, root, environment)
        self._run_commands(command_keys, found, caches, environment)
        return [found[key] for _, key in keyed], [found[key] for _, key in command_keys]

    def _cached(self, keyed, command_keys, environment: Environment,
                caches: dict[str, capture_cache.CaptureCache]) -> dict[str, Capture]:
        """The Captures known without running: from the cache, and for
        snippet files that cannot be read."""
        found: dict[str, Capture] = {}
        for run, key in keyed + command_keys:
            if isinstance(run, SnippetRun) and run.source is None:
                found[key] = _unreadable(run, environment)
                continue
            cache = caches.setdefault(run.lesson.root, capture_cache.CaptureCache(run.lesson.root))
            if self.options.use_cache and key not in found:
                hit = cache.get(key)
                if hit is not None:
                    found[key] = hit
        return found

    def _run_snippets(self, keyed, found: dict[str, Capture], caches: dict[str, capture_cache.CaptureCache],
                      root: Optional[str], environment: Environment) -> None:
        """Run the snippet files ``found`` lacks on the worker pool."""
        jobs: dict[str, Job] = {}
        roots: dict[str, str] = {}
        for run, key in keyed:
            if key not in found and key not in jobs:
                root_path = roots.get(run.lesson.root)
                if root_path is None:
                    root_path = roots[run.lesson.root] = str(Path(run.lesson.root).resolve())
                jobs[key] = Job(
                    key=key,
                    snippet=run.snippet,
                    path=str(run.path.resolve()),
                    root=root_path,
                    timeout=run.timeout,
                    expect_error=run.expect_error,
                    expect_error_cells=run.expect_error_cells,
                    cell_timeouts=run.cell_timeouts,
                    region_cells=run.region_cells,
                    writes=run.writes,
                    diagram=run.diagram,
                    seed=self.options.seed,
                    output_limit=self.options.output_limit,
                    lesson_id=run.lesson.id,
                    warm=HEAVY_MODULES if is_heavy(run.source or b"") else (),
                )
        if not jobs:
            return
        self.prestart(len(jobs))
        by_key = {key: run for run, key in keyed}

        def started(job: Job) -> None:
            self._emit(RunEvent(STARTED, job.lesson_id, job.snippet))

        def finished(job: Job, capture: Capture) -> None:
            caches[by_key[job.key].lesson.root].put(capture)
            self._emit(RunEvent(FINISHED, job.lesson_id, job.snippet, capture))

        sources = {key: run.source or b"" for run, key in keyed}
        found.update(self.pool.run(heavy_first(list(jobs.values()), sources), started, finished))
        self._correct_remembered(root, environment)

    def _run_commands(self, command_keys, found: dict[str, Capture],
                      caches: dict[str, capture_cache.CaptureCache], environment: Environment) -> None:
        """Run the terminal cues' commands ``found`` lacks, one at a time
        (a command such as ``pip install`` is not safe to run beside itself)."""
        for run, key in command_keys:
            if key in found:
                continue
            self._emit(RunEvent(STARTED, run.lesson.id, run.name))
            capture = run_command(run, self.options, environment, key)
            caches[run.lesson.root].put(capture)
            found[key] = capture
            self._emit(RunEvent(FINISHED, run.lesson.id, run.name, capture))

    def run_lesson(self, lesson: Lesson) -> dict[str, Capture]:
        return self.run_lessons([lesson])[0]


def run_lessons(
    lessons: Sequence[Lesson], options: RunOptions = RunOptions(), on_event: Optional[EventHandler] = None
) -> list[dict[str, Capture]]:
    """Run (or serve from cache) every snippet of every lesson on one shared
    pool; one ``{snippet: Capture}`` per lesson."""
    with Runner(options, on_event) as runner:
        return runner.run_lessons(lessons)


def run_lesson(
    lesson: Lesson, options: RunOptions = RunOptions(), on_event: Optional[EventHandler] = None
) -> dict[str, Capture]:
    """``{snippet path: Capture}`` for every snippet of ``lesson``, in lesson order."""
    return run_lessons([lesson], options, on_event)[0]
