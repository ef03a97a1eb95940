"""Whether a page's server can be reached, asked before Chromium starts: an
offline build captures only this machine's pages, a refused port answers at
once, and a proxy is left for Chromium to ask."""

from __future__ import annotations

import socket

import pytest

from cuecast.web.reach import OFFLINE_ENV, is_local, offline, unreachable


@pytest.fixture
def online(monkeypatch):
    """No offline switch and no proxy: the probe goes to the server itself."""
    monkeypatch.delenv(OFFLINE_ENV, raising=False)
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


def test_offline_builds_capture_only_this_machine(monkeypatch):
    monkeypatch.setenv(OFFLINE_ENV, "1")
    assert unreachable("https://pytorch.org/docs/stable/nn.html") == \
        f"{OFFLINE_ENV} is set, so only pages on this machine are captured"
    assert unreachable("file:pages/demo.html") is None


def test_a_closed_port_is_unreachable_at_once(online):
    with socket.socket() as probe:  # a port nobody listens on (bound, never listening)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        reason = unreachable(f"http://127.0.0.1:{port}/page.html")
    # refused, not timed out: the answer came from the port, not from waiting
    assert reason == f"cannot connect to 127.0.0.1:{port} (connection refused)"


@pytest.mark.parametrize("value, is_offline", [("1", True), ("yes", True), ("", False), ("0", False),
                                               ("off", False), (" False ", False)])
def test_the_offline_switch_reads_the_usual_words(monkeypatch, value, is_offline):
    monkeypatch.setenv(OFFLINE_ENV, value)
    assert offline() is is_offline


def test_loopback_hosts_and_project_files_are_local():
    assert is_local("http://localhost:8000/a.html")
    assert is_local("http://127.0.0.1/a.html")
    assert is_local("http://[::1]:9000/a.html")
    assert is_local("file:pages/a.html")
    assert not is_local("https://pytorch.org/docs")
    assert not is_local("http://127.0.0.1.example.com/")


def test_a_listening_port_is_reachable(online):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        assert unreachable(f"http://127.0.0.1:{server.getsockname()[1]}/page.html") is None


def test_offline_still_probes_this_machine(monkeypatch):
    monkeypatch.setenv(OFFLINE_ENV, "1")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        assert unreachable(f"http://localhost:{port}/") is not None  # asked, and refused


def test_behind_a_proxy_only_chromium_can_tell(online, monkeypatch):
    monkeypatch.setenv("https_proxy", "http://proxy.invalid:3128")
    assert unreachable("https://name.invalid/page.html") is None
    # a loopback page is never sent through the proxy: it is still probed
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        assert unreachable(f"https://127.0.0.1:{probe.getsockname()[1]}/") is not None


def test_an_invalid_port_and_an_unknown_name_say_so(online):
    assert unreachable("http://127.0.0.1:99999/") == "'http://127.0.0.1:99999/' has an invalid port"
    reason = unreachable("http://name.invalid/page.html", seconds=2.0)
    assert reason.startswith("cannot resolve name.invalid (") and reason.endswith("is this machine offline?)")
