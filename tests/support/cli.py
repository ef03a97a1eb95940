"""Running ``render`` as a user does, for every test that needs the CLI.

In a subprocess (``python render.py …``, the README's command) with a wide,
colourless terminal so tables and messages are compared whole; or in this
process (``render_in_process``) where a test needs to patch a stage or read
``capsys``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Callable, Mapping, Optional

from tests.support.paths import RENDER


def run_render(*args: str, cwd: Optional[Path] = None, timeout: float = 300, env: Optional[Mapping[str, str]] = None,
               preexec_fn: Optional[Callable] = None, check: bool = False) -> subprocess.CompletedProcess:
    """``render ARGS`` in ``cwd``; ``env`` adds to this process's environment.
    ``check``: fail the test, with everything the command printed, unless it
    exits 0."""
    environment = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "PYTHONUNBUFFERED": "1", **(env or {})}
    done = subprocess.run([sys.executable, str(RENDER), *args], cwd=cwd, capture_output=True, text=True,
                          env=environment, timeout=timeout, preexec_fn=preexec_fn)
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def render_in_process(capsys, *args: str) -> tuple[int, str]:
    """``render ARGS`` in this process; its exit code and all it printed."""
    from cuecast.cli import main

    try:
        code = main(list(args))
    except SystemExit as exit:  # reports_errors exits with the error's code
        code = exit.code
    out, err = capsys.readouterr()
    return code, out + err
