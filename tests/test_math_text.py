"""LaTeX maths as a slide shows it (Unicode) and a voice reads it (words)."""

from __future__ import annotations

import pytest

from cuecast.math_text import math_say, math_slide


@pytest.mark.parametrize("tex,slide,say", [
    ("x^2", "x²", "x squared"),
    ("\\frac{\\partial L}{\\partial w}", "∂L/∂w", "partial L over partial w"),
    ("\\sigma(x) = \\frac{1}{1 + e^{-x}}", "σ(x) = 1/(1 + e⁻ˣ)", "sigma x equals 1 over 1 plus e to the power minus x"),
    ("W^\\top x", "Wᵀx", "W transposed x"),
    ("\\sum_{i=1}^{n} x_i", "Σᵢ₌₁ⁿ xᵢ", "the sum from i equals 1 to n of x i"),
    # what a sum sums is set off, so a fraction brackets the whole denominator
    ("\\frac{\\exp(x_i)}{\\sum_j \\exp(x_j)}", "exp(xᵢ)/(Σⱼ exp(xⱼ))", "exp x i over the sum over j of exp x j"),
    ("\\mathbb{R}^{n \\times m}", "ℝ^(n×m)", "R to the power n times m"),
    ("\\text{loss} = 12.5", "loss = 12.5", "loss equals 12.5"),
    # an index is not a power: parenthesised superscripts and subscripts read as indices
    ("x^{(i)}", "x⁽ⁱ⁾", "x i"),
    ("x^{(2)} + x_0", "x⁽²⁾ + x₀", "x two plus x zero"),
    ("q^{(2)\\top}", "q⁽²⁾ᵀ", "q two transposed"),
    ("x^4", "x⁴", "x to the power 4"),
    ("\\overbrace{x_0 + y_0}^\\text{$z_0$}", "x₀ + y₀ (z₀)", "x zero plus y zero, that is z zero"),
    ("\\underbrace{a}_{\\text{the sum}}", "a (the sum)", "a, that is the sum"),
    ("\\sqrt{d_k} \\cdot \\infty", "√dₖ · ∞", "the square root of d k times infinity"),
    ("\\partial loss", "∂loss", "partial loss"),
    # a letter index is raised too (not "θ^((t+1))"); one with no raised form keeps one pair of brackets
    ("\\theta^{(t+1)} = \\theta^{(t)} - \\eta \\nabla_\\theta L(\\theta)", "θ⁽ᵗ⁺¹⁾ = θ⁽ᵗ⁾ - η∇_θL(θ)",
     "theta t plus 1 equals theta t minus eta nabla theta L theta"),
    ("x^{(q)}", "x^(q)", "x q"),
    # a list keeps its spaces after commas; a named function sits against its brackets
    ("\\tanh(x), \\sigma(x), \\text{ReLU}(x)", "tanh(x), σ(x), ReLU(x)", "tanch x, sigma x, ReLU x"),
    ("\\log \\text{Softmax}(Ax + b)", "log Softmax(Ax + b)", "log Softmax A x plus b"),
])
def test_math(tex, slide, say):
    assert (math_slide(tex), math_say(tex)) == (slide, say)
