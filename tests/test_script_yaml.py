"""``script_yaml``: the guard at the door.  A script that is not UTF-8, too
big, not valid YAML or built to explode is a located error, and merge keys
and YAML 1.1 surprises are read as an author means them."""

from __future__ import annotations

from functools import partial

import pytest

from cuecast.errors import ScriptError
from cuecast.script import load_lesson
from cuecast.script_yaml import (MAX_ALIASES, MAX_NESTING, compose_script, decode_utf8, describe, mapping_pairs,
                                 read_script_text)
from tests.support.script_errors import problems_in
from tests.support.script_project import beat, snippet_project  # noqa: F401 (a fixture)

#: These tests compare a problem's line, column and message.
problems = partial(problems_in, hints=False)

#: (name, script, [(line, col, message), ...]) — every diagnostic, exactly.
YAML_CASES = [
    ("invalid-yaml", "lesson: 'T\nsections: []\n",
     [(1, 9, "invalid YAML: while scanning a quoted scalar, found unexpected end of stream")]),
    ("tab-indent", "lesson: T\nsections:\n\t- title: S\n",
     [(3, 1, "tab character in the YAML; indent with spaces, YAML does not allow tabs here")]),
    ("two-documents", "lesson: T\n---\nlesson: U\n",
     [(2, 1, "invalid YAML: expected a single document in the stream, but found another document")]),
    ("control-char", "lesson: T\x07\nsections: []\n",
     [(1, 10, "invalid YAML: control character U+0007 is not allowed")]),
    ("merge-key-not-mapping", beat("say: hi", "<<: [a, 3]"),
     [(6, 14, "a merge key ('<<') takes a mapping or a list of them (e.g. <<: *common), found a string ('a')"),
      (6, 17, "a merge key ('<<') takes a mapping or a list of them (e.g. <<: *common), found an integer (3)")]),
    ("unsupported-tag", "lesson: !!python/object:os.system T\nsections:\n  - title: S\n",
     [(1, 9, "'lesson' has the unsupported YAML tag tag:yaml.org,2002:python/object:os.system")]),
    ("unreadable-int", beat("say: !!int ''"),
     [(5, 14, "'say' has a value '' that is not a valid !!int")]),
]


@pytest.mark.parametrize("name,text,expected", YAML_CASES, ids=[case[0] for case in YAML_CASES])
def test_every_yaml_error_has_its_message_and_place(snippet_project, name, text, expected):
    assert problems(snippet_project, text) == expected


def test_non_utf8_script_reports_the_line_of_the_bad_byte(snippet_project):
    path = snippet_project / "script" / "latin.yaml"
    path.write_bytes(b"lesson: T\nsections:\n  - title: Caf\xe9\n")
    with pytest.raises(ScriptError) as caught:
        load_lesson(path)
    (d,) = caught.value.diagnostics
    assert (d.location.line, d.location.col) == (3, 15)
    assert d.message == "the script is not UTF-8 text (byte 0xe9 at byte offset 34)"


def test_script_over_two_megabytes_is_refused(snippet_project):
    path = snippet_project / "script" / "huge.yaml"
    path.write_text("lesson: T\n" + "# padding\n" * 230_000, encoding="utf-8")
    with pytest.raises(ScriptError) as caught:
        load_lesson(path)
    (d,) = caught.value.diagnostics
    assert d.location.line == 0
    assert d.message == "the script is 2.2 MB; files over 2 MB are refused"


def test_too_many_aliases_are_refused(snippet_project):
    aliases = ", ".join(["*a"] * (MAX_ALIASES + 1))
    found = problems(snippet_project, f"x: &a hi\nlesson: T\nsections: [{aliases}]\n")
    assert len(found) == 1
    assert found[0][:2] == (3, 12 + 4 * MAX_ALIASES)
    assert found[0][2].startswith(f"too many YAML aliases (more than {MAX_ALIASES})")


def test_alias_expansion_bomb_is_refused_with_few_aliases(snippet_project):
    # nine levels of ten aliases each: 90 aliases, a billion values expanded
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        refs = ", ".join([f"*l{level - 1}"] * 10)
        lines.append(f"l{level}: &l{level} [{refs}]")
    found = problems(snippet_project, "\n".join(lines) + "\nlesson: T\nsections: [{title: S}]\n")
    assert len(found) == 1
    assert "expands to more than 1,000,000 values through its aliases" in found[0][2]


def test_recursive_alias_is_refused(snippet_project):
    found = problems(snippet_project, "lesson: T\nsections: &s [*s]\n")
    assert found == [(2, 11, "a YAML alias refers to itself (a cycle)")]


def test_a_few_aliases_are_fine(snippet_project):
    path = snippet_project / "script" / "anchors.yaml"
    path.write_text("lesson: T\nsections:\n  - title: A\n    beats: &b\n      - say: hi\n"
                    "  - title: B\n    beats: *b\n", encoding="utf-8")
    lesson = load_lesson(path)
    assert [b.id for _, b in lesson.beats()] == ["a-1", "b-1"]


