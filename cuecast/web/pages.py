"""The pages a lesson's browser cues show, captured once per build.

``lesson_pages`` serves each URL from the capture cache, else captures it
with one headless Chromium for the whole lesson, and returns the pages it has
as plain data for the deck and the video.  A page it cannot capture is left
out, so its cue shows the simulated page, and it says why in one
``WebWarning`` per URL; a cue keeps an older capture when a refresh fails.

A failure is remembered in this process for a few minutes, so a build's
slides and video, and the next rebuild of ``render watch``, do not each wait
for the same unreachable server again (``--refresh-web`` asks again).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Iterable, Optional

from cuecast.kinds import kind_of
from cuecast.model import Cue, Lesson
from cuecast.web.address import AddressError, browser_address
from cuecast.web.cache import entry_key, read_entry, web_cache_dir, write_entry
from cuecast.web.capture import PageError, capture_page
from cuecast.web.devtools import BrowserError, Chromium, find_chromium
from cuecast.web.page import PageCapture
from cuecast.web.reach import offline, unreachable

#: Seconds a failed capture is not retried in the same process.
FAILURE_MEMORY_SECONDS = 300.0

NO_CHROMIUM = "Chromium is not installed (apt-get install chromium, or set CUECAST_CHROMIUM to a Chrome binary)"

_failures: dict[str, tuple[float, str]] = {}
_failures_lock = threading.Lock()


class WebWarning(UserWarning):
    """A browser cue shows the simulated page (or an older capture); says why."""

    @staticmethod
    def summary(count: int) -> str:
        """What a build whose slides and video were current says instead."""
        cues = "1 browser cue shows" if count == 1 else f"{count} browser cues show"
        return f"{cues} a simulated page or an older capture (not captured now; the outputs are current)"


def browser_cues(lesson: Lesson) -> list[Cue]:
    """The first browser cue of each URL, in lesson order."""
    seen: dict[str, Cue] = {}
    for _, _, cue in lesson.cues():
        if kind_of(cue).shows_page and cue.url and cue.url not in seen:
            seen[cue.url] = cue
    return list(seen.values())


def remembered_failure(address: str) -> Optional[str]:
    with _failures_lock:
        entry = _failures.get(address)
    if entry is None or time.monotonic() - entry[0] > FAILURE_MEMORY_SECONDS:
        return None
    return entry[1]


def remember_failure(address: str, reason: str) -> None:
    with _failures_lock:
        _failures[address] = (time.monotonic(), reason)


def forget_failures() -> None:
    """Clear the memory of failed captures (a test that brings a page back)."""
    with _failures_lock:
        _failures.clear()


def _warn(cue: Cue, reason: str, kept: Optional[PageCapture]) -> None:
    import warnings

    if kept is not None:
        what = f"keeping the capture of {kept.captured_on}"
    else:
        what = "the slide and the video show a simulated page"
    warnings.warn(WebWarning(f"{cue.location}: cannot capture {cue.url}: {reason}; {what}"), stacklevel=3)


class _Browser:
    """Chromium, started on first use and shared by the lesson's captures; a
    start that fails is the reason for every capture after it."""

    def __init__(self) -> None:
        self.chromium: Optional[Chromium] = None
        self.failure: Optional[str] = None

    def get(self) -> Chromium:
        if self.failure is not None:
            raise BrowserError(self.failure)
        if self.chromium is None:
            executable = find_chromium()
            if executable is None:
                self.failure = NO_CHROMIUM
                raise BrowserError(self.failure)
            try:
                self.chromium = Chromium(executable, offline=offline())
            except BrowserError as exc:
                self.failure = str(exc)
                raise
        return self.chromium

    def close(self) -> None:
        if self.chromium is not None:
            self.chromium.close()


def lesson_pages(lesson: Lesson, viewport: tuple[int, int], refresh: bool = False,
                 urls: Optional[Iterable[str]] = None) -> dict[str, PageCapture]:
    """Every page the lesson's browser cues show (or only ``urls``), captured
    at ``viewport``: from ``build/.cache/web/``, else fetched now (all of
    them with ``refresh``).  Pages that cannot be captured are missing from
    the result, each with one ``WebWarning``."""
    root = Path(lesson.root)
    cache = web_cache_dir(root)
    wanted = None if urls is None else set(urls)
    pages: dict[str, PageCapture] = {}
    todo = []
    for cue in browser_cues(lesson):
        if wanted is not None and cue.url not in wanted:
            continue
        folder = cache / entry_key(cue.url, viewport, root)
        cached = read_entry(folder, cue.url, viewport)
        if cached is not None and not refresh:
            pages[cue.url] = cached
        else:
            todo.append((cue, folder, cached))
    if not todo:
        return pages
    browser = _Browser()
    try:
        for cue, folder, cached in todo:
            captured, reason = _capture(browser, cue, folder, viewport, root, refresh)
            if captured is not None:
                pages[cue.url] = captured
                continue
            _warn(cue, reason, cached)
            if cached is not None:
                pages[cue.url] = cached
    finally:
        browser.close()
    return pages


def _capture(browser: _Browser, cue: Cue, folder: Path, viewport: tuple[int, int], root: Path,
             refresh: bool) -> tuple[Optional[PageCapture], str]:
    """The fresh capture of ``cue``'s page, or None and why not."""
    url = cue.url or ""
    try:
        address = browser_address(url, root)
    except AddressError as exc:
        return None, exc.message
    reason = None if refresh else remembered_failure(address)
    if reason is None:
        reason = unreachable(address)
    if reason is None:
        try:
            shot = capture_page(browser.get(), address, viewport)
            return write_entry(folder, url, viewport, shot), ""
        except (PageError, BrowserError) as exc:
            reason = str(exc)
    remember_failure(address, reason)
    return None, reason
