"""Progress events the runner reports while it works.

Plain values, so the CLI can draw a progress bar (or print plain lines in CI)
without the runner knowing anything about terminals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from cuecast.model import Capture

#: RunEvent.kind values.
PLANNED = "planned"  # the run knows its work: ``total`` snippets, ``cached`` of them served from cache
STARTED = "started"  # a worker began running ``snippet``
FINISHED = "finished"  # ``snippet`` has its ``capture`` (``capture.cached`` for a cache hit)


@dataclass(frozen=True)
class RunEvent:
    kind: str
    lesson_id: str = ""
    snippet: str = ""
    capture: Optional[Capture] = None
    total: int = 0
    cached: int = 0
