"""Which pages a browser cue may show: ``file:`` URLs of pages inside the
project (checked by the script parser, with the script line), where Chromium
finds them."""

from __future__ import annotations

from pathlib import Path

import pytest

from cuecast.script import load_lesson
from cuecast.web.address import browser_address
from tests.test_script import beat, problems


@pytest.fixture
def pages_project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "script").mkdir(parents=True)
    (root / "pages").mkdir()
    (root / "pages" / "demo.html").write_text("<title>Demo</title>", encoding="utf-8")
    (tmp_path / "secret.html").write_text("outside", encoding="utf-8")
    (root / "pages" / "link.html").symlink_to(tmp_path / "secret.html")
    return root


def cue_url(project: Path, url: str) -> str:
    path = project / "script" / "ok.yaml"
    path.write_text(beat("show: browser", f"url: '{url}'"), encoding="utf-8")
    (cue,) = [c for _, _, c in load_lesson(path).cues("browser")]
    return cue.url


def test_file_urls_of_project_pages_are_accepted(pages_project):
    assert cue_url(pages_project, "file:pages/demo.html") == "file:pages/demo.html"
    absolute = (pages_project / "pages" / "demo.html").resolve().as_uri()
    assert cue_url(pages_project, absolute + "#top") == absolute + "#top"
    assert browser_address("file:pages/demo.html#top", pages_project) == absolute + "#top"
    assert browser_address("https://pytorch.org/docs", pages_project) == "https://pytorch.org/docs"


@pytest.mark.parametrize("url, message", [
    ("file:../secret.html", "file url 'file:../secret.html' leads outside the project folder"),
    ("file:pages/link.html", "file url 'file:pages/link.html' leads outside the project folder"),
    ("file:///etc/hostname", "file url 'file:///etc/hostname' leads outside the project folder"),
    ("file:pages/missing.html", "file url 'file:pages/missing.html' names a file that does not exist"),
    ("file:pages", "file url 'file:pages' names a folder, not a page"),
    ("file://server/share/page.html", "file url 'file://server/share/page.html' names the host 'server'"),
])
def test_file_urls_outside_the_project_are_located_errors(pages_project, url, message):
    ((line, col, said),) = problems(pages_project, beat("show: browser", f"url: '{url}'"))
    assert (line, col) == (6, 14) and said.startswith(message)
