"""While the narrator says a backticked identifier, the editor lights the
first code line that holds it: the spans come from the voice's word times,
and the pixels of that line change colour for exactly that while."""

from __future__ import annotations

import numpy as np

from cuecast.model import Narration, Word
from cuecast.script import code_terms
from cuecast.video.editor import DARK
from cuecast.video.spoken_code import code_highlights
from tests.support.frames import frames_by_index, has_colour, picture_at
from tests.video.test_editor import CODE, FPS, scene

SAY = "We call `double` on a tensor, then `print(...)` shows it."


def narration(start: float) -> Narration:
    text = "We call double on a tensor, then print(...) shows it."
    words = tuple(Word(token, start + 0.3 * i, start + 0.3 * i + 0.25) for i, token in enumerate(text.split()))
    return Narration("b", "s", text, start, start + 3.5, None, words)


def test_each_backticked_identifier_lights_its_first_line_while_it_is_said():
    assert code_terms(SAY) == ("double", "print(...)")
    spans = code_highlights(code_terms(SAY), [narration(10.0)], CODE, start=9.0, fps=FPS, n_frames=300)
    # "double" is word 2 (said 10.6-10.85 s), first on line 2 (def double); print( on line 4
    said = lambda i: (round((10.0 + 0.3 * i - 9.0) * FPS), round((10.0 + 0.3 * i + 0.25 - 9.0) * FPS))  # noqa: E731
    assert spans == ((*said(2), 2), (*said(7), 4))


def test_unsaid_or_unknown_identifiers_light_nothing():
    assert code_highlights(("missing_name",), [narration(0.0)], CODE, 0.0, FPS, 300) == ()
    untimed = Narration("b", "s", "We call double", 0.0, 2.0)
    assert code_highlights(code_terms(SAY), [untimed], CODE, 0.0, FPS, 300) == ()


def test_the_editor_draws_the_spoken_line_lit_only_during_its_span():
    s = scene(n_frames=240, highlights=((150, 180, 2),))
    assert s.state(149).spoken_row == -1 and s.state(150).spoken_row == 2 and s.state(180).spoken_row == -1
    frames = frames_by_index(s)
    row = lambda picture, r: picture[s._row_y(r) + 1:s._row_y(r) + s.line_h - 1, s.code_x:s.code_right]  # noqa: E731
    before, during, after = (picture_at(frames, f) for f in (149, 160, 200))
    assert not has_colour(row(before, 2), DARK["spoken_line"], tolerance=2, at_least=50)
    assert has_colour(row(during, 2), DARK["spoken_line"], tolerance=2, at_least=200)
    assert not has_colour(row(during, 3), DARK["spoken_line"], tolerance=2, at_least=50)
    assert not has_colour(row(after, 2), DARK["spoken_line"], tolerance=2, at_least=50)
    # the code on the lit line is still drawn (its text pixels differ from the background)
    assert len(np.unique(row(during, 2).reshape(-1, 3), axis=0)) > 5
    assert np.array_equal(row(before, 2), row(after, 2))


def test_a_line_is_lit_while_later_lines_are_still_typed_but_not_before_it_is_typed():
    s = scene(n_frames=240, highlights=((0, 240, 2),))
    done = s.row_typed[2]
    first_lit = next(f for f in range(240) if s.state(f).spoken_row == 2)
    assert s.state(first_lit).typed >= done and s.state(first_lit - 1).typed < done
    assert first_lit < s.type_end  # line 4 is still being typed
    frames = frames_by_index(s)
    row = lambda picture, r: picture[s._row_y(r) + 1:s._row_y(r) + s.line_h - 1, s.code_x:s.code_right]  # noqa: E731
    assert has_colour(row(picture_at(frames, first_lit), 2), DARK["spoken_line"], tolerance=2, at_least=200)
    assert has_colour(row(picture_at(frames, 239), 2), DARK["spoken_line"], tolerance=2, at_least=200)
