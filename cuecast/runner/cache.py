"""The capture cache: a snippet that has not changed is not run again.

Entries live in ``<project>/build/.cache/captures/<key>.json``, one file per
Capture.  The key hashes everything that shapes a Capture (manim-voiceover's
lesson: a key that forgets one input serves stale output):

* the snippet's bytes and its project-relative path (the path is printed in
  tracebacks), plus the bytes of sibling modules it imports;
* what the cues ask of the run: ``diagram``, ``timeout``, ``expect_error``
  (for a cell file, per cell);
* the run settings that change output: seed, output cap, memory limit;
* the environment: device and device name, torch and Python versions;
* ``RUNNER_VERSION`` and the entry schema.

Files a snippet reads while it runs (a CSV beside it, a package of the
project it imports) cannot be known before the run; the entry records each
one's hash, and an entry whose reads changed is a miss (``runner/reads.py``).

Policy: entries are written atomically (temp file + ``os.replace``) and only
after the run.  Timeouts and crashes are *not* cached: they depend on machine
load and on the moment, and an author re-running expects a retry.  Snippets
that raise *are* cached: with a fixed seed the same code raises the same
exception again, and serving it keeps a failing run as fast as a passing one.
A corrupt entry (bad JSON, wrong schema) is treated as a miss and overwritten.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
from dataclasses import asdict
from pathlib import Path
from typing import Any, Iterable, Optional

from cuecast.model import (
    STATUS_CRASHED,
    STATUS_TIMEOUT,
    AutogradGraph,
    Capture,
    CellResult,
    GraphNode,
    SnippetException,
)
from cuecast.runner.options import RUNNER_VERSION
from cuecast.runner.reads import reads_unchanged

#: Bump when the JSON layout of an entry changes.
SCHEMA = 2  # 2: a digest of the entry
#: Statuses that are never stored (see the module docstring).
UNCACHED_STATUSES = (STATUS_TIMEOUT, STATUS_CRASHED)

CACHE_DIR = Path("build") / ".cache" / "captures"

_IMPORT = re.compile(r"^\s*(?:from\s+(\w+)[\s.]|import\s+([\w, ]+))", re.MULTILINE)


def local_imports(source: bytes, folder: Path, seen: Optional[set[Path]] = None) -> list[Path]:
    """Sibling modules a snippet imports (``import helpers`` with a
    ``helpers.py`` beside it), followed transitively; edits to them must
    invalidate the snippet's entry too."""
    seen = set() if seen is None else seen
    found: list[Path] = []
    text = source.decode("utf-8", "replace")
    for match in _IMPORT.finditer(text):
        names = [match.group(1)] if match.group(1) else [n.strip().split(" ")[0] for n in match.group(2).split(",")]
        for name in names:
            candidate = folder / f"{name}.py"
            if name and candidate not in seen and candidate.is_file():
                seen.add(candidate)
                found.append(candidate)
                found.extend(local_imports(candidate.read_bytes(), folder, seen))
    return found


def capture_key(
    *,
    source: bytes,
    snippet: str,
    device: str,
    device_name: str,
    torch_version: str,
    python_version: str,
    diagram: Optional[str] = None,
    timeout: Optional[float] = None,
    expect_error: bool = False,
    seed: int = 0,
    output_limit: int = 1_000_000,
    memory_limit: Optional[int] = None,
    dependencies: Iterable[bytes] = (),
    cells: Optional[dict] = None,
    writes: Iterable[str] = (),
    runner_version: str = RUNNER_VERSION,
) -> str:
    """The cache key of one snippet run: a hex SHA-256 over every input."""
    digest = hashlib.sha256()
    facts = {
        "schema": SCHEMA,
        "runner": runner_version,
        "snippet": snippet,
        "diagram": diagram,
        "timeout": timeout,
        "expect_error": expect_error,
        "seed": seed,
        "output_limit": output_limit,
        "memory_limit": memory_limit,
        "device": device,
        "device_name": device_name,
        "torch": torch_version,
        "python": python_version,
        "cells": cells,
        "writes": list(writes),
    }
    digest.update(json.dumps(facts, sort_keys=True).encode())
    for blob in (source, *dependencies):
        digest.update(len(blob).to_bytes(8, "big"))
        digest.update(blob)
    return digest.hexdigest()


def is_cacheable(capture: Capture) -> bool:
    return capture.status not in UNCACHED_STATUSES


# --- JSON form ---------------------------------------------------------------


def capture_to_json(capture: Capture) -> dict[str, Any]:
    data = asdict(capture)
    data["cached"] = False
    data["schema"] = SCHEMA
    data["digest"] = _digest(data)
    return data


