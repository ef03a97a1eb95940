"""Shared fixtures: the project root and a scratch copy of it for builds."""

from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project_root() -> Path:
    return PROJECT
