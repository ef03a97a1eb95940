"""Inline markup → the text a slide shows and the text a voice reads.

Tutorial prose is full of markup a narrator must not read out: reST roles
(``:class:`torch.Tensor```), links (```docs <https://…>`_``, ``[docs](…)``),
inline code, emphasis, math.  ``rst_inline`` and ``md_inline`` turn one piece
of prose into a ``Text`` with two renderings:

* ``slide`` keeps code in backticks, since the deck draws backticked text as
  code, and shows math as Unicode symbols;
* ``say`` is the lesson's own markup (``say:``): maths stays TeX between
  ``$``, code stays in backticks, and every other mark (roles, links,
  emphasis, HTML) is gone; a bare web address is its host name
  ("pytorch.org").  The build reads it aloud with ``speech.speech`` (the
  one normaliser, so an author's edit to the imported ``say:`` is read the
  same way) and shows it under a cue's title with ``speech.slide_text``.

Code spans are set aside before any other rule runs, so ``a*b`` inside
backticks is never taken for emphasis.
"""

from __future__ import annotations

import html
import re
from typing import Optional
from urllib.parse import urlsplit

from cuecast.importers.blocks import Text
from cuecast.math_text import math_slide
from cuecast.speech import DROPPED, LONE_DOLLAR, drop_dangling, replace_math, role_target, said_code, said_label

#: Narrator labels a video script puts before a voice-over line.
LABEL = re.compile(
    r"^\s*(?:\*\*|__|\*|_)?\s*(?:VO|V\.O\.|voice[- ]?over|narrator|narration)\s*"
    r"(?::\s*(?:\*\*|__|\*|_)?|(?:\*\*|__|\*|_)\s*:)\s*",
    re.IGNORECASE,
)
BARE_URL = re.compile(r"(?<![\w(<\"'])https?://[^\s<>\"'`)\]]+")
#: Abbreviations a sentence does not end at.
ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "cf.", "approx.", "Dr.", "Mr.", "Ms.", "Fig.", "fig.", "No.", "et al.")

_PLACEHOLDER = "\x00{}\x00"


class _Slots:
    """Protected pieces (code, math) replaced by placeholders while the other
    rules run, then put back in each rendering's own form."""

    def __init__(self) -> None:
        self.slide: list[str] = []
        self.say: list[str] = []

    def put(self, slide: str, say: str) -> str:
        self.slide.append(slide)
        self.say.append(say)
        return _PLACEHOLDER.format(len(self.slide) - 1)

    def restore(self, text: str, which: list[str]) -> str:
        return re.sub("\x00(\\d+)\x00", lambda m: which[int(m.group(1))], text)


def strip_label(text: str) -> str:
    """``VO: Now we…`` → ``Now we…`` (also ``**Narrator:**``, ``V.O.:``)."""
    return LABEL.sub("", text, count=1)


def code_text(code: str) -> tuple[str, str]:
    """Inline code: ``(`code`, `code`)``, both as the lesson's markup; code
    holding a backtick cannot be marked, so the voice gets its spoken form."""
    code = " ".join(code.split())
    return (f"`{code}`", f"`{code}`") if "`" not in code else (code, said_code(code))


def inline_math(tex: str) -> tuple[str, str]:
    """Inline maths: ``(Unicode as a slide shows it, the TeX marked as maths)``;
    TeX holding a ``$`` (``\\text{$z_0$}``) is marked ``\\( … \\)``."""
    tex = " ".join(tex.split())
    return math_slide(tex), (f"${tex}$" if "$" not in tex else f"\\({tex}\\)")


