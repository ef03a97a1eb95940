"""The lesson script parser: every validation path with its exact message and
line:col (a table of inline scripts, as vhs tests its parser), the defaults it
fills in, and the lessons it finds."""

from __future__ import annotations

import textwrap
from functools import partial
from pathlib import Path

import pytest
from PIL import Image

from cuecast.errors import ConfigError, ScriptError
from cuecast.script import default_say, find_lessons, load_lesson, load_lessons, slugify
from cuecast.script_yaml import MAX_ALIASES
from tests.support.script_errors import problems_in

#: These tests compare a problem's line, column and message.
problems = partial(problems_in, hints=False)

SNIPPET = """\
import math

# region main
x = 1
print(x)
# endregion
print("done")
"""


@pytest.fixture
def snippet_project(tmp_path: Path) -> Path:
    """A project folder with a few snippets, a picture, a non-UTF-8 file and a
    symlink that leads out of the project."""
    root = tmp_path / "proj"
    (root / "script").mkdir(parents=True)
    (root / "snippets").mkdir()
    (root / "snippets" / "ok.py").write_text(SNIPPET, encoding="utf-8")
    (root / "snippets" / "latin1.py").write_bytes(b"# caf\xe9\nprint(1)\n")
    (root / "snippets" / "notes.txt").write_text("not code\n")
    (root / "snippets" / "folder.py").mkdir()
    (root / "pics").mkdir()
    Image.new("RGB", (4, 3), "white").save(root / "pics" / "a.png")
    (tmp_path / "outside.py").write_text("print('outside')\n")
    (root / "snippets" / "link.py").symlink_to(tmp_path / "outside.py")
    return root


def beat(*lines: str) -> str:
    """A one-section, one-beat script whose beat starts on line 5, column 9."""
    body = "      - " + lines[0] + "\n" + "".join(f"        {line}\n" for line in lines[1:])
    return "lesson: T\nsections:\n  - title: S\n    beats:\n" + body


UNKNOWN_KIND = "unknown cue kind 'vscod' (expected one of: vscode, slides, browser, terminal)"

