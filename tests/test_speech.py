"""The one speech normaliser (``cuecast.speech``): a table of what authors
write and what a voice is handed, and the promises every caller relies on
(no markup left, no power words for indices, idempotent, plain text kept)."""

from __future__ import annotations

import re

import pytest

from cuecast.narrate.base import narration_text
from cuecast.speech import slide_text, speech
from cuecast.script import spoken
from cuecast.model import Beat, Location
from tests.support.watchability import leaks

#: (what an author wrote, what the voice reads)
CASES = [
    # indices are not powers; a power needs a plain number
    ("Suppose we are given $x^{(1)}$ to $x^{(T)}$.", "Suppose we are given x one to x T."),
    ("the query $x^{(2)}$ and $z^{(i)}$", "the query x two and z i"),
    ("$\\omega_{21} = x^{(1)} q^{(2)\\top}$", "omega 21 equals x one q two transposed"),
    ("The area is $x^2$, the volume $x^3$, then $x^4$.",
     "The area is x squared, the volume x cubed, then x to the power 4."),
    # a letter exponent is not "to the power"; a function is applied "of"
    ("Raise $x^n$ and apply $f(x)$, then $\\sigma(z)$.", "Raise x to the n and apply f of x, then sigma of z."),
    ("with $W \\in \\mathbb{R}^{d \\times k}$", "with W in R d by k"),
    # spaces inside the dollars
    ("Query vector: $q^{(i)} = x^{(i)}\\,W_q $", "Query vector: q i equals x i W q"),
    ("$ y = 2x $ here", "y equals 2 x here"),
    # commands, fractions, braces, text, subscripts
    ("up to $\\infty$", "up to infinity"),
    ("scaled by $\\frac{1}{\\sqrt{d_k}}$", "scaled by 1 over the square root of d k"),
    ("$a \\cdot b$", "a times b"),
    ("$\\overbrace{x_0 + y_0}^\\text{$z_0$}$", "x zero plus y zero, that is z zero"),
    ("$\\underbrace{a + b}_{\\text{the sum}}$", "a plus b, that is the sum"),
    ("the output $y_m$ and the start $x_0$", "the output y m and the start x zero"),
    ("$$\\text{loss} = 0$$", "loss equals 0"),
    ("we need $\\partial loss/\\partial w$ and $xyz$", "we need partial loss over partial w and x y z"),
    ("\\(a_1\\) in brackets", "a one in brackets"),
    ("infinite \\infty outside maths and \\alpha", "infinite infinity outside maths and alpha"),
    # reST roles and MyST roles
    ("Use :func:`torch.cat` to join.", "Use torch.cat to join."),
    ("A :class:`~torch.nn.Module` and :meth:`Tensor.view`.", "A Module and Tensor.view."),
    (":mod:`torch.nn` and :attr:`x.shape`", "torch.nn and x.shape"),
    ("arrays (see :ref:`bridge-to-np-label`). Tensors", "arrays. Tensors"),
    ("(and vice versa - see :ref:`bridge-to-np-label`).", "(and vice versa)."),
    ("Read :doc:`the basics <intro/basics>` first.", "Read the basics first."),
    ("As described in {ref}`some-label`, a {py:func}`torch.stack`.", "As described, a torch.stack."),
    # Markdown and code
    ("See the [docs](./multihead-attention.md) for more.", "See the docs for more."),
    # a label that is a path is read by the file's name, never "dot slash … i p y n b"
    ("See the [./multihead-attention.ipynb](./multihead-attention.ipynb) code notebook.",
     "See the multihead attention code notebook."),
    ("in [exercise_solutions.py](x.py) and [../ch02/](../ch02/)", "in exercise solutions and ch02"),
    ("the [torch.nn](https://pytorch.org) docs", "the torch.nn docs"),
    ("Use the `.view` method.", "Use the .view method."),
    ("**Joining tensors** is next.", "Joining tensors is next."),
    ("scale by `d_k**0.5`", "scale by d_k to the power 0.5"),
    ("We call `loss.backward()` and the __call__ method.", "We call loss.backward() and the __call__ method."),
    # plain text stays as written
    ("snake_case x_data stays, as do $5 and $6.", "snake_case x_data stays, as do $5 and $6."),
    ("{{ torch_version }}  is   here", "{{ torch_version }} is here"),
    # a template mark holds Jinja, filled in later: never read as prose
    ("{{ 10 ** (10 ** 6) }} and {% if x_1 %}$x^2${% endif %}", "{{ 10 ** (10 ** 6) }} and {% if x_1 %}x squared{% endif %}"),
    ("{{ x**2 }} is {{ '$' }}", "{{ x**2 }} is {{ '$' }}"),
    ("a lone $x^{(i)} here", "a lone x i here"),
    ("set $HOME first", "set HOME first"),
    # a power written without dollars, as code comments do
    ("maps from R^5 to R^3, parameters A, b", "maps from R to the power 5 to R cubed, parameters A, b"),
    ("about 2^{10} items, not a^b^c or `x ^ y`", "about 2 to the power 10 items, not a^b^c or x ^ y"),
]



