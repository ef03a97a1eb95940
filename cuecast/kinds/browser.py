"""``show: browser``: a web page (``url:``), captured or simulated."""

from __future__ import annotations

from cuecast.kinds.base import CueKind


def check(reader, entries: dict, fields: dict) -> None:
    if "url" not in entries:
        reader.error(entries["show"][1], "a browser cue needs a 'url' (the page to show)")


KIND = CueKind(
    name="browser",
    keys=("url", "title", "caption", "pace"),
    marker="SHOW IN BROWSER",
    check=check,
    instruction=lambda cue: f"{KIND.marker}: {cue.url}",
    review=lambda cue: f"Browser: {cue.url}",
    capture_name=lambda cue: None,
)