#: (name, script, [(line, col, message), ...]) — every diagnostic, exactly.
CASES = [
    # --- the document as a whole ---
    ("invalid-yaml", "lesson: 'T\nsections: []\n",
     [(1, 9, "invalid YAML: while scanning a quoted scalar, found unexpected end of stream")]),
    ("tab-indent", "lesson: T\nsections:\n\t- title: S\n",
     [(3, 1, "tab character in the YAML; indent with spaces, YAML does not allow tabs here")]),
    ("two-documents", "lesson: T\n---\nlesson: U\n",
     [(2, 1, "invalid YAML: expected a single document in the stream, but found another document")]),
    ("control-char", "lesson: T\x07\nsections: []\n",
     [(1, 10, "invalid YAML: control character U+0007 is not allowed")]),
    ("empty", "", [(0, 0, "the script is empty; a lesson needs 'lesson:' and 'sections:'")]),
    ("top-level-list", "- lesson: T\n",
     [(1, 1, "the lesson script must be a mapping (key: value lines), found a list")]),
    ("top-level-scalar", "just words\n",
     [(1, 1, "the lesson script must be a mapping (key: value lines), found a string ('just words')")]),
    ("missing-lesson", "sections:\n  - title: S\n    beats:\n      - say: hi\n",
     [(1, 1, "missing 'lesson' (the lesson's title)")]),
    ("missing-sections", "lesson: T\n",
     [(1, 1, "the lesson has no sections; add 'sections:' with at least one section")]),
    ("empty-sections", "lesson: T\nsections: []\n",
     [(2, 11, "the lesson has no sections; add at least one '- title: ...'")]),
    ("null-sections", "lesson: T\nsections:\n",
     [(2, 10, "the lesson has no sections; add at least one '- title: ...'")]),
    ("sections-not-list", "lesson: T\nsections: intro\n",
     [(2, 11, "'sections' must be a list, found a string ('intro')")]),
    ("lesson-wrong-type", "lesson: [a, b]\nsections:\n  - title: S\n",
     [(1, 9, "'lesson' must be a string, found a list")]),
    ("lesson-empty", "lesson: ''\nsections:\n  - title: S\n",
     [(1, 9, "'lesson' must not be empty")]),
    ("unknown-top-key", "lesson: T\nsectons:\n  - title: S\n",
     [(1, 1, "the lesson has no sections; add 'sections:' with at least one section"),
      (2, 1, "unknown key 'sectons' in the lesson script (did you mean 'sections'?)")]),
    ("duplicate-key", "lesson: T\nlesson: U\nsections:\n  - title: S\n",
     [(2, 1, "duplicate key 'lesson' in the lesson script (first given on line 1)")]),
    ("non-text-key", "lesson: T\n3: x\nsections:\n  - title: S\n",
     [(2, 1, "keys in the lesson script must be names, found an integer (3)")]),
    ("merge-key-unknown-anchor-key", "base: &b {title: S}\nlesson: T\nsections:\n  - <<: *b\n",
     [(1, 1, "unknown key 'base' in the lesson script (expected one of: lesson, id, voice, pace, prepare, sections, "
             "device)")]),
    ("merge-key-not-mapping", beat("say: hi", "<<: [a, 3]"),
     [(6, 14, "a merge key ('<<') takes a mapping or a list of them (e.g. <<: *common), found a string ('a')"),
      (6, 17, "a merge key ('<<') takes a mapping or a list of them (e.g. <<: *common), found an integer (3)")]),
    ("unsupported-tag", "lesson: !!python/object:os.system T\nsections:\n  - title: S\n",
     [(1, 9, "'lesson' has the unsupported YAML tag tag:yaml.org,2002:python/object:os.system")]),
    ("unreadable-int", beat("say: !!int ''"),
     [(5, 14, "'say' has a value '' that is not a valid !!int")]),
    ("unknown-voice", "lesson: T\nvoice: festival\nsections:\n  - title: S\n",
     [(2, 8, "unknown voice 'festival' (expected one of: piper, piper:PATH.onnx, espeak, none, recorded:DIR)")]),
    ("prepare-not-list", "lesson: T\nprepare: install torch\nsections:\n  - title: S\n",
     [(2, 10, "'prepare' must be a list of strings, found a string ('install torch')")]),
    ("lesson-id-bad", "lesson: T\nid: my lesson\nsections:\n  - title: S\n",
     [(2, 5, "lesson id 'my lesson' may only hold letters, digits, '-', '_' and '.' (and not start with '-' or '.')")]),
    # --- sections ---
    ("section-not-mapping", "lesson: T\nsections:\n  - Intro\n",
     [(3, 5, "a section must be a mapping (key: value lines), found a string ('Intro')")]),
    ("section-no-title", "lesson: T\nsections:\n  - beats:\n      - say: hi\n",
     [(3, 5, "a section needs a 'title'")]),
    ("section-title-number", "lesson: T\nsections:\n  - title: 2024\n",
     [(3, 12, "'title' must be a string, found an integer (2024)")]),
    ("duplicate-section-slug", "lesson: T\nsections:\n  - title: Intro\n  - title: intro!\n",
     [(4, 12, "duplicate section id 'intro' (also used on line 3)")]),
    ("duplicate-subsection-id", "lesson: T\nsections:\n  - title: A\n    subsections:\n      - title: B\n"
     "        id: a\n",
     [(6, 13, "duplicate section id 'a' (also used on line 3)")]),
    ("sub-subsection", "lesson: T\nsections:\n  - title: A\n    subsections:\n      - title: B\n"
     "        subsections:\n          - title: C\n",
     [(6, 9, "subsections cannot nest further: a subsection is the seed's '###' heading")]),
    ("beats-not-list", "lesson: T\nsections:\n  - title: A\n    beats: hello\n",
     [(4, 12, "'beats' must be a list, found a string ('hello')")]),
    ("unknown-section-key", "lesson: T\nsections:\n  - title: A\n    beat:\n      - say: hi\n",
     [(4, 5, "unknown key 'beat' in a section (did you mean 'beats'?)")]),
    # --- beats ---
    ("beat-nothing", beat("points: [a, b]"),
     [(5, 9, "a beat needs 'say', 'bullet' or 'show' (it says or shows nothing)")]),
    ("beat-unknown-key", beat("say: hi", "snipet: snippets/ok.py"),
     [(6, 9, "unknown key 'snipet' in a beat (did you mean 'snippet'?)")]),
    ("beat-unknown-key-no-guess", beat("say: hi", "colour: red"),
     [(6, 9, "unknown key 'colour' in a beat (expected one of: id, bullet, points, say, then, pause, "
             "show, snippet, cell, lines, region, output, timeout, expect_error, diagram, image, url, title, caption, "
             "pace, command, writes, device)")]),
    ("duplicate-beat-id", beat("say: a", "id: b1") + "      - say: b\n        id: b1\n",
     [(8, 13, "duplicate beat id 'b1' (also used on line 6)")]),
    ("beat-id-clash-default", beat("say: a") + "      - say: b\n        id: s-1\n",
     [(7, 13, "duplicate beat id 's-1' (also used on line 5)")]),
    ("say-not-string", beat("say: yes"),
     [(5, 14, "'say' must be a string, found a boolean (true)")]),
    ("bullet-empty", beat("bullet: ''"), [(5, 17, "'bullet' must not be empty")]),
    ("points-not-list", beat("bullet: b", "points: one"),
     [(6, 17, "'points' must be a list of strings, found a string ('one')")]),
    ("points-item-not-string", beat("bullet: b", "points:", "  - fine", "  - [nested]"),
     [(8, 13, "'points' item 2 must be a string, found a list")]),
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
    # --- what part of the snippet is shown ---
    ("lines-format", beat("show: vscode", "snippet: snippets/ok.py", "lines: three"),
     [(7, 16, "'lines' must look like 'A-B' (e.g. 3-12), found a string ('three')")]),
    ("lines-list", beat("show: vscode", "snippet: snippets/ok.py", "lines: [1, 2]"),
     [(7, 16, "'lines' must look like 'A-B' (e.g. 3-12), found a list")]),
    ("lines-backwards", beat("show: vscode", "snippet: snippets/ok.py", "lines: 5-2"),
     [(7, 16, "'lines' 5-2 ends before it starts")]),
    ("lines-zero", beat("show: vscode", "snippet: snippets/ok.py", "lines: 0-2"),
     [(7, 16, "'lines' start at line 1")]),
    ("lines-past-end", beat("show: vscode", "snippet: snippets/ok.py", "lines: 3-40"),
     [(7, 16, "'lines' 3-40 runs past the end of snippets/ok.py (7 lines)")]),
    ("region-missing", beat("show: vscode", "snippet: snippets/ok.py", "region: setup"),
     [(7, 17, "no region 'setup' in snippets/ok.py")]),
    ("lines-and-region", beat("show: vscode", "snippet: snippets/ok.py", "lines: 1-2", "region: main"),
     [(8, 9, "give one of 'cell', 'region' or 'lines', not both 'lines' and 'region'")]),
    ("lines-without-snippet", beat("show: slides", "image: pics/a.png", "lines: 1-2"),
     [(7, 9, "'lines' picks part of a snippet; this cue has no 'snippet'")]),
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
    # --- ids ---
    ("beat-id-bad", beat("say: hi", "id: a/b"),
     [(6, 13, "beat id 'a/b' may only hold letters, digits, '-', '_' and '.' (and not start with '-' or '.')")]),
]