@pytest.mark.parametrize("written,said", CASES)
def test_speech(written, said):
    assert speech(written) == said


@pytest.mark.parametrize("written,said", CASES)
def test_speech_is_idempotent_and_leaves_no_markup(written, said):
    assert speech(said) == said
    if not re.search(r"x\^[24]|\*\*|R\^|2\^", written):  # the cases that are real powers
        assert not leaks(said), said  # markup or power words (bench_watchability's rules)


def test_say_and_captions_go_through_it():
    """The parser's ``say:`` and the clip/caption text are the normaliser's."""
    written = "Index $x^{(2)}$ with `x[0]`, see :ref:`label`."
    assert spoken(written) == "Index x two with x[0]."
    beat = Beat(id="b", location=Location("s.yaml", 1), say=written)
    assert narration_text(beat) == "Index x two with x[0]."


def test_a_hand_written_lesson_is_spoken_through_it(tmp_path):
    """A ``say:`` and a bullet written in the script, read by the real parser."""
    from cuecast.script import load_lesson

    (tmp_path / "script").mkdir()
    script = tmp_path / "script" / "maths.yaml"
    script.write_text(
        "lesson: Maths\nsections:\n  - title: Powers\n    beats:\n"
        "      - say: 'The area is $x^2$ and `x.pow(2)` gives it; the index $x^{(2)}$ is no power.'\n"
        "      - bullet: 'Use **`torch.cat`** on $x_0$, see :ref:`joining`'\n", encoding="utf-8")
    lesson = load_lesson(script, root=tmp_path)
    said = [narration_text(beat) for _, beat in lesson.beats()]
    assert said == ["The area is x squared and x.pow(2) gives it; the index x two is no power.",
                    "Use torch.cat on x zero."]
    (_, bullet), = [(s, b) for s, b in lesson.beats() if b.bullet]
    # the slide shows it as the importer would: maths in Unicode, code in backticks, no bold marks or role
    assert bullet.bullet == "Use `torch.cat` on x₀"


#: (what an author wrote in a bullet, what the slide shows): the importer's display of the same markup
SHOWN = [
    ("the index $x^{(2)}$ and $\\theta^{(t+1)}$", "the index x⁽²⁾ and θ⁽ᵗ⁺¹⁾"),
    ("**Joining tensors** with `torch.cat`", "Joining tensors with `torch.cat`"),
    ("A :class:`~torch.nn.Module`, see :ref:`label`", "A `Module`"),
    ("read [the docs](https://pytorch.org) on $ q = x\\,W $", "read the docs on q = xW"),
    ("the query $q = x W_q$ and $x_0$", "the query q = xWq and x₀"),  # no raw underscore
    ("up to \\infty", "up to ∞"),
    ("maps from R^5, not a^b^c", "maps from R⁵, not a^b^c"),
    # plain text, code and prices stay as written
    ("`x**2` is $5, {{ torch_version }}, snake_case", "`x**2` is $5, {{ torch_version }}, snake_case"),
    ("{{ 10 ** (2 ** 3) }} and {{ a**b**c }}", "{{ 10 ** (2 ** 3) }} and {{ a**b**c }}"),  # templates are filled later
]


@pytest.mark.parametrize("written,shown", SHOWN)
def test_slide_text(written, shown):
    assert slide_text(written) == shown
    assert slide_text(shown) == shown  # what the importer wrote is already shown this way


def test_a_hand_written_bullet_is_shown_on_the_real_slide_without_markup(tmp_path):
    """``render build --only slides`` on an author's lesson: the deck read
    back with python-pptx shows maths in Unicode and code as its own run,
    never ``$``, ``**``, a role or a link's address."""
    from pptx import Presentation

    from tests.support.cli import run_render

    (tmp_path / "script").mkdir()
    (tmp_path / "script" / "maths.yaml").write_text(
        "lesson: Maths\nsections:\n  - title: Attention\n    beats:\n"
        "      - bullet: 'The query $q^{(2)} = x^{(2)} W$ for **each** token'\n"
        "        points: ['scaled by $\\frac{1}{\\sqrt{d_k}}$', 'see the [notes](./notes.md)']\n"
        "      - bullet: 'Use :func:`torch.softmax` up to \\infty'\n", encoding="utf-8")
    run_render("build", "script/maths.yaml", "--only", "slides", cwd=tmp_path, check=True)
    deck = Presentation(str(tmp_path / "build" / "maths" / "slides.pptx"))
    (body,) = [shape for shape in deck.slides[1].shapes if shape.has_text_frame and "query" in shape.text_frame.text]
    lines = [paragraph.text for paragraph in body.text_frame.paragraphs]
    assert lines == ["The query q⁽²⁾ = x⁽²⁾W for each token", "scaled by 1/√dₖ", "see the notes",
                     "Use torch.softmax up to ∞"]
    code = [run for run in body.text_frame.paragraphs[3].runs if run.text == "torch.softmax"]
    assert code and code[0].font.name != body.text_frame.paragraphs[3].runs[0].font.name  # drawn as code
