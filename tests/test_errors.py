"""``errors``: every error a user sees carries its exit code, its place and
every problem, and survives the trip back from a snippet worker."""

from __future__ import annotations

import pickle

from cuecast.errors import EXIT_FAILED, EXIT_USAGE, BuildFailed, ConfigError, CuecastError, Diagnostic, ScriptError
from cuecast.model import Location


def test_a_script_error_keeps_every_problem_and_shows_each_at_its_place():
    error = ScriptError([Diagnostic(Location("s.yaml", 3, 5), "first", "a hint"),
                         Diagnostic(Location("s.yaml", 9), "second")])
    assert str(error) == "s.yaml:3:5: first\ns.yaml:9:1: second"
    assert (error.message, error.location, error.hint) == ("first", Location("s.yaml", 3, 5), "")
    assert error.exit_code == EXIT_USAGE
    assert ScriptError([]).message == "invalid script" and ScriptError([]).location is None


def test_an_error_with_a_place_is_one_diagnostic_and_one_without_is_none():
    located = ConfigError("bad theme", Location("theme.yaml", 2, 1), hint="fix it")
    assert located.diagnostics == (Diagnostic(Location("theme.yaml", 2, 1), "bad theme", "fix it"),)
    assert str(located) == "theme.yaml:2:1: bad theme"
    assert ConfigError("no GPU").diagnostics == () and str(ConfigError("no GPU")) == "no GPU"


def test_a_failed_build_exits_1_and_bad_input_exits_2():
    assert BuildFailed("drifted").exit_code == EXIT_FAILED
    assert isinstance(BuildFailed("x"), CuecastError) and ConfigError("x").exit_code == EXIT_USAGE


def test_errors_cross_a_process_boundary_whole():
    script = ScriptError([Diagnostic(Location("s.yaml", 3, 5), "first", "a hint")], "summary")
    back = pickle.loads(pickle.dumps(script))
    assert (type(back), back.diagnostics, back.message) == (ScriptError, script.diagnostics, "summary")
    failed = BuildFailed("snippet failed", Location("snippets/a.py", 4), "see the log")
    back = pickle.loads(pickle.dumps(failed))
    assert (type(back), back.message, back.location, back.hint) == (
        BuildFailed, "snippet failed", Location("snippets/a.py", 4), "see the log")
