"""The preview server on its own, without torch or a browser: it serves the
lesson's build folder and nothing else, to its own address only, in byte
ranges for the video, a placeholder for a lesson not built yet, and each
page's event stream starting with its lesson's state."""

from __future__ import annotations

import http.client
import threading
import time

import pytest

from cuecast.errors import ConfigError
from cuecast.preview.events import Event, EventHub
from cuecast.preview.server import make_server


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


def test_a_port_in_use_is_a_usage_error_with_a_hint(served):

    server, hub = served
    with pytest.raises(ConfigError) as caught:
        make_server("127.0.0.1", server.port, server.build_root, hub, lambda: [])
    assert "--port" in caught.value.hint


def post(server, path: str, data: bytes, headers: dict) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("POST", path, body=data, headers=headers)
    response = connection.getresponse()
    return response.status, response.read()


def test_a_take_is_accepted_only_from_the_previews_own_page(served):
    server, _ = served
    received = []

    def on_take(lesson, beat, data):
        received.append((lesson, beat, data))
        return 200, {"saved": beat}

    server.on_take = on_take
    own = {"Origin": f"http://127.0.0.1:{server.port}", "Host": f"127.0.0.1:{server.port}"}
    assert post(server, "/_cuecast/take?lesson=demo&beat=s-1", b"RIFF....", own) == (200, b'{"saved": "s-1"}')
    assert received == [("demo", "s-1", b"RIFF....")]
    elsewhere = {**own, "Origin": "http://attacker.example"}
    assert post(server, "/_cuecast/take?lesson=demo&beat=s-1", b"RIFF", elsewhere)[0] == 403
    assert post(server, "/_cuecast/nothing", b"", own)[0] == 404
    too_large = {**own, "Content-Length": str((64 << 20) + 1)}
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.putrequest("POST", "/_cuecast/take?lesson=demo&beat=s-1", skip_host=True)
    for name, value in too_large.items():
        connection.putheader(name, value)
    connection.endheaders()
    assert connection.getresponse().status == 413
    assert len(received) == 1


def test_the_url_names_a_reachable_address_for_a_server_on_every_interface(tmp_path):
    server = make_server("0.0.0.0", 0, tmp_path, EventHub(), lambda: [])
    try:
        assert server.url("my lesson") == f"http://127.0.0.1:{server.port}/my%20lesson/"
        assert server.allowed_hosts is None  # reached by any name the machine has
    finally:
        server.server_close()
