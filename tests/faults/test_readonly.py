"""A lesson's build folder that cannot be written: a read-only file system
(EROFS), a folder this user may not write (EACCES), immutable files (EPERM).
Each is one message naming the stage, the lesson and the file, with a hint,
exit 1, no traceback, every previous output as it was, and the build after
the folder is writable again succeeds.

The tests run as root here, where a chmod stops nothing.  Each way is real
and checked before use, else the case is skipped with the reason: a tmpfs
mounted on ``build/<lesson>/`` and remounted read-only (needs mount
rights); ``chattr -R +i`` (needs a file system with attributes); and for
EACCES, a folder without write permission, with the build run by root
without CAP_DAC_OVERRIDE (dropped from its bounding set before exec) so the
mode applies to it as to any user (for a user other than root, as is)."""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.faults.test_interrupt import BUILD_ARGS, built, outputs  # noqa: F401
from tests.faults.test_rebuild import build, copy_project
from tests.support.cli import run_render

PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2


def _without_dac_override() -> None:
    """In the child before exec: root stops bypassing file modes."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True)


class ReadOnlyMount:
    """A tmpfs on build/<lesson>/, built into, then remounted read-only."""

    reason = "read-only file system"

    def __init__(self, folder: Path):
        self.folder = folder
        if os.geteuid() != 0 or shutil.which("mount") is None:
            pytest.skip("mounting a tmpfs needs root")
        shutil.rmtree(folder)
        folder.mkdir()
        done = _run("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(folder))
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
        self.preexec = None

    def lock(self) -> None:
        done = _run("mount", "-o", "remount,ro", str(self.folder))
        assert done.returncode == 0, done.stderr

    def unlock(self) -> None:
        _run("mount", "-o", "remount,rw", str(self.folder))

    def close(self) -> None:
        _run("umount", "-l", str(self.folder))


class Immutable:
    """``chattr -R +i``: no file in the folder may be created, replaced or removed."""

    reason = "operation not permitted"

    def __init__(self, folder: Path):
        self.folder = folder
        probe = folder.parent / "immutable-probe"
        probe.write_text("x")
        done = _run("chattr", "+i", str(probe)) if shutil.which("chattr") else None
        _run("chattr", "-i", str(probe))
        probe.unlink()
        if done is None or done.returncode != 0:
            pytest.skip(f"chattr +i is not available here: {done.stderr.strip() if done else 'no chattr'}")
        self.preexec = None

    def lock(self) -> None:
        done = _run("chattr", "-R", "+i", str(self.folder))
        assert done.returncode == 0, done.stderr

    def unlock(self) -> None:
        _run("chattr", "-R", "-i", str(self.folder))

    close = unlock


class NoWritePermission:
    """Folders of build/<lesson>/ without write permission for anyone."""

    reason = "permission denied"

    def __init__(self, folder: Path):
        self.folder = folder
        self.preexec = _without_dac_override if os.geteuid() == 0 else None
        if self.preexec is not None:
            probe = subprocess.run([sys.executable, "-c", "pass"], preexec_fn=self.preexec, capture_output=True)
            if probe.returncode != 0:
                pytest.skip("cannot drop CAP_DAC_OVERRIDE here")

    def _chmod(self, mode: int) -> None:
        for root, dirs, _ in os.walk(self.folder):
            for name in dirs:
                os.chmod(Path(root, name), mode)
        os.chmod(self.folder, mode)

    def lock(self) -> None:
        self._chmod(0o555)

    def unlock(self) -> None:
        self._chmod(0o755)

    close = unlock


@pytest.mark.slow
@pytest.mark.parametrize("way", [ReadOnlyMount, Immutable, NoWritePermission],
                         ids=["EROFS-read-only-mount", "EPERM-immutable", "EACCES-no-permission"])
def test_a_build_folder_that_cannot_be_written_is_one_located_error(built, tmp_path, way):
    project = copy_project(built, tmp_path / "tiny")
    folder = project / "build" / "tiny"
    guard = way(folder)
    try:
        build(project)  # the copy's outputs, written where they are
        before = outputs(project)
        snippet = project / "snippets" / "shapes.py"
        snippet.write_text(snippet.read_text().replace('"shape:"', '"its shape:"'))
        guard.lock()
        done = run_render(*BUILD_ARGS, cwd=project, preexec_fn=guard.preexec)
        output = done.stdout + done.stderr
        assert done.returncode == 1, output
        assert "Traceback" not in output
        errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
        assert errors == [f"error: {guard.reason} while writing the slides of lesson tiny "
                          f"(build/tiny/slides/03-cue-tensors-2.png); previous outputs are left as they were."], output
        hints = [line for line in done.stderr.splitlines() if line.startswith("hint: ")]
        assert len(hints) == 1 and "build/tiny" in hints[0], output
        guard.unlock()
        assert outputs(project) == before  # nothing touched, not even rewritten whole
        did = build(project)
        assert did["slides"] == "built" and did["review"] == "built"
        assert b"its shape:" in (folder / "code.ipynb").read_bytes()
        assert not [p for p in (project / "build").rglob("*") if re.search(r"\.part$", p.name)]
    finally:
        guard.unlock()
        guard.close()