def say_url(url: str) -> str:
    """A web address as a voice reads it: its host, without ``www.``."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        host = ""
    return host.removeprefix("www.") or "the link"


def _finish(text: str, slots: _Slots) -> Text:
    text = drop_dangling(html.unescape(text))
    slide = slots.restore(_tidy(text), slots.slide)
    spaced = re.sub(r"(?<=[^\s(<\"'])(?=https?://)", " ", text)  # "docs:https://…" → "docs: …"
    say = slots.restore(_tidy(BARE_URL.sub(_said_url, spaced)), slots.say)
    return Text(slide, " ".join(say.split()))


def _said_url(match: re.Match) -> str:
    url = match.group(0)
    trail = re.search(r"[.,;:!?]*$", url).group(0)
    return say_url(url[: len(url) - len(trail)]) + trail


def _tidy(text: str) -> str:
    text = " ".join(text.split())
    text = re.sub(r"\(\s*\)", "", text)
    text = re.sub(r"\s+([.,;:!?)])(?=[\s.,;:!?)]|$)", r"\1", text)  # not before ".view" or "./x.md"
    text = re.sub(r"([(])\s+", r"\1", text)
    return text.strip()


def _emphasis(text: str) -> str:
    """``**bold**``, ``__bold__``, ``*em*``, ``_em_`` → the words."""
    text = re.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])", r"\1", text)
    text = re.sub(r"(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])", r"\1", text)
    return text


def _label(label: str, slots: _Slots) -> str:
    """A link's label: shown as written, said by its file's name when it is a path."""
    said = said_label(label)
    return label if said == label else slots.put(label, said)


# --- reStructuredText --------------------------------------------------------


def rst_inline(text: str) -> Text:
    """reST inline markup → ``Text``: roles, ``literals``, links, emphasis,
    substitutions and footnote references."""
    slots = _Slots()
    text = strip_label(text)
    text = re.sub(r"``(.+?)``", lambda m: slots.put(*code_text(m.group(1))), text)
    text = re.sub(r":(?:[\w-]+:)*(?P<role>[\w-]+):`(?P<body>[^`]+)`", lambda m: _role(m, slots), text)
    text = re.sub(r"`(?P<label>[^`<]*?)\s*<(?P<target>[^>`]+)>`__?",
                  lambda m: _label(m.group("label"), slots) or slots.put(m.group("target"), say_url(m.group("target"))),
                  text)
    text = re.sub(r"`([^`]+)`__?", r"\1", text)
    text = re.sub(r"`([^`]+)`", lambda m: slots.put(*code_text(m.group(1))), text)  # default role
    text = re.sub(r"\s*\[(?:#\w*|\*|\d+)\]_", "", text)  # footnote references
    text = re.sub(r"\|([^|\s][^|]*)\|_{0,2}", r"\1", text)  # substitutions
    text = _emphasis(text)
    text = re.sub(r"(?<!\w)(\w[\w.-]*)__?(?=[\s.,;:!?)]|$)", r"\1", text)  # reference_ / word__
    text = re.sub(r"\\ ", "", text)
    text = re.sub(r"\\(.)", r"\1", text)
    return _finish(text, slots)


def _role(match: re.Match, slots: _Slots) -> str:
    kind, target = role_target(match.group("role").split(":")[-1], match.group("body"))
    if kind == "math":
        return slots.put(*inline_math(target))
    if kind == "code":
        return slots.put(*code_text(target))
    if kind == "dropped":
        return DROPPED
    return target


# --- Markdown -----------------------------------------------------------------


def md_inline(text: str) -> Text:
    """Markdown inline markup → ``Text``: `code`, links, images, emphasis,
    ``$math$``, MyST roles (``{class}`x```), HTML tags and footnotes."""
    slots = _Slots()
    text = strip_label(text)
    text = re.sub(r"\{(?P<role>[\w:-]+)\}`(?P<body>[^`]+)`", lambda m: _role(m, slots), text)
    text = re.sub(r"(`+)(.+?)\1", lambda m: slots.put(*code_text(m.group(2))), text)
    text = replace_math(text, lambda tex: slots.put(*inline_math(tex)))
    # an unclosed '$': maths up to the next space (the reader lists a to-do)
    text = LONE_DOLLAR.sub(lambda m: slots.put(*inline_math(m.group(1))), text)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)  # inline images (the reader lifts them out)
    text = re.sub(r"\[(?P<label>[^\]]+)\]\((?P<url>[^)\s]*)(?:\s+\"[^\"]*\")?\)", lambda m: _label(m.group("label"), slots),
                  text)
    text = re.sub(r"\[(?P<label>[^\]]+)\]\[[^\]]*\]", r"\g<label>", text)
    text = re.sub(r"\[\^[^\]]+\]", "", text)
    text = re.sub(r"<(https?://[^>\s]+)>", lambda m: slots.put(m.group(1), say_url(m.group(1))), text)
    text = re.sub(r"\{\{<.*?>\}\}", "", text)  # Quarto shortcodes
    text = re.sub(r"<br\s*/?>", " ", text, flags=re.IGNORECASE)
    text = re.sub(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>", "", text)
    text = _emphasis(text)
    text = re.sub(r"~~(.+?)~~", r"\1", text)
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!$|<>])", r"\1", text)
    return _finish(text, slots)


# --- run-in headings -------------------------------------------------------------

#: ``**Joining tensors** You can use…``: a bold phrase that heads its paragraph.
RUN_IN = re.compile(r"^\*\*(?P<label>[^*]{1,45}?)\*\*\s*[:.]?\s+(?P<rest>\S.*)$", re.S)  # not __: "__init__ is…"
#: Bold openers that are admonitions, not names ("**Note:** …").
NOT_NAMES = {"note", "warning", "tip", "important", "hint", "caution", "attention", "danger", "error", "todo",
             "see also", "example", "remember"}


def run_in(text: str) -> Optional[tuple[str, str]]:
    """A paragraph that opens with a bold phrase of at most six words and
    goes on, as ``(label, rest)`` in the source markup: tutorials head code
    this way, so the label names the cell as a short bold paragraph would."""
    match = RUN_IN.match(text.strip())
    if not match:
        return None
    label = match.group("label").strip().rstrip(":").strip()
    if not label or len(label.split()) > 6 or label.lower() in NOT_NAMES:
        return None
    return label, match.group("rest")


# --- sentences -----------------------------------------------------------------


def sentences(text: str) -> list[str]:
    """``text`` split after '.', '!' or '?' followed by a capital, digit or
    code; common abbreviations ("e.g.") and code (``torch.nn``) do not split."""
    parts: list[str] = []
    start = 0
    for match in re.finditer(r"[.!?…]+[\"')\]]*\s+(?=[A-Z0-9`\"'(])", text):
        before = text[start : match.start() + 1]
        if before.endswith(ABBREVIATIONS) or before.count("`") % 2:
            continue
        parts.append(text[start : match.end()].strip())
        start = match.end()
    rest = text[start:].strip()
    if rest:
        parts.append(rest)
    return parts


def first_sentence(text: Text) -> Text:
    """The first sentence of both renderings (they split alike, since the
    voice rendering only drops marks)."""
    return Text(sentences(text.slide)[0] if text.slide else "", sentences(text.say)[0] if text.say else "")


def jinja_safe(text: str) -> str:
    """Lesson text is a Jinja2 template; text that happens to hold ``{{``,
    ``{%`` or ``{#`` is wrapped in ``{% raw %}`` so it reads as written."""
    if any(mark in text for mark in ("{{", "{%", "{#")):
        return "{% raw %}" + text.replace("{% endraw %}", "{ % endraw % }") + "{% endraw %}"
    return text

