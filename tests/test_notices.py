"""Warnings about a stage's inputs: said in full by a stage that runs,
summed up in one line per kind when no running stage read them."""

from __future__ import annotations

import warnings

from cuecast.narrate import VoiceWarning
from cuecast.notices import HeldNotices
from cuecast.web import WebWarning


def said(action) -> list[tuple[type, str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        action()
    return [(w.category, str(w.message)) for w in caught]


def page_warnings(notices: HeldNotices, count: int = 2) -> None:
    def compute():
        with notices.computing("pages"):
            for n in range(count):
                warnings.warn(WebWarning(f"script/a.yaml:{n}: cannot capture"))
    assert said(compute) == []  # held, not said


def test_a_stage_that_runs_says_what_the_inputs_it_read_warned_about_once():
    notices = HeldNotices()
    notices.stage_started()
    page_warnings(notices)
    assert said(lambda: notices.stage_ended(ran=True)) == [
        (WebWarning, "script/a.yaml:0: cannot capture"), (WebWarning, "script/a.yaml:1: cannot capture")]
    notices.stage_started()
    notices.read("pages")
    assert said(lambda: notices.stage_ended(ran=True)) == []  # said already
    assert said(lambda: notices.summarise("a")) == []


def test_a_skipped_stage_holds_them_for_a_later_stage_that_runs_and_reads_them():
    notices = HeldNotices()
    notices.stage_started()
    page_warnings(notices)
    assert said(lambda: notices.stage_ended(ran=False)) == []
    notices.stage_started()  # a stage that reads nothing of it
    assert said(lambda: notices.stage_ended(ran=True)) == []
    notices.stage_started()
    notices.read("pages")
    assert len(said(lambda: notices.stage_ended(ran=True))) == 2


def test_what_no_running_stage_read_is_one_summary_line_per_kind():
    notices = HeldNotices()
    notices.stage_started()
    page_warnings(notices, count=3)
    with notices.computing("narration"):
        warnings.warn(VoiceWarning("espeak-ng is unavailable; narrating silently"))
        warnings.warn(UserWarning("something else"))
    notices.stage_ended(ran=False)
    assert said(lambda: notices.summarise("tiny")) == [
        (WebWarning, "tiny: 3 browser cues show a simulated page or an older capture "
                     "(not captured now; the outputs are current)"),
        (VoiceWarning, "tiny: the narration has 1 warning from when its timeline was built (the outputs are current)"),
        (UserWarning, "tiny: 1 warning about inputs of stages that were current"),
    ]
    assert said(lambda: notices.summarise("tiny")) == []

