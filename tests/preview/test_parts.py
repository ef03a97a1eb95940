"""The preview's parts on their own, without a browser: the clip cache keeps
earlier versions within its size bound, and the warm worker is kept between
saves.  The server, the event hub and the page state are tested beside their
modules (test_server, test_events, test_patch)."""

from __future__ import annotations

import os

import pytest

from cuecast.preview.events import EventHub
from cuecast.video.clipcache import ClipCache


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
