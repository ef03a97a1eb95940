"""The book of input digests: a file whose status proves it untouched is not
read again; any change of its bytes, its status or the book itself is
hashed again and gives the true digest."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

import cuecast.build_record
import cuecast.input_digests
from cuecast.input_digests import DigestBook, digest_book_path


@pytest.fixture
def hashes(monkeypatch):
    """The files hashed, in order (the real hash still runs)."""
    seen = []
    real = cuecast.input_digests.file_hash

    def counting(path):
        seen.append(path.name)
        return real(path)

    monkeypatch.setattr(cuecast.input_digests, "file_hash", counting)
    return seen


def trust_now(monkeypatch):
    """A file changed just before it was booked counts as settled (no racy window)."""
    monkeypatch.setattr(cuecast.build_record, "RACY_NS", -10**12)


def test_a_booked_file_is_not_read_again(tmp_path, hashes, monkeypatch):
    trust_now(monkeypatch)
    model = tmp_path / "voice.onnx"
    model.write_bytes(b"weights" * 1000)
    book_path = digest_book_path(tmp_path)
    first = DigestBook(book_path).digest(model)
    assert first == hashlib.sha256(model.read_bytes()).hexdigest()
    assert DigestBook(book_path).digest(model) == first  # a new process: read from the book
    assert hashes == ["voice.onnx"]
    assert book_path == tmp_path / "build" / ".cache" / "digests.json" and book_path.is_file()


def test_a_file_changed_under_the_same_size_and_times_is_hashed_again(tmp_path, hashes, monkeypatch):
    trust_now(monkeypatch)
    model = tmp_path / "voice.onnx"
    model.write_bytes(b"a" * 4096)
    book = digest_book_path(tmp_path)
    DigestBook(book).digest(model)
    before = model.stat()
    model.write_bytes(b"b" * 4096)
    os.utime(model, ns=(before.st_atime_ns, before.st_mtime_ns))  # as cp -p / touch -r leave it
    assert DigestBook(book).digest(model) == hashlib.sha256(b"b" * 4096).hexdigest()
    assert hashes == ["voice.onnx", "voice.onnx"]


def test_a_file_changed_just_now_is_not_trusted_by_its_status(tmp_path, hashes):
    model = tmp_path / "voice.onnx"
    model.write_bytes(b"fresh")
    book = digest_book_path(tmp_path)
    DigestBook(book).digest(model)
    DigestBook(book).digest(model)
    assert hashes == ["voice.onnx", "voice.onnx"]  # within RACY_NS of its booking


@pytest.mark.parametrize("damage", ["{not json", "[1, 2]", '{"X": {"stamp": [1, 2], "stamped": "no"}}'])
def test_a_damaged_book_is_ignored_and_rewritten(tmp_path, hashes, monkeypatch, damage):
    trust_now(monkeypatch)
    model = tmp_path / "voice.onnx"
    model.write_bytes(b"weights")
    book = digest_book_path(tmp_path)
    book.parent.mkdir(parents=True)
    book.write_text(damage.replace("X", str(model).replace("\\", "\\\\")))
    assert DigestBook(book).digest(model) == hashlib.sha256(b"weights").hexdigest()
    assert DigestBook(book).digest(model) == hashlib.sha256(b"weights").hexdigest()
    assert hashes == ["voice.onnx"]


def test_a_forged_digest_with_another_status_is_not_believed(tmp_path, hashes, monkeypatch):
    trust_now(monkeypatch)
    model = tmp_path / "voice.onnx"
    model.write_bytes(b"weights")
    book = digest_book_path(tmp_path)
    DigestBook(book).digest(model)
    entries = json.loads(book.read_text())
    entries[str(model)]["stamp"][1] = "0" * 64
    entries[str(model)]["stamp"][4] += 1  # another inode: a copied file
    book.write_text(json.dumps(entries))
    assert DigestBook(book).digest(model) == hashlib.sha256(b"weights").hexdigest()
