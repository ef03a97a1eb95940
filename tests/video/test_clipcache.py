"""The segment clip cache's own decisions: a key that tells every input apart,
caching off that still writes work files atomically, and entries that other
users of the folder can read.  (Damaged entries and the size bound are
tested in ``tests/faults/test_outputs.py`` and ``tests/preview/test_parts.py``.)"""

from __future__ import annotations

import os

import pytest

from cuecast.video.clipcache import ClipCache, clip_key, code_version


def test_a_key_tells_every_part_apart():
    key = clip_key("slide", 90, b"\x89PNG")
    assert len(key) == 32 and key == clip_key("slide", 90, b"\x89PNG")
    assert key != clip_key("slide", 91, b"\x89PNG")
    assert clip_key("ab", "c") != clip_key("a", "bc")  # parts are length-prefixed, not run together
    assert clip_key(b"90") != clip_key("90") and clip_key(90) != clip_key("90")  # bytes as bytes, others by repr
    assert clip_key("a", "b") != clip_key("b", "a")
    assert code_version() == code_version() and len(code_version()) == 64


def test_with_caching_off_nothing_is_kept_but_work_files_are_still_atomic(tmp_path):
    off = ClipCache(None)
    assert off.path("k") is None and off.get("k") is None and off.entries() == [] and off.prune() == []
    work = tmp_path / "work" / "segment.mp4"
    with off.store(work) as part:
        assert part.parent == work.parent and part != work
        part.write_bytes(b"clip")
    assert work.read_bytes() == b"clip" and sorted(p.name for p in work.parent.iterdir()) == ["segment.mp4"]
    with pytest.raises(RuntimeError):
        with off.store(work) as part:
            part.write_bytes(b"half")
            raise RuntimeError("ffmpeg failed")
    assert work.read_bytes() == b"clip" and sorted(p.name for p in work.parent.iterdir()) == ["segment.mp4"]


def test_an_entry_is_kept_with_its_sum_and_readable_by_others(tmp_path):
    cache = ClipCache(tmp_path / "cache")
    target = cache.path("k", ".png")
    with cache.store(target) as part:
        part.write_bytes(b"still")
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == ["k.png", "k.png.sum"]
    assert target.stat().st_mode & 0o044 == 0o044 & ~_umask()  # not mkstemp's 0600
    assert cache.used == {"k.png"} and cache.entries() == [target]
    os.utime(target, (1, 1))
    assert cache.get("k", ".png") == target and target.stat().st_mtime > 1  # a hit refreshes the LRU clock


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
