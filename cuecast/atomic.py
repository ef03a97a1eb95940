"""Write outputs so that a failed or interrupted build never leaves a half
file where a good one was: write beside the target, then rename into place."""

from __future__ import annotations

import contextlib
import filecmp
import hashlib
import os
import re
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Iterator, Optional


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success it replaces
    ``path`` in one rename, on any error (or Ctrl-C) it is removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        # mkstemp makes the file private (0600); outputs are ordinary files.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def file_hash(path: Path) -> tuple[int, str]:
    """``(size, sha256 hex)`` of a file's bytes, read in 1 MiB blocks.

    SHA-256, not a faster non-cryptographic hash: hashlib's uses the CPU's
    SHA instructions where it has them (x86 since 2017, ARMv8), about 2 GB/s
    on one core, which is BLAKE2's speed or better, needs no extra package,
    and no edit can make two contents collide.  The size comes from the
    bytes read, so a file that changes while it is read never matches."""
    digest = hashlib.sha256()
    size = 0
    buffer = bytearray(1 << 20)
    view = memoryview(buffer)
    with open(path, "rb", buffering=0) as handle:
        while True:
            count = handle.readinto(buffer)
            if not count:
                break
            digest.update(view[:count])
            size += count
    return size, digest.hexdigest()


def write_text(path: Path, text: str) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path


def write_bytes(path: Path, data: bytes) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return path


#: Linux's FICLONE ioctl: a copy-on-write clone (btrfs, XFS) that costs no space.
_FICLONE = 0x40049409


def _clone(source: Path, part: Path) -> bool:
    """Reflink ``source`` to ``part`` where the file system can; ``False`` otherwise."""
    try:
        import fcntl

        with open(source, "rb") as src, open(part, "wb") as dst:
            fcntl.ioctl(dst.fileno(), _FICLONE, src.fileno())
        return True
    except (ImportError, OSError):
        part.unlink(missing_ok=True)
        return False


def copy_into_place(source: Path, target: Path) -> None:
    """Put a copy of ``source`` (a cache entry) at ``target`` in one rename.

    A copy (a reflink where the file system offers one), never a hard link:
    an output the author edits in place, or a player that rewrites it, must
    not change the cache it came from.  A target that already holds the
    same bytes is left alone; one that was edited is replaced."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and source.exists():
        if os.path.samefile(source, target):
            target.unlink()  # an old build's hard link into the cache: replace it with a copy
        elif target.stat().st_size == source.stat().st_size and filecmp.cmp(source, target, shallow=False):
            return
    part = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.part")
    part.unlink(missing_ok=True)
    try:
        if not _clone(source, part):
            shutil.copyfile(source, part)
        os.replace(part, target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


#: What cuecast's own temporary files and folders are called: ``.<name>.<random>.part``
#: (atomic writes, cache entries) and ``.video-<random>`` / ``.pdf-<random>`` work folders.
_LEFTOVER_FILE = re.compile(r"^\..+\.part$")
#: (tempfile's eight random characters: never ``.video-cache``, the clip cache itself)
_LEFTOVER_DIR = re.compile(r"^\.(?:video|pdf)-[a-z0-9_]{8}$")


#: ``.<name>.<mkstemp's 8 characters>.part`` or ``.<name>.<pid>.<thread>.part``.
_PART_NAME = re.compile(r"^\.(?P<name>.+?)\.(?:[a-z0-9_]{8}|\d+\.\d+)\.part$")


def part_target(path: Path) -> Path:
    """The output a temp file of ``atomic_path`` or ``copy_into_place``
    stands for (``slides/.01-title.png.k2j4x9ab.part`` → ``slides/01-title.png``),
    so an error names the file the author knows; other paths as they are."""
    path = Path(path)
    match = _PART_NAME.match(path.name)
    return path.with_name(match["name"]) if match else path


def sweep_leftovers(folder: Path, older_than: float = 120.0) -> int:
    """Remove the temporary files and work folders an interrupted build left
    under ``folder`` (a SIGKILL gives no chance to clean up); returns how
    many.  (Its snippet workers' folders in the system temp folder are swept
    by the next pool of workers: ``sweep_orphaned_temp_folders``.)  Only names cuecast itself gives them, and only those untouched for
    ``older_than`` seconds, so the work of a process still running (a
    preview's background join) is left alone.  Call it holding the project's
    build lock."""
    import time

    if not Path(folder).is_dir():
        return 0
    cutoff = time.time() - older_than
    removed = 0
    for root, dirs, files in os.walk(folder):
        for name in [name for name in dirs if _LEFTOVER_DIR.match(name)]:  # names first: hundreds are cached clips
            path = Path(root, name)
            if _older(path, cutoff):
                shutil.rmtree(path, ignore_errors=True)  # what cannot go (a read-only folder) stays
                dirs.remove(name)
                removed += 1
        for name in files:
            if not _LEFTOVER_FILE.match(name):
                continue
            path = Path(root, name)
            if _older(path, cutoff):
                try:
                    path.unlink(missing_ok=True)
                except OSError:
                    continue  # a read-only folder: the build's own write there says so, with its stage
                removed += 1
    return removed


#: The system temp folders of a build's processes, named with the pid of the
#: process that owns them: the snippet workers' logs
#: (``cuecast-workers-<pid>-<random>``) and each snippet's working folder
#: (``cuecast-snippet-<worker pid>-<tag>-<n>``).
_TEMP_FOLDER = re.compile(r"^cuecast-(?:workers|snippet)-(?P<pid>\d+)-[A-Za-z0-9_-]+$")


def sweep_orphaned_temp_folders(base: Optional[Path] = None) -> int:
    """Remove the folders under the system temp folder that a killed build's
    processes left: their owner's pid is in the name, so only those whose
    process is gone and that belong to this user go, never the folders of a
    build running now (another project's included).  Returns how many.

    The snippet runner's pool calls it when it starts its workers, not every
    build: listing a crowded temp folder costs milliseconds (20,000 entries:
    about 10 ms), and only a build that runs snippets makes these folders."""
    base = Path(base if base is not None else tempfile.gettempdir())
    removed = 0
    try:
        entries = list(os.scandir(base))
    except OSError:
        return 0
    for entry in entries:
        match = _TEMP_FOLDER.match(entry.name)
        if not match or _pid_alive(int(match["pid"])):
            continue
        try:
            if not entry.is_dir(follow_symlinks=False) or entry.stat(follow_symlinks=False).st_uid != os.getuid():
                continue
        except OSError:
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
        removed += not os.path.lexists(entry.path)
    return removed


def _pid_alive(pid: int) -> bool:
    """Whether a process ``pid`` exists (a zombie counts: its parent may
    still be about to clean up)."""
    if pid <= 0:
        return True  # not a name cuecast gives: leave it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process
    return True


def _older(path: Path, cutoff: float) -> bool:
    try:
        return path.lstat().st_mtime < cutoff
    except OSError:
        return False
