"""``render build``: ``--only`` takes exactly the pipeline's stages, the
summary table has a row per stage with its status, and every output is
listed under its lesson with its label."""

from __future__ import annotations

from click.testing import CliRunner

from cuecast.cli import cli
from cuecast.outputs import output_label
from cuecast.stages import stage_names


def test_only_offers_exactly_the_pipeline_stages():
    result = CliRunner().invoke(cli, ["build", "--only", "slides,bogus"])
    assert result.exit_code == 2
    assert f"expected one of: {', '.join(stage_names())}" in result.stderr


def rows(stdout: str) -> dict[str, list[str]]:
    """The summary table's rows by stage: ``[lesson, stage, status, time, details]``."""
    found = {}
    for line in stdout.splitlines():
        cells = [cell.strip() for cell in line.strip("│").split("│")]
        if len(cells) == 5 and cells[1] in stage_names():
            found[cells[1]] = cells
    return found


def test_only_builds_the_stages_named_and_lists_their_outputs(talk):
    first = CliRunner().invoke(cli, ["build", "--only", " check , slides"])
    assert first.exit_code == 0, first.output
    table = rows(first.stdout)
    assert set(table) == {"check", "slides"}
    assert table["slides"][0] == "talk" and table["slides"][2] == "built"
    assert "2 slides" in table["slides"][4] and "slides.pptx" in table["slides"][4]
    assert "A short talk (script/talk.yaml)" in first.stdout
    listed = [line.split() for line in first.stdout.splitlines() if line.startswith("  ")]
    assert [" ".join(words[:-1]) for words in listed] == [output_label("deck"), output_label("slide images")]
    assert [words[-1] for words in listed] == ["build/talk/slides.pptx", "build/talk/slides"]
    assert (talk / "build" / "talk" / "slides.pptx").is_file() and not (talk / "build" / "talk" / "video.mp4").exists()
    again = CliRunner().invoke(cli, ["build", "--only", "slides"])
    assert again.exit_code == 0 and rows(again.stdout)["slides"][2] == "skipped"


def test_pdf_without_libreoffice_is_refused_before_any_work(talk, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools-here"))
    result = CliRunner().invoke(cli, ["build", "--pdf"])
    assert result.exit_code == 2 and "--pdf needs LibreOffice (soffice)" in result.stderr, result.output
    assert not (talk / "build" / "talk").exists()
