"""The preview's parts on their own, without torch or a browser: the server
serves the build folder and nothing else, to its own address only; the event
stream starts with a page's current state; the page state sends only what
changed; the clip cache keeps earlier versions within its size bound."""

from __future__ import annotations

import http.client
import os
import threading
import time
from dataclasses import dataclass

import pytest

from cuecast.preview.events import Event, EventHub
from cuecast.preview.patch import PageState
from cuecast.preview.server import make_server
from cuecast.video.clipcache import ClipCache


@pytest.fixture
def served(tmp_path):
    build_root = tmp_path / "project" / "build"
    lesson = build_root / "demo"
    (lesson / "media").mkdir(parents=True)
    (lesson / "index.html").write_text("<html><body><p>the page</p></body></html>")
    (lesson / "video.mp4").write_bytes(bytes(range(256)) * 40)
    (lesson / ".build.json").write_text("{}")
    (tmp_path / "project" / "secret.txt").write_text("not for the browser")
    hub = EventHub()
    server = make_server("127.0.0.1", 0, build_root, hub, lambda: ["demo"])
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server, hub
    hub.close()
    server.shutdown()
    server.server_close()


def get(server, path: str, headers=None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("GET", path, headers=headers or {})
    return connection.getresponse()


def test_it_listens_on_loopback_and_serves_the_page_with_the_live_client(served):
    server, _ = served
    assert server.server_address[0] == "127.0.0.1"
    assert get(server, "/").getheader("Location") == "/demo/"
    page = get(server, "/demo/").read().decode()
    assert "the page" in page and '<script src="/_cuecast/live.js" data-lesson="demo"></script>' in page
    assert b"EventSource" in get(server, "/_cuecast/live.js").read()
    placeholder = get(server, "/other/").read().decode()  # not built yet: the building page
    assert "Building the lesson" in placeholder and 'id="problems"' in placeholder


@pytest.mark.parametrize("path", ["/demo/.build.json", "/demo/../secret.txt", "/demo/%2e%2e/secret.txt",
                                  "/demo/media/../../../secret.txt", "/../secret.txt", "/demo/nothing.mp4"])
def test_nothing_outside_the_lesson_build_folder_nor_hidden_is_served(served, path):
    server, _ = served
    response = get(server, path)
    assert response.status == 404 and b"not for the browser" not in response.read()


def test_a_request_for_another_host_name_is_refused(served):
    server, _ = served
    assert get(server, "/demo/", {"Host": "attacker.example:80"}).status == 403
    assert get(server, "/demo/", {"Host": f"localhost:{server.port}"}).status == 200


def test_the_video_is_served_in_byte_ranges(served):
    server, _ = served
    response = get(server, "/demo/video.mp4", {"Range": "bytes=256-511"})
    assert response.status == 206 and response.getheader("Content-Range") == "bytes 256-511/10240"
    assert response.read() == bytes(range(256))
    assert get(server, "/demo/video.mp4", {"Range": "bytes=-10"}).read() == bytes(range(246, 256))
    assert get(server, "/demo/video.mp4", {"Range": "bytes=99999-"}).status == 416
    assert len(get(server, "/demo/video.mp4").read()) == 10240


def test_a_page_gets_its_lesson_state_then_its_events(served):
    server, hub = served
    hub.snapshot = lambda lesson: [Event("patch", {"fragments": {"meta": f"<span>{lesson}</span>"}}, lesson)]
    response = get(server, "/_cuecast/events?lesson=demo")
    assert response.getheader("Content-Type").startswith("text/event-stream")
    lines = []

    def read() -> None:
        for raw in response:
            lines.append(raw.decode())

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + 10
    while hub.subscribers() == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    hub.publish("status", {"state": "ready"}, "other")  # another lesson's page: not sent here
    hub.publish("status", {"state": "building"}, "demo")
    while not any("building" in line for line in lines) and time.monotonic() < deadline:
        time.sleep(0.02)
    text = "".join(lines)
    assert text.index("<span>demo</span>") < text.index('"building"') and '"ready"' not in text
    assert "event: patch" in text and "event: status" in text


def test_the_page_state_sends_only_what_changed():
    state = PageState()
    first = state.update({"a": "<p>1</p>", "t1": "<img>"}, {"thumbs": ["t1"]})
    assert first.fragments.keys() == {"a", "t1"} and first.lists == {"thumbs": ["t1"]}
    again = state.update({"a": "<p>1</p>", "t1": "<img>", "t2": "<img2>"}, {"thumbs": ["t1", "t2"]})
    assert again.fragments == {"t2": "<img2>"} and again.lists == {"thumbs": ["t1", "t2"]}
    assert not state.update({"a": "<p>1</p>"}, {"thumbs": ["t1", "t2"]})

    @dataclass
    class Clip:
        key: str
        frames: int = 10

    assert state.changed_segments([Clip("k1"), Clip("k2")]) == []  # the first build: what the page shows
    assert [c.key for c in state.changed_segments([Clip("k1"), Clip("k3")])] == ["k3"]
    assert [c.key for c in state.changed_segments([Clip("k1"), Clip("k2")])] == ["k2"]  # undo: announced too


def test_the_clip_cache_keeps_earlier_versions_within_its_bound(tmp_path):
    def put(cache, key):
        with cache.store(cache.path(key)) as part:  # as an encoder writes one: with its sidecar
            part.write_bytes(b"x" * 1000)
        return cache.path(key)

    cache = ClipCache(tmp_path, max_bytes=3000)
    for index, key in enumerate(("old", "mid", "new")):
        path = put(cache, key)
        os.utime(path, (1000 + index, 1000 + index))
    assert cache.prune() == []  # 3000 bytes: within the bound, every version stays

    later = ClipCache(tmp_path, max_bytes=3000)
    assert later.get("old") is not None  # a hit is a use: "old" is now the most recent
    put(later, "newest")
    removed = later.prune()
    assert [p.stem for p in removed] == ["mid"]  # the least recently used one not used by this render
    assert sorted(p.stem for p in tmp_path.glob("*.mp4")) == ["new", "newest", "old"]

    tiny = ClipCache(tmp_path, max_bytes=10)
    tiny.get("newest")
    tiny.prune()
    assert [p.stem for p in tmp_path.glob("*.mp4")] == ["newest"]  # what a render uses is never removed


def test_a_port_in_use_is_a_usage_error_with_a_hint(served):
    from cuecast.errors import ConfigError

    server, hub = served
    with pytest.raises(ConfigError) as caught:
        make_server("127.0.0.1", server.port, server.build_root, hub, lambda: [])
    assert "--port" in caught.value.hint


@pytest.mark.slow
def test_the_warm_worker_is_kept_between_saves_and_replaced_when_the_environment_changes(monkeypatch):
    import cuecast.preview.session as session_module
    from cuecast.build import BuildOptions

    signature = ["torch 2.13"]
    monkeypatch.setattr(session_module, "environment_signature", lambda device: tuple(signature))
    said: list[str] = []
    session = session_module.PreviewSession(None, BuildOptions(device="cpu"), EventHub(), said.append)
    try:
        first = session._runner()
        assert first.pool is not None  # started at once: torch is imported before the first edit
        assert session._runner() is first
        signature[0] = "torch 2.14"  # say, torch upgraded under the running preview
        second = session._runner()
        assert second is not first and first.pool is None and second.pool is not None
        assert any("environment changed" in line for line in said)
    finally:
        session.close()
    assert session.runner is None
