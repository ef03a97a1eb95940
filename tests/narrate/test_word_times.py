"""Written words timed from the phonemes said, when the two do not split one
for one: words run together, a number read as several words, a dash said as
nothing."""

from __future__ import annotations

from cuecast.narrate.word_times import time_words


def sounds_of(*words: str, gap: float = 0.1, each: float = 0.05):
    """Phonemes (one letter each) said back to back, words ``gap`` apart."""
    out, at = [], 0.0
    for word in words:
        for letter in word:
            out.append((letter, at, at + each))
            at += each
        out.append((" ", at, at + gap))
        at += gap
    return out


def test_words_said_together_are_split_where_their_own_phonemes_fall():
    # "on the" said as one word "onthe": each written word keeps its own letters' times
    sounds = sounds_of("kal", "onthe", "los")
    words = time_words(["call", "on", "the", "loss"], [list("kal"), list("on"), list("the"), list("los")], sounds, 2.0)
    assert [w.text for w in words] == ["call", "on", "the", "loss"]
    on, the = words[1], words[2]
    assert (on.start, on.end) == (round(sounds[4][1], 3), round(sounds[5][2], 3))
    assert (the.start, the.end) == (round(sounds[6][1], 3), round(sounds[8][2], 3))


def test_a_dash_takes_the_instant_the_previous_word_ended_and_times_never_go_back():
    sounds = sounds_of("a", "tensor", "holds")
    words = time_words(["A", "tensor", "—", "holds"], [["ɐ"], list("tensor"), [], list("holds")], sounds, 3.0)
    assert words[2].start == words[2].end == words[1].end
    starts = [w.start for w in words]
    assert starts == sorted(starts) and all(w.start <= w.end <= 3.0 for w in words)


def test_phonemes_that_differ_alone_and_in_context_still_land_in_order():
    # "the" alone is "ði", in the sentence "ðə"; a number alone says more than the sentence did
    sounds = sounds_of("ðə", "kat", "tu")
    written = [list("ði"), list("kat"), list("tuponwan")]
    words = time_words(["the", "cat", "2.1"], written, sounds, 1.5)
    assert [w.start for w in words] == sorted(w.start for w in words)
    assert words[0].start == 0.0 and words[1].start == round(sounds[3][1], 3) and words[2].end <= 1.5


def test_no_phonemes_said_shares_the_clip_evenly():
    words = time_words(["uh", "um"], [[], []], [], 2.0)
    assert [(w.start, w.end) for w in words] == [(0.0, 1.0), (1.0, 2.0)]
