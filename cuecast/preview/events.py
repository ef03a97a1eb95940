"""Server-sent events for the open preview pages.

One ``EventHub`` per server: the build thread publishes, each open page's
request thread reads its own queue.  An event is addressed to one lesson's
pages or (``lesson=None``) to all, and is plain JSON, so the page and tests
read it the same way.  A page that connects gets the lesson's current state
first (``snapshot``), so an event missed while it was loading is not lost.
"""

from __future__ import annotations

import itertools
import json
import queue
import threading
from dataclasses import dataclass
from typing import Callable, Iterator, Optional

#: How long a stream waits for an event before sending a keep-alive comment
#: (which is also how a closed page is noticed).
KEEPALIVE_SECONDS = 10.0


@dataclass(frozen=True)
class Event:
    kind: str  # the SSE event name: status, patch, segments, video, reload
    data: dict
    lesson: Optional[str] = None  # None: every page
    id: int = 0

    def encode(self) -> bytes:
        """The event as SSE wire text (JSON has no raw newlines, so one data line)."""
        return f"id: {self.id}\nevent: {self.kind}\ndata: {json.dumps(self.data)}\n\n".encode("utf-8")


class _Closed:
    pass


CLOSED = _Closed()


class EventHub:
    """Fans events out to subscribers; ``close()`` ends every stream."""

    def __init__(self, snapshot: Optional[Callable[[Optional[str]], list[Event]]] = None):
        self._lock = threading.Lock()
        self._subscribers: dict[int, tuple[Optional[str], queue.Queue]] = {}
        self._ids = itertools.count(1)
        self._closed = threading.Event()
        #: ``snapshot(lesson)``: the events that bring a new page up to date.
        self.snapshot = snapshot or (lambda lesson: [])

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def publish(self, kind: str, data: dict, lesson: Optional[str] = None) -> Event:
        event = Event(kind, data, lesson, next(self._ids))
        with self._lock:
            targets = [q for wanted, q in self._subscribers.values()
                       if lesson is None or wanted is None or wanted == lesson]
        for target in targets:
            target.put(event)
        return event

    def subscribers(self) -> int:
        with self._lock:
            return len(self._subscribers)

    def stream(self, lesson: Optional[str]) -> Iterator[Optional[Event]]:
        """The events for a page of ``lesson``: its snapshot, then each event
        as it comes; ``None`` every ``KEEPALIVE_SECONDS`` without one.  Ends
        when the hub closes or the consumer stops iterating."""
        mine: queue.Queue = queue.Queue()
        with self._lock:
            token = id(mine)
            self._subscribers[token] = (lesson, mine)
        try:
            for event in self.snapshot(lesson):
                yield Event(event.kind, event.data, event.lesson, next(self._ids))
            while not self._closed.is_set():
                try:
                    item = mine.get(timeout=KEEPALIVE_SECONDS)
                except queue.Empty:
                    yield None
                    continue
                if item is CLOSED:
                    return
                yield item
        finally:
            with self._lock:
                self._subscribers.pop(token, None)

    def close(self) -> None:
        self._closed.set()
        with self._lock:
            targets = [q for _, q in self._subscribers.values()]
        for target in targets:
            target.put(CLOSED)
