"""Text as a voice is handed it and as captions show it: the one normaliser.

Narration comes from hand-written ``say:`` values, from bullets, and from
``render import``; it is spoken by a voice and shown as captions.  Authors
write it the way they write prose elsewhere, with ``$x^{(i)}$`` maths,
`` `code` ``, ``**bold**``, Markdown links and reST roles, and a voice must
read none of that markup aloud ("dollar", "backtick", "see bridge to np
label").  ``speech`` is the single place that turns such text into words,
so the parser (``script.spoken``), the voices and the captions
(``narrate.base.narration_text``) all say the same thing, and the importer's
own readers use the same pieces (``role_target``, ``said_code``,
``drop_dangling``).

It is idempotent (text already spoken comes back unchanged), and it leaves
plain text alone: ``snake_case`` names, a price such as ``$5`` and ``{{ }}``
template marks are not maths or markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from cuecast.math_text import GREEK_SYMBOLS, SYMBOLS, math_say, math_slide

#: Roles whose content is code (shown as code, read as the name).
CODE_ROLES = {"class", "func", "meth", "attr", "mod", "obj", "data", "exc", "const", "member", "var", "type",
              "file", "samp", "command", "program", "envvar", "option", "literal", "code", "kbd", "py",
              "function", "method", "module", "attribute", "exception"}
#: Roles that point at another page or section: a bare label ("bridge-to-np-label")
#: or path is no words for a listener, so without a title the reference is dropped.
REFERENCE_ROLES = {"ref", "doc", "numref", "label"}
#: A reST role (``:func:`x```, ``:py:class:`x```) or a MyST one (``{ref}`x```).
ROLE = re.compile(r"(?::[\w-]+)*:(?P<role>[\w-]+):`(?P<body>[^`]+)`|\{(?P<myst>[\w:-]+)\}`(?P<mbody>[^`]+)`")
#: Where a dropped reference stood, until the words that led to it go too.
DROPPED = "\x01"
#: "(see X)", "- see also X", "cf. X": the lead-in of a reference that was dropped.
_DANGLING = re.compile(r"(?:\s*[-–—,;:])?\s*(?:\b(?:[Ss]ee(?:\s+also)?|[Cc]f\.?|[Ii]n)\s*)?" + DROPPED)
#: Commands that are TeX even outside ``$…$`` (``\infty`` typed in prose).
_TEX_WORD = re.compile(r"\\([A-Za-z]+)")
_TEX_SPACE = re.compile(r"\\[,;:! ]")
_CODE = re.compile(r"(`+)(.+?)\1", re.S)
_PAREN_MATH = re.compile(r"\\\((.+?)\\\)", re.S)
_LINK = re.compile(r"!?\[(?P<label>[^\]]*)\]\((?P<url>[^)\s]*)(?:\s+\"[^\"]*\")?\)")
_BOLD = re.compile(r"(\*\*)(?=\S)(.+?)(?<=\S)\1")  # not __: "__call__" is a name
_POWER = re.compile(r"(?<=[\w)\]])\s*\*\*\s*(?=[\w(.-])")
#: A ``$`` left once the maths pairs are read, before TeX: what follows up to a space is maths.
LONE_DOLLAR = re.compile(r"(?<![\\\w])\$(?!\d)(\S*[\\^_{}]\S*)")
_SLOT = re.compile("\x00(\\d+)\x00")
#: A template mark (``{{ 10 ** 6 }}``, ``{% if %}``): filled in later, never read as markup.
_TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
#: A power written in prose or a code comment without dollars ("R^5", "2^{10}").
_CARET = re.compile(r"(?<![\w^$\\])[A-Za-z0-9]+\^(?:\{[^{}\s]*\}|[A-Za-z0-9]+)(?![\w^])")
#: A link label that is a file's path or a folder ("./multihead-attention.ipynb",
#: "../ch02/"): read aloud it is "dot slash … i p y n b", so its name is said instead.
_PATH_LABEL = re.compile(
    r"(?:\.{0,2}/)?(?:[\w.-]+/)*(?P<stem>[\w.-]+?)"
    r"(?:\.(?:ipynb|py|md|qmd|rst|txt|csv|json|ya?ml|html?|pdf|png|jpe?g|svg|gif|pt|pth|zip|gz)|/)"
    r"|\.{0,2}/(?:[\w.-]+/)*(?P<last>[\w.-]+)")


def role_target(role: str, body: str) -> tuple[str, str]:
    """What a role stands for, as ``(kind, text)``: ``("math", tex)``,
    ``("code", name)``, ``("text", words)``, or ``("dropped", "")`` for a
    reference to a label or page with no title of its own."""
    if role == "math":
        return "math", body
    titled = re.match(r"(?s)^(?P<title>.*?)\s*<(?P<target>[^>]*)>$", body)
    if titled and titled.group("title"):
        return "text", titled.group("title")
    target = titled.group("target") if titled else body
    if role in REFERENCE_ROLES:
        return "dropped", ""
    if role in CODE_ROLES or role == "any" or "." in target and " " not in target:
        shown = target.lstrip("!")
        if shown.startswith("~"):
            shown = shown[1:].split(".")[-1]
        return "code", shown
    if role == "abbr":
        return "text", re.sub(r"\s*\(.*\)$", "", body)
    if role == "download":
        return "text", target.rsplit("/", 1)[-1]
    return "text", body


def said_label(label: str) -> str:
    """A link's label as a voice reads it: the label, or for a label that is
    a path, the file's name in words (``./exercise-solutions.ipynb`` →
    "exercise solutions")."""
    match = _PATH_LABEL.fullmatch(label.strip())
    if not match:
        return label
    words = " ".join(re.split(r"[-_.]+", match.group("stem") or match.group("last"))).strip()
    return words or label


def said_code(code: str) -> str:
    """Inline code as a voice reads it: the code itself, with Python's power
    operator in words (``d_k**0.5``), since a voice skips the stars."""
    return " ".join(_POWER.sub(" to the power ", code).split())


def drop_dangling(text: str) -> str:
    """Remove dropped references with the "see" that led to them:
    "memory (see <ref>)" → "memory", "(and vice versa - see <ref>)" →
    "(and vice versa)"."""
    text = _DANGLING.sub(DROPPED, text)
    text = re.sub(r"\s*\(\s*" + DROPPED + r"\s*\)", "", text)  # only the brackets a reference emptied
    return text.replace(DROPPED, "")


def is_math(content: str) -> bool:
    """Whether ``$…$`` holds maths rather than two prices ("$5 or $6")."""
    content = content.strip()
    if not content:
        return False
    return not (content[0].isdigit() and not re.search(r"[\\^_{}=]", content))


def replace_math(text: str, said: Callable[[str], str]) -> str:
    """Each ``$…$`` and ``$$…$$`` in ``text`` replaced by ``said(tex)``.  A
    ``$`` inside braces does not close the maths (``\\text{$z_0$}``), spaces
    may stand inside the dollars (``$q = x\\,W $``), and a pair that holds
    prices ("$5 or $6") is left alone."""
    out: list[str] = []
    at = 0
    while True:
        start = text.find("$", at)
        if start < 0:
            break
        if start and (text[start - 1] == "\\" or text[start - 1].isalnum()):
            out.append(text[at:start + 1])
            at = start + 1
            continue
        fence = "$$" if text.startswith("$$", start) else "$"
        end = _closing(text, start + len(fence), fence)
        tex = text[start + len(fence):end] if end >= 0 else ""
        if end < 0 or fence == "$" and (not is_math(tex) or text[end + 1:end + 2].isalnum()):
            out.append(text[at:start + 1])
            at = start + 1
            continue
        out.append(text[at:start] + said(tex))
        at = end + len(fence)
    out.append(text[at:])
    return "".join(out)


def _closing(text: str, at: int, fence: str) -> int:
    """Where the ``fence`` closing maths that starts at ``at`` is (-1: none)."""
    depth = 0
    while at < len(text):
        ch = text[at]
        if ch == "\\":
            at += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(depth - 1, 0)
        elif depth == 0 and text.startswith(fence, at):
            return at
        at += 1
    return -1


def unbalanced_dollar(text: str) -> bool:
    """Whether a ``$`` opens maths that never closes (a price "$5" does not)."""
    return bool(LONE_DOLLAR.search(replace_math(text, lambda tex: "")))


@dataclass(frozen=True)
class _Rendering:
    """How one audience gets each piece of markup: maths, inline code (the
    whole match, backticks and all), a link's label, and a TeX word in prose."""

    math: Callable[[str], str]
    code: Callable[[re.Match], str]
    code_role: Callable[[str], str]
    label: Callable[[str], str]
    tex_word: Callable[[re.Match], str]
    spoken: bool