@pytest.mark.parametrize("name,text,expected", CASES, ids=[case[0] for case in CASES])
def test_every_validation_error_has_its_message_and_place(snippet_project, name, text, expected):
    assert problems(snippet_project, text) == expected


def test_every_diagnostic_names_the_script_as_given(snippet_project, monkeypatch):
    monkeypatch.chdir(snippet_project)
    Path("script/bad.yaml").write_text(beat("show: vscod"), encoding="utf-8")
    with pytest.raises(ScriptError) as caught:
        load_lesson("script/bad.yaml")
    assert str(caught.value) == f"script/bad.yaml:5:15: {UNKNOWN_KIND}"


def test_all_problems_are_collected_in_one_error(snippet_project):
    text = (
        "lesson: T\n"
        "voice: loud\n"
        "sections:\n"
        "  - title: A\n"
        "    beats:\n"
        "      - show: vscod\n"
        "      - show: vscode\n"
        "        snippet: snippets/missing.py\n"
        "      - bulet: typo\n"
        "  - title: A\n"
    )
    assert problems(snippet_project, text) == [
        (2, 8, "unknown voice 'loud' (expected one of: piper, piper:PATH.onnx, espeak, none, recorded:DIR)"),
        (6, 15, UNKNOWN_KIND),
        (8, 18, "snippet file 'snippets/missing.py' does not exist"),
        (9, 9, "unknown key 'bulet' in a beat (did you mean 'bullet'?)"),
        (9, 9, "a beat needs 'say', 'bullet' or 'show' (it says or shows nothing)"),
        (10, 12, "duplicate section id 'a' (also used on line 4)"),
    ]


