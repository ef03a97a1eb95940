"""Captured pages kept under ``build/.cache/web/``, one folder per URL and
viewport size, so a page is fetched once and every later build (and every
machine that restores the cache) shows the same pixels until the author asks
for a fresh capture (``--refresh-web``).

A page of the project (a ``file:`` URL) is keyed by its content too: editing
the page re-captures it.  Each entry is written file by file, ``meta.json``
last, and is trusted only when ``meta.json`` reads back and the screenshots
it names are there; anything else is a miss.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from cuecast.atomic import write_bytes, write_text
from cuecast.web.address import file_url_path, is_file_url
from cuecast.web.capture import Shot
from cuecast.web.page import PageCapture

CACHE_FOLDER = Path("build") / ".cache" / "web"
META = "meta.json"
FORMAT = 1


def web_cache_dir(root: Path) -> Path:
    return Path(root) / CACHE_FOLDER


def entry_key(url: str, viewport: tuple[int, int], root: Path) -> str:
    """The folder name of a capture: a hash of the URL and the viewport (and,
    for a project file, of its bytes)."""
    digest = hashlib.sha256(f"{FORMAT}\0{url.strip()}\0{viewport[0]}x{viewport[1]}".encode())
    if is_file_url(url):
        try:
            digest.update(file_url_path(url, root).read_bytes())
        except (OSError, ValueError):
            pass  # the capture reports the problem
    return digest.hexdigest()[:24]


def read_entry(folder: Path, url: str, viewport: tuple[int, int]) -> Optional[PageCapture]:
    """The capture stored in ``folder``, or None when there is none (or it is
    incomplete, or for another URL or size)."""
    try:
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
        capture = PageCapture(
            url=url, viewport=viewport, view=str(folder / meta["view"]), full=str(folder / meta["full"]),
            full_height=int(meta["full_height"]), title=str(meta.get("title", "")),
            captured_at=str(meta["captured_at"]), digest=str(meta["digest"]),
        )
        if meta.get("url") != url or tuple(meta.get("viewport", ())) != tuple(viewport):
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not (Path(capture.view).is_file() and Path(capture.full).is_file()):
        return None
    return capture


def write_entry(folder: Path, url: str, viewport: tuple[int, int], shot: Shot,
                when: Optional[datetime] = None) -> PageCapture:
    """Store ``shot`` as the capture of ``url`` at ``viewport``."""
    when = (when or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    digest = hashlib.sha256(shot.view + b"\0" + shot.full).hexdigest()[:24]
    # Named by their pixels: a refreshed capture is a new path, never a file
    # changed under a reader that cached the old one by its path.
    view, full = f"view-{digest[:12]}.png", f"full-{digest[:12]}.png"
    write_bytes(folder / view, shot.view)
    write_bytes(folder / full, shot.full)
    meta = {"format": FORMAT, "url": url, "viewport": list(viewport), "view": view, "full": full,
            "full_height": shot.full_height, "title": shot.title,
            "captured_at": when.isoformat().replace("+00:00", "Z"), "digest": digest}
    write_text(folder / META, json.dumps(meta, indent=1))
    for old in folder.glob("*.png"):
        if old.name not in (view, full):
            old.unlink(missing_ok=True)
    capture = read_entry(folder, url, viewport)
    assert capture is not None
    return capture
