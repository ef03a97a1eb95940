"""Shared fixtures: the project root and a scratch copy of it for builds."""

import os
from pathlib import Path

import pytest

# The tests never reach the internet, whatever this machine can reach: browser
# cues of other hosts (the default lesson's https://pytorch.org) fall back to
# the simulated page at once; pages served on 127.0.0.1 are still captured.
# Set before any test runs, so `render` subprocesses inherit it too.
os.environ.setdefault("CUECAST_OFFLINE", "1")

# Every deck any test builds is checked for overlapping words (see the plugin).
pytest_plugins = ["tests.support.deck_watch", "pytester"]

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project_root() -> Path:
    return PROJECT


@pytest.fixture
def render_cli():
    """``render_cli(*args, cwd=…)``: the CLI run as a user runs it
    (``tests.support.cli.run_render``)."""
    from tests.support.cli import run_render

    return run_render
