"""``show: browser``: a web page (``url:``), captured or simulated."""

from __future__ import annotations

from typing import Optional
from urllib.parse import urlsplit

from cuecast.kinds.base import CueKind


def check(reader, entries: dict, fields: dict) -> None:
    if "url" not in entries:
        reader.error(entries["show"][1], "a browser cue needs a 'url' (the page to show)")


def read_url(reader, entries) -> Optional[str]:
    """A browser cue's ``url:``: a page of the project (``file:``) that exists
    inside it, or an http(s) address with a host."""
    value = reader.text(entries, "url")
    if value is None:
        return None
    from cuecast.web.address import AddressError, file_url_path, is_file_url

    if is_file_url(value):  # a page of the project: file:pages/x.html, or file:///… inside it
        try:
            file_url_path(value, reader.root)
        except AddressError as exc:
            reader.error(entries["url"][1], exc.message, hint=exc.hint)
            return None
        return value.strip()
    try:
        parts = urlsplit(value.strip())
        host = parts.hostname
    except ValueError:
        parts, host = None, None
    if (parts is None or parts.scheme not in ("http", "https") or not host
            or any(ch.isspace() for ch in value.strip())):
        guess = f"https://{value.strip()}"
        looks_like_host = parts is not None and not parts.scheme and urlsplit(guess).hostname and "." in guess
        reader.error(entries["url"][1], f"url '{value}' must be an http:// or https:// address with a host",
                     hint=f"did you mean '{guess}'?" if looks_like_host else "")
        return None
    return value.strip()


KIND = CueKind(
    name="browser",
    keys=("url", "title", "caption", "pace"),
    marker="SHOW IN BROWSER",
    check=check,
    instruction=lambda cue: f"{KIND.marker}: {cue.url}",
    review=lambda cue: f"Browser: {cue.url}",
    capture_name=lambda cue: None,
    shows_page=True,
    script_word="BROWSER",
    readers=(("url", read_url),),
)
