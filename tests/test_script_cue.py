"""``script_cue``: a beat's ``show:`` and the keys that go with it, each
mistake located (the kinds' own checks: tests/kinds/)."""

from __future__ import annotations

from functools import partial

import pytest

from cuecast.script import load_lesson
from tests.support.script_errors import problems_in
from tests.support.script_project import UNKNOWN_KIND, beat, snippet_project  # noqa: F401 (a fixture)

#: These tests compare a problem's line, column and message.
problems = partial(problems_in, hints=False)

#: (name, script, [(line, col, message), ...]) — every diagnostic, exactly.
CUE_CASES = [
    # --- cues ---
    ("unknown-kind", beat("show: vscod", "say: hi"), [(5, 15, UNKNOWN_KIND)]),
    ("kind-not-string", beat("show: [vscode]"), [(5, 15, "'show' must be a string, found a list")]),
    ("unknown-diagram", beat("show: slides", "diagram: graph"),
     [(6, 18, "unknown diagram 'graph' (expected one of: autograd)")]),
    ("key-not-for-kind", beat("show: vscode", "snippet: snippets/ok.py", "url: https://a.org"),
     [(7, 9, "'url' does not apply to a vscode cue (it is used by: browser)")]),
    ("cue-key-without-show", beat("say: hi", "snippet: snippets/ok.py"),
     [(6, 9, "'snippet' belongs to a cue; add 'show:' (vscode, slides) to this beat")]),
    ("title-without-show", beat("say: hi", "title: Docs"),
     [(6, 9, "'title' names a browser page or a slide; add 'show:' to this beat, or move it to the section")]),
    # --- snippet paths ---
    ("snippet-absolute", beat("show: vscode", "snippet: /etc/hosts.py"),
     [(6, 18, "snippet path '/etc/hosts.py' is absolute; give it relative to the project folder")]),
    ("snippet-escapes", beat("show: vscode", "snippet: ../outside.py"),
     [(6, 18, "snippet path '../outside.py' leaves the project folder")]),
    ("snippet-escapes-midway", beat("show: vscode", "snippet: snippets/../../outside.py"),
     [(6, 18, "snippet path 'snippets/../../outside.py' leaves the project folder")]),
    ("snippet-backslash", beat("show: vscode", "snippet: 'snippets\\ok.py'"),
     [(6, 18, "snippet path 'snippets\\ok.py' uses '\\'; write paths with '/'")]),
    ("snippet-not-py", beat("show: vscode", "snippet: snippets/notes.txt"),
     [(6, 18, "snippet 'snippets/notes.txt' must be a Python file (.py)")]),
    ("snippet-missing", beat("show: vscode", "snippet: snippets/okk.py"),
     [(6, 18, "snippet file 'snippets/okk.py' does not exist")]),
    ("snippet-folder", beat("show: vscode", "snippet: snippets/folder.py"),
     [(6, 18, "snippet path 'snippets/folder.py' is not a file")]),
    ("snippet-not-utf8", beat("show: vscode", "snippet: snippets/latin1.py"),
     [(6, 18, "snippet 'snippets/latin1.py' is not UTF-8 text (bad byte on its line 1)")]),
    ("snippet-not-string", beat("show: vscode", "snippet: 3"),
     [(6, 18, "'snippet' must be a string, found an integer (3)")]),
    ("image-missing", beat("show: slides", "image: pics/b.png"),
     [(6, 16, "image file 'pics/b.png' does not exist")]),
    ("image-wrong-type", beat("show: slides", "image: snippets/ok.py"),
     [(6, 16, "image 'snippets/ok.py' must be a picture file (.png, .jpg, .jpeg, .gif, .bmp)")]),
    # --- run options ---
    ("timeout-negative", beat("show: vscode", "snippet: snippets/ok.py", "timeout: -1"),
     [(7, 18, "'timeout' must be a positive number of seconds, found an integer (-1)")]),
    ("timeout-zero", beat("show: vscode", "snippet: snippets/ok.py", "timeout: 0"),
     [(7, 18, "'timeout' must be a positive number of seconds, found an integer (0)")]),
    ("timeout-text", beat("show: vscode", "snippet: snippets/ok.py", "timeout: soon"),
     [(7, 18, "'timeout' must be a positive number of seconds, found a string ('soon')")]),
    ("timeout-bool", beat("show: vscode", "snippet: snippets/ok.py", "timeout: true"),
     [(7, 18, "'timeout' must be a positive number of seconds, found a boolean (true)")]),
    ("timeout-inf", beat("show: vscode", "snippet: snippets/ok.py", "timeout: .inf"),
     [(7, 18, "'timeout' must be a positive number of seconds, found a number (.inf)")]),
    ("expect-error-text", beat("show: vscode", "snippet: snippets/ok.py", "expect_error: 'yes'"),
     [(7, 23, "'expect_error' must be true or false, found a string ('yes')")]),
    ("device-unknown", beat("show: vscode", "snippet: snippets/ok.py", "device: tpu"),
     [(7, 17, "unknown device 'tpu' (expected one of: auto, cpu, cuda, mps)")]),
    # --- what a snippet may write ---
    ("writes-outside-or-cuecasts", beat("show: vscode", "snippet: snippets/ok.py",
                                        "writes: [/etc/x, ../up, build/, ./, 'a\\\\b']"),
     [(7, 18, "'writes' item 1 must be a path inside the project, relative to its root"),
      (7, 26, "'writes' item 2 must be a path inside the project, relative to its root"),
      (7, 33, "'writes' item 3 may not be build/: cuecast's outputs and caches are its own"),
      (7, 41, "'writes' item 4 may not be the whole project: cuecast's outputs and caches are its own"),
      (7, 45, "'writes' item 5 must be a path inside the project, relative to its root")]),
    ("writes-not-text", beat("show: vscode", "snippet: snippets/ok.py", "writes: [data/, [x]]"),
     [(7, 25, "'writes' item 2 must be a string, found a list")]),
]


