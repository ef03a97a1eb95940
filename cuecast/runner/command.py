"""Run a terminal cue's command (``show: terminal``, ``command: pip --version``)
as a snippet is run: in the project folder, with the same timeout and memory
limit, nothing it starts left behind, its output cached like a Capture.

A command runs under a small supervisor process (this module run with
``python -m``), which

* marks itself a child subreaper (``runner.reaper``), so every process the
  command starts, daemons and double forks included, stays below it;
* gives the shell ``RLIMIT_AS`` when a memory limit is set (what a snippet
  process gets) and no standard input (a prompt fails instead of hanging);
* waits for the shell up to the timeout, then kills everything below it
  (``kill_tree``) and prints one JSON line, on its standard error, saying how
  the command ended.

The command's standard output and error are one stream, as a terminal shows
them, kept up to ``RunOptions.output_limit`` bytes.  The supervisor dies with
the process that started it, so an interrupted build leaves nothing running.

The Capture is named ``$ <command>`` (``cuecast.kinds.terminal``): what the
check report and the captures mapping call it.  Its status follows the exit
code: 0 is ``ok``; anything else an error whose message names the code
(``expected-error`` with ``expect_error: true``).
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Sequence

from cuecast.runner import cache as capture_cache
from cuecast.kinds.terminal import command_name
from cuecast.model import STATUS_ERROR, STATUS_EXPECTED_ERROR, STATUS_MISSING_ERROR, STATUS_OK, STATUS_TIMEOUT
from cuecast.model import Capture, Cue, Lesson, SnippetException
from cuecast.runner.device import Environment, capture_environment
from cuecast.runner.options import RunOptions
from cuecast.runner.streams import truncation_note

if TYPE_CHECKING:
    import subprocess

#: Seconds past the timeout the supervisor is given to end the command and
#: report, before it is killed itself.
GRACE = 10.0


@dataclass(frozen=True)
class CommandRun:
    """One distinct command of one lesson, with what its cues ask of it."""

    lesson: Lesson
    command: str
    timeout: float
    expect_error: bool

    @property
    def name(self) -> str:
        return command_name(self.command)


def plan_commands(lesson: Lesson, cues: Sequence[Cue], options: RunOptions) -> list[CommandRun]:
    """The commands ``cues`` (of ``lesson``) type, in first-use order; a
    command several cues type runs once, with the longest timeout any allows
    and ``expect_error`` if any expects one."""
    by_command: dict[str, list] = {}
    for cue in cues:
        if cue.command:
            by_command.setdefault(cue.command, []).append(cue)
    runs = []
    for command, cues in by_command.items():
        timeouts = [cue.timeout for cue in cues if cue.timeout is not None]
        runs.append(CommandRun(lesson, command, max(timeouts) if timeouts else options.timeout,
                               any(cue.expect_error for cue in cues)))
    return runs


def command_key(run: CommandRun, environment: Environment, options: RunOptions) -> str:
    """The cache key of a command run: the command, where it runs, and every
    option that shapes its Capture."""
    where = {"command": True, "root": str(Path(run.lesson.root).resolve())}
    return capture_cache.capture_key(source=run.command.encode("utf-8"), snippet=run.name, timeout=run.timeout,
                                     expect_error=run.expect_error, cells=where, **options.key_fields(),
                                     **capture_environment(environment))


def run_command(run: CommandRun, options: RunOptions, environment: Environment, key: str = "") -> Capture:
    """Run ``run``'s command under the supervisor and return its Capture."""
    import subprocess  # a command run: a build served from the cache starts none

    argv = [sys.executable, "-m", "cuecast.runner.command", str(run.timeout), str(options.memory_limit or 0),
            run.command]
    started = time.monotonic()
    process = subprocess.Popen(argv, cwd=run.lesson.root, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=_environment(), start_new_session=True)
    output = _Reader(process.stdout, options.output_limit)
    report = _Reader(process.stderr, 64 * 1024)
    try:
        process.wait(timeout=run.timeout + GRACE)
    except subprocess.TimeoutExpired:
        _kill_group(process)
    except BaseException:
        _kill_group(process)
        raise
    text, truncated = output.result()
    if truncated:
        text += truncation_note(options.output_limit) + "\n"
    ended = _ending(report.result()[0], process.returncode, run.timeout)
    status, exception, reason = _outcome(run, ended)
    return Capture(
        snippet=run.name,
        status=status,
        output=text,
        streams=(("stdout", text),) if text else (),
        exception=exception,
        reason=reason,
        duration=time.monotonic() - started,
        truncated=truncated,
        key=key,
        **capture_environment(environment),
    )


