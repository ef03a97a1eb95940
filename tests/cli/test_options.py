"""The pipeline's options, declared once: every view takes the options that
key the capture cache with the same defaults, every parsed option lands in
``BuildOptions``, and a group lists its options in ``--help`` as written."""

from __future__ import annotations

import dataclasses

import click
import pytest
from click.testing import CliRunner

from cuecast.build import BuildOptions
from cuecast.cli import cli
from cuecast.cli.options import all_options, build_options, executor_option, run_options, voice_options

VIEWS = ("check", "slides", "timeline", "video", "build", "watch", "preview")


def _params(name: str) -> dict[str, click.Parameter]:
    return {p.name: p for p in cli.get_command(click.Context(cli), name).params}


def _group_params(group) -> set[str]:
    return {p.name for p in group(click.command()(lambda **kw: None)).params}


@pytest.mark.parametrize("name", VIEWS)
def test_every_view_takes_the_run_options_that_key_the_capture_cache(name):
    params = _params(name)
    for option in _group_params(run_options):
        assert option in params, f"render {name} lacks --{option.replace('_', '-')}"
        assert params[option].default == _params("build")[option].default, option


@pytest.mark.parametrize("name", ("check", "slides", "timeline", "video", "build"))
def test_every_view_that_builds_takes_the_executor(name):
    assert _params(name)["executor"].default == "local"
    bad = CliRunner().invoke(cli, [name, "--executor", "dask"])
    assert bad.exit_code == 2 and "unknown executor 'dask'" in bad.stderr


def test_every_pipeline_option_lands_in_the_options_object():
    fields = {f.name for f in dataclasses.fields(BuildOptions)}
    for option in (_group_params(all_options) | _group_params(executor_option)) - {"no_cache"}:
        assert option in fields, f"--{option} is parsed but BuildOptions has no field for it"
    options = build_options({"timeout": 5.0, "no_cache": True, "junit": "x.xml"}, ("check",))
    assert (options.timeout, options.use_cache, options.only) == (5.0, False, ("check",))


def test_build_options_keeps_only_pipeline_fields_and_turns_no_cache_around():
    options = build_options({"device": "cpu", "jobs": 2, "png": True, "port": 8470}, ("slides", "video"),
                            pdf="handout")
    assert (options.device, options.jobs, options.pdf, options.use_cache) == ("cpu", 2, "handout", True)
    assert options.only == ("slides", "video")


def test_a_group_lists_its_options_in_help_in_the_order_written():
    command = click.command()(voice_options(lambda **kw: None))  # as a subcommand stacks them
    names = [p.name for p in command.params]
    assert names == ["voice", "rate", "pitch", "voice_name", "length_scale", "speaker", "sentence_pause",
                     "allow_missing"]


@pytest.mark.parametrize("args, message", [
    (["--rate", "0.5"], "--rate"), (["--rate", "nan"], "is not a finite number"),
    (["--length-scale", "9"], "--length-scale"), (["--pitch", "101"], "--pitch"),
    (["--timeout", "0"], "--timeout"), (["--jobs", "0"], "--jobs"),
])
def test_out_of_range_values_are_usage_errors_before_any_work(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no script/: a value that got through would fail differently
    result = CliRunner().invoke(cli, ["timeline", *args])
    assert result.exit_code == 2 and message in result.stderr, result.stderr
