"""cuecast.atomic: outputs land whole, and are never shared with a cache."""

from __future__ import annotations

import os
from pathlib import Path

from cuecast.atomic import copy_into_place, write_text


def test_an_output_is_a_copy_so_editing_it_in_place_leaves_the_cache_alone(tmp_path: Path):
    cache = write_text(tmp_path / "cache" / "clip.bin", "the cached clip")
    output = tmp_path / "build" / "media" / "s001.bin"
    copy_into_place(cache, output)
    assert output.read_text() == "the cached clip" and not os.path.samefile(cache, output)
    with open(output, "r+") as handle:  # a player or an author rewrites the output in place
        handle.write("EDITED")
    assert cache.read_text() == "the cached clip"
    copy_into_place(cache, output)  # the next build puts the cache's bytes back
    assert output.read_text() == "the cached clip"
    assert not list(output.parent.glob(".*.part"))


def test_an_old_hard_link_into_the_cache_is_replaced_by_a_copy(tmp_path: Path):
    cache = write_text(tmp_path / "cache.bin", "bytes")
    output = tmp_path / "out.bin"
    os.link(cache, output)
    copy_into_place(cache, output)
    assert output.read_text() == "bytes" and not os.path.samefile(cache, output)


def test_a_target_that_already_holds_the_bytes_is_not_rewritten(tmp_path: Path):
    cache = write_text(tmp_path / "cache.bin", "same")
    output = write_text(tmp_path / "out.bin", "same")
    before = output.stat().st_ino
    copy_into_place(cache, output)
    assert output.stat().st_ino == before


def test_a_killed_builds_leftovers_are_swept_and_nothing_else(tmp_path: Path):
    import time

    from cuecast.atomic import sweep_leftovers

    build = tmp_path / "build"
    old = time.time() - 3600
    leftovers = [build / "l" / ".video.mp4.abc123.part", build / ".cache" / "captures" / ".k.json.x1.part",
                 build / "l" / ".video-q8z2abcd" / "narration.wav"]
    keep = [build / "l" / "video.mp4", build / "l" / "notes.part", build / "l" / ".fresh.png.zz.part",
            build / "l" / ".video-cache" / "0123abcd.mp4"]
    for path in leftovers + keep:
        write_text(path, "x")
    for path in leftovers + keep[:2] + [build / "l" / ".video-q8z2abcd", build / "l" / ".video-cache"]:
        os.utime(path, (old, old))
    assert sweep_leftovers(build) == 3  # two part files and the work folder
    assert not any(p.exists() for p in leftovers) and not (build / "l" / ".video-q8z2abcd").exists()
    assert all(p.exists() for p in keep)  # an output, a file not named by cuecast, a fresh part file, the clip cache
