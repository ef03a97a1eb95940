"""How a snippet's process ended when it sent no result, and what to tell the user.

The worker (which watched the process) fills in a ``ChildEnd``; the pool
(which knows the line faulthandler saw and the options) turns it into the
Capture's reason.  Plain data between the two, so the wording is one pure
function a test can call.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass
from typing import Optional

#: A line the snippet's process appends to the worker's log when it finds the
#: pipe to the worker closed under it (the log is opened again by path, so it
#: survives ``os.closerange``).
PIPE_LOST_NOTE = "cuecast: the snippet closed the pipe to its worker"
#: The status that process then exits with.
PIPE_LOST_STATUS = 98


@dataclass(frozen=True)
class ChildEnd:
    """What the worker saw of a snippet process that ended without a result."""

    exit_code: Optional[int] = None  # it exited by itself with this status
    signal: Optional[int] = None  # it was killed by this signal
    cancelled: bool = False  # the pool asked for it to be stopped (its time was up)
    memory_killed: bool = False  # its processes held more than --memory-limit: the worker killed it
    memory_used: int = 0  # the most its processes were seen to hold, in bytes (0: not watched)
    pipe_closed: bool = False  # it closed the pipe its result goes back through
    failure: str = ""  # cuecast's own code failed in it (a traceback; a bug)


def signal_text(number: int) -> str:
    """``11`` → ``'signal SIGSEGV (Segmentation fault)'``."""
    try:
        name = signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
    description = signal.strsignal(number) or ""
    return f"signal {name} ({description})" if description else f"signal {name}"


def size_text(size: int) -> str:
    """Bytes in the units ``--memory-limit`` takes: ``2G``, ``1500M``."""
    if size >= 1 << 30 and size % (1 << 30) == 0:
        return f"{size >> 30}G"
    return f"{size / (1 << 20):.0f}M"


def describe_end(end: ChildEnd, line: Optional[int], memory_limit: Optional[int]) -> str:
    """The reason a crashed snippet's Capture gives (``crashed: <reason>``)."""
    where = f" at line {line}" if line else ""
    if end.memory_killed and memory_limit:
        return (f"was killed{where}: its processes held {size_text(end.memory_used)}, "
                f"over --memory-limit {size_text(memory_limit)}")
    if end.pipe_closed:
        return (f"closed the pipe cuecast gets its result through{where} "
                "(os.closerange(3, …) or os.close on a descriptor it did not open), so its result was lost")
    if end.failure:
        last = end.failure.strip().splitlines()[-1] if end.failure.strip() else "unknown error"
        return f"could not be run: cuecast's runner failed ({last})"
    if end.signal is not None:
        text = f"died with {signal_text(end.signal)}{where}"
        if memory_limit and end.memory_used >= 0.9 * memory_limit:
            text += f", while its processes held {size_text(end.memory_used)} of --memory-limit {size_text(memory_limit)}"
        return text
    return f"exited early with status {end.exit_code}{where}"
