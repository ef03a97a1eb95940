"""Which addresses a browser cue may show, and where Chromium finds them.

A cue's ``url`` is an ``http(s)://`` address, or a ``file:`` URL of a page in
the project (a page the author wrote or saved next to the lesson).  A file
URL may be absolute (``file:///home/me/course/pages/demo.html``) or relative
to the project folder (``file:pages/demo.html``), like every other path in a
lesson; either way it must lead to a file inside the project, so a lesson
never shows, and never depends on, a file that does not travel with it.

The script parser checks file URLs here (so the error carries the script
line), and the capture resolves them here again (to the absolute ``file://``
address Chromium opens).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

WEB_SCHEMES = ("http", "https")
#: Loopback hosts: what an offline capture may still open.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "[::1]")


class AddressError(ValueError):
    """A file URL that cannot be shown; the message says why, the hint what to do."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint


def is_file_url(url: str) -> bool:
    return url.strip().lower().startswith("file:")


def file_url_path(url: str, root: Path) -> Path:
    """The project file a ``file:`` URL names (resolved); ``AddressError`` when
    it names another host, leaves the project, or is not an existing file."""
    parts = urlsplit(url.strip())
    if parts.netloc not in ("", "localhost"):
        raise AddressError(f"file url '{url}' names the host '{parts.netloc}'; a file url must name a file "
                           "in the project", hint="write file:PATH, with PATH relative to the project folder")
    path_text = unquote(parts.path)
    if not path_text:
        raise AddressError(f"file url '{url}' names no file", hint="write file:PATH, with PATH relative to the "
                           "project folder")
    root = Path(root).resolve()
    candidate = Path(path_text) if path_text.startswith("/") else root / path_text
    real = candidate.resolve()
    if not real.is_relative_to(root):
        raise AddressError(f"file url '{url}' leads outside the project folder ({real})",
                           hint=f"put the page inside the project folder {root}")
    if not real.exists():
        raise AddressError(f"file url '{url}' names a file that does not exist ({real})")
    if not real.is_file():
        raise AddressError(f"file url '{url}' names a folder, not a page ({real})")
    return real


def browser_address(url: str, root: Path) -> str:
    """What Chromium opens for a cue's ``url``: the address itself, or for a
    file URL the absolute ``file://`` address of the project file (with its
    query and fragment kept)."""
    url = url.strip()
    if not is_file_url(url):
        return url
    parts = urlsplit(url)
    address = file_url_path(url, root).as_uri()
    if parts.query:
        address += "?" + parts.query
    if parts.fragment:
        address += "#" + parts.fragment
    return address


def host_of(url: str) -> str:
    """The host a web address names ('' for a file URL or a malformed one)."""
    try:
        return urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
