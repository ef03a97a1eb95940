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
    diagram: Optional[str] = None
    seed: int = 0
    output_limit: int = 1_000_000
    lesson_id: str = ""
