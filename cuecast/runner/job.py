"""One snippet to run: the plain value the main process sends a worker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to run one snippet and nothing it must look up.

    ``snippet`` is the project-relative path shown to users (and written into
    tracebacks); ``path`` is the absolute file that is compiled and run.
    """

    key: str
    snippet: str
    path: str
    root: str
    timeout: float
    expect_error: bool = False
    #: Cell numbers (``cuecast.cells``) whose cue expects them to raise: the
    #: run goes on after them.
    expect_error_cells: tuple[int, ...] = ()
    #: Whether ``# region`` blocks are cells here (a cue selects one).
    region_cells: bool = False
    #: Project files (folders end in ``/``) the snippet may change (``writes:``).
    writes: tuple[str, ...] = ()
    #: ``(cell index, seconds)`` for cells whose cue sets ``timeout:``; in a
    #: cell file ``timeout`` is each other cell's own limit (the clock
    #: restarts as each cell starts).
    cell_timeouts: tuple[tuple[int, float], ...] = ()
    diagram: Optional[str] = None
    seed: int = 0
    output_limit: int = 1_000_000
    lesson_id: str = ""
    #: Library modules the worker imports before it forks the snippet's
    #: process (slow first imports, such as torch._dynamo behind
    #: ``torch.optim``): paid once per worker, not once per snippet.
    warm: tuple[str, ...] = ()

    def timeout_for(self, cell_index: int) -> float:
        return dict(self.cell_timeouts).get(cell_index, self.timeout)
