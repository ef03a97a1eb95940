"""cuecast.build_record: a stage is current only while every file it wrote
still holds the bytes it wrote (size and hash), not merely while it exists."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from cuecast.build_record import BuildRecord


@pytest.fixture
def built(tmp_path) -> tuple[BuildRecord, dict[str, Path]]:
    """A record of one stage that wrote a file and a folder of images."""
    deck = tmp_path / "slides.pptx"
    deck.write_bytes(b"PK" + bytes(range(256)) * 8)
    images = tmp_path / "slides"
    images.mkdir()
    for n in range(1, 4):
        (images / f"0{n}-slide.png").write_bytes(bytes([n]) * 1000)
    (images / ".drawn.json").write_text("{}")  # bookkeeping, not an output
    record = BuildRecord(tmp_path)
    record.remember("slides", "print", {"deck": deck, "slide images": images})
    return BuildRecord(tmp_path), {"deck": deck, "images": images}


def test_the_record_keeps_size_and_hash_of_every_file_written(built):
    record, paths = built
    files = json.loads(record.path.read_text())["stages"]["slides"]["files"]
    assert sorted(files) == ["slides.pptx", "slides/01-slide.png", "slides/02-slide.png", "slides/03-slide.png"]
    assert files["slides/02-slide.png"][0] == 1000 and len(files["slides/02-slide.png"][1]) == 64
    assert record.is_current("slides", "print") and record.changed_files("slides") == []
    assert not record.is_current("slides", "other print")


def test_a_file_deleted_from_a_folder_output_makes_the_stage_run_again(built):
    record, paths = built
    (paths["images"] / "02-slide.png").unlink()
    assert not record.is_current("slides", "print")
    assert record.changed_files("slides") == [paths["images"] / "02-slide.png"]


def test_an_edit_that_keeps_the_size_is_still_seen(built):
    record, paths = built
    data = bytearray(paths["deck"].read_bytes())
    data[100] ^= 0xFF  # one byte changed in place, size and name as they were
    paths["deck"].write_bytes(bytes(data))
    assert not record.is_current("slides", "print")
    assert record.changed_files("slides") == [paths["deck"]]


def test_a_truncated_file_is_seen_without_hashing_it(built, monkeypatch):
    record, paths = built
    image = paths["images"] / "03-slide.png"
    image.write_bytes(image.read_bytes()[:10])
    import cuecast.build_record as module

    hashed = []
    real = module.file_hash
    monkeypatch.setattr(module, "file_hash", lambda path: hashed.append(Path(path)) or real(path))
    assert record.changed_files("slides") == [image]
    assert image not in hashed  # its size already differs


def test_an_edit_of_a_hidden_bookkeeping_file_is_not_an_output_change(built):
    record, paths = built
    (paths["images"] / ".drawn.json").write_text('{"changed": 1}')
    assert record.is_current("slides", "print")


def test_a_record_from_before_hashes_were_kept_is_not_current(tmp_path):
    out = tmp_path / "code.ipynb"
    out.write_text("{}")
    (tmp_path / ".build.json").write_text(json.dumps(
        {"stages": {"notebook": {"fingerprint": "f", "outputs": {"notebook": "code.ipynb"}, "extra": None}}}))
    record = BuildRecord(tmp_path)
    assert record.changed_files("notebook") is None
    assert not record.is_current("notebook", "f")  # runs once more, and then records the hashes
    record.remember("notebook", "f", {"notebook": out})
    assert BuildRecord(tmp_path).is_current("notebook", "f")


def test_a_hashed_file_recorded_outside_the_build_folder_is_not_current(tmp_path):
    build = tmp_path / "build" / "l"
    build.mkdir(parents=True)
    (tmp_path / "elsewhere.txt").write_text("x")
    (build / ".build.json").write_text(json.dumps({"stages": {"review": {
        "fingerprint": "f", "outputs": {}, "files": {"../../elsewhere.txt": [1, "0" * 64]}}}}))
    assert not BuildRecord(build).is_current("review", "f")


def test_the_record_is_still_importable_from_cuecast_build():
    import cuecast.build
    import cuecast.build_record

    assert cuecast.build.BuildRecord is cuecast.build_record.BuildRecord
    assert cuecast.build.RECORD_NAME == ".build.json"


def hashes(monkeypatch) -> list[Path]:
    """The files ``cuecast.build_record`` hashes from now on."""
    import cuecast.build_record as module

    hashed: list[Path] = []
    real = module.file_hash
    monkeypatch.setattr(module, "file_hash", lambda path: hashed.append(Path(path)) or real(path))
    return hashed


def test_files_changed_well_before_the_record_are_only_statted(built, monkeypatch):
    import cuecast.build_record as module

    monkeypatch.setattr(module, "RACY_NS", 0)  # as if the record were written well after the files
    record, paths = built
    hashed = hashes(monkeypatch)
    assert BuildRecord(record.dir).is_current("slides", "print") and hashed == []


def test_an_edit_with_its_times_put_back_is_still_seen(built, monkeypatch):
    import os

    import cuecast.build_record as module

    monkeypatch.setattr(module, "RACY_NS", 0)
    record, paths = built
    time.sleep(0.05)  # past the clock tick the record was written in (the kernel's times are coarse)
    before = paths["deck"].stat()
    data = bytearray(paths["deck"].read_bytes())
    data[7] ^= 0xFF
    paths["deck"].write_bytes(bytes(data))
    os.utime(paths["deck"], ns=(before.st_atime_ns, before.st_mtime_ns))  # touch -r: same size and mtime
    hashed = hashes(monkeypatch)
    assert BuildRecord(record.dir).changed_files("slides") == [paths["deck"]]
    assert hashed == [paths["deck"]]  # its change time gave it away, and its bytes


def test_files_just_recorded_are_hashed_until_their_status_can_be_trusted(built, monkeypatch):
    record, paths = built
    hashed = hashes(monkeypatch)
    assert BuildRecord(record.dir).is_current("slides", "print")
    assert len(hashed) == 4  # written within RACY_NS of the record: a same-tick rewrite would look the same


def test_files_hashed_and_found_unchanged_are_stamped_for_the_next_check(built, monkeypatch):
    import cuecast.build_record as module

    record, paths = built
    data = json.loads(record.path.read_text())
    for text, stamp in data["stages"]["slides"]["files"].items():
        data["stages"]["slides"]["files"][text] = stamp[:2]  # as a record of size and hash only
    record.path.write_text(json.dumps(data))
    monkeypatch.setattr(module, "RACY_NS", 0)
    hashed = hashes(monkeypatch)
    assert BuildRecord(record.dir).is_current("slides", "print") and len(hashed) == 4
    hashed.clear()
    assert BuildRecord(record.dir).is_current("slides", "print") and hashed == []
    assert all(len(stamp) == 5 for stamp in json.loads(record.path.read_text())["stages"]["slides"]["files"].values())


def test_a_record_that_cannot_be_restamped_is_still_current(built, monkeypatch):
    import cuecast.build_record as module

    record, paths = built
    monkeypatch.setattr(module, "RACY_NS", 0)
    data = json.loads(record.path.read_text())
    data["stages"]["slides"].pop("stamped")  # as a record that must hash its files
    record.path.write_text(json.dumps(data))

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(module, "write_text", refused)  # a read-only build folder
    assert BuildRecord(record.dir).is_current("slides", "print")


def test_only_outputs_inside_the_build_folder_resolve(tmp_path):
    record = BuildRecord(tmp_path / "build" / "lesson")
    assert record.resolve("slides/01.png") == tmp_path / "build" / "lesson" / "slides" / "01.png"
    assert record.resolve("media/../video.mp4") == tmp_path / "build" / "lesson" / "media" / ".." / "video.mp4"
    assert record.resolve(".") == tmp_path / "build" / "lesson"
    for outside in ("../other/video.mp4", "../lesson-two/video.mp4", "media/../../x", "/etc/passwd",
                    str(tmp_path / "build" / "lesson-two" / "a.png")):
        assert record.resolve(outside) is None, outside
    assert record.resolve(str(tmp_path / "build" / "lesson" / "a.png")) == tmp_path / "build" / "lesson" / "a.png"
