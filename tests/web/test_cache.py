"""The capture cache: an entry is keyed by URL and viewport (and a project
page's bytes), trusted only when its ``meta.json`` and both screenshots are
there, and a refreshed capture replaces the old pictures by new names."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone
from pathlib import Path

from PIL import Image

from cuecast.web.cache import META, entry_key, read_entry, web_cache_dir, write_entry
from cuecast.web.capture import Shot

URL = "http://127.0.0.1:8000/guide.html"
VIEWPORT = (320, 200)


def png(colour: str, size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def shot(colour: str = "#3366CC", title: str = "Guide") -> Shot:
    return Shot(png(colour, VIEWPORT), png(colour, (VIEWPORT[0], 500)), 500, title)


def test_an_entry_reads_back_as_it_was_written(tmp_path):
    folder = web_cache_dir(tmp_path) / entry_key(URL, VIEWPORT, tmp_path)
    when = datetime(2025, 1, 31, 22, 15, 7, 123456, tzinfo=timezone.utc)
    written = write_entry(folder, URL, VIEWPORT, shot(), when)
    assert written == read_entry(folder, URL, VIEWPORT)
    assert (written.url, written.viewport, written.full_height, written.title) == (URL, VIEWPORT, 500, "Guide")
    assert written.captured_at == "2025-01-31T22:15:07Z" and written.captured_on == "2025-01-31"
    with Image.open(written.view) as view, Image.open(written.full) as full:
        assert view.size == VIEWPORT and full.size == (VIEWPORT[0], 500)
    assert Path(written.view).parent == folder and folder.is_relative_to(tmp_path / "build" / ".cache" / "web")


def test_the_key_follows_the_url_and_the_viewport(tmp_path):
    key = entry_key(URL, VIEWPORT, tmp_path)
    assert key == entry_key(f"  {URL} ", VIEWPORT, tmp_path)
    assert key != entry_key(URL, (640, 360), tmp_path)
    assert key != entry_key(URL + "?v=2", VIEWPORT, tmp_path)


def test_a_project_page_is_keyed_by_its_bytes_too(tmp_path):
    page = tmp_path / "pages" / "guide.html"
    page.parent.mkdir()
    page.write_text("<title>One</title>", encoding="utf-8")
    before = entry_key("file:pages/guide.html", VIEWPORT, tmp_path)
    assert before == entry_key("file:pages/guide.html", VIEWPORT, tmp_path)
    page.write_text("<title>Two</title>", encoding="utf-8")
    assert entry_key("file:pages/guide.html", VIEWPORT, tmp_path) != before


def test_an_entry_for_another_url_or_size_or_incomplete_is_a_miss(tmp_path):
    folder = tmp_path / "entry"
    assert read_entry(folder, URL, VIEWPORT) is None  # nothing there
    written = write_entry(folder, URL, VIEWPORT, shot())
    assert read_entry(folder, URL + "#x", VIEWPORT) is None
    assert read_entry(folder, URL, (640, 360)) is None
    Path(written.full).unlink()
    assert read_entry(folder, URL, VIEWPORT) is None
    write_entry(folder, URL, VIEWPORT, shot())
    meta = json.loads((folder / META).read_text())
    del meta["digest"]
    (folder / META).write_text(json.dumps(meta))
    assert read_entry(folder, URL, VIEWPORT) is None
    (folder / META).write_text("{not json")
    assert read_entry(folder, URL, VIEWPORT) is None


def test_a_refreshed_capture_has_new_pictures_and_the_old_ones_go(tmp_path):
    folder = tmp_path / "entry"
    first = write_entry(folder, URL, VIEWPORT, shot("#3366CC"))
    again = write_entry(folder, URL, VIEWPORT, shot("#3366CC"))
    assert again.digest == first.digest and again.view == first.view  # the same pixels, the same names
    fresh = write_entry(folder, URL, VIEWPORT, shot("#CC3333", title="Guide, edited"))
    assert fresh.digest != first.digest and fresh.view != first.view and fresh.title == "Guide, edited"
    assert sorted(p.name for p in folder.glob("*.png")) == sorted([Path(fresh.view).name, Path(fresh.full).name])
    assert read_entry(folder, URL, VIEWPORT) == fresh
