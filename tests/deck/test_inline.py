"""Inline `code` spans in bullets become monospace runs on the slide."""

from cuecast.deck.layout import inline_runs


def test_code_spans_become_mono_runs_without_backticks():
    runs = inline_runs("If `grad_fn` is `None` it is a leaf", 20, "#000000", "#993300")
    assert [(r.text, r.font) for r in runs] == [
        ("If ", "sans"), ("grad_fn", "mono"), (" is ", "sans"), ("None", "mono"), (" it is a leaf", "sans")]
    assert {r.color for r in runs if r.font == "mono"} == {"#993300"}


def test_an_unpaired_backtick_stays_as_written():
    seed = "Pytorch requires `(batch_size, n_features1, ..., n_features2) tensors as input."
    assert [(r.text, r.font) for r in inline_runs(seed, 20, "#000", "#111")] == [(seed, "sans")]
    runs = inline_runs("a `b` c `d", 20, "#000", "#111")
    assert [(r.text, r.font) for r in runs] == [("a ", "sans"), ("b", "mono"), (" c `d", "sans")]
    assert inline_runs("no code here", 20, "#000", "#111")[0].text == "no code here"

