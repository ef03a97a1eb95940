"""One YAML schema reader for the script and the theme: keys, types,
did-you-mean and locations, written once."""

from __future__ import annotations

import pytest
import yaml

from cuecast.deck.theme import load_theme
from cuecast.errors import ScriptError
from cuecast.schema import SchemaReader, did_you_mean


def _read(text: str):
    reader = SchemaReader("x.yaml")
    return reader, yaml.compose(text)


def test_known_keys_keep_their_nodes_and_unknown_ones_get_a_did_you_mean():
    reader, node = _read("colour: red\nsize: 3\nwhatever: 1\n")
    kept = reader.known(reader.entries(node), ("color", "size"), "theme key")
    assert list(kept) == ["size"]
    assert [(d.location.line, d.message, d.hint) for d in reader.problems] == [
        (1, "unknown theme key 'colour'", "did you mean 'color'?"),
        (3, "unknown theme key 'whatever'", "expected one of: color, size"),
    ]


def test_a_strict_mapping_reports_shape_duplicates_and_unknown_keys():
    reader, node = _read("say: a\nsay: b\nsnipet: x\n")
    entries = reader.mapping(node, "a beat", ("say", "snippet"))
    assert list(entries) == ["say"]
    assert [d.message for d in reader.problems] == [
        "duplicate key 'say' in a beat (first given on line 1)",
        "unknown key 'snipet' in a beat (did you mean 'snippet'?)",
    ]
    reader, node = _read("- a\n")
    assert reader.mapping(node, "a beat", ("say",)) is None
    assert reader.problems[0].message == "a beat must be a mapping (key: value lines), found a list"


def test_merge_keys_apply_in_both_readers():
    reader, node = _read("base: &b {a: 1}\nthing:\n  <<: *b\n  c: 2\n")
    thing = reader.entries(reader.entries(node)["thing"][1])
    assert sorted(thing) == ["a", "c"] and not reader.problems


def test_choice_lists_the_values_and_guesses():
    reader, node = _read("pace: fast\nvoice: espek\n")
    entries = reader.entries(node)
    assert reader.choice(entries, "voice", ("espeak", "none"), "voice") is None
    assert reader.problems[0].message == "unknown voice 'espek' (expected one of: espeak, none)"
    assert reader.problems[0].hint == "did you mean 'espeak'?"
    assert did_you_mean("zzz", ("espeak",)) == ""


def test_the_theme_gets_the_same_did_you_mean(tmp_path):
    theme = tmp_path / "theme.yaml"
    theme.write_text("colors: {acent: '#112233'}\nfontz: {}\n", encoding="utf-8")
    with pytest.raises(ScriptError) as raised:
        load_theme(theme)
    found = [(d.location.line, d.message, d.hint) for d in raised.value.diagnostics]
    assert found[0][:2] == (2, "unknown theme key 'fontz'") and found[0][2] == "did you mean 'fonts'?"
    assert found[1] == (1, "unknown colour 'acent'", "did you mean 'accent'?")
