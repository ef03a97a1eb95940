"""What each stage of a lesson last built, kept in ``build/<lesson>/.build.json``,
and whether it is still there as it was written.

A stage is skipped only when its inputs' fingerprint is the one recorded
*and* every file it wrote is still on disk with the size and content hash it
had when it was written.  Existence alone is not enough: an author who
opens ``captions.srt`` and fixes a typo by hand, a player that rewrote
``video.mp4``, or a deleted ``slides/05-*.png`` would otherwise stay that
way until an input happened to change.  A mismatch runs the stage again,
which rewrites its outputs from the lesson (and the caches below it).

Every file is hashed in full (``cuecast.atomic.file_hash``: SHA-256, which
runs on the CPU's SHA instructions) when it is recorded, and checked again
by its hash unless its status proves it untouched since: the same size,
modification time, *change* time and inode as recorded.  A ``cp -p`` or
``touch -r`` keeps the modification time but not the change time, which
only the kernel sets, on every write and every ``touch``; a copied project
has other inodes.  Either way the file is hashed, and a file whose bytes are
still the recorded ones keeps the stage current.  As in git's index, a
status is trusted only when the change time is older than the record by
``RACY_NS``: a file rewritten within the same clock tick as it was recorded
could show the same times.  A check that had to hash files it then found
unchanged stamps them again (``restamp``), so the next build only stats
them.  On the default lesson (92 files, 20 MB at 1080p) that is 19 ms of
hashing a build with nothing changed no longer does.

Outputs are stored relative to the build folder.  An output that resolves
outside it (an absolute path in a record copied from another project)
counts as missing, so the stage is rebuilt here instead of linking there.
Records written before file hashes were kept count as not current: the
stage runs once more and records them.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Iterable, Mapping, Optional

from cuecast import __version__
from cuecast.atomic import file_hash, write_text

RECORD_NAME = ".build.json"

#: How much older than its record a file's last change must be for its
#: status to stand for its bytes (timestamps move in clock ticks).
RACY_NS = 2_000_000_000

#: One writer at a time for the records of this process (``render preview``
#: joins a video on a thread while the next save builds).
_RECORD_LOCK = threading.Lock()


def written_files(outputs: Mapping[str, Path]) -> list[Path]:
    """The files behind ``outputs``: a file itself, and for a folder
    (``slides/``, ``media/``) every file in it that is not hidden (cuecast's
    own bookkeeping there, ``.drawn.json``, and temp ``.part`` files are)."""
    found: list[Path] = []
    for path in outputs.values():
        path = Path(path)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found.extend(Path(root, name) for name in sorted(files) if not name.startswith("."))
        elif path.is_file():
            found.append(path)
    return found


class BuildRecord:
    """The fingerprints of the stages last built for one lesson, with the size
    and hash of every file each wrote; unreadable records count as empty."""

    def __init__(self, build_dir: Path):
        self.dir = Path(build_dir)
        self._base = os.path.abspath(self.dir)
        self.path = self.dir / RECORD_NAME
        self.stages: dict = self._read()

    def _read(self) -> dict:
        try:
            stages = json.loads(self.path.read_text(encoding="utf-8"))["stages"]
            return stages if isinstance(stages, dict) else {}
        except (OSError, ValueError, KeyError, TypeError):
            return {}

    def resolve(self, text) -> Optional[Path]:
        """The recorded output ``text`` as a path, if it lies inside the build
        folder (a record names 90-odd files: compared as strings)."""
        try:
            full = os.path.abspath(os.path.join(self._base, str(text)))  # an absolute path stays absolute
        except (TypeError, ValueError):
            return None
        if full != self._base and not full.startswith(self._base.rstrip(os.sep) + os.sep):
            return None
        return self.dir / str(text)

    def _stored(self, path: Path) -> str:
        try:
            return Path(os.path.relpath(os.path.abspath(path), os.path.abspath(self.dir))).as_posix()
        except ValueError:  # another drive
            return str(path)

    def is_current(self, stage: str, print_: str) -> bool:
        """Whether ``stage`` was last built from inputs with fingerprint
        ``print_`` and everything it wrote is still there, byte for byte."""
        entry = self.stages.get(stage)
        if not isinstance(entry, dict) or entry.get("fingerprint") != print_:
            return False
        paths = [self.resolve(p) for p in (entry.get("outputs") or {}).values()]
        if not all(p is not None and p.exists() for p in paths):
            return False
        checked = self._check(stage)
        if checked is None or checked[0]:  # None: a record without hashes
            return False
        self.restamp(stage, checked[1])
        return True

    def changed_files(self, stage: str) -> Optional[list[Path]]:
        """The files ``stage`` wrote that are missing or no longer hold the
        bytes it wrote; ``None`` when the record cannot say (no hashes kept),
        which counts as changed."""
        checked = self._check(stage)
        return None if checked is None else checked[0]

    def _check(self, stage: str) -> Optional[tuple[list[Path], list[str]]]:
        """``changed_files``, and the files that had to be hashed and were
        found unchanged (for ``restamp``).  Files whose status proves them
        untouched are not read."""
        entry = self.stages.get(stage)
        files = entry.get("files") if isinstance(entry, dict) else None
        if not isinstance(files, dict):
            return None
        stamped = entry.get("stamped")
        checked: list[tuple[str, Path, str]] = []
        changed: list[Path] = []
        for text, stamp in files.items():
            path = self.resolve(text)
            if path is None or not (isinstance(stamp, list) and len(stamp) in (2, 5)):
                return None
            try:
                status = path.stat()
            except OSError:
                status = None
            if status is None or status.st_size != stamp[0]:
                changed.append(path)  # sizes first: a truncated file costs no hashing
            elif not untouched(stamp, status, stamped):
                checked.append((text, path, stamp[1]))
        verified = []
        for text, path, digest in checked:
            try:
                if file_hash(path)[1] != digest:
                    changed.append(path)
                else:
                    verified.append(text)
            except OSError:
                changed.append(path)
        return changed, verified

    def restamp(self, stage: str, verified: list[str]) -> None:
        """Record the status of the files of ``stage`` that a check hashed
        and found unchanged (``verified``), so the next check stats them
        instead, unless the stage was recorded again meanwhile (by another
        builder) or they changed too recently to be trusted yet."""
        entry = self.stages.get(stage)
        if not verified or not isinstance(entry, dict):
            return
        now = time.time_ns()
        files = dict(entry["files"])
        for text in verified:
            try:
                status = os.stat(self.dir / text)
            except OSError:
                return
            if status.st_ctime_ns >= now - RACY_NS:
                return  # still racy: hashed again next time, as now
            files[text] = files[text][:2] + status_stamp(status)
        with _RECORD_LOCK:
            stages = self._read()
            if stages.get(stage) != entry:
                return
            restamped = {**stages, stage: {**entry, "files": files, "stamped": now}}
            try:
                self._write(restamped)
            except OSError:
                return  # a read-only build folder, a full disk: the next check hashes again
            self.stages = restamped

    def _write(self, stages: dict) -> None:
        write_text(self.path, json.dumps({"cuecast": __version__, "stages": stages}, indent=1))

    def outputs(self, stage: str) -> dict[str, Path]:
        entry = self.stages.get(stage)
        found = {}
        for label, text in ((entry or {}).get("outputs") or {}).items() if isinstance(entry, dict) else ():
            path = self.resolve(text)
            if path is not None:
                found[label] = path
        return found

    def extra(self, stage: str):
        entry = self.stages.get(stage)
        return entry.get("extra") if isinstance(entry, dict) else None

    def fingerprint(self, stage: str) -> Optional[str]:
        entry = self.stages.get(stage)
        return entry.get("fingerprint") if isinstance(entry, dict) else None

    def remember(self, stage: str, print_: str, outputs: Mapping[str, Path], extra=None,
                 files: Optional[Iterable[Path]] = None) -> None:
        """Record ``stage`` as built, with the size and hash of each file it
        wrote: ``files`` when given, else ``written_files(outputs)``.  Other
        stages are merged from the file as it is now, since another builder
        of this lesson may have written it."""
        stamps = {}
        for path in (written_files(outputs) if files is None else files):
            status = os.stat(path)
            size, digest = file_hash(path)
            stamps[self._stored(path)] = [size, digest] + status_stamp(status)
        entry = {"fingerprint": print_, "outputs": {k: self._stored(v) for k, v in outputs.items()},
                 "files": stamps, "extra": extra, "stamped": time.time_ns()}
        with _RECORD_LOCK:
            self.stages = {**self._read(), stage: entry}
            self._write(self.stages)

    def forget(self, stage: str) -> None:
        with _RECORD_LOCK:
            stages = self._read()
            if stages.pop(stage, None) is not None:
                self._write(stages)
            self.stages = stages


def status_stamp(status: os.stat_result) -> list[int]:
    """What says a file was not written since: times of change and content, inode."""
    return [status.st_mtime_ns, status.st_ctime_ns, status.st_ino]


def untouched(stamp: list, status: os.stat_result, stamped) -> bool:
    """Whether the file's status proves it unchanged since ``stamp`` was
    taken (at ``stamped``, ns): same times and inode, last changed well
    before the record."""
    return (len(stamp) == 5 and isinstance(stamped, int) and stamp[2:] == status_stamp(status)
            and status.st_ctime_ns < stamped - RACY_NS)