def test_missing_snippet_hint_suggests_the_close_name(snippet_project):
    path = snippet_project / "script" / "case.yaml"
    path.write_text(beat("show: vscode", "snippet: snippets/okk.py"), encoding="utf-8")
    with pytest.raises(ScriptError) as caught:
        load_lesson(path)
    assert caught.value.diagnostics[0].hint == "did you mean 'snippets/ok.py'?"


def test_missing_region_hint_lists_the_regions_there(snippet_project):
    path = snippet_project / "script" / "case.yaml"
    path.write_text(beat("show: vscode", "snippet: snippets/ok.py", "region: mian"), encoding="utf-8")
    with pytest.raises(ScriptError) as caught:
        load_lesson(path)
    assert caught.value.diagnostics[0].hint == "did you mean 'main'?"


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


def test_emoji_and_right_to_left_text_are_valid(snippet_project):
    path = snippet_project / "script" / "intl.yaml"
    path.write_text("lesson: 🔥 PyTorch\nsections:\n  - title: שלום עולם\n    beats:\n"
                    "      - bullet: Tensors 🚀 ‏مرحبا‏\n  - title: 🚀\n    beats:\n      - say: ok\n",
                    encoding="utf-8")
    lesson = load_lesson(path)
    assert lesson.title == "🔥 PyTorch"
    assert [s.id for s in lesson.sections] == ["שלום-עולם", "section-2"]
    assert lesson.sections[0].beats[0].bullet == "Tensors 🚀 ‏مرحبا‏"


def test_defaults_ids_say_and_cue_payload(snippet_project, monkeypatch):
    monkeypatch.chdir(snippet_project)
    path = Path("script/my-lesson.script.yaml")
    path.write_text(textwrap.dedent("""\
        lesson: Tensors
        prepare:
          - install torch
        sections:
          - title: "grad_fn, how it works"
            beats:
              - bullet: Uses `requires_grad=True`,
                points:
                  - keeps a tape.
                  - Why?
              - show: vscode
                snippet: ./snippets//ok.py
                region: main
                timeout: 2.5
                expect_error: true
                say: "Printing `grad_fn`\\n  twice"
            subsections:
              - title: Pros
                id: pros
                beats:
                  - show: browser
                    url: https://pytorch.org/docs
                    title: Docs
                    say: The docs
                  - show: slides
                    diagram: autograd
                    snippet: snippets/ok.py
                    lines: 4-5
                  - show: slides
                    image: pics/a.png
                    caption: A picture
        """), encoding="utf-8")
    lesson = load_lesson(path)
    assert (lesson.id, lesson.title, lesson.source) == ("my-lesson", "Tensors", "script/my-lesson.script.yaml")
    assert lesson.root == str(snippet_project) and Path(lesson.root).is_absolute()
    assert lesson.prepare == ("install torch",) and lesson.voice is None
    assert (lesson.location.line, lesson.location.col) == (1, 9)
    section = lesson.sections[0]
    assert (section.id, section.level, section.location.line) == ("grad-fn-how-it-works", 1, 5)
    bullet_beat, code_beat = section.beats
    assert bullet_beat.id == "grad-fn-how-it-works-1"
    assert bullet_beat.bullet == "Uses `requires_grad=True`,"  # the deck's text is untouched
    assert bullet_beat.points == ("keeps a tape.", "Why?")
    assert bullet_beat.say == "Uses requires_grad=True. keeps a tape. Why?"
    assert code_beat.say == "Printing grad_fn twice"
    cue = code_beat.cue
    assert (cue.kind, cue.id, cue.snippet, cue.lines, cue.timeout, cue.expect_error) == (
        "vscode", "grad-fn-how-it-works-2", "snippets/ok.py", (4, 5), 2.5, True)
    assert (cue.location.line, cue.location.col) == (11, 9)
    sub = section.subsections[0]
    assert (sub.id, sub.level, sub.title) == ("pros", 2, "Pros")
    browser, diagram, image = (b.cue for b in sub.beats)
    assert (browser.kind, browser.url, browser.title) == ("browser", "https://pytorch.org/docs", "Docs")
    assert (diagram.diagram, diagram.snippet, diagram.lines) == ("autograd", "snippets/ok.py", (4, 5))
    assert (image.image, image.caption, sub.beats[2].say, sub.beats[2].id) == ("pics/a.png", "A picture", "", "pros-3")
    assert [cue.snippet for cue in lesson.snippet_cues()] == ["snippets/ok.py"]


