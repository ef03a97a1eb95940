"""Outputs and caches that were damaged after they were written: a clip cache
entry cut short or edited is a miss (and is made again), never served; a slide
image edited or deleted is drawn again though its layout is unchanged; the
temp folders of a killed build's processes are swept, and nobody else's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from cuecast.atomic import part_target, sweep_orphaned_temp_folders
from cuecast.video.clipcache import ClipCache
from tests.support.paths import TINY


def _put(cache: ClipCache, key: str, data: bytes, suffix: str = ".mp4") -> Path:
    with cache.store(cache.path(key, suffix)) as part:
        part.write_bytes(data)
    return cache.path(key, suffix)


def test_a_clip_entry_is_served_only_with_the_bytes_it_was_written_with(tmp_path):
    cache = ClipCache(tmp_path)
    clip = _put(cache, "clip", b"\0\0\0\x18ftypisom" + bytes(range(256)) * 40)
    audio = _put(cache, "voice", b"\0\0\0\x18ftypM4A " + bytes(1000), ".m4a")
    assert (tmp_path / "clip.mp4.sum").read_text().split()[0] == str(clip.stat().st_size)
    assert cache.get("clip") == clip and cache.get("voice", ".m4a") == audio

    clip.write_bytes(clip.read_bytes()[: clip.stat().st_size // 2])  # cut short, as a crash or a full disk does
    data = bytearray(audio.read_bytes())
    data[-1] ^= 1  # one bit, same size: the "moov atom not found" kind of damage
    audio.write_bytes(bytes(data))
    assert cache.get("clip") is None and cache.get("voice", ".m4a") is None
    assert not clip.exists() and not (tmp_path / "clip.mp4.sum").exists()  # dropped, to be made again
    assert not audio.exists()
    again = _put(cache, "clip", b"made again")
    assert cache.get("clip") == again and again.read_bytes() == b"made again"


def test_an_entry_without_its_sidecar_is_a_miss(tmp_path):
    cache = ClipCache(tmp_path)
    (tmp_path / "old.png").write_bytes(b"an entry from before sums were kept, or renamed in by hand")
    assert cache.get("old", ".png") is None and not (tmp_path / "old.png").exists()


def test_a_failed_write_leaves_neither_entry_nor_sidecar_nor_temp_file(tmp_path):
    cache = ClipCache(tmp_path)
    with pytest.raises(RuntimeError):
        with cache.store(cache.path("broken")) as part:
            part.write_bytes(b"half")
            raise RuntimeError("ffmpeg failed")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_prune_removes_an_entry_with_its_sidecar_and_orphaned_sidecars(tmp_path):
    _put(ClipCache(tmp_path), "gone", b"x" * 100)
    (tmp_path / "gone.mp4").unlink()  # deleted by hand: its sidecar is left
    _put(ClipCache(tmp_path), "old", b"y" * 100)
    cache = ClipCache(tmp_path, max_bytes=0)
    cache.prune()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_an_edited_or_deleted_slide_image_is_drawn_again(tmp_path):
    from cuecast.deck.layout import layout_deck
    from cuecast.deck.raster import write_pngs
    from cuecast.deck.theme import load_theme
    from tests.support.deck_lesson import fake_captures, seed_like_lesson

    lesson = seed_like_lesson()
    deck = SimpleNamespace(slides=layout_deck(lesson, fake_captures(lesson), load_theme()).slides[:3])
    first, second, third = write_pngs(deck, load_theme(), tmp_path)
    drawn = {p: p.read_bytes() for p in (first, second, third)}
    untouched = third.stat().st_mtime_ns, third.stat().st_ino
    second.write_bytes(first.read_bytes())  # a valid PNG, the wrong picture, the name as it was
    first.unlink()
    write_pngs(deck, load_theme(), tmp_path)
    assert {p: p.read_bytes() for p in (first, second, third)} == drawn
    assert (third.stat().st_mtime_ns, third.stat().st_ino) == untouched  # unchanged: not drawn again


def test_temp_folders_of_dead_build_processes_are_swept_and_no_others(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        gone = [tmp_path / f"cuecast-workers-{dead_pid}-k2j4x9ab", tmp_path / f"cuecast-snippet-{dead_pid}-0a1b2c3d-7"]
        kept = [tmp_path / f"cuecast-workers-{live.pid}-k2j4x9ab",  # a build running now
                tmp_path / f"cuecast-snippet-{os.getpid()}-0a1b2c3d-1",
                tmp_path / "cuecast-snippet-0d0ozzrj",  # no pid in the name: cannot tell, left alone
                tmp_path / "cuecast-chromium-u42_pizn", tmp_path / f"other-{dead_pid}-x"]
        for folder in gone + kept:
            (folder / "inside").mkdir(parents=True)
        (tmp_path / f"cuecast-workers-{dead_pid}-file").write_text("a file, not a folder")
        kept.append(tmp_path / f"cuecast-workers-{dead_pid}-file")
        assert sweep_orphaned_temp_folders(tmp_path) == 2
        assert not any(p.exists() for p in gone) and all(p.exists() for p in kept)
    finally:
        live.kill()
        live.wait()


def test_an_error_names_the_output_a_temp_file_stood_for():
    assert part_target(Path("b/slides/.01-title.png.k2j4x9ab.part")) == Path("b/slides/01-title.png")
    assert part_target(Path("b/media/.s004-cast.mp4.1234.139872.part")) == Path("b/media/s004-cast.mp4")
    assert part_target(Path("b/video.mp4")) == Path("b/video.mp4")


def test_write_errors_are_told_apart_from_other_errors():
    """Which errors become a located write failure: any write errno for a
    file under build/ (named as the output its temp file stood for); ffmpeg's
    own words for one (no file); never an error about a file elsewhere."""
    import errno

    from cuecast.build import BuildOptions, DiskFull, LessonBuild, LessonBuilder, WriteFailed
    from cuecast.script import load_lessons

    lesson = load_lessons(TINY / "script" / "tiny.yaml")[0]
    builder = LessonBuilder(LessonBuild(lesson, {}), BuildOptions())
    root = Path(lesson.root)
    part = str(root / "build" / "tiny" / "slides" / ".03-cue-tensors-2.png.k2j4x9ab.part")
    refused = builder._write_failure("slides", errno.EROFS, part)
    assert type(refused) is WriteFailed and refused.exit_code == 1
    assert str(refused) == ("read-only file system while writing the slides of lesson tiny "
                            "(build/tiny/slides/03-cue-tensors-2.png); previous outputs are left as they were.")
    assert "read-only" in refused.hint
    assert isinstance(builder._write_failure("video", errno.ENOSPC, None), DiskFull)
    said = builder._write_failure("video", errno.EACCES, None, writing=True)  # ffmpeg: "Permission denied"
    assert "permission denied while writing the video of lesson tiny (build/tiny)" in str(said)
    assert builder._write_failure("video", errno.EACCES, None) is None  # no file, not a writer: not ours to name
    assert builder._write_failure("check", errno.EACCES, str(root / "snippets" / "shapes.py")) is None
    assert builder._write_failure("slides", errno.ENOENT, part) is None
