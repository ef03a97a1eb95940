"""The values an output's writer reads: a value several writers share is
made once per build, by the first writer that asks for it."""

from __future__ import annotations

from pathlib import Path

from cuecast.defaults import FPS, FRAME_SIZE
from cuecast.model import Lesson, Location
from cuecast.output_context import OutputContext


def context(tmp_path: Path) -> OutputContext:
    lesson = Lesson("l", "L", "script/l.yaml", str(tmp_path), Location("script/l.yaml", 1, 1))
    return OutputContext(lesson, tmp_path / "build" / "l")


def test_a_shared_value_is_made_once_per_build(tmp_path):
    made = []

    def otio_timeline():
        made.append("otio")
        return object()

    first = context(tmp_path)
    timeline = first.shared("otio", otio_timeline)
    assert first.shared("otio", otio_timeline) is timeline and made == ["otio"]  # the EDL's writer reuses it
    assert first.shared("rows", lambda: [1, 2]) == [1, 2]
    second = context(tmp_path)  # another build makes its own
    assert second.shared("otio", otio_timeline) is not timeline and made == ["otio", "otio"]


def test_what_a_stage_has_not_made_is_empty(tmp_path):
    fresh = context(tmp_path)
    assert (fresh.size, fresh.fps) == (FRAME_SIZE, FPS)
    assert fresh.timeline is None and fresh.deck is None and fresh.video is None and fresh.pdf is None
    assert dict(fresh.captures) == {} and dict(fresh.outputs) == {} and tuple(fresh.slides) == ()
    assert "_shared" not in repr(fresh)