@pytest.mark.parametrize("name,text,expected", CUE_CASES, ids=[case[0] for case in CUE_CASES])
def test_every_cue_error_has_its_message_and_place(snippet_project, name, text, expected):
    assert problems(snippet_project, text) == expected


def test_missing_snippet_hint_suggests_the_close_name(snippet_project):
    [(_, _, _, hint)] = problems_in(snippet_project, beat("show: vscode", "snippet: snippets/okk.py"))
    assert hint == "did you mean 'snippets/ok.py'?"


def test_symlink_out_of_the_project_is_refused(snippet_project):
    found = problems(snippet_project, beat("show: vscode", "snippet: snippets/link.py"))
    assert len(found) == 1
    line, col, message = found[0]
    assert (line, col) == (6, 18)
    assert message.startswith("snippet path 'snippets/link.py' leads outside the project folder (through a symlink to ")


def test_symlink_inside_the_project_is_fine(snippet_project):
    (snippet_project / "snippets" / "alias.py").symlink_to(snippet_project / "snippets" / "ok.py")
    path = snippet_project / "script" / "ok.yaml"
    path.write_text(beat("show: vscode", "snippet: snippets/alias.py", "region: main"), encoding="utf-8")
    cue = load_lesson(path).sections[0].beats[0].cue
    assert (cue.snippet, cue.lines) == ("snippets/alias.py", (4, 5))


def test_writes_are_kept_normalised_and_a_folder_keeps_its_slash(snippet_project):
    path = snippet_project / "script" / "case.yaml"
    path.write_text(beat("show: vscode", "snippet: snippets/ok.py", "writes: [outputs/, ./data//x.csv]"))
    assert load_lesson(path).sections[0].beats[0].cue.writes == ("outputs/", "data/x.csv")
