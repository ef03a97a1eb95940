"""A pytest plugin: every deck any test builds is checked for overlapping
words, and a deck with an overlap fails the test that built it, naming the
file, the slide and the two words.

Decks are found two ways: the deck's output writer
(``cuecast.outputs.pptx.write``, which the output table imports by name) is
wrapped, so a build run in-process is seen wherever it writes; and after
each test the folders pytest made for it (``tmp_path``, and those fixtures
made with ``tmp_path_factory`` while it was set up) are searched for
``slides.pptx``, so builds run as ``render`` subprocesses or forked by the
catalogue are seen too.

Every deck gets the layout-level check (``layout_overlap``: no LibreOffice,
milliseconds a slide); a deck LibreOffice already converted this session
(a test asked ``overlap.check_deck`` for it) gets the LibreOffice check as
well, from that cached PDF, at no cost.  Converting every deck would cost
1.5–3 s each.  Each distinct deck (by digest) is checked once a session.
``CUECAST_DECK_WATCH=0`` turns the plugin off (to measure what it costs).
"""

from __future__ import annotations

import hashlib
import os
import time
import zipfile
from pathlib import Path

import pytest

#: Digest of each deck checked this session → what was found (empty: clean).
_CHECKED: dict[str, str] = {}
#: Decks written in-process, and folders pytest made, since the last check.
_WRITTEN: list[Path] = []
_FOLDERS: list[Path] = []
#: How many distinct decks were checked, for the summary line.
STATS = {"decks": 0, "files": 0, "libreoffice": 0, "seconds": 0.0}


def enabled() -> bool:
    return os.environ.get("CUECAST_DECK_WATCH", "1") != "0"


def deck_problems(pptx: Path) -> str:
    """What is wrong with ``pptx`` ("" when nothing): its overlapping words,
    as its text boxes set them and, where LibreOffice already drew it this
    session, as LibreOffice did."""
    from tests.support.layout_overlap import layout_overlaps
    from tests.support.overlap import converted_already, describe, overlaps, word_boxes

    digest = hashlib.sha256(Path(pptx).read_bytes()).hexdigest()
    STATS["files"] += 1
    if digest in _CHECKED:
        return _CHECKED[digest].replace("{file}", str(pptx))
    STATS["decks"] += 1
    found = []
    pairs = layout_overlaps(pptx)
    if pairs:
        found.append(f"{len(pairs)} overlapping words in {{file}} (as its text boxes set them):\n{describe(pairs)}")
    pdf = converted_already(pptx)
    if pdf is not None:
        STATS["libreoffice"] += 1
        pairs = overlaps(word_boxes(pdf))
        if pairs:
            found.append(f"{len(pairs)} overlapping words in {{file}} (as LibreOffice draws it):\n{describe(pairs)}")
    _CHECKED[digest] = "\n".join(found)
    return _CHECKED[digest].replace("{file}", str(pptx))


def _decks_in(folder: Path) -> list[Path]:
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in (".venv", "node_modules", ".git")]
        if "slides.pptx" in files:
            found.append(Path(root) / "slides.pptx")
    return found


def _wrap_writer() -> None:
    import cuecast.outputs.pptx as writer

    if getattr(writer.write, "deck_watch", False):
        return
    original = writer.write

    def write(context, path):
        written = original(context, path)
        _WRITTEN.append(Path(written))
        return written

    write.deck_watch = True
    writer.write = write


def _wrap_mktemp() -> None:
    from _pytest.tmpdir import TempPathFactory

    if getattr(TempPathFactory.mktemp, "deck_watch", False):
        return
    original = TempPathFactory.mktemp

    def mktemp(self, basename, numbered=True):
        folder = original(self, basename, numbered)
        _FOLDERS.append(Path(folder))
        return folder

    mktemp.deck_watch = True
    TempPathFactory.mktemp = mktemp


def pytest_configure(config) -> None:
    if enabled():
        _wrap_writer()
        _wrap_mktemp()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    if enabled():
        started = time.perf_counter()
        decks = list(dict.fromkeys([*_WRITTEN, *(deck for folder in _FOLDERS for deck in _decks_in(folder))]))
        _WRITTEN.clear()
        _FOLDERS.clear()
        # a file that is no zip is a test's deliberate damage (faults/), not a deck a build wrote
        problems = [problem for problem in map(deck_problems, (d for d in decks if zipfile.is_zipfile(d))) if problem]
        STATS["seconds"] += time.perf_counter() - started
        if problems:
            raise AssertionError("a deck this test built has overlapping words:\n" + "\n".join(problems))
    return result


def pytest_runtest_teardown(item) -> None:
    # what a failed or skipped test's setup made is not carried to the next test
    _WRITTEN.clear()
    _FOLDERS.clear()


def pytest_terminal_summary(terminalreporter) -> None:
    if enabled() and STATS["files"]:
        terminalreporter.write_line(
            f"deck watch: {STATS['decks']} distinct decks checked for overlapping words "
            f"({STATS['files']} files, {STATS['libreoffice']} also as LibreOffice drew them) "
            f"in {STATS['seconds']:.1f} s")
