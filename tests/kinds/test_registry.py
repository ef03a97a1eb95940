"""Cue kinds in one place: every stage's table covers every kind, and an
unknown kind is a located error in every stage, never a silent default."""

from __future__ import annotations

import importlib

import pytest

from cuecast import kinds
from cuecast.errors import CuecastError
from cuecast.kinds import CUE_KEYS, CUE_KINDS, KINDS, REGISTERED, STAGES, table
from cuecast.model import SEGMENT_KINDS, Cue, Location


def _load_stages() -> None:
    for module in STAGES:
        importlib.import_module(module)


def test_every_stage_registers_its_tables():
    _load_stages()
    expected = {name for names in STAGES.values() for name in names}
    assert expected <= set(REGISTERED), f"stages without their table: {sorted(expected - set(REGISTERED))}"


@pytest.mark.parametrize("stage", sorted({name for names in STAGES.values() for name in names}))
def test_each_table_covers_every_kind(stage):
    _load_stages()
    made = REGISTERED[stage]
    wanted = set(SEGMENT_KINDS) if made.what == "segment kind" else set(CUE_KINDS)
    assert set(made) == wanted


def test_a_table_missing_a_kind_is_refused_at_import():
    with pytest.raises(ValueError, match="no entry for terminal"):
        table("test stage", {"vscode": 1, "slides": 2, "browser": 3})
    with pytest.raises(ValueError, match="unknown cue kinds webcam"):
        table("test stage", {**{kind: 0 for kind in CUE_KINDS}, "webcam": 1})
    REGISTERED.pop("test stage", None)


def test_unknown_kind_never_becomes_a_slide_anywhere():
    """What used to fall through: the plan, the deck, the exports, the review page."""
    _load_stages()
    cue = Cue(kind="webcam", id="s-1", location=Location("script/x.yaml", 5, 15))
    for stage, made in REGISTERED.items():
        if made.what != "cue kind":
            continue
        with pytest.raises(CuecastError):
            made.lookup(cue.kind, cue.location)
    with pytest.raises(CuecastError):
        kinds.kind_of(cue)


def test_each_kind_keys_are_cue_keys_and_every_cue_key_has_a_kind():
    for kind in KINDS.values():
        assert set(kind.keys) <= set(CUE_KEYS)
    assert set(CUE_KEYS) == {key for kind in KINDS.values() for key in kind.keys}


def test_segment_media_names_come_from_the_segment_kind():
    from cuecast.model import Segment

    assert Segment("s000-title", "slide", 0, 1, "").media_name == "s000-title.png"
    assert Segment("s001-x", "terminal", 1, 2, "x").media_name == "s001-x.mp4"
    with pytest.raises(KeyError):
        Segment("s002-y", "webcam", 2, 3, "y").media_name