def capture_to_text(capture: Capture) -> str:
    """The entry as JSON text, ``capture_to_json`` written out: the sorted
    body is serialised once and hashed as it is, then the digest is appended
    (a JSON round trip gives ``_digest`` that same body text back)."""
    data = asdict(capture)
    data["cached"] = False
    data["schema"] = SCHEMA
    body = json.dumps(data, sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()
    return f'{body[:-1]}, "digest": "{digest}"}}'


def _digest(data: dict) -> str:
    """SHA-256 of an entry without its digest: a corrupted entry that still
    parses as JSON (a flipped byte in the output text) no longer matches."""
    body = {key: value for key, value in data.items() if key != "digest"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8", "surrogatepass")).hexdigest()


def _str(data: dict, name: str) -> str:
    value = data[name]
    if not isinstance(value, str):
        raise ValueError(f"{name} is not a string")
    return value


def _exception(data: Any) -> Optional[SnippetException]:
    if data is None:
        return None
    return SnippetException(
        type=_str(data, "type"),
        message=_str(data, "message"),
        traceback=_str(data, "traceback"),
        line=data.get("line"),
    )


def capture_from_json(data: Any) -> Capture:
    """Rebuild a Capture; raises ``ValueError``/``KeyError``/``TypeError`` for
    anything that is not an entry this version wrote."""
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ValueError("not a capture entry of this schema")
    if data.get("digest") != _digest(data):
        raise ValueError("the entry's bytes changed since it was written")
    exception = _exception(data.get("exception"))
    graph = data.get("graph")
    if graph is not None:
        graph = AutogradGraph(
            nodes=tuple(GraphNode(_str(n, "id"), _str(n, "label"), _str(n, "kind")) for n in graph["nodes"]),
            edges=tuple((str(a), str(b)) for a, b in graph["edges"]),
        )
    streams = tuple((str(stream), str(text)) for stream, text in data["streams"])
    cells = tuple(
        CellResult(
            index=int(c["index"]), number=None if c["number"] is None else int(c["number"]),
            title=_str(c, "title"), start=int(c["start"]), end=int(c["end"]), status=_str(c, "status"),
            streams=tuple((str(stream), str(text)) for stream, text in c["streams"]),
            exception=_exception(c.get("exception")), reason=_str(c, "reason"), duration=float(c["duration"]),
        )
        for c in data.get("cells", ())
    )
    return Capture(
        snippet=_str(data, "snippet"),
        status=_str(data, "status"),
        output=_str(data, "output"),
        streams=streams,
        exception=exception,
        reason=_str(data, "reason"),
        duration=float(data["duration"]),
        device=_str(data, "device"),
        device_name=_str(data, "device_name"),
        torch_version=_str(data, "torch_version"),
        python_version=_str(data, "python_version"),
        truncated=bool(data["truncated"]),
        cached=True,
        key=_str(data, "key"),
        graph=graph,
        reads=tuple((str(path), str(digest)) for path, digest in data.get("reads", ())),
        cells=cells,
    )


class CaptureCache:
    """The captures of one project (``root``), one JSON file per key."""

    def __init__(self, root: os.PathLike | str):
        self.root = Path(root)
        self.folder = Path(root) / CACHE_DIR
        self._folder_made = False

    def path_for(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def get(self, key: str) -> Optional[Capture]:
        """The stored Capture (``cached=True``), or ``None`` for a miss or an
        entry that cannot be read back (which the next ``put`` replaces)."""
        try:
            with open(self.path_for(key), encoding="utf-8") as handle:
                capture = capture_from_json(json.load(handle))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        if capture.key != key or not reads_unchanged(capture.reads, self.root):
            return None  # a data file it read was edited: run it again
        return capture

    def put(self, capture: Capture) -> bool:
        """Store a finished Capture under its key; returns whether it was
        stored (timeouts and crashes are not, see the module docstring)."""
        if not capture.key or not is_cacheable(capture):
            return False
        try:
            data = capture_to_text(capture).encode("utf-8")
            self._write(str(self.path_for(capture.key)), data)
        except (OSError, UnicodeEncodeError):
            return False  # a read-only checkout still runs, it just does not remember
        return True

    def _write(self, path: str, data: bytes) -> None:
        """Write ``path`` atomically: a new file beside it, renamed into place.

        What ``atomic.write_text`` does, in four system calls: a run of a
        thousand snippets writes a thousand entries while workers wait.  The
        file is created with mode 0666 less the umask (no ``chmod``), under
        a name no other process uses (pid, a token, a counter), so ``O_EXCL``
        never has to retry; nothing is fsynced (an entry lost in a crash is a
        miss, and a torn one fails its digest)."""
        folder = os.path.dirname(path)
        if not self._folder_made:
            os.makedirs(folder, exist_ok=True)
            self._folder_made = True
        part = os.path.join(folder, f".{os.path.basename(path)}.{_unique()}.part")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(part, flags, 0o666)
        except FileNotFoundError:  # the folder was removed since (a clean while running)
            os.makedirs(folder, exist_ok=True)
            fd = os.open(part, flags, 0o666)
        try:
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
            os.replace(part, path)
        except BaseException:
            try:
                os.unlink(part)
            except OSError:
                pass
            raise


_counter = itertools.count()
_token = ""


def _unique() -> str:
    """A part-file name unique to this write on this machine."""
    global _token
    if not _token:
        import secrets  # a write's name only: a cached run writes nothing

        _token = secrets.token_hex(4)
    return f"{os.getpid()}-{_token}-{next(_counter)}"
