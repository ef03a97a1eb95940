"""What of a lesson's page a build changed.

The page is a set of fragments (``cuecast.review.fragments``): HTML by
element id, plus the order of the items of each list (thumbnails,
snippets).  ``PageState`` remembers what the open pages were last sent and
turns a new set into a patch holding only the fragments whose HTML changed,
so a one-snippet edit sends that snippet, its slide's thumbnail and the cue
sheet, not the forty other thumbnails.  It also remembers which segment
versions the pages have seen, so a segment whose pixels changed -- even back
to an earlier version -- is announced once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Iterable, Optional


@dataclass
class Patch:
    fragments: dict[str, str] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.fragments or self.lists)

    def as_data(self) -> dict:
        return {"fragments": self.fragments, "lists": self.lists}


class PageState:
    """The fragments the pages of one lesson show now (thread-safe: the
    build thread updates it, request threads read it for new pages)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.fragments: dict[str, str] = {}
        self.lists: dict[str, list[str]] = {}
        self.segment_keys: Optional[set[str]] = None  # None: no video built yet in this session
        self.video: Optional[dict] = None  # the last "video" event's data
        self.status: Optional[dict] = None  # the last "status" event's data
        self.slide_ids: dict[str, str] = {}  # thumbnail element id -> slide id

    def update(self, fragments: dict[str, str], lists: dict[str, list[str]]) -> Patch:
        """Take in a (possibly partial) set of fragments; returns what changed.
        Items dropped from a list are forgotten."""
        with self._lock:
            patch = Patch()
            for name, order in lists.items():
                if self.lists.get(name) != order:
                    patch.lists[name] = list(order)
                    for gone in set(self.lists.get(name, ())) - set(order):
                        self.fragments.pop(gone, None)
                    self.lists[name] = list(order)
            for key, html in fragments.items():
                if self.fragments.get(key) != html:
                    patch.fragments[key] = html
                    self.fragments[key] = html
            return patch

    def changed_segments(self, clips: Iterable) -> list:
        """The clips whose version the pages have not seen (none the first
        time: what is on disk then is what the page shows)."""
        clips = list(clips)
        with self._lock:
            seen = self.segment_keys
            self.segment_keys = {clip.key for clip in clips}
        if seen is None:
            return []
        return [clip for clip in clips if clip.key not in seen and clip.frames > 0]

    def snapshot(self) -> Patch:
        with self._lock:
            return Patch(dict(self.fragments), {k: list(v) for k, v in self.lists.items()})