def _environment() -> dict:
    """The command's environment: cuecast's, with ``python`` on the ``PATH``
    being the interpreter that runs the snippets."""
    env = dict(os.environ)
    folder = str(Path(sys.executable).parent)
    env["PATH"] = folder + os.pathsep + env.get("PATH", "") if env.get("PATH") else folder
    return env


def _kill_group(process: subprocess.Popen) -> None:
    import signal

    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


class _Reader:
    """Reads a pipe to its end on a thread, keeping at most ``limit`` bytes."""

    def __init__(self, pipe, limit: int):
        self.pipe, self.limit = pipe, limit
        self.kept = bytearray()
        self.truncated = False
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        with self.pipe:
            while True:
                chunk = self.pipe.read1(65536) if hasattr(self.pipe, "read1") else self.pipe.read(65536)
                if not chunk:
                    return
                room = self.limit - len(self.kept)
                if len(chunk) > room:
                    self.truncated = True
                self.kept += chunk[: max(0, room)]

    def result(self) -> tuple[str, bool]:
        self.thread.join()
        return bytes(self.kept).decode("utf-8", "replace"), self.truncated


def _ending(report: str, returncode: Optional[int], timeout: float) -> dict:
    """How the command ended, from the supervisor's JSON line (a killed
    supervisor wrote none: it is reported as timed out)."""
    for line in reversed(report.splitlines()):
        try:
            found = json.loads(line)
        except ValueError:
            continue
        if isinstance(found, dict) and "returncode" in found:
            return found
    if returncode is not None and returncode >= 0 and not report.strip():
        return {"returncode": returncode, "timed_out": False}
    return {"returncode": None, "timed_out": True, "timeout": timeout}


def _outcome(run: CommandRun, ended: dict) -> tuple[str, Optional[SnippetException], str]:
    """``(status, exception, reason)`` of an ended command."""
    if ended.get("timed_out"):
        from cuecast.runner.pool import format_seconds

        reason = f"did not finish within {format_seconds(run.timeout)}"
        return STATUS_TIMEOUT, SnippetException("Timeout", reason, f"Timeout: {reason}\n"), reason
    code = ended.get("returncode")
    if code == 0:
        if run.expect_error:
            return STATUS_MISSING_ERROR, None, "expected an error (expect_error: true) but the command exited 0"
        return STATUS_OK, None, ""
    message = f"exit status {code}" if code is not None and code >= 0 else f"killed by signal {-(code or 0)}"
    exception = SnippetException("CommandFailed", message, f"[{message}]\n")
    return (STATUS_EXPECTED_ERROR if run.expect_error else STATUS_ERROR), exception, ""


# --- the supervisor (``python -m cuecast.runner.command``) ---------------------------------------


def supervise(timeout: float, memory_limit: int, command: str) -> int:
    """Run ``command`` in a shell as the module docstring says; print how it
    ended as one JSON line on standard error."""
    import subprocess

    from cuecast.runner.child import set_memory_limit
    from cuecast.runner.reaper import become_subreaper, die_with_parent, kill_tree

    die_with_parent()
    become_subreaper()
    def limits() -> None:
        die_with_parent()  # a supervisor killed outright takes the shell with it
        set_memory_limit(memory_limit or None)

    shell = subprocess.Popen(["/bin/sh", "-c", command], stdin=subprocess.DEVNULL, stdout=sys.stdout.fileno(),
                             stderr=subprocess.STDOUT, preexec_fn=limits)
    try:
        returncode: Optional[int] = shell.wait(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        returncode, timed_out = None, True
    kill_tree()  # the shell, if it still runs, and everything the command started
    sys.stdout.flush()
    sys.stderr.write(json.dumps({"returncode": returncode, "timed_out": timed_out}) + "\n")
    sys.stderr.flush()
    return 0


if __name__ == "__main__":  # pragma: no cover - run as a process by run_command
    sys.exit(supervise(float(sys.argv[1]), int(sys.argv[2]), sys.argv[3]))
