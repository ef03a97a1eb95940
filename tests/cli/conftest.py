"""Fixtures the subcommands' tests share."""

from __future__ import annotations

import pytest

from tests.support.talk import talk_project


@pytest.fixture
def talk(tmp_path, monkeypatch):
    """A two-slide lesson without snippets in ``tmp_path``, the working folder."""
    monkeypatch.chdir(talk_project(tmp_path))
    return tmp_path
