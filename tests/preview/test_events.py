"""The event hub: an event reaches the pages of its lesson (or every page),
a new page gets its lesson's state first, a quiet stream sends keep-alives,
and closing the hub ends every stream."""

from __future__ import annotations

import json
import threading

from cuecast.preview import events
from cuecast.preview.events import Event, EventHub


def test_an_event_is_one_sse_message_of_json():
    wire = Event("status", {"state": "ready", "note": "line one\nline two"}, "demo", 7).encode().decode()
    head, data = wire[:-2].rsplit("\n", 1)
    assert wire.endswith("\n\n") and head == "id: 7\nevent: status"
    assert json.loads(data.removeprefix("data: ")) == {"state": "ready", "note": "line one\nline two"}


def test_a_page_gets_its_snapshot_then_the_events_of_its_lesson_and_of_all():
    hub = EventHub(snapshot=lambda lesson: [Event("patch", {"for": lesson}, lesson)])
    demo, every = hub.stream("demo"), hub.stream(None)
    assert next(demo).data == {"for": "demo"} and next(every).data == {"for": None}  # now both subscribed
    hub.publish("status", {"n": 1}, "other")  # another lesson's pages
    hub.publish("status", {"n": 2}, "demo")
    hub.publish("reload", {"n": 3})  # every page
    assert [next(demo).data["n"] for _ in range(2)] == [2, 3]
    assert [next(every).data["n"] for _ in range(3)] == [1, 2, 3]


def test_closing_the_hub_ends_a_stream_blocked_waiting():
    hub = EventHub()
    seen = []
    reader = threading.Thread(target=lambda: seen.extend(hub.stream("demo")))
    reader.start()
    while hub.subscribers() < 1:
        threading.Event().wait(0.01)
    hub.close()
    reader.join(5)
    assert not reader.is_alive() and seen == [] and hub.closed and hub.subscribers() == 0


def test_a_quiet_stream_sends_keep_alives_and_a_page_that_leaves_unsubscribes(monkeypatch):
    monkeypatch.setattr(events, "KEEPALIVE_SECONDS", 0.01)
    hub = EventHub()
    stream = hub.stream("demo")
    assert next(stream) is None and hub.subscribers() == 1
    stream.close()  # the page went away: its request thread stops iterating
    assert hub.subscribers() == 0
    hub.publish("status", {"n": 1}, "demo")  # nobody to send it to, and no error


def test_ids_rise_across_published_and_snapshot_events():
    hub = EventHub(snapshot=lambda lesson: [Event("patch", {}, lesson, 0)])
    first = hub.publish("status", {})
    stream = hub.stream("demo")
    assert next(stream).id > first.id
    assert hub.publish("status", {}).id > first.id + 1
    stream.close()


def test_a_stream_opened_after_close_ends_after_its_snapshot():
    hub = EventHub(snapshot=lambda lesson: [Event("patch", {}, lesson)])
    hub.close()
    assert [event.kind for event in hub.stream("demo")] == ["patch"]
    quiet = EventHub()
    quiet.close()
    assert list(quiet.stream(None)) == []  # no keep-alive wait: it ends at once