def _render(text: str, how: _Rendering) -> str:
    """Read the markup of ``text`` once, in the one order both audiences
    need (code and maths set aside before emphasis, links and TeX words)."""
    slots: list[str] = []

    def keep(piece: str) -> str:
        slots.append(piece)
        return f"\x00{len(slots) - 1}\x00"

    text = _TEMPLATE.sub(lambda m: keep(m.group(0)), text.replace(DROPPED, ""))
    text = ROLE.sub(lambda m: _role(m, keep, how), text)
    text = drop_dangling(text)
    text = _CODE.sub(lambda m: keep(how.code(m)), text)
    text = _PAREN_MATH.sub(lambda m: keep(how.math(m.group(1))), text)
    text = replace_math(text, lambda tex: keep(how.math(tex)))
    # an unbalanced '$' before TeX: what follows up to a space is maths
    text = LONE_DOLLAR.sub(lambda m: keep(how.math(m.group(1))), text)
    if how.spoken:
        text = re.sub(r"\$(?!\d)", "", text)  # any other '$' is not said ("$HOME"); a price "$5" is
    text = _CARET.sub(lambda m: keep(how.math(m.group(0))), text)
    text = _LINK.sub(lambda m: how.label(m.group("label")), text)
    text = _BOLD.sub(r"\2", text)
    if how.spoken:
        text = _POWER.sub(" to the power ", text)
        text = text.replace("**", "").replace("`", "")
    text = _TEX_SPACE.sub(" ", text)
    text = _TEX_WORD.sub(how.tex_word, text)
    return _SLOT.sub(lambda m: slots[int(m.group(1))], text)


