"""Jinja2 in titles, bullets and narration (``{{ torch_version }}``,
``{{ device }}``, ``{{ lesson.title }}``), so a deck says which torch produced
its outputs without the author editing the script after every upgrade.

The environment is sandboxed (a script is data, not code), strict and on a
budget (``cuecast.templating.budget``: sizes, numbers, call depth, time):
an unknown name, a syntax error, a limit hit or any error the template
raises is a ``ScriptError`` at the field's location, never an empty gap and
never a traceback.
``render_lesson`` fills in a whole lesson once its captures are known, so the
narration that is spoken, captioned and written into the notebook says what
the slides say.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import replace
from functools import lru_cache
from typing import Mapping

from cuecast.errors import Diagnostic, ScriptError
from cuecast.model import Beat, Capture, Cue, Lesson, Location, Section, field_location


@lru_cache(maxsize=1)
def _environment():
    from cuecast.templating.budget import BudgetedSandbox

    return BudgetedSandbox()


def template_context(lesson: Lesson, captures: Mapping[str, Capture]) -> dict:
    """The names a template may use: ``torch_version``, ``python_version``,
    ``device`` (the device's name, e.g. ``NVIDIA H100`` or ``cpu``),
    ``device_type`` (cpu/cuda/mps) and ``lesson`` (``id``, ``title``,
    ``source``)."""
    first = next(iter(captures.values()), None)
    return {
        "torch_version": first.torch_version if first and first.torch_version else "unknown",
        "python_version": first.python_version if first and first.python_version else "unknown",
        "device": (first.device_name or first.device) if first else "cpu",
        "device_type": first.device if first else "cpu",
        "lesson": {"id": lesson.id, "title": lesson.title, "source": lesson.source},
    }


def render_text(text: str, context: Mapping, location: Location) -> str:
    """``text`` with its Jinja2 expressions filled in; text without ``{{``,
    ``{%`` or ``{#`` is returned as it is (and costs nothing)."""
    if not text or ("{{" not in text and "{%" not in text and "{#" not in text):
        return text
    from jinja2 import TemplateError
    from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError

    from cuecast.templating.budget import TemplateLimit

    try:
        return _environment().render(text, context)
    except TemplateLimit as exc:
        message = f"template goes past a limit: {exc}"
        hint = "templates fill in values such as {{ torch_version }}; compute anything bigger in a snippet"
    except UndefinedError as exc:
        message = f"unknown name in template: {exc.message}"
        hint = "available: " + ", ".join(sorted(context))
        name = re.match(r"'([^']+)' is undefined", exc.message or "")
        close = difflib.get_close_matches(name.group(1), list(context), n=1) if name else []
        if close:
            hint = f"did you mean '{close[0]}'? " + hint
    except SecurityError as exc:
        message, hint = f"not allowed in a template: {exc}", "templates may only read values"
    except TemplateSyntaxError as exc:
        message, hint = f"template syntax error: {exc.message}", ""
    except TemplateError as exc:
        message, hint = f"template error: {exc}", ""
    except RecursionError:
        message, hint = "template nests too deeply (brackets or calls inside each other)", ""
    except MemoryError:
        message, hint = "template ran out of memory", "templates fill in values; compute anything bigger in a snippet"
    except Exception as exc:  # what the template's own code raises: ZeroDivisionError, OverflowError, ...
        message, hint = f"template error: {type(exc).__name__}: {_short(str(exc))}", ""
    raise ScriptError([Diagnostic(location, message, hint)])


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_lesson(lesson: Lesson, captures: Mapping[str, Capture]) -> Lesson:
    """``lesson`` with every title, bullet, point, narration, cue title and
    caption rendered; every template error in it raised together as one
    ``ScriptError``.  A lesson already rendered is returned as it is."""
    if lesson.templated:
        return lesson
    context = template_context(lesson, captures)
    problems: list[Diagnostic] = []

    def text(value, where: Location):
        if value is None:
            return None
        try:
            return render_text(value, context, where)
        except ScriptError as exc:
            problems.extend(exc.diagnostics)
            return value

    def cue(item: Cue) -> Cue:
        return replace(item, title=text(item.title, field_location(item, "title")),
                       caption=text(item.caption, field_location(item, "caption")))

    def beat(item: Beat) -> Beat:
        return replace(
            item,
            say=text(item.say, field_location(item, "say", "bullet")),
            shown_say=text(item.shown_say, field_location(item, "say", "bullet")),
            then=text(item.then, field_location(item, "then")),
            bullet=text(item.bullet, field_location(item, "bullet")),
            points=tuple(text(point, field_location(item, "points")) for point in item.points),
            cue=cue(item.cue) if item.cue is not None else None,
        )

    def section(item: Section) -> Section:
        return replace(item, title=text(item.title, field_location(item, "title")),
                       beats=tuple(beat(b) for b in item.beats),
                       subsections=tuple(section(s) for s in item.subsections))

    rendered = replace(lesson, title=text(lesson.title, lesson.location),
                       sections=tuple(section(s) for s in lesson.sections), templated=True)
    if problems:
        raise ScriptError(_unique(problems))
    return rendered


def _unique(problems: list[Diagnostic]) -> list[Diagnostic]:
    """One report per place: a beat's ``say`` defaults to its bullet (made
    speakable, so Jinja may word its complaint differently), and a bad bullet
    would otherwise be reported twice."""
    seen, kept = set(), []
    for problem in problems:
        key = problem.location
        if key not in seen:
            seen.add(key)
            kept.append(problem)
    return kept
