"""What every subcommand shares: an error is its message (at its line, with
its hint) and its exit code, never a traceback; a full disk is said in a
line; and the frame size, memory and seconds options refuse what would break
a build, naming the value."""

from __future__ import annotations

import errno
import os

import click
import pytest
from click.testing import CliRunner

from cuecast.cli.common import (FiniteFloatRange, parse_memory, parse_size, relative_path, reports_errors,
                                seconds_type)
from cuecast.errors import EXIT_FAILED, EXIT_INTERRUPTED, BuildFailed, ConfigError
from cuecast.model import Location


def invoke(raise_this):
    """A command that raises ``raise_this``, wrapped as every subcommand is, run."""

    @click.command()
    @reports_errors
    def command():
        raise raise_this

    return CliRunner().invoke(command, [])


def run(raise_this) -> tuple[int, str]:
    """Its exit code and what it said on stderr."""
    result = invoke(raise_this)
    return result.exit_code, result.stderr


def test_an_error_without_a_place_is_its_message_and_hint(tmp_path):
    code, said = run(ConfigError("no voice named 'xx'", hint="try --voice-name en"))
    assert (code, said) == (2, "error: no voice named 'xx'\nhint: try --voice-name en\n")
    assert run(BuildFailed("a snippet failed"))[0] == EXIT_FAILED


def test_an_error_at_a_line_shows_the_line_with_a_caret(tmp_path, monkeypatch):
    script = tmp_path / "script" / "l.yaml"
    script.parent.mkdir()
    script.write_text("lesson: L\nvoice: espeek\n")
    monkeypatch.chdir(tmp_path)
    code, said = run(ConfigError("unknown voice 'espeek'", Location(str(script), 2, 8), hint="espeak"))
    assert code == 2 and "script/l.yaml:2:8" in said and "voice: espeek" in said and "^" in said
    assert "Traceback" not in said


def test_ctrl_c_exits_130_leaving_outputs_as_they_were():
    code, said = run(KeyboardInterrupt())
    assert code == EXIT_INTERRUPTED and "previous outputs are left as they were" in said


def test_a_full_disk_is_one_line_naming_the_file_and_other_os_errors_propagate():
    code, said = run(OSError(errno.ENOSPC, "No space left on device", "build/l/video.mp4"))
    assert code == EXIT_FAILED
    assert said == "error: no space left on device while writing build/l/video.mp4; previous outputs are left as they were\n"
    denied = PermissionError(errno.EACCES, "Permission denied", "x")
    assert invoke(denied).exception is denied  # not ours to translate: the traceback is the report


@pytest.mark.parametrize("text, size", [("1920x1080", (1920, 1080)), (" 640 × 360 ", (640, 360)),
                                        ("1080X1920", (1080, 1920)), ("16x16", (16, 16))])
def test_a_size_is_parsed_in_the_ways_people_write_it(text, size):
    assert parse_size(None, None, text) == size


@pytest.mark.parametrize("text, message", [
    ("1920", "expected WIDTHxHEIGHT"), ("", "expected WIDTHxHEIGHT"), ("1921x1080", "must be even"),
    ("14x14", "at least 16"), ("7682x100", "7680x4320"), ("6000x6000", "7680x4320"), ("99999999999x2", "expected"),
])
def test_a_size_that_would_break_the_encoder_or_memory_is_refused(text, message):
    with pytest.raises(click.BadParameter, match=message):
        parse_size(None, None, text)


def test_memory_is_read_with_or_without_a_unit():
    assert parse_memory(None, None, None) is None
    assert parse_memory(None, None, "2G") == 2 << 30
    assert parse_memory(None, None, "512mb") == 512 << 20
    assert parse_memory(None, None, "100000000") == 100_000_000
    for bad, message in (("lots", "not a size"), ("infG", "not a size"), ("G", "not a size"), ("1M", "at least 64M")):
        with pytest.raises(click.BadParameter, match=message):
            parse_memory(None, None, bad)


def test_seconds_refuse_zero_nan_inf_and_more_than_a_day():
    seconds = seconds_type()
    assert seconds.convert("2.5", None, None) == 2.5
    for bad in ("0", "nan", "inf", "86401"):
        with pytest.raises(click.BadParameter):
            seconds.convert(bad, None, None)
    with pytest.raises(click.BadParameter, match="'nan' is not a finite number"):
        FiniteFloatRange(min=0).convert("nan", None, None)


def test_a_path_is_shown_as_typed_from_here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert relative_path(tmp_path / "build" / "l" / "video.mp4") == os.path.join("build", "l", "video.mp4")
    assert relative_path(tmp_path.parent / "other") == os.path.join("..", "other")
