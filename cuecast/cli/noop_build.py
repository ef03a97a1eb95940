"""A ``render build`` with nothing to do, answered from the record of the last one.

A build that finds every stage current still has to start Python, import
click and the pipeline, read back the parsed lesson, look up every capture
and check every stage's inputs: about a tenth of the time ``import torch``
takes.  When such a build ends (every stage skipped, no snippet failed),
it leaves a record in ``build/.cache/noop/``: the request (arguments,
folder, environment, the interpreter and the cuecast that ran), everything
the run looked at (``witness``: each file it opened, folder it listed and
path whose status it asked, with its size, times and inode) and what it
printed.  The next identical request whose every witness is unchanged, and
whose reachability probes get the same answers, would decide the same from
the same inputs; it prints that summary again (its times its own) without
importing click or the build.

Any doubt runs the build: a request not seen, a witness that moved, a trace
spoiled (a process started, the network used, a file changed moments
before it was read), a build running (its lock held), or a record that does
not read back.  The build itself then decides, and leaves a new record if
it too finds nothing to do.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import time
from typing import Iterator, Optional

from cuecast.lock import LOCK_NAME
from cuecast.tool_version import tool_version
from cuecast.witness import tracing, unchanged

#: Bumped when what a record holds changes meaning.
FORMAT = 1
RECORD_FOLDER = ("build", ".cache", "noop")
#: Records kept per project: one per distinct request, the oldest dropped.
KEPT = 16
#: What a shell changes between two identical commands, and what only
#: decides how the summary is drawn (read again when it is).
VOLATILE_ENV = frozenset({"_", "OLDPWD", "PWD", "SHLVL", "COLUMNS", "LINES"})

_watch: Optional["Watch"] = None


class Watch:
    """A ``render build`` being traced, to be recorded if it finds nothing to do."""

    def __init__(self, key: str, trace) -> None:
        self.key = key
        self.trace = trace


def applies(args: list[str]) -> bool:
    return bool(args) and args[0] == "build"


def request_key(args: list[str]) -> str:
    """What makes two requests the same one: the arguments, the folder they
    are given in, the environment, the interpreter and the cuecast."""
    env = sorted((name, value) for name, value in os.environ.items() if name not in VOLATILE_ENV)
    facts = [FORMAT, list(args), os.getcwd(), sys.executable, env, tool_version()]
    return hashlib.sha256(json.dumps(facts).encode("utf-8")).hexdigest()[:32]


def candidate_roots(args: list[str]) -> list[str]:
    """The project folders a request may build: the current folder, and the
    project of each argument that names a script or a folder."""
    from cuecast.projects import target_project

    roots = [os.getcwd()] + [str(target_project(arg)) for arg in args[1:] if os.path.exists(arg)]
    return list(dict.fromkeys(roots))


def record_path(root: str, key: str) -> str:
    return os.path.join(root, *RECORD_FOLDER, f"{key}.json")


def _lock_held(root: str) -> bool:
    """Whether a build of ``root`` is running now (its lock is held)."""
    import fcntl

    try:
        handle = open(os.path.join(root, "build", LOCK_NAME), "rb")
    except OSError:
        return False
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def current_record(args: list[str]) -> Optional[dict]:
    """The record of the last build of this request, if nothing it looked at changed."""
    key = request_key(args)
    for root in candidate_roots(args):
        try:
            with open(record_path(root, key), encoding="utf-8") as handle:
                record = json.load(handle)
        except (OSError, ValueError):
            continue
        if not isinstance(record, dict) or record.get("format") != FORMAT or record.get("key") != key:
            continue
        if _lock_held(root) or not unchanged(record["witnesses"]):
            return None
        if record["probes"]:
            from cuecast.web.reach import unreachable

            if any(unreachable(address) != answer for address, answer in record["probes"]):
                return None
        return record
    return None


def replay(args: list[str]) -> Optional[int]:
    """Answer ``render ARGS`` from its record (the exit code), or None: build."""
    started = time.perf_counter()
    try:
        record = current_record(args)
        if record is None:
            return None
        from cuecast.cli.build_summary import stage_lines, summary_text
        from cuecast.cli.text_table import output_width

        summary = record["summary"]
        share = (time.perf_counter() - started) / max(len(summary["rows"]), 1)
        summary = {**summary, "rows": [row[:3] + [share] + row[4:] for row in summary["rows"]]}
        said = "".join(record["said"])
        if not sys.stderr.isatty():  # on a terminal these were progress bars, gone when done
            said = "".join(line + "\n" for line in stage_lines(summary)) + said
        color = sys.stdout.isatty()
        table = summary_text(summary, color, output_width(color))
    except Exception:  # a record that does not read back as written: the build decides
        return None
    sys.stderr.write(said)
    sys.stderr.flush()
    sys.stdout.write(table + "\n")
    sys.stdout.flush()
    return 0


@contextlib.contextmanager
def watching(args: list[str]) -> Iterator[None]:
    """Trace the build ``render ARGS`` runs, for ``settle`` to record."""
    global _watch
    try:
        key = request_key(args)
    except OSError:  # e.g. the current folder is gone: the build says so in its own words
        yield
        return
    with tracing() as trace:
        _watch = Watch(key, trace)
        try:
            yield
        finally:
            _watch = None


def settle(builds, summary: dict, said: list[str]) -> None:
    """Record the build being watched if it found nothing to do: every stage
    of every lesson skipped, no snippet failed, one project, a trace that
    stands for the run.  The record only saves the next build time: nothing
    about it may fail this one."""
    try:
        _settle(builds, summary, said)
    except Exception:
        pass


def _settle(builds, summary: dict, said: list[str]) -> None:
    watch = _watch
    if watch is None or not builds:
        return
    if any(row[2] != "skipped" for row in summary["rows"]) or any(b.failed_snippets for b in builds):
        return
    roots = {os.path.abspath(b.lesson.root) for b in builds}
    if len(roots) != 1:
        return
    root = roots.pop()
    path = record_path(root, watch.key)
    os.makedirs(os.path.dirname(path), exist_ok=True)  # before the trace ends: the folder above is witnessed as left
    # the lock and these records are no input: every build rewrites them
    witnesses = watch.trace.finish(ignored=[os.path.join(root, "build", LOCK_NAME), os.path.dirname(path)])
    if watch.trace.spoiled is not None:
        return
    record = {"format": FORMAT, "key": watch.key, "witnesses": witnesses, "probes": watch.trace.probes,
              "summary": summary, "said": said}
    from cuecast.atomic import write_text

    write_text(path, json.dumps(record))  # a read-only build folder: the next build decides again
    _prune(os.path.dirname(path))


def _prune(folder: str) -> None:
    """Keep the ``KEPT`` newest records."""
    entries = sorted(os.scandir(folder), key=lambda entry: entry.stat().st_mtime_ns, reverse=True)
    for entry in entries[KEPT:]:
        with contextlib.suppress(OSError):
            os.remove(entry.path)
