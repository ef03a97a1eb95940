"""Where an imported tutorial's prose is spoken, so the voice talks about
what the learner is looking at.

A tutorial writes a paragraph, then the code it introduces, then maybe a
paragraph about what the code printed.  Left on the section slide, that
prose is said before the code appears and the code cue runs in silence.
The lesson builder asks this module:

* is a paragraph a result, to be said over the output of the code before it
  (``then:``)?  It is when it reads as one ("Notice that…", "As we can
  see…", "The output…") or when it is the first paragraph after a code
  block and no code follows it in the section;
* may a paragraph move into a code cue at all?  A display equation may not
  (it is shown on the slide, so the slide keeps it), nor a short label (it
  names the cell) or a sentence ending in ':' that introduces a list;
* what does a code cue with no prose of its own say?  Its cell's leading
  comments, which the author wrote to explain it, after the cell's title;
* a section slide that would be shown with nothing said (its first beat is
  a cue, or it has none) says its title, as a presenter would
  (``spoken_title``); a cue that opened with that title leaves it out;
* and a long cell, whose narration is over long before a viewer has read
  its code, goes on with the cell's other comments, in order, while its
  parts are typed (``with_comments``).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
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
    """The prose of the comment lines that open ``code`` (before any code),
    as one speakable sentence; '' when there are none."""
    groups = _comment_groups(code)
    if not groups or not groups[0][0]:
        return ""
    said = groups[0][1]
    if len(said) > MAX_COMMENT_CHARS:
        said = said[:MAX_COMMENT_CHARS].rsplit(" ", 1)[0].rstrip(",;:.") + "…"
    return said


#: A conservative speaking rate (espeak-ng reads about 2.9 words a second).
WORDS_PER_SECOND = 2.5


def with_comments(say: str, code: str) -> str:
    """``say`` followed by the cell's comments it does not already hold, as
    many as it takes for the narration to last as long as the code takes to
    read (``plan.code_reading``), so a long cell is not watched in silence."""
    from cuecast.plan import PlanOptions, code_reading

    need = code_reading(code, PlanOptions()) * WORDS_PER_SECOND
    said = [say] if say else []
    words = len(say.split())
    for comment in comments(code):
        if words >= need:
            break
        if comment.rstrip(".") in " ".join(said):
            continue
        if said and not said[-1].endswith((".", "!", "?", "…", ":", ";")):
            said[-1] += "."  # a lead that ends in maths or code still ends its sentence before a comment
        said.append(comment)
        words += len(comment.split())
    return " ".join(said)


def comments(code: str) -> list[str]:
    """Every prose comment of ``code`` (consecutive comment lines joined),
    speakable, one sentence each, in order."""
    return [said for _, said in _comment_groups(code)]


def _comment_groups(code: str) -> list[tuple[bool, str]]:
    """(opens the code, speakable sentence) for each run of comment lines
    (or trailing comment) of ``code`` that holds prose; strings that hold
    '#' are not comments, and code that does not tokenize has none."""
    groups: list[tuple[bool, list[str]]] = []
    last_row, code_seen = -2, False
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError):
        return []
    for token in tokens:
        if token.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
                              tokenize.ENDMARKER):
            code_seen = True
        if token.type != tokenize.COMMENT:
            continue
        text = token.string.lstrip("#").strip()
        own_line = not token.line[: token.start[1]].strip()
        if own_line and token.start[0] == last_row + 1 and groups:
            groups[-1][1].append(text)
        else:
            groups.append((not code_seen, [text]))
        last_row = token.start[0] if own_line else -2
    said = []
    for leading, group in groups:
        words = " ".join(text for text in group if _is_prose(text))
        if words:
            said.append((leading, _sentence(md_inline(words).say.strip())))
    return said


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
    first = text.split(" ", 1)[0]
    named = re.search(r"[_.(\[]|\w[A-Z]", first.rstrip(".,;:!?"))  # a name (word_to_ix, torch.cat) keeps its case
    text = text[:1].upper() + text[1:] if text[:1].islower() and not text[1:2].isupper() and not named else text
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def then_text(prose: Prose) -> Optional[str]:
    """The ``then:`` narration a paragraph right after a code block gives that
    block's cue, or None when it belongs on the slide (an equation, or a
    sentence ending in ':' that introduces what follows it)."""
    if not movable(prose) or prose.text.slide.rstrip().endswith(":"):
        return None
    return prose.text.say


def spoken_title(title: str, beats: list[dict]) -> None:
    """Give a section whose slide would be silent (no beats, or a cue first)
    a first beat saying its ``title``, taking it from the first cue's
    narration where that opened with it (a cue whose narration is only its
    title keeps it)."""
    if not title.strip() or (beats and "show" not in beats[0]):
        return
    sentence = _sentence(title)
    if beats:
        said = beats[0].get("say", "")
        if said == sentence:
            return
        if said.startswith(sentence + " "):
            beats[0]["say"] = said[len(sentence) + 1:]
    beats.insert(0, {"say": sentence})
