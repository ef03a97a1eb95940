"""The two shapes a cue kind is made of: a ``CueKind`` refuses keys no cue
has, and a ``KindTable`` refuses a table that misses a kind or names an
unknown one, and says where when asked for a kind it has no entry for."""

from __future__ import annotations

import pytest

from cuecast.errors import CuecastError
from cuecast.kinds import CUE_KINDS
from cuecast.kinds.base import CUE_KEYS, CueKind, KindTable
from cuecast.model import Location


def test_a_kind_no_table_knows_is_a_located_error():
    made = KindTable("layout", {kind: kind for kind in CUE_KINDS}, CUE_KINDS)
    where = Location("script/x.yaml", 7, 15)
    with pytest.raises(CuecastError) as raised:
        made.lookup("webcam", where)
    assert raised.value.location == where
    assert "cannot handle cue kind 'webcam'" in raised.value.message


def test_a_kind_with_a_key_no_cue_has_is_refused():
    with pytest.raises(ValueError, match="webcam.*colour"):
        CueKind("webcam", ("colour",), "SHOW ON WEBCAM", str, str, lambda cue: None)


def test_a_table_names_what_it_misses_and_what_it_does_not_know():
    with pytest.raises(ValueError) as raised:
        KindTable("export", {"vscode": 1, "webcam": 2}, ("vscode", "slides", "browser"))
    assert str(raised.value) == ("the export table of cue kinds has no entry for slides, browser; "
                                 "entries for unknown cue kinds webcam")
    with pytest.raises(ValueError, match="the clip table of segment kinds has no entry for still"):
        KindTable("clip", {}, ("still",), what="segment kind")


def test_a_kind_registered_later_is_found_and_can_be_taken_out():
    made = KindTable("layout", {kind: kind.upper() for kind in CUE_KINDS}, CUE_KINDS)
    assert list(made) == list(CUE_KINDS) and len(made) == len(CUE_KINDS)
    made["notepad"] = "NOTEPAD"
    assert made.lookup("notepad") == "NOTEPAD" and made.lookup("vscode") == "VSCODE"
    del made["notepad"]
    with pytest.raises(CuecastError) as raised:
        made.lookup("notepad")
    assert raised.value.message.endswith(f"(it knows: {', '.join(CUE_KINDS)})")


def test_a_kind_takes_only_cue_keys_and_defaults_to_running_nothing():
    kind = CueKind("notepad", ("caption", "title"), "SHOW IN NOTEPAD", str, str, lambda cue: None)
    assert set(kind.keys) <= set(CUE_KEYS)
    assert (kind.runs, kind.says_then, kind.shows_page, kind.typed(object())) == ("nothing", False, False, "")