def _role(match: re.Match, keep, how: _Rendering) -> str:
    role = match.group("role") or match.group("myst").split(":")[-1]
    kind, target = role_target(role, match.group("body") or match.group("mbody"))
    if kind == "math":
        return keep(how.math(target))
    if kind == "code":
        return keep(how.code_role(target))
    if kind == "dropped":
        return DROPPED
    return target


def speech(text: str) -> str:
    """``text`` as a voice should read it: maths in words, code without its
    backticks, references by their titles (or dropped), links by their
    labels, emphasis marks gone, whitespace collapsed."""
    return " ".join(_render(text, _SPOKEN).split())


def slide_text(text: str) -> str:
    """The same markup as a slide shows it, for text an author wrote in a
    lesson (a bullet): maths as Unicode (``math_slide``, as the importer
    shows it), bold and links as their words, roles by their target; code
    keeps its backticks, since the deck draws backticked text as code.
    Text the importer wrote (already shown this way) comes back unchanged."""
    return _render(text, _SHOWN)


def _shown_tex_word(match: re.Match) -> str:
    """A TeX command in prose as a slide shows it: its symbol when it is one."""
    name = match.group(1)
    if name in GREEK_SYMBOLS:
        return GREEK_SYMBOLS[name]
    if name in SYMBOLS and SYMBOLS[name][0].strip():
        return SYMBOLS[name][0]
    return match.group(0)


def _tex_word(match: re.Match) -> str:
    """A TeX command outside maths: its spoken word when it is one (``\\infty``),
    else left as written (``\\n`` in a path or a code sample is not TeX)."""
    name = match.group(1)
    if name in GREEK_SYMBOLS:
        return name.removeprefix("var").lower()
    if name in SYMBOLS and SYMBOLS[name][1].strip():
        return SYMBOLS[name][1]
    return match.group(0)


_SPOKEN = _Rendering(math=math_say, code=lambda m: said_code(m.group(2)), code_role=said_code, label=said_label,
                     tex_word=_tex_word, spoken=True)
_SHOWN = _Rendering(math=math_slide, code=lambda m: m.group(0), code_role=lambda target: f"`{target}`",
                    label=lambda label: label, tex_word=_shown_tex_word, spoken=False)
