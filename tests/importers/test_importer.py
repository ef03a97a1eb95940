"""``render import``: Markdown video script → YAML lesson script, losing nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cuecast.cli import cli
from cuecast.errors import ScriptError
from cuecast.importers.video_script import import_markdown, parse_markdown
from cuecast.script import load_lesson
from tests.support.paths import PROJECT

#: A copy of ../shared/seed/pytorch-intro.script.md, so the test runs on a fresh clone.
SEED = PROJECT / "tests" / "fixtures" / "scripts" / "pytorch-intro.script.md"
EDGE = PROJECT / "tests" / "fixtures" / "scripts" / "edge.script.md"

#: Keys that tie a cue to files (or name things) the Markdown cannot know.
FILE_KEYS = {"snippet", "diagram", "image", "lines", "region", "id", "timeout", "expect_error"}


def without_file_keys(value):
    if isinstance(value, dict):
        return {k: without_file_keys(v) for k, v in value.items() if k not in FILE_KEYS}
    if isinstance(value, list):
        return [without_file_keys(v) for v in value]
    return value


def test_the_fixture_is_the_seed():
    shared = PROJECT.parent / "shared" / "seed" / "pytorch-intro.script.md"
    if shared.is_file():  # only beside the original workspace
        assert SEED.read_bytes() == shared.read_bytes()


def test_importing_the_seed_gives_the_default_lesson():
    imported = yaml.safe_load(import_markdown(SEED).yaml_text())
    committed = yaml.safe_load((PROJECT / "script" / "pytorch-intro.yaml").read_text(encoding="utf-8"))
    assert without_file_keys(imported) == without_file_keys(committed)
    assert imported["id"] == "pytorch-intro"


def test_seed_import_keeps_every_heading_bullet_and_cue():
    data = import_markdown(SEED).data
    titles = [s["title"] for s in data["sections"]]
    assert len(titles) == 13 and titles[0] == "Intro" and titles[-1] == "forward method"
    functional = data["sections"][9]
    assert [s["title"] for s in functional["subsections"]] == ["Pros of torch.nn", "Pros of torch.nn.functional"]
    assert functional["subsections"][1]["beats"][-1] == {
        "show": "vscode",
        "snippet": "snippets/pros-of-torch-nn-functional-4.py",
        "say": "Example of using `torch.nn` vs `torch.nn.functional` for softmax",
    }
    assert data["sections"][-1]["subsections"] == [{"title": "Outro"}]
    assert data["prepare"] == ["open .video script", "open .code.ipynb", "open .slides.pptx", "install torch"]
    device = data["sections"][3]["beats"][0]
    assert device == {"bullet": "Pytorch can use multiple device types", "points": [
        "CPU for data loading",
        "specialized devices, GPU, TPU for running data through the neural network."]}
    browser = data["sections"][7]["beats"][2]
    assert browser == {"show": "browser", "say": "Pytorch documentation", "url": "https://pytorch.org/docs/stable/nn.html"}
    assert list(browser) == ["show", "say", "url"]
    parameter_cue = data["sections"][11]["beats"][1]
    assert list(parameter_cue) == ["points", "show", "snippet", "say"]
    assert parameter_cue["points"][0].startswith("Here `self.other_tensor` is not named")


def test_edge_cases_map_to_the_documented_keys():
    imported = import_markdown(EDGE)
    data = imported.data
    assert list(data) == ["lesson", "id", "prepare", "sections"]  # no voice: the default one
    assert (data["lesson"], data["id"]) == ("Edge cases 🚀", "edge")
    assert data["prepare"] == ["install torch", "nested prepare item"]
    (section,) = data["sections"]
    assert list(section) == ["title", "beats", "subsections"]
    assert section["title"] == "First `section`"
    assert section["beats"] == [
        {"say": "Plain paragraph text is narration."},
        {"bullet": "bullet with a typo: teh `code`", "points": ["point one", "point two"]},
        {"show": "slides", "diagram": "autograd", "snippet": "snippets/first-section-3.py", "say": "The tape"},
        {"show": "browser", "say": "No address here", "url": "TODO"},
        {"show": "browser", "say": "See for more.", "url": "https://example.org/a_(b)"},
    ]
    assert section["subsections"] == [{"title": "Only a subsection", "beats": [
        {"points": ["a point under the cue"], "show": "vscode",
         "snippet": "snippets/only-a-subsection-1.py", "say": "Code in a subsection"}]}]
    assert imported.snippets == ["snippets/first-section-3.py", "snippets/only-a-subsection-1.py"]


def test_markdown_problems_are_all_reported_with_their_lines():
    text = "## Before title\n# Title\n### ok\n- x\n  - y\n#### deep\n# Again\n"
    with pytest.raises(ScriptError) as caught:
        parse_markdown(text, "x.md")
    assert [(d.location.line, d.location.col, d.message) for d in caught.value.diagnostics] == [
        (6, 1, "'####' headings are not supported (use ## or ###)"),
        (7, 1, "a second '# ' title (the first was 'Title')"),
    ]
    with pytest.raises(ScriptError) as caught:
        parse_markdown("# T\n## S\n  - orphan point\n", "y.md")
    assert [(d.location.line, d.location.col, d.message) for d in caught.value.diagnostics] == [
        (3, 3, "a nested bullet with no bullet or cue above it in its section"),
    ]


def test_cli_writes_yaml_that_loads_once_the_snippets_exist(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(cli, ["import", str(EDGE)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "script" / "edge.yaml"
    assert f"wrote {Path('script/edge.yaml')}" in result.output
    assert "edge.script.md:13  write snippets/first-section-3.py: the cue line names no file" in result.output
    assert "edge.script.md:21  write snippets/only-a-subsection-1.py: the cue line names no file" in result.output
    assert "edge.script.md:15  a [SHOW IN BROWSER] cue with no address: fill in 'url:'" in result.output
    # the YAML is valid; the lesson fails only on what the author must still fill in
    with pytest.raises(ScriptError) as caught:
        load_lesson(out)
    messages = sorted(d.message for d in caught.value.diagnostics)
    assert messages == [
        "snippet file 'snippets/first-section-3.py' does not exist",
        "snippet file 'snippets/only-a-subsection-1.py' does not exist",
        "url 'TODO' must be an http:// or https:// address with a host",
    ]
    (tmp_path / "snippets").mkdir()
    for name in ("first-section-3.py", "only-a-subsection-1.py"):
        (tmp_path / "snippets" / name).write_text("print('hi')\n")
    text = out.read_text(encoding="utf-8").replace("url: TODO", "url: https://example.org")
    out.write_text(text, encoding="utf-8")
    lesson = load_lesson(out)
    assert [cue.kind for _, _, cue in lesson.cues()] == ["slides", "browser", "browser", "vscode"]
    assert lesson.sections[0].subsections[0].beats[0].points == ("a point under the cue",)

    again = runner.invoke(cli, ["import", str(EDGE)])
    assert again.exit_code == 2
    assert "script/edge.yaml already exists; nothing was written" in again.output
    assert out.read_text(encoding="utf-8") == text
    forced = runner.invoke(cli, ["import", str(EDGE), "--force"])
    assert forced.exit_code == 0
    assert "url: TODO" in out.read_text(encoding="utf-8")


def test_cli_prints_to_stdout_with_dash(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["import", str(EDGE), "-o", "-"])
    assert result.exit_code == 0
    assert yaml.safe_load(result.stdout)["lesson"] == "Edge cases 🚀"
    assert not (tmp_path / "script").exists()


@pytest.mark.parametrize("text,url,say", [
    ("Pytorch documentation https://pytorch.org/docs/stable/nn.html",
     "https://pytorch.org/docs/stable/nn.html", "Pytorch documentation"),
    ("docs (https://a.org/x).", "https://a.org/x", "docs."),
    ("the [docs](https://a.org/y) page", "https://a.org/y", "the docs page"),
    ("at <https://a.org/z> now", "https://a.org/z", "at now"),
    ("no address", None, "no address"),
])
def test_browser_cue_url_and_narration(text, url, say):
    from cuecast.importers.video_script import find_url

    assert find_url(text) == (url, say)