def test_root_is_the_script_folder_when_it_is_not_called_script(tmp_path):
    (tmp_path / "lessons").mkdir()
    (tmp_path / "lessons" / "snippets").mkdir()
    (tmp_path / "lessons" / "snippets" / "a.py").write_text("print(1)\n")
    path = tmp_path / "lessons" / "one.yml"
    path.write_text(beat("show: vscode", "snippet: snippets/a.py"), encoding="utf-8")
    lesson = load_lesson(path)
    assert lesson.root == str(tmp_path / "lessons")
    assert lesson.source == str(path)  # outside the current folder: kept as given


def test_explicit_root_overrides_the_default(snippet_project, tmp_path):
    elsewhere = tmp_path / "elsewhere.yaml"
    elsewhere.write_text(beat("show: vscode", "snippet: snippets/ok.py"), encoding="utf-8")
    assert load_lesson(elsewhere, root=snippet_project).root == str(snippet_project)


def test_missing_script_is_a_script_error(snippet_project):
    with pytest.raises(ScriptError) as caught:
        load_lesson(snippet_project / "script" / "nope.yaml")
    assert caught.value.diagnostics[0].message == "no such script file"


@pytest.mark.parametrize("bullet,points,say", [
    ("Pytorch can use multiple device types", ["CPU for data loading ", "GPU, TPU for the network."],
     "Pytorch can use multiple device types. CPU for data loading. GPU, TPU for the network."),
    ("based on `numpy`.", [], "based on numpy."),
    ("Is it fast?", ["Yes!"], "Is it fast? Yes!"),
    ("trailing colon:", [";"], "trailing colon."),
])
def test_default_say_reads_bullet_and_points_as_sentences(bullet, points, say):
    assert default_say(bullet, points) == say


@pytest.mark.parametrize("title,slug", [
    ("grad_fn, how pytorch keeps track of operations", "grad-fn-how-pytorch-keeps-track-of-operations"),
    ("import torch.nn as nn", "import-torch-nn-as-nn"),
    ("  Data  Types!! ", "data-types"),
    ("🚀", ""),
])
def test_slugify(title, slug):
    assert slugify(title) == slug


# --- finding lessons ----------------------------------------------------------


def test_find_lessons_default_is_everything_under_script(snippet_project, monkeypatch):
    monkeypatch.chdir(snippet_project)
    (snippet_project / "script" / "b.yaml").write_text("")
    (snippet_project / "script" / "a.yml").write_text("")
    (snippet_project / "script" / "nested").mkdir()
    (snippet_project / "script" / "nested" / "c.yaml").write_text("")
    (snippet_project / "script" / ".hidden.yaml").write_text("")
    (snippet_project / "script" / "notes.md").write_text("")
    assert find_lessons(None) == [Path("script/a.yml"), Path("script/b.yaml"), Path("script/nested/c.yaml")]
    assert find_lessons(Path("script/nested")) == [Path("script/nested/c.yaml")]
    assert find_lessons(Path("script/b.yaml")) == [Path("script/b.yaml")]