def test_merge_keys_share_cue_fields_and_written_keys_win(snippet_project):
    path = snippet_project / "script" / "case.yaml"
    path.write_text(
        "lesson: T\nsections:\n  - title: S\n    beats:\n"
        "      - &code\n        show: vscode\n        snippet: snippets/ok.py\n        lines: 1-3\n        say: first\n"
        "      - <<: *code\n        lines: 4-5\n        say: second\n"
        "      - <<: [*code]\n        say: third\n")
    beats = [beat for _, beat in load_lesson(path).beats()]
    assert [(b.cue.snippet, b.cue.lines, b.say) for b in beats] == [
        ("snippets/ok.py", (1, 3), "first"), ("snippets/ok.py", (4, 5), "second"), ("snippets/ok.py", (1, 3), "third")]
    assert [b.id for b in beats] == ["s-1", "s-2", "s-3"]


def test_a_problem_in_a_merged_value_is_reported_once_where_it_is_written(snippet_project):
    text = ("lesson: T\nsections:\n  - title: S\n    beats:\n"
            "      - &code\n        show: vscode\n        snippet: snippets/ok.py\n        lines: 40-50\n"
            "      - <<: *code\n        say: again\n")
    assert problems(snippet_project, text) == [(8, 16, "'lines' 40-50 runs past the end of snippets/ok.py (7 lines)")]


@pytest.mark.parametrize("value, message", [
    ("1:30", "'lines' is 1:30, which YAML 1.1 reads as the base-60 number 90, not a line range"),
    ("010", "'lines' is 010, which YAML 1.1 reads as the octal number 8, not a line range"),
    ("0x3", "'lines' is 0x3, which YAML 1.1 reads as the hexadecimal number 3, not a line range"),
])
def test_yaml_11_numbers_are_refused_where_a_range_is_meant(snippet_project, value, message):
    text = ("lesson: T\nsections:\n  - title: S\n    beats:\n      - show: vscode\n"
            f"        snippet: snippets/ok.py\n        lines: {value}\n")
    assert problems(snippet_project, text) == [(7, 16, message)]


def test_a_base_60_title_says_what_yaml_read(snippet_project):
    text = "lesson: T\nsections:\n  - title: 12:30\n"
    assert problems(snippet_project, text) == [
        (3, 12, "'title' must be a string, found an integer (12:30, which YAML 1.1 reads as the base-60 number 750)")]


@pytest.mark.parametrize("depth", [MAX_NESTING + 5, 10_000])
def test_deep_nesting_is_refused_at_its_line(snippet_project, depth):
    text = "lesson: T\nsections:\n  - title: S\n    beats:\n      - say: hi\n        points: " + \
        "[" * depth + "]" * depth + "\n"
    [(line, col, message)] = problems(snippet_project, text)
    assert line == 6 and col > 16
    assert message == f"the YAML nests lists and mappings more than {MAX_NESTING} levels deep here"


# --- the node helpers the parser reads through ---------------------------------


def node_of(text: str):
    return compose_script(f"v: {text}\n", "t.yaml").value[0][1]


@pytest.mark.parametrize("text, described", [
    ("[1]", "a list"), ("{a: 1}", "a mapping"), ("~", "nothing (null)"), ("yes", "a boolean (true)"),
    ("0x1F", "an integer (0x1F, which YAML 1.1 reads as the hexadecimal number 31)"), ("42", "an integer (42)"),
    ("1_000", "an integer (1_000, which YAML 1.1 reads as the number 1000)"), ("2.50", "a number (2.5)"),
    ("'010'", "a string ('010')"), ("2024-01-31", "a date (2024-01-31)"),
    ("!!binary aGk=", "a value with the unsupported YAML tag tag:yaml.org,2002:binary"),
])
def test_describe_names_what_a_value_holds_as_yaml_read_it(text, described):
    assert describe(node_of(text)) == described


def test_an_earlier_merged_mapping_wins_over_a_later_one_and_written_keys_over_both():
    root = compose_script("a: &a {x: 1, y: 1}\nb: &b {x: 2, z: 2}\nc: {<<: [*a, *b], y: 3}\n", "t.yaml")
    pairs, problems_found = mapping_pairs(root.value[2][1])
    assert {key.value: value.value for key, value in pairs} == {"x": "1", "y": "3", "z": "2"}
    assert problems_found == []


def test_bytes_decode_without_a_bom_and_a_bad_byte_is_located():
    assert decode_utf8("\ufeffa: é\n".encode(), "t.yaml") == "a: é\n"
    with pytest.raises(ScriptError) as caught:
        decode_utf8(b"a: 1\nb: caf\xe9\n", "t.yaml", "theme")
    [problem] = caught.value.diagnostics
    assert (str(problem.location), problem.message) == (
        "t.yaml:2:7", "the theme is not UTF-8 text (byte 0xe9 at byte offset 11)")


def test_an_empty_document_is_no_node_and_a_folder_is_no_script(tmp_path):
    assert compose_script("# only a comment\n", "t.yaml") is None
    with pytest.raises(ScriptError, match="the script is a folder, not a file"):
        read_script_text(tmp_path, "script")
