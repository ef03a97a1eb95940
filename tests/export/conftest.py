"""The export tests' subject: a planned lesson, every format written."""

from __future__ import annotations

import pytest

from tests.support.timeline_outputs import write_timeline


@pytest.fixture
def written_timeline(tmp_path):
    """``(lesson, timeline, build_dir, paths)``: a planned lesson with real
    WAVs for two beats, every timeline format written."""
    return write_timeline(tmp_path)
