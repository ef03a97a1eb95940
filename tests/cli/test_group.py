"""The ``render`` command group and its entry point: help with no
arguments, lazy imports, the group loaded only for a command that needs it."""

from __future__ import annotations

import subprocess
import sys

from tests.support.cli import run_render
from tests.support.paths import PROJECT


def test_bare_render_prints_help_and_succeeds():
    done = run_render(timeout=60)
    assert done.returncode == 0
    for command in ("check", "slides", "timeline", "video", "build", "watch", "new", "import"):
        assert f"  {command} " in done.stdout


def test_help_does_not_import_torch_or_the_stages():
    code = ("import sys; from cuecast.cli import main; main(['--help']); "
            "heavy = [m for m in ('torch', 'pptx', 'opentimelineio', 'cuecast.runner') if m in sys.modules]; "
            "print('HEAVY', heavy)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          cwd=PROJECT)
    assert "HEAVY []" in done.stdout, done.stdout + done.stderr


def test_unknown_command_is_a_usage_error():
    done = run_render("renderr", timeout=60)
    assert done.returncode == 2 and "No such command 'renderr'" in done.stderr


def test_the_group_is_loaded_only_when_a_command_needs_it():
    code = ("import sys; import cuecast.cli as cli; print('BEFORE', 'click' in sys.modules); "
            "group = cli.cli; print('AFTER', 'click' in sys.modules, sorted(group.list_commands(None))[:3])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=PROJECT)
    assert "BEFORE False" in done.stdout and "AFTER True ['build', 'check', 'import']" in done.stdout, done.stderr
