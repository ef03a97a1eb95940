"""``show: browser``: its ``url:`` is an http(s) address with a host (or a
page of the project, ``tests/web/test_address.py``); a bare host name gets
a did-you-mean."""

from __future__ import annotations

import pytest

from cuecast.kinds.browser import KIND
from cuecast.script import load_lesson
from tests.support.script_errors import problems_in
from tests.test_script import beat, problems


@pytest.mark.parametrize("lines, expected", [
    (("show: browser", "say: docs"), [(5, 15, "a browser cue needs a 'url' (the page to show)")]),
    (("show: browser", "url: ftp://example.com/x"),
     [(6, 14, "url 'ftp://example.com/x' must be an http:// or https:// address with a host")]),
    (("show: browser", "url: 'https:///path'"),
     [(6, 14, "url 'https:///path' must be an http:// or https:// address with a host")]),
    (("show: browser", "url: 'https://a.org/two words'"),
     [(6, 14, "url 'https://a.org/two words' must be an http:// or https:// address with a host")]),
    (("show: browser", "url: 'http://[::1'"),
     [(6, 14, "url 'http://[::1' must be an http:// or https:// address with a host")]),
])
def test_a_browser_cue_needs_a_web_address(snippet_project, lines, expected):
    assert problems(snippet_project, beat(*lines)) == expected


def test_a_bare_host_gets_a_did_you_mean_and_a_word_does_not(snippet_project):
    ((*_, hint),) = problems_in(snippet_project, beat("show: browser", "url: pytorch.org/docs"))
    assert hint == "did you mean 'https://pytorch.org/docs'?"
    ((*_, hint),) = problems_in(snippet_project, beat("show: browser", "url: TODO"))
    assert hint == ""


def test_the_address_is_kept_without_surrounding_space(snippet_project):
    script = snippet_project / "script" / "ok.yaml"
    script.write_text(beat("show: browser", "url: '  https://pytorch.org/docs  '"), encoding="utf-8")
    ((_, _, cue),) = list(load_lesson(script).cues())
    assert cue.url == "https://pytorch.org/docs"
    assert KIND.instruction(cue) == "SHOW IN BROWSER: https://pytorch.org/docs"
    assert KIND.review(cue) == "Browser: https://pytorch.org/docs" and KIND.capture_name(cue) is None
