"""A Jinja2 sandbox with a budget, for the templates in a lesson's titles and
narration.

Jinja's own sandbox keeps a template from reaching Python's internals, not
from spending the machine: ``'x' * 10**10`` asks for 10 GB, ``10 ** (10 **
8)`` computes for minutes (at compile time, where Jinja folds constants), a
macro that calls itself ends in a RecursionError and two nested loops over
``range(100000)`` never finish.  A title needs none of that, so this
environment refuses it early, each time with a ``TemplateLimit`` whose text
says which limit was hit:

* sizes: every string or list a template builds (``*``, ``+``, ``~``,
  ``%``, ``.format``, filters, method calls) weighs at most ``MAX_TEXT``
  (characters and items, the strings inside a list counted), checked
  *before* it is built where the size can be known; lists cannot be grown
  in place (the immutable sandbox), so nothing accumulates unchecked;
* numbers: ``**`` stops past ``MAX_DIGITS`` digits, ``range`` past
  ``MAX_RANGE`` items;
* depth: calls (macros, ``caller()``, recursive loops) nest at most
  ``MAX_CALL_DEPTH`` deep;
* time: the template's own code stops after ``MAX_SECONDS`` (a trace
  function that watches only the template's frames).
"""

from __future__ import annotations

import math
import re
import sys
import threading
import time
from typing import Any, Callable, Mapping

from jinja2 import StrictUndefined
from jinja2.compiler import CodeGenerator
from jinja2.sandbox import ImmutableSandboxedEnvironment

#: Characters (or items) in any value a template builds, and in its output.
MAX_TEXT = 100_000
#: Digits of an integer ``**`` may produce (Python prints at most 4300).
MAX_DIGITS = 4_000
#: Items ``range()`` may give.
MAX_RANGE = 10_000
#: Calls in progress at once.
MAX_CALL_DEPTH = 100
#: Seconds one field's template may run.
MAX_SECONDS = 2.0

#: Filters whose numeric arguments are sizes of what they build.
_SIZED_FILTERS = ("center", "indent", "truncate", "wordwrap", "batch", "slice", "truncatewords")
#: A width or precision written into a format string (``%999999d``, ``{:>999999}``).
_BIG_WIDTH = re.compile(r"\d{6,}")
_TEMPLATE_FILE = "<template>"


class TemplateLimit(Exception):
    """A template asked for more than a title may: the text says what."""


def _size(value: Any, depth: int = 0) -> int:
    """What ``value`` weighs: characters of a string; items of a container
    plus what its items weigh (three levels down, then items only)."""
    if isinstance(value, (str, bytes)):
        return len(value)
    if isinstance(value, Mapping):
        return len(value) + (sum(_size(k, depth + 1) + _size(v, depth + 1) for k, v in value.items())
                             if depth < 3 and len(value) <= MAX_TEXT else 0)
    if isinstance(value, (list, tuple, set, frozenset)):
        return len(value) + (sum(_size(item, depth + 1) for item in value)
                             if depth < 3 and len(value) <= MAX_TEXT else 0)
    return 0


def _check_size(value: Any, what: str) -> Any:
    size = _size(value)
    if size > MAX_TEXT:
        raise TemplateLimit(f"{what} would be {size:,} long; a template may build at most {MAX_TEXT:,}")
    return value


def _check_count(count: int, what: str) -> None:
    if count > MAX_TEXT:
        raise TemplateLimit(f"{what} would be {count:,} long; a template may build at most {MAX_TEXT:,}")


