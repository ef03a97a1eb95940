"""Run the cells of a cell file like a kernel, and account for each cell.

The cells of one file run once, in order, in one namespace, seeded once (the
caller seeds and sets up the process exactly as for a plain script).  Each
cell is compiled on its own, padded to its place in the file, so a
traceback names the file's real line, and a syntax error costs that cell,
not the cells before it.  A bare last expression is evaluated and its repr
written to the ``result`` stream, as a notebook or sphinx-gallery shows it.

A cell that raises stops the run, unless a cue said ``expect_error`` for
it: the later cells are "not run" and say which cell failed where.  The
recorder marks where each cell's output starts, so the output of a cell is
exactly what was written while it ran, and a worker killed in cell 7
(timeout, crash) still gives cells 1-6 their output (``after_kill``).
"""

from __future__ import annotations

import ast
import time
from dataclasses import dataclass
from typing import Any, Callable, Optional

from cuecast.cells import GLUE, Cell, cell_source, runnable
from cuecast.model import (
    STATUS_ERROR,
    STATUS_EXPECTED_ERROR,
    STATUS_MISSING_ERROR,
    STATUS_NOT_RUN,
    STATUS_OK,
    CellResult,
    SnippetException,
)
from cuecast.runner.streams import split_by_cell


@dataclass(frozen=True)
class Outcome:
    """How one cell ended, before its output is attached."""

    status: str
    exception: Optional[SnippetException] = None
    reason: str = ""
    duration: float = 0.0


def cell_status(exception: Optional[SnippetException], expected: bool) -> str:
    if expected:
        return STATUS_EXPECTED_ERROR if exception else STATUS_MISSING_ERROR
    return STATUS_ERROR if exception else STATUS_OK


def describe_cell(cell: Cell) -> str:
    """``cell 3 ('Tensor attributes')``; ``the set-up code`` for glue."""
    if cell.kind == GLUE:
        return "the set-up code" if cell.index == 0 else f"the code before line {cell.end + 1}"
    return f"cell {cell.number} ({cell.title!r})" if cell.title else f"cell {cell.number}"


def not_run_reason(cell: Cell, snippet: str, line: Optional[int], what: str = "failed") -> str:
    where = f" at {snippet}:{line}" if line else f" in {snippet}"
    return f"not run: {describe_cell(cell)} {what}{where}"


def _compiled(source: str, path: str) -> tuple[Any, Any]:
    """``(body, last expression)`` code objects; the second is ``None`` when
    the cell does not end in a bare expression, or ends in ``;`` (which
    hides the value in a notebook too)."""
    tree = ast.parse(source, path, "exec")
    if tree.body and isinstance(tree.body[-1], ast.Expr) and not source.rstrip().endswith(";"):
        last = ast.Expression(tree.body.pop().value)
        body = compile(tree, path, "exec", dont_inherit=True)
        return body, compile(last, path, "eval", dont_inherit=True)
    return compile(tree, path, "exec", dont_inherit=True), None


def run_cells(
    text: str,
    cells: tuple[Cell, ...],
    *,
    path: str,
    snippet: str,
    namespace: dict,
    mark: Callable[[int], None],
    show_result: Callable[[str], None],
    describe: Callable[[BaseException], SnippetException],
    expected: Callable[[Cell], Optional[bool]],
) -> dict[int, Outcome]:
    """Run ``cells`` of ``text`` in ``namespace``; the Outcome of every
    runnable cell by index.  ``mark(index)`` is called as each cell starts,
    ``show_result(repr)`` for a bare last expression that is not ``None``."""
    outcomes: dict[int, Outcome] = {}
    stopped = ""
    for cell in runnable(cells):
        if stopped:
            outcomes[cell.index] = Outcome(STATUS_NOT_RUN, reason=stopped)
            continue
        mark(cell.index)
        exception: Optional[SnippetException] = None
        started = time.perf_counter()
        exited = False
        try:
            body, last = _compiled(cell_source(text, cell), path)
            exec(body, namespace)
            if last is not None:
                value = eval(last, namespace)
                if value is not None:
                    show_result(repr(value) + "\n")
        except SystemExit as exc:
            exited = True
            if exc.code not in (None, 0):
                exception = describe(exc)
        except BaseException as exc:  # the cell's failure is data, not ours
            exception = describe(exc)
        duration = time.perf_counter() - started
        is_expected = expected(cell)  # None: a whole-file cue expects an error somewhere
        status = cell_status(exception, bool(is_expected) or (is_expected is None and exception is not None))
        outcomes[cell.index] = Outcome(status, exception, duration=duration)
        if exception is not None and is_expected is False:
            stopped = not_run_reason(cell, snippet, exception.line)
        elif exited:
            stopped = not_run_reason(cell, snippet, None, "called sys.exit()")
    return outcomes


def cell_results(cells: tuple[Cell, ...], chunks, outcomes: dict[int, Outcome]) -> tuple[CellResult, ...]:
    """The CellResults of a run: each runnable cell's outcome with the output
    written while it ran."""
    _, by_cell = split_by_cell(chunks)
    results = []
    for cell in runnable(cells):
        outcome = outcomes.get(cell.index, Outcome(STATUS_NOT_RUN))
        results.append(CellResult(
            index=cell.index, number=cell.number, title=cell.title, start=cell.start, end=cell.end,
            status=outcome.status, streams=by_cell.get(cell.index, ()), exception=outcome.exception,
            reason=outcome.reason, duration=outcome.duration,
        ))
    return tuple(results)


def file_status(results: tuple[CellResult, ...], expect_error: bool = False) -> str:
    """The status of the file as a whole: the first cell that did not do what
    its cue asked decides it; otherwise it ran as intended.  ``expect_error``
    (a cue showing the whole file expects an error) needs some cell to raise."""
    for result in results:
        if result.status not in (STATUS_OK, STATUS_EXPECTED_ERROR):
            return STATUS_ERROR if result.status == STATUS_NOT_RUN else result.status
    if expect_error and not any(result.status == STATUS_EXPECTED_ERROR for result in results):
        return STATUS_MISSING_ERROR
    return STATUS_OK


def first_failure(results: tuple[CellResult, ...]) -> Optional[SnippetException]:
    return next((r.exception for r in results if r.status == STATUS_ERROR and r.exception), None)


def after_kill(cells: tuple[Cell, ...], chunks, status: str, reason: str, line: Optional[int],
               exception: SnippetException, snippet: str) -> tuple[CellResult, ...]:
    """The cells of a worker killed mid-run (timeout, crash): the cells before
    the last one that started finished; that one gets the kill's status and
    reason; the rest were not run."""
    _, by_cell = split_by_cell(chunks)
    killed_at = max(by_cell) if by_cell else None
    outcomes: dict[int, Outcome] = {}
    killed: Optional[Cell] = None
    for cell in runnable(cells):
        if killed_at is None or cell.index > killed_at:
            why = not_run_reason(killed, snippet, line, "stopped") if killed else reason
            outcomes[cell.index] = Outcome(STATUS_NOT_RUN, reason=why)
        elif cell.index == killed_at:
            killed = cell
            outcomes[cell.index] = Outcome(status, exception, reason)
        else:
            outcomes[cell.index] = Outcome(STATUS_OK)
    return cell_results(cells, chunks, outcomes)