@pytest.mark.parametrize("setup,target,message", [
    ("none", None, "no script/ folder in "),
    ("empty", None, "no lesson scripts (*.yaml, *.yml) under script/"),
    ("empty", Path("script/missing.yaml"), "script/missing.yaml does not exist"),
    ("markdown", Path("script/x.script.md"), "script/x.script.md is a Markdown script"),
])
def test_find_lessons_says_what_is_missing(tmp_path, monkeypatch, setup, target, message):
    monkeypatch.chdir(tmp_path)
    if setup != "none":
        (tmp_path / "script").mkdir()
    if setup == "markdown":
        (tmp_path / "script" / "x.script.md").write_text("# T\n")
    with pytest.raises(ConfigError) as caught:
        find_lessons(target)
    assert caught.value.message.startswith(message)
    assert caught.value.hint


def test_load_lessons_gathers_the_problems_of_every_script(snippet_project, monkeypatch):
    monkeypatch.chdir(snippet_project)
    Path("script/a.yaml").write_text(beat("show: vscod"), encoding="utf-8")
    Path("script/b.yaml").write_text("lesson: B\n", encoding="utf-8")
    Path("script/c.yaml").write_text(beat("say: fine"), encoding="utf-8")
    with pytest.raises(ScriptError) as caught:
        load_lessons(None)
    assert [str(d.location) + " " + d.message for d in caught.value.diagnostics] == [
        f"script/a.yaml:5:15 {UNKNOWN_KIND}",
        "script/b.yaml:1:1 the lesson has no sections; add 'sections:' with at least one section",
    ]


def test_load_lessons_refuses_two_lessons_with_one_id(snippet_project, monkeypatch):
    monkeypatch.chdir(snippet_project)
    Path("script/a.yaml").write_text("id: same\n" + beat("say: a"), encoding="utf-8")
    Path("script/b.yaml").write_text("id: same\n" + beat("say: b"), encoding="utf-8")
    with pytest.raises(ScriptError) as caught:
        load_lessons(Path("script"))
    (d,) = caught.value.diagnostics
    assert str(d.location) == "script/b.yaml:2:9"
    assert d.message.startswith("lesson id 'same' is also the id of script/a.yaml")
    Path("script/b.yaml").write_text("id: other\n" + beat("say: b"), encoding="utf-8")
    assert [lesson.id for lesson in load_lessons(Path("script"))] == ["same", "other"]


def test_a_file_name_an_id_cannot_be_gives_its_slug(snippet_project, monkeypatch):
    """Issue 27: Quarto and sphinx-gallery take ``my lesson.yaml``; its id is the slug."""
    monkeypatch.chdir(snippet_project)
    Path("script/my lesson.yaml").write_text(beat("say: a"), encoding="utf-8")
    Path("script/Übung 2 (draft).script.yaml").write_text(beat("say: b"), encoding="utf-8")
    Path("script/intro.v2.yaml").write_text(beat("say: c"), encoding="utf-8")  # a valid id stays as it is
    assert sorted(lesson.id for lesson in load_lessons(Path("script"))) == ["intro.v2", "my-lesson", "übung-2-draft"]


def test_two_file_names_with_one_slug_are_a_located_error(snippet_project, monkeypatch):
    monkeypatch.chdir(snippet_project)
    Path("script/my lesson.yaml").write_text(beat("say: a"), encoding="utf-8")
    Path("script/my_lesson!.yaml").write_text(beat("say: b"), encoding="utf-8")
    with pytest.raises(ScriptError) as caught:
        load_lessons(Path("script"))
    (d,) = caught.value.diagnostics
    assert str(d.location) == "script/my_lesson!.yaml:1:9"
    assert d.message == ("lesson id 'my-lesson' (its file name's slug) is also the id of script/my lesson.yaml; "
                         "outputs would overwrite each other")
    assert d.hint == "give one of them another 'id:'"


def test_no_traceback_for_random_bytes(snippet_project):
    """Whatever the bytes, the parser answers with a ScriptError."""
    import random

    rng = random.Random(7)
    alphabet = "lesson: sections:- title beats show vscode\n  \t&*!|>'\"{}[],#%@`é🚀\x00"
    for n in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
        path = snippet_project / "script" / "fuzz.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            load_lesson(path)
        except ScriptError as exc:
            assert exc.diagnostics, text