def _check_numbers(args, kwargs, what: str) -> None:
    """Integers passed as sizes (a width, a count) stay within ``MAX_TEXT``."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_TEXT:
            raise TemplateLimit(f"{what} with {value:,}: sizes in a template are at most {MAX_TEXT:,}")


def _check_format(text: str, args, kwargs) -> None:
    """A format string's written widths, and the widths it takes from its
    arguments (``%*d``, ``{:{w}}``), stay within ``MAX_TEXT``."""
    if _BIG_WIDTH.search(text):
        raise TemplateLimit(f"a format string with a width of {_BIG_WIDTH.search(text).group():s} "
                            f"(at most {MAX_TEXT:,})")
    if "*" in text or re.search(r"\{[^{}]*:[^{}]*\{", text):
        _check_numbers(args, kwargs, "a format string's width")


def _power(left: Any, right: Any) -> Any:
    if (isinstance(left, int) and isinstance(right, int) and not isinstance(left, bool)
            and right > 0 and abs(left) > 1):
        digits = right * math.log10(abs(left))
        if digits > MAX_DIGITS:
            raise TemplateLimit(f"{left} ** {right} has about {digits:,.0f} digits; a template may compute "
                                f"at most {MAX_DIGITS:,}")
    return left ** right


def _times(left: Any, right: Any) -> Any:
    for sequence, count in ((left, right), (right, left)):
        if _size(sequence) and isinstance(count, int) and not isinstance(count, bool):
            _check_count(_size(sequence) * max(count, 0), "a repetition")
    return left * right


def _plus(left: Any, right: Any) -> Any:
    if _size(left) and _size(right):
        _check_count(_size(left) + _size(right), "a sum")
    return left + right


def _modulo(left: Any, right: Any) -> Any:
    if isinstance(left, str):
        args = right if isinstance(right, tuple) else (right,)
        _check_format(left, args, right if isinstance(right, Mapping) else {})
        return _check_size(left % right, "a formatted string")
    return left % right


class _BudgetedCodeGenerator(CodeGenerator):
    """Jinja's code generator with ``~`` routed through the environment, so
    joining text is checked like ``+`` is."""

    def visit_Concat(self, node, frame) -> None:
        self.write("environment.concat_checked((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class BudgetedSandbox(ImmutableSandboxedEnvironment):
    """A ``SandboxedEnvironment`` that refuses work a title cannot need (see
    the module's docstring); strict about unknown names, no autoescape."""

    intercepted_binops = frozenset({"**", "*", "+", "%"})  # intercepted ones are never folded at compile time
    code_generator_class = _BudgetedCodeGenerator

    def __init__(self) -> None:
        super().__init__(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
        self.binop_table = dict(self.binop_table, **{"**": _power, "*": _times, "+": _plus, "%": _modulo})
        self.globals["range"] = _limited_range
        self.globals.pop("lipsum", None)  # paragraphs of filler by the thousand: no title needs them
        self.filters = {name: _budgeted_filter(name, func) for name, func in self.filters.items()}
        self._calls = threading.local()  # one environment serves every thread

    def concat_checked(self, parts) -> str:
        texts = [str(part) for part in parts]
        _check_count(sum(len(text) for text in texts), "joined text (~)")
        return "".join(texts)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        """Every call a template makes: depth counted, size arguments and
        results checked."""
        depth = getattr(__self._calls, "depth", 0)
        if depth >= MAX_CALL_DEPTH:
            raise TemplateLimit(f"calls nest more than {MAX_CALL_DEPTH} deep (a macro that calls itself "
                                "without end?)")
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):  # a str method: its int arguments are widths and counts
            name = getattr(__obj, "__name__", "")
            if name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
                found = owner.count(args[0]) if args[0] else len(owner) + 1
                _check_count(len(owner) + found * len(args[1]), "a replace")
            elif name == "join" and args:
                items = _items(args[0])
                _check_count(sum(_size(item) for item in items) + len(owner) * len(items), "a join")
                args = (items, *args[1:])
            else:
                _check_numbers(args, kwargs, f"str.{name}()")
        elif getattr(__obj, "__name__", "") == "format" and hasattr(__obj, "__wrapped__"):
            text = getattr(__obj.__wrapped__, "__self__", "")
            if isinstance(text, str):
                _check_format(text, args, kwargs)
        __self._calls.depth = depth + 1
        try:
            return _check_size(super().call(__context, __obj, *args, **kwargs), "a call's result")
        finally:
            __self._calls.depth = depth

    def render(self, text: str, context: Mapping) -> str:
        """``text`` rendered with ``context`` within every limit; raises
        ``TemplateLimit`` past one, and Jinja's own errors as they are."""
        deadline = time.monotonic() + MAX_SECONDS
        previous = sys.gettrace()
        sys.settrace(_tracer(deadline))
        try:
            template = self.from_string(text)
            pieces, length = [], 0
            for piece in template.generate(**context):
                length += len(piece)
                _check_count(length, "the text")
                pieces.append(piece)
            return "".join(pieces)
        finally:
            sys.settrace(previous)
            self._calls.depth = 0


def _limited_range(*args: int) -> range:
    items = range(*args)
    if len(items) > MAX_RANGE:
        raise TemplateLimit(f"range() of {len(items):,} items; a template may loop at most {MAX_RANGE:,} times")
    return items


def _items(iterable: Any) -> list:
    """The items of what a join is given, at most one past the bound."""
    items = []
    for item in iterable:
        items.append(item)
        if len(items) > MAX_TEXT:
            break
    return items


def _budgeted_filter(name: str, func: Callable) -> Callable:
    """``func`` with its size arguments and its result checked; keeps the
    attributes Jinja reads (``jinja_pass_arg``) so it is called the same way."""
    first = 2 if hasattr(func, "jinja_pass_arg") else 1  # the context or environment comes before the value

    def checked(*args, **kwargs):
        value, rest = (args[first - 1], args[first:]) if len(args) >= first else (None, ())
        if name == "format" and isinstance(value, str):
            _check_format(value, rest, kwargs)
        elif name == "join" and value is not None:
            items = _items(value)
            joiner = rest[0] if rest and isinstance(rest[0], str) else ""
            _check_count(sum(_size(item) or 1 for item in items) + len(joiner) * len(items), "a join")
            args = (*args[:first - 1], items, *rest)
        elif name == "replace" and len(rest) >= 2 and isinstance(rest[0], str) and isinstance(rest[1], str):
            text, old, new = str(value), rest[0], rest[1]
            _check_count(len(text) + (text.count(old) if old else len(text) + 1) * len(new), "a replace")
        elif name in _SIZED_FILTERS:
            _check_numbers(rest, kwargs, f"the filter {name}")
        return _check_size(func(*args, **kwargs), f"the filter {name}'s result")

    checked.__name__ = getattr(func, "__name__", name)
    checked.__doc__ = func.__doc__
    if hasattr(func, "jinja_pass_arg"):
        checked.jinja_pass_arg = func.jinja_pass_arg  # type: ignore[attr-defined]
    return checked


def _tracer(deadline: float):
    """A trace function that follows only the template's own frames and
    stops them once ``deadline`` passes (every loop of a template runs lines
    in those frames)."""

    def local(frame, event, arg):
        if event == "line" and time.monotonic() > deadline:
            raise TemplateLimit(f"the template ran for more than {MAX_SECONDS:g} seconds (a loop too long?)")
        return local

    def calls(frame, event, arg):
        return local if frame.f_code.co_filename == _TEMPLATE_FILE else None

    return calls
