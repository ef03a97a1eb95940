"""``model``: the plain records every stage shares, and the few answers they
own (where a field was written, which cues run, a segment's media name)."""

from __future__ import annotations

from cuecast.model import (STATUS_ERROR, STATUS_EXPECTED_ERROR, STATUS_OK, Beat, Capture, CellResult, Cue, Lesson,
                           Location, Section, Segment, Timeline, field_location, then_id)

HERE = Location("script/a.yaml", 1, 1)


def cue(id: str, kind: str = "vscode", **fields) -> Cue:
    return Cue(kind, id, Location("script/a.yaml", 5, 9), **fields)


def lesson() -> Lesson:
    sub = Section("sub", "Sub", HERE, beats=(Beat("sub-1", HERE, cue=cue("sub-1", snippet="snippets/b.py")),),
                  level=2)
    first = Section("one", "One", HERE, beats=(
        Beat("one-1", HERE, bullet="Hi"),
        Beat("one-2", HERE, cue=cue("one-2", snippet="snippets/a.py", cell=2)),
        Beat("one-3", HERE, cue=cue("one-3", kind="browser", url="https://a.org")),
    ), subsections=(sub,))
    second = Section("two", "Two", HERE, beats=(Beat("two-1", HERE, cue=cue("two-1", snippet="snippets/a.py")),))
    return Lesson("a", "The `Tensor`", "script/a.yaml", "/p", HERE, sections=(first, second))


def test_a_lesson_walks_sections_beats_and_cues_in_spoken_order():
    walked = lesson()
    assert [s.id for s in walked.walk()] == ["one", "sub", "two"]
    assert [b.id for _, b in walked.beats()] == ["one-1", "one-2", "one-3", "sub-1", "two-1"]
    assert [c.id for _, _, c in walked.cues("browser")] == ["one-3"]
    assert [c.id for c in walked.snippet_cues()] == ["one-2", "sub-1"]  # each snippet once, first cue first
    assert walked.selects_cells("snippets/a.py") and not walked.selects_cells("snippets/b.py")
    assert walked.plain_title == "The Tensor"


def test_a_location_prints_as_the_file_or_its_line_and_column():
    assert (str(Location("a.yaml")), str(Location("a.yaml", 3)), str(Location("a.yaml", 3, 7))) == (
        "a.yaml", "a.yaml:3:1", "a.yaml:3:7")


def test_a_field_is_located_where_it_was_written_else_at_its_item():
    written = Location("script/a.yaml", 7, 18)
    with_caption = cue("c", kind="slides", fields=(("caption", written),))
    assert field_location(with_caption, "title", "caption") == written
    assert field_location(with_caption, "title") == with_caption.location
    assert then_id("one-2") == "one-2.then"


def test_what_passed_and_what_a_cell_printed():
    assert Capture("a.py", STATUS_OK, "").passed and Capture("a.py", STATUS_EXPECTED_ERROR, "").passed
    assert not Capture("a.py", STATUS_ERROR, "").passed
    cell = CellResult(0, 1, "T", 3, 5, STATUS_OK, streams=(("stdout", "a\n"), ("stderr", "b\n"), ("result", "3")))
    assert cell.output == "a\nb\n3"


def test_segment_media_names_and_durations_follow_their_kind():
    still = Segment("s1", "slide", 0.0, 2.5, "one")
    clip = Segment("s2", "vscode", 2.5, 6.0, "one")
    assert (still.media_name, clip.media_name) == ("s1.png", "s2.mp4")
    assert clip.duration == 3.5
    assert Timeline("a", "A", (still, clip), ()).duration == 6.0
    assert Timeline("a", "A", (), ()).duration == 0.0
