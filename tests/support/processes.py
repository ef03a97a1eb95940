"""Whether a process is still running, for the tests that check nothing a
snippet or a build started is left behind."""

from pathlib import Path


def alive(pid: int) -> bool:
    """Running, or stopped: not gone and not a zombie waiting to be reaped
    (a killed process is one for a moment, until its parent or init reaps it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
