"""Markdown with executable code fences → blocks: Quarto (``.qmd``,
```` ```{python} ````), MyST notebooks (```` ```{code-cell} python ````),
R Markdown's ```` ```{python} ```` chunks, and plain Markdown tutorials.

A front-matter ``title:`` names the lesson.  When the file has executable
fences, only they run and a plain ```` ```python ```` fence is an example
shown in the prose (a to-do, since a lesson shows code by running it); a
Markdown file with no executable fence runs its ```` ```python ```` fences.
"""

from __future__ import annotations

import re

import yaml

from cuecast.importers.blocks import Document
from cuecast.importers.markdown import parse_markdown
from cuecast.importers.speakable import md_inline

EXECUTABLE = re.compile(
    r"^\{\s*(?:python3?|py|ipython3?)\b[^}]*\}|^\{\s*code-cell\s*\}\s*(?:python3?|ipython3?|py)?\s*$"
    r"|^\{\s*\.?python\b[^}]*\}",
    re.IGNORECASE,
)
PLAIN_PYTHON = re.compile(r"^(?:python3?|py|ipython3?|pycon)\s*$", re.IGNORECASE)
FENCE_INFO = re.compile(r"^ {0,3}(?:`{3,}|~{3,})\s*(?P<info>.*?)\s*$")


def has_executable_fences(text: str) -> bool:
    return any(EXECUTABLE.match(m.group("info")) for m in map(FENCE_INFO.match, text.splitlines()) if m)


def has_python_fences(text: str) -> bool:
    return any(PLAIN_PYTHON.match(m.group("info")) for m in map(FENCE_INFO.match, text.splitlines()) if m)


def read_fenced(text: str, shown: str) -> Document:
    lines = list(enumerate(text.splitlines(), start=1))
    doc = Document()
    start = 0
    if lines and lines[0][1].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i][1].strip() in ("---", "...")), None)
        if end is not None:
            title = _front_matter_title("\n".join(t for _, t in lines[1:end]))
            if title:
                doc.title = md_inline(title)
            start = end + 1
    if has_executable_fences(text):
        def executable(info: str) -> bool:
            return bool(EXECUTABLE.match(info))
    else:
        def executable(info: str) -> bool:
            return bool(PLAIN_PYTHON.match(info))
    doc.blocks.extend(parse_markdown(lines[start:], executable))
    return doc


def _front_matter_title(text: str) -> str:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return ""
    title = data.get("title") if isinstance(data, dict) else None
    return title.strip() if isinstance(title, str) else ""
