"""Templates in titles and narration run on a budget: what would take the
machine's memory or time, or Python's recursion, is a located error at the
field, and what a title needs still works."""

from __future__ import annotations

import sys
import time

import pytest

from cuecast.templating.budget import MAX_SECONDS
from cuecast.templating import render_text
from cuecast.errors import ScriptError
from cuecast.model import Location

CONTEXT = {"torch_version": "2.13.0", "device": "cpu", "device_type": "cpu", "python_version": "3.11",
           "lesson": {"id": "t", "title": "Tensors", "source": "script/t.yaml"}}
WHERE = Location("script/t.yaml", 7, 9)


def message(text: str) -> str:
    with pytest.raises(ScriptError) as caught:
        render_text(text, CONTEXT, WHERE)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.location == WHERE
    return diagnostic.message


LIMIT = "template goes past a limit: "


@pytest.mark.parametrize("text, expected", [
    ("{{ range(10**9)|list|length }}", "range() of 1,000,000,000 items; a template may loop at most 10,000 times"),
    ("{{ 'x' * 10**10 }}", "a repetition would be 10,000,000,000 long; a template may build at most 100,000"),
    ("{{ ['x' * 50000] * 10000 }}", "a repetition would be 500,010,000 long; a template may build at most 100,000"),
    ("{{ 10 ** (10 ** 6) }}", "10 ** 1000000 has about 1,000,000 digits; a template may compute at most 4,000"),
    ("{{ 10 ** (10 ** 8) }}", "10 ** 100000000 has about 100,000,000 digits; a template may compute at most 4,000"),
    ("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
     "calls nest more than 100 deep (a macro that calls itself without end?)"),
    ("{{ 'x'|center(1000000000) }}", "the filter center with 1,000,000,000: sizes in a template are at most 100,000"),
    ("{{ 'x'.ljust(10**9) }}", "str.ljust() with 1,000,000,000: sizes in a template are at most 100,000"),
    ("{{ '%999999999d' % 1 }}", "a format string with a width of 999999999 (at most 100,000)"),
    ("{{ '{:>999999999}'.format(1) }}", "a format string with a width of 999999999 (at most 100,000)"),
    ("{{ '%*d' % (999999999, 1) }}", "a format string's width with 999,999,999: sizes in a template are at most 100,000"),
    ("{{ ('x' * 100000)|replace('', 'yy') }}", "a replace would be 300,002 long; a template may build at most 100,000"),
    ("{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
     "joined text (~) would be 131,072 long; a template may build at most 100,000"),
    ("{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}",
     "a sum would be 131,072 long; a template may build at most 100,000"),
])
def test_work_a_title_cannot_need_is_refused_at_the_field(text, expected):
    # refused by what it would do, not stopped by the clock (whose message differs)
    assert message(text) == LIMIT + expected


def test_a_loop_that_runs_too_long_is_stopped_and_the_tracer_restored():
    before = sys.gettrace()
    started = time.monotonic()
    text = "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}"
    assert message(text) == LIMIT + f"the template ran for more than {MAX_SECONDS:g} seconds (a loop too long?)"
    assert time.monotonic() - started < MAX_SECONDS + 3  # 10**8 steps, stopped after its budget
    assert sys.gettrace() is before


@pytest.mark.parametrize("text, expected", [
    ("{{ 1 / 0 }}", "template error: ZeroDivisionError: division by zero"),
    ("{{ 10.0 ** 400 }}", "template error: OverflowError: (34, 'Numerical result out of range')"),
    ("{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}", "template nests too deeply (brackets or calls inside each other)"),
    ("{{ [1, 2].append(3) }}", "not allowed in a template: access to attribute 'append' of 'list' object is unsafe."),
])
def test_errors_the_template_raises_are_located_too(text, expected):
    assert message(text) == expected


def test_what_a_title_needs_still_works():
    text = ("{{ torch_version }} on {{ device|upper }}: {{ '%.2f'|format(3.14159) }} {{ '%d'|format(11689512) }} "
            "{{ 2 ** 10 }} {{ 'ab' * 3 }} {{ 'x' ~ 'y' }} {{ [1, 2]|join(',') }} {{ '{:>4}'.format(7) }} "
            "{% for i in range(3) %}{{ i }}{% endfor %} {{ lesson.title|replace('T', 't') }}")
    assert render_text(text, CONTEXT, WHERE) == "2.13.0 on CPU: 3.14 11689512 1024 ababab xy 1,2    7 012 tensors"
