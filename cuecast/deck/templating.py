"""Jinja2 in titles, bullets and narration (``{{ torch_version }}``,
``{{ device }}``, ``{{ lesson.title }}``), so a deck says which torch produced
its outputs without the author editing the script after every upgrade.

The environment is sandboxed (a script is data, not code) and strict: an
unknown name is a ``ScriptError`` at the beat's location, never an empty gap.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Mapping

from cuecast.errors import Diagnostic, ScriptError
from cuecast.model import Capture, Lesson, Location


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)


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

    try:
        return _environment().from_string(text).render(**context)
    except UndefinedError as exc:
        message = f"unknown name in template: {exc.message}"
        hint = "available: " + ", ".join(sorted(context))
    except SecurityError as exc:
        message, hint = f"not allowed in a template: {exc}", "templates may only read values"
    except TemplateSyntaxError as exc:
        message, hint = f"template syntax error: {exc.message}", ""
    except TemplateError as exc:
        message, hint = f"template error: {exc}", ""
    raise ScriptError([Diagnostic(location, message, hint)])
