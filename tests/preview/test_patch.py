"""The page state of a lesson's open pages: a patch holds only the
fragments and list orders that changed, an item dropped from a list is
forgotten, and a segment version the pages have not seen is announced once."""

from __future__ import annotations

from dataclasses import dataclass

from cuecast.preview.patch import PageState, Patch


def test_the_page_state_sends_only_what_changed():
    state = PageState()
    first = state.update({"a": "<p>1</p>", "t1": "<img>"}, {"thumbs": ["t1"]})
    assert first.fragments.keys() == {"a", "t1"} and first.lists == {"thumbs": ["t1"]}
    again = state.update({"a": "<p>1</p>", "t1": "<img>", "t2": "<img2>"}, {"thumbs": ["t1", "t2"]})
    assert again.fragments == {"t2": "<img2>"} and again.lists == {"thumbs": ["t1", "t2"]}
    assert not state.update({"a": "<p>1</p>"}, {"thumbs": ["t1", "t2"]})

    @dataclass
    class Clip:
        key: str
        frames: int = 10

    assert state.changed_segments([Clip("k1"), Clip("k2")]) == []  # the first build: what the page shows
    assert [c.key for c in state.changed_segments([Clip("k1"), Clip("k3")])] == ["k3"]
    assert [c.key for c in state.changed_segments([Clip("k1"), Clip("k2")])] == ["k2"]  # undo: announced too


def test_an_item_dropped_from_a_list_is_sent_again_when_it_comes_back():
    state = PageState()
    state.update({"t1": "<img1>", "t2": "<img2>"}, {"thumbs": ["t1", "t2"]})
    dropped = state.update({}, {"thumbs": ["t1"]})
    assert dropped.lists == {"thumbs": ["t1"]} and not dropped.fragments
    assert "t2" not in state.snapshot().fragments
    back = state.update({"t2": "<img2>"}, {"thumbs": ["t1", "t2"]})
    assert back.fragments == {"t2": "<img2>"}  # a page that dropped it needs its HTML again


def test_a_snapshot_is_a_copy_a_new_page_can_keep():
    state = PageState()
    state.update({"a": "<p>1</p>"}, {"snippets": ["a"]})
    snapshot = state.snapshot()
    state.update({"a": "<p>2</p>"}, {"snippets": ["a", "b"]})
    assert snapshot.as_data() == {"fragments": {"a": "<p>1</p>"}, "lists": {"snippets": ["a"]}}
    assert not Patch() and Patch(lists={"x": []})


def test_a_segment_with_no_frames_is_not_announced():
    @dataclass
    class Clip:
        key: str
        frames: int

    state = PageState()
    state.changed_segments([Clip("k1", 10)])
    assert [c.key for c in state.changed_segments([Clip("k2", 0), Clip("k3", 5)])] == ["k3"]
