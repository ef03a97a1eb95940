"""Headless Chromium, found and started with a deadline: a browser that is
missing or dies before it opens its debugging port is a ``BrowserError``
that says so, and closing (or failing) leaves no profile folder behind."""

from __future__ import annotations

import shutil
import stat
import tempfile
import time

import pytest

from cuecast.web.devtools import BrowserError, Chromium, find_chromium

needs_chromium = pytest.mark.skipif(find_chromium() is None,
                                    reason="needs Debian's chromium (installed by .ci/run)")


@pytest.fixture
def scratch_tmp(tmp_path, monkeypatch):
    """Temporary folders (the browser's profile) made under ``tmp_path``."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_cuecast_chromium_names_the_browser(tmp_path, monkeypatch):
    browser = tmp_path / "my-chrome"
    browser.write_text("#!/bin/sh\n")
    monkeypatch.setenv("CUECAST_CHROMIUM", str(browser))
    assert find_chromium() == str(browser)
    monkeypatch.setenv("CUECAST_CHROMIUM", str(tmp_path / "none-here"))
    assert find_chromium() is None  # named but missing: not some other browser
    monkeypatch.setenv("CUECAST_CHROMIUM", "sh")
    assert find_chromium() == shutil.which("sh")


def test_a_browser_that_cannot_start_says_so(scratch_tmp):
    with pytest.raises(BrowserError, match=r"cannot start .*not-a-browser: No such file or directory"):
        Chromium(str(scratch_tmp / "not-a-browser"))
    assert list(scratch_tmp.iterdir()) == []


def test_a_browser_that_exits_at_once_is_told_apart_from_a_slow_one(scratch_tmp):
    quitter = scratch_tmp.parent / "quitter"
    quitter.write_text("#!/bin/sh\nexit 3\n")
    quitter.chmod(quitter.stat().st_mode | stat.S_IXUSR)
    started = time.monotonic()
    with pytest.raises(BrowserError, match=r"Chromium exited \(status 3\) before it opened its debugging port"):
        Chromium(str(quitter))
    assert time.monotonic() - started < 10  # it did not wait for the launch deadline
    assert list(scratch_tmp.iterdir()) == []  # its profile is removed


@pytest.mark.slow
@needs_chromium
def test_a_page_is_evaluated_and_photographed_and_close_ends_the_browser(scratch_tmp):
    with Chromium(find_chromium(), offline=True) as browser:
        assert len(list(scratch_tmp.iterdir())) == 1  # the profile
        deadline = time.monotonic() + 15
        page = browser.page(deadline)
        try:
            assert page.evaluate("6 * 7", deadline) == 42
            png = page.screenshot(deadline)
        finally:
            page.close()
        process = browser.process
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert process.poll() is not None and list(scratch_tmp.iterdir()) == []
