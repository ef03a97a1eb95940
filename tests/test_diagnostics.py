"""``diagnostics``: a problem shown as compilers show one, the source line
read back from the file and a caret under the column."""

from __future__ import annotations

from pathlib import Path

import pytest

from cuecast.diagnostics import format_diagnostic, format_diagnostics
from cuecast.errors import Diagnostic, ScriptError
from cuecast.model import Location
from cuecast.script import load_lesson
from tests.support.paths import PROJECT

BROKEN = "tests/fixtures/scripts/script/broken.yaml"


def test_format_diagnostics_puts_the_caret_under_the_bad_value(monkeypatch):
    monkeypatch.chdir(PROJECT)
    with pytest.raises(ScriptError) as caught:
        load_lesson(BROKEN)
    text = format_diagnostics(caught.value.diagnostics, Path.cwd())
    lines = text.splitlines()
    head = f"{BROKEN}:6:15 │ unknown cue kind 'vscod' (expected one of: vscode, slides, browser, terminal)"
    pad = " " * len(f"{BROKEN}:6:15")
    assert lines[:4] == [
        head,
        f"{pad} │       - show: vscod",
        f"{pad} │               ^",
        f"{pad} │ hint: did you mean 'vscode'?",
    ]
    # the caret sits under the first character of the bad value
    source, caret = lines[1], lines[2]
    assert source[caret.index("^"):].startswith("vscod")
    assert [line.split(" │ ")[0] for line in lines if not line.startswith(" ")] == [
        f"{BROKEN}:6:15", f"{BROKEN}:7:18", f"{BROKEN}:10:14", f"{BROKEN}:11:12",
    ]




def test_a_relative_path_is_read_from_the_base_and_tabs_become_spaces(tmp_path):
    (tmp_path / "s.yaml").write_text("a: 1\n\tb: 2\n")
    text = format_diagnostic(Diagnostic(Location("s.yaml", 2, 2), "tab here", "indent with spaces"), tmp_path)
    assert text.splitlines() == ["s.yaml:2:2 │ tab here", "           │  b: 2", "           │  ^",
                                 "           │ hint: indent with spaces"]


def test_no_source_line_when_the_file_or_the_line_is_not_there(tmp_path):
    (tmp_path / "s.yaml").write_text("one line\n")
    assert format_diagnostic(Diagnostic(Location("s.yaml", 5, 1), "past the end"), tmp_path) == \
        "s.yaml:5:1 │ past the end"
    assert format_diagnostic(Diagnostic(Location("gone.yaml", 1, 1), "no file"), tmp_path) == \
        "gone.yaml:1:1 │ no file"
    assert format_diagnostic(Diagnostic(Location("s.yaml"), "the whole file"), tmp_path) == "s.yaml │ the whole file"


def test_a_long_line_is_cut_and_a_caret_past_it_is_left_out(tmp_path):
    (tmp_path / "s.yaml").write_bytes(b"x" * 300 + b"\nshort \xff\n")
    long = format_diagnostic(Diagnostic(Location("s.yaml", 1, 250), "far"), tmp_path).splitlines()
    assert long[1].endswith(" │ " + "x" * 200 + "…") and len(long) == 2
    bad_byte = format_diagnostic(Diagnostic(Location("s.yaml", 2, 7), "byte"), tmp_path).splitlines()
    assert bad_byte[1].endswith(" │ short \ufffd") and bad_byte[2].endswith(" │       ^")
