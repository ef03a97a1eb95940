"""LaTeX maths as a slide shows it (Unicode) and a voice reads it (words)."""

from __future__ import annotations

import pytest

from cuecast.math_text import math_say, math_slide


@pytest.mark.parametrize("tex,slide,say", [
    ("x^2", "x²", "x squared"),
    ("\\frac{\\partial L}{\\partial w}", "∂L/∂w", "partial L over partial w"),
    ("\\sigma(x) = \\frac{1}{1 + e^{-x}}", "σ(x) = 1/(1 + e⁻ˣ)", "sigma of x equals 1 over 1 plus e to the minus x"),
    ("W^\\top x", "Wᵀx", "W transposed x"),
    ("\\sum_{i=1}^{n} x_i", "Σᵢ₌₁ⁿ xᵢ", "the sum from i equals 1 to n of x i"),
    # what a sum sums is set off, so a fraction brackets the whole denominator
    ("\\frac{\\exp(x_i)}{\\sum_j \\exp(x_j)}", "exp(xᵢ)/(Σⱼ exp(xⱼ))", "exp of x i over the sum over j of exp of x j"),
    # a number set's superscript is its dimension
    ("\\mathbb{R}^{n \\times m}", "ℝ^(n×m)", "R n by m"),
    ("x \\in \\mathbb{R}^3", "x ∈ ℝ³", "x in R three"),
    ("\\text{loss} = 12.5", "loss = 12.5", "loss equals 12.5"),
    # an index is not a power: parenthesised superscripts and subscripts read as indices
    ("x^{(i)}", "x⁽ⁱ⁾", "x i"),
    ("x^{(2)} + x_0", "x⁽²⁾ + x₀", "x two plus x zero"),
    ("q^{(2)\\top}", "q⁽²⁾ᵀ", "q two transposed"),
    ("x^4", "x⁴", "x to the power 4"),
    # a letter or an expression in the exponent is read as people say it, never "to the power"
    ("x^n + e^{-x}", "xⁿ + e⁻ˣ", "x to the n plus e to the minus x"),
    ("a^{[l]} = g(z^{[l]})", "a^[l] = g(z^[l])", "a l equals g of z l"),  # a layer index in brackets
    ("x^* = x_i^2", "x^* = xᵢ²", "x star equals x i squared"),
    # a function applied: a single letter that names one, or a known name; a product stays one
    ("f(x) + f_\\theta(x)", "f(x) + fθ(x)", "f of x plus f theta of x"),
    ("L(w) = \\operatorname{loss}(y)", "L(w) = loss(y)", "L of w equals loss of y"),
    ("x(1 + y)", "x(1 + y)", "x 1 plus y"),
    ("p(x | y) = |a|", "p(x|y) = |a|", "p of x given y equals a"),
    # a subscript with no lowered form is set against its letter, never a raw underscore
    ("q = x W_q + W_{qk}", "q = xWq + Wqk", "q equals x W q plus W q k"),
    ("\\overbrace{x_0 + y_0}^\\text{$z_0$}", "x₀ + y₀ (z₀)", "x zero plus y zero, that is z zero"),
    ("\\underbrace{a}_{\\text{the sum}}", "a (the sum)", "a, that is the sum"),
    ("\\sqrt{d_k} \\cdot \\infty", "√dₖ · ∞", "the square root of d k times infinity"),
    ("\\partial loss", "∂loss", "partial loss"),
    # a letter index is raised too (not "θ^((t+1))"); one with no raised form keeps one pair of brackets
    ("\\theta^{(t+1)} = \\theta^{(t)} - \\eta \\nabla_\\theta L(\\theta)", "θ⁽ᵗ⁺¹⁾ = θ⁽ᵗ⁾ - η∇θL(θ)",
     "theta t plus 1 equals theta t minus eta nabla theta L of theta"),
    ("x^{(q)}", "x^(q)", "x q"),
    # a list keeps its spaces after commas; a named function sits against its brackets
    ("\\tanh(x), \\sigma(x), \\text{ReLU}(x)", "tanh(x), σ(x), ReLU(x)", "tanch of x, sigma of x, ReLU of x"),
    ("\\log \\text{Softmax}(Ax + b)", "log Softmax(Ax + b)", "log Softmax of A x plus b"),
    # a prime is said, and shown as one; a function's derivative is still applied
    ("P_3'(x) = f'(x)", "P₃′(x) = f′(x)", "P three prime of x equals f prime of x"),
    # a simple fraction as people say it; a bracket after a fraction multiplies it
    ("\\frac{1}{2}\\left(5x^3-3x\\right)", "1/2 (5x³ - 3x)", "one half times the quantity 5 x cubed minus 3 x"),
    ("\\frac{3}{4} + \\frac{1}{n}", "3/4 + 1/n", "three quarters plus 1 over n"),
    # pi written without its backslash (a slip tutorials make) is still pi, not p times i
    ("-\\pi \\le x \\le pi", "-π ≤ x ≤ pi", "minus pi is at most x is at most pi"),
])
def test_math(tex, slide, say):
    assert (math_slide(tex), math_say(tex)) == (slide, say)
