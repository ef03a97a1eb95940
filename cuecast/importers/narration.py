"""Where an imported tutorial's prose is spoken, so the voice talks about
what the learner is looking at.

A tutorial writes a paragraph, then the code it introduces, then maybe a
paragraph about what the code printed.  Left on the section slide, that
prose is said before the code appears and the code cue runs in silence.
The lesson builder asks this module three things:

* is a paragraph a result, to be said over the output of the code before it
  (``then:``)?  It is when it reads as one ("Notice that…", "As we can
  see…", "The output…") or when it is the first paragraph after a code
  block and no code follows it in the section;
* may a paragraph move into a code cue at all?  A display equation may not
  (it is shown on the slide, so the slide keeps it), nor a short label (it
  names the cell) or a sentence ending in ':' that introduces a list;
* what does a code cue with no prose of its own say?  Its cell's leading
  comments, which the author wrote to explain it, after the cell's title.
"""

from __future__ import annotations

import ast
import re
from typing import Optional

from cuecast.importers.blocks import Prose
from cuecast.importers.speakable import md_inline

#: How a paragraph about a result opens.
RESULT_OPENINGS = re.compile(
    r"^(?:notice|note that|as (?:we|you) can see|as (?:expected|shown|we see)|we can see|you can see|"
    r"(?:here|above),? we (?:can )?see|the (?:output|result|printed)|this (?:prints|printed|shows|gives|returns|"
    r"outputs|output)|the (?:code|cell) above|based on the (?:output|result)|looking at the (?:output|result))\b",
    re.IGNORECASE)

#: Leading comments worth saying: at most this many characters of them.
MAX_COMMENT_CHARS = 300


def reads_as_result(prose: Prose) -> bool:
    """A paragraph that talks about what the code before it printed."""
    return bool(RESULT_OPENINGS.match(prose.text.say.lstrip(" \"'(")))


def movable(prose: Prose) -> bool:
    """May this paragraph be said in a code cue instead of on the slide?"""
    return not prose.display_math and bool(prose.text.say.strip())


def cue_say(code: str, title: str) -> str:
    """The narration of a code cue with no prose of its own: the cell's title
    as a sentence, then its leading comments (the author's own words about
    the code; commented-out code is skipped)."""
    said = [_sentence(title)] if title.strip() else []
    comments = leading_comments(code)
    if comments:
        said.append(comments)
    return " ".join(said)


def leading_comments(code: str) -> str:
    """The prose of the comment lines that open ``code``, speakable, one
    sentence each line group; '' when there are none."""
    lines: list[str] = []
    for line in code.splitlines():
        stripped = line.strip()
        if not stripped:
            if lines:
                break
            continue
        if not stripped.startswith("#"):
            break
        text = stripped.lstrip("#").strip()
        if _is_prose(text):
            lines.append(text)
    if not lines:
        return ""
    said = md_inline(" ".join(lines)).say.strip()
    if len(said) > MAX_COMMENT_CHARS:
        cut = said[:MAX_COMMENT_CHARS].rsplit(" ", 1)[0]
        said = cut.rstrip(",;:") + "…"
    return _sentence(said)


def _is_prose(text: str) -> bool:
    """A comment of words, not commented-out code nor a tool's pragma."""
    if len(re.findall(r"[A-Za-z]{2,}", text)) < 2 or text.startswith(("%%", "noqa", "type:", "pylint", "fmt:", "!")):
        return False
    try:
        ast.parse(text)
    except SyntaxError:
        return True
    return False


def _sentence(text: str) -> str:
    text = " ".join(text.split()).rstrip(":")
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def then_text(prose: Prose, follows_code: bool) -> Optional[str]:
    """The ``then:`` narration a paragraph right after a code block gives that
    block's cue, or None when it belongs on the slide."""
    if not follows_code or not movable(prose) or prose.text.slide.rstrip().endswith(":"):
        return None
    return prose.text.say
