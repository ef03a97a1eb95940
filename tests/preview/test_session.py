"""``render preview``'s builds (``cuecast.preview.session``): the stage
table's stages in its order, and the drawn slides on the page before the
slides stage goes on to write the deck file."""

from __future__ import annotations

import time

import pytest

from cuecast.build import run_options
from cuecast.preview.events import EventHub
from cuecast.preview.session import PreviewSession, Update
from cuecast.runner import Runner
from tests.test_stages import SMALL, write_project


@pytest.mark.slow
def test_the_drawn_slides_are_sent_before_the_deck_file_is_written(tmp_path, monkeypatch):
    import cuecast.outputs.pptx as pptx_output  # the deck's entry in the output table

    script = write_project(tmp_path / "project")
    happened: list[str] = []
    real = pptx_output.write_pptx
    monkeypatch.setattr(pptx_output, "write_pptx", lambda *a, **k: happened.append("deck written") or real(*a, **k))
    hub = EventHub()
    publish = hub.publish

    def published(kind, data, lesson_id=None):
        if kind == "patch":
            happened.append(f"patch after {(data.get('timing') or {}).get('step')}")
        return publish(kind, data, lesson_id)

    hub.publish = published
    said: list[str] = []
    session = PreviewSession(script, SMALL, hub, said.append)
    runner = Runner(run_options(SMALL))
    session._runner = lambda: runner
    try:
        session.update(Update([], time.time()))
    finally:
        session.close()
        runner.close()
    assert happened[:2] == ["patch after slides", "deck written"], (happened, said)
    assert "patch after page" in happened
    assert (tmp_path / "project" / "build" / "stages" / "slides.pptx").is_file()
