"""LaTeX math as a slide shows it and as a voice reads it.

Tutorials write ``:math:`x^2``` or ``$\\frac{\\partial L}{\\partial w}$``; a
slide cannot typeset LaTeX and a voice would spell out backslashes, so the
small subset tutorials use is turned into Unicode symbols for the slide
(``x²``, ``∂L/∂w``) and into words for the narration ("x squared",
"partial L over partial w").  The TeX is read into a small tree first
(groups, commands, characters), since fractions and powers nest.  Anything
unknown loses its backslash and is read as it stands, which is always better
than the raw markup.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Optional, Union

GREEK = ("alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi "
         "pi rho sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma "
         "Upsilon Phi Psi Omega").split()
GREEK_SYMBOLS = dict(zip(GREEK, "αβγδεεζηθθικλμνξπρστυφφχψωΓΔΘΛΞΠΣΥΦΨΩ"))

#: command → (slide symbol, spoken words); ``None`` words: read the symbol's name.
SYMBOLS = {
    "cdot": ("·", "times"), "times": ("×", "times"), "div": ("÷", "divided by"),
    "partial": ("∂", "partial"), "nabla": ("∇", "nabla"), "infty": ("∞", "infinity"),
    "leq": ("≤", "is at most"), "le": ("≤", "is at most"), "geq": ("≥", "is at least"),
    "ge": ("≥", "is at least"), "neq": ("≠", "is not equal to"), "ne": ("≠", "is not equal to"),
    "approx": ("≈", "is approximately"), "sim": ("~", "is distributed as"), "in": ("∈", "in"),
    "to": ("→", "to"), "rightarrow": ("→", "to"), "leftarrow": ("←", "from"), "mapsto": ("↦", "maps to"),
    "pm": ("±", "plus or minus"), "top": ("ᵀ", "transposed"), "odot": ("⊙", "element-wise times"),
    "otimes": ("⊗", "tensor product"), "ldots": ("…", "and so on"), "cdots": ("⋯", "and so on"),
    "dots": ("…", "and so on"), "log": ("log", "log"), "ln": ("ln", "log"), "exp": ("exp", "exp"),
    "sin": ("sin", "sine"), "cos": ("cos", "cosine"), "tanh": ("tanh", "tanch"), "max": ("max", "max"),
    "min": ("min", "min"), "arg": ("arg", "arg"), "argmax": ("argmax", "arg max"),
    "argmin": ("argmin", "arg min"), "quad": (" ", " "), "qquad": (" ", " "), "mid": ("|", "given"),
    "lVert": ("‖", "norm"), "rVert": ("‖", ""), "Vert": ("‖", "norm"), "|": ("‖", "norm"),
    "{": ("{", ""), "}": ("}", ""), "sum": ("Σ", "the sum"), "prod": ("Π", "the product"),
    "int": ("∫", "the integral"), "langle": ("⟨", " "), "rangle": ("⟩", " "), "vdots": ("⋮", "and so on"),
    "ddots": ("⋱", "and so on"),
}
#: Braces that label a part of an expression: shown as "part (label)", read "part, that is label".
BRACES = {"overbrace", "underbrace"}
DIGIT_WORDS = "zero one two three four five six seven eight nine".split()
#: Letters and commands that name a function where a bracket follows:
#: ``f(x)`` is "f of x", while ``x(1 + y)`` stays a product.
FUNCTION_LETTERS = set("fghpqFGHJLPQ")
GREEK_FUNCTIONS = {"sigma", "phi", "varphi", "psi", "pi"}
FUNCTIONS = {"log", "ln", "exp", "sin", "cos", "tanh", "max", "min", "arg", "argmax", "argmin"}
#: Big operators read as "the sum from … to … of".
BIG = {"sum", "prod", "int"}
FRACTIONS = {"frac", "dfrac", "tfrac"}
#: A simple fraction's denominator → its words, one and many ("one half", "three halves").
PARTS = {"2": ("half", "halves"), "3": ("third", "thirds"), "4": ("quarter", "quarters")}
#: Greek letters written without their backslash that are still read as the letter.
BARE_GREEK = {"pi", "mu", "nu"}
DOUBLE_STRUCK = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "E": "𝔼"}
#: Commands whose argument is kept as it is (bold, roman, text…).
PLAIN = {"mathbf", "mathrm", "mathit", "mathcal", "mathsf", "mathtt", "boldsymbol", "bm", "text",
         "textbf", "textrm", "textit", "operatorname", "vec", "mathbb"}
#: Accents: command → (combining mark for the slide, word said after the letter)
ACCENTS = {"hat": ("\u0302", "hat"), "bar": ("\u0304", "bar"), "tilde": ("\u0303", "tilde"),
           "dot": ("\u0307", "dot"), "overline": ("\u0304", "bar"), "widehat": ("\u0302", "hat")}
SPACING = {"left", "right", "big", "Big", "bigg", "Bigg", "displaystyle", "limits", "nolimits", ",", ";", ":", "!", " "}
#: Every letter Unicode (and DejaVu Sans, the deck's face) has raised or
#: lowered, so ``θ^{(t+1)}`` shows as ``θ⁽ᵗ⁺¹⁾``, not ``θ^((t+1))``.
SUPERSCRIPTS = str.maketrans("0123456789+-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVW",
                             "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ")
SUBSCRIPTS = str.maketrans("0123456789+-=()aehijklmnoprstuvxβγρφχ",
                           "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ")
#: Characters that are operators: slide spacing and spoken words.
OPERATORS = {"=": "equals", "+": "plus", "-": "minus", "*": "times", "/": "over", "<": "is less than",
             ">": "is greater than"}
SPACED_SYMBOLS = {"×", "·", "÷", "≤", "≥", "≠", "≈", "∈", "→", "←", "↦", "±", "⊙", "⊗", "~"}

Node = Union[str, list]  # a character, "\\command", or a group (list of nodes)


def parse(tex: str) -> list:
    """TeX as a tree: ``\\name`` commands, single characters, ``{…}`` groups
    (an unmatched ``}`` is ignored, an unclosed ``{`` closes at the end)."""
    stack: list[list] = [[]]
    i = 0
    while i < len(tex):
        ch = tex[i]
        if ch == "\\":
            name = re.match(r"[A-Za-z]+|.", tex[i + 1:], re.S)
            token = name.group(0) if name else ""
            stack[-1].append("\\" + token)
            i += 1 + len(token)
            continue
        if ch == "{":
            stack.append([])
        elif ch == "}":
            if len(stack) > 1:
                group = stack.pop()
                stack[-1].append(group)
        elif ch == "&":
            stack[-1].append(" ")
        elif ch == "$":
            pass  # inline maths inside \\text{…} is still maths
        else:
            stack[-1].append(ch)
        i += 1
    while len(stack) > 1:
        group = stack.pop()
        stack[-1].append(group)
    return stack[0]


class _Reader:
    """Walks a node list, taking arguments as commands need them."""

    def __init__(self, nodes: list) -> None:
        self.nodes = [n for n in nodes if not (isinstance(n, str) and n.startswith("\\") and n[1:] in SPACING)]
        self.at = 0

    def take(self) -> Node:
        """The next argument: a group or one non-space node (``None`` at the end)."""
        while self.at < len(self.nodes) and self.nodes[self.at] == " ":
            self.at += 1
        if self.at >= len(self.nodes):
            return []
        node = self.nodes[self.at]
        self.at += 1
        return node

    def letters(self) -> str:
        """The single letters right after the current node, with no space between."""
        run = ""
        at = self.at
        while at < len(self.nodes) and _is_letter(self.nodes[at]):
            run += self.nodes[at]
            at += 1
        return run

    def peek_after(self, count: int) -> Node:
        """The node ``count`` places on, spaces included (``None`` past the end)."""
        at = self.at + count
        return self.nodes[at] if at < len(self.nodes) else None

    def peek(self) -> Node:
        at = self.at
        while at < len(self.nodes) and self.nodes[at] == " ":
            at += 1
        return self.nodes[at] if at < len(self.nodes) else None


def _is_letter(node: Node) -> bool:
    return isinstance(node, str) and len(node) == 1 and node.isascii() and node.isalpha()


def _words(argument: list) -> Optional[str]:
    """The argument of ``\\text{the sum}`` as the words it holds (spaces
    kept: a word, not letters), or ``None`` when it holds maths."""
    if all(isinstance(n, str) and not n.startswith("\\") and n not in "^_" for n in argument):
        return "".join(argument)
    return None


def _as_list(node: Node) -> list:
    return node if isinstance(node, list) else [node]


# --- the slide -------------------------------------------------------------


def math_slide(tex: str) -> str:
    """``\\frac{a}{b}`` → ``a/b``, ``x^2`` → ``x²``, ``\\alpha`` → ``α``."""
    return unicodedata.normalize("NFC", _tidy(_slide(parse(tex))))  # ŷ as one character where fonts have it


def _slide(nodes: list) -> str:
    reader = _Reader(nodes)
    out: list[str] = []
    big = False  # after Σ and its limits, a space sets off what it sums ("Σⱼ exp(xⱼ)", bracketed in a fraction)
    while reader.peek() is not None:
        node = reader.take()
        if big and not (isinstance(node, str) and node in "^_ "):
            out.append(" ")
            big = False
        if isinstance(node, list):
            out.append(_slide(node))
        elif node.startswith("\\"):
            out.append(_slide_command(node[1:], reader))
            big = node[1:] in BIG
        elif node in "^_":
            out.append(_script(reader.take(), node))
        elif node in OPERATORS and node not in "/*":
            before = "".join(out).rstrip()
            unary = node in "+-" and (not before or before[-1] in "=(+-<>,×·")
            out.append(node if unary else f" {node} ")
        elif node == ",":
            out.append(", ")
        elif node == "'":
            out.append("′")  # a prime, not an apostrophe
        elif node != " ":
            out.append(node)
    return "".join(out)


def _slide_command(name: str, reader: _Reader) -> str:
    if name in BRACES:
        body, label = _braced(reader)
        body = _slide(_as_list(body)).strip()
        return f"{body} ({_slide(_as_list(label)).strip()})" if label else body
    if name in ("frac", "dfrac", "tfrac"):
        top, bottom = _slide(_as_list(reader.take())), _slide(_as_list(reader.take()))
        return f"{_atom(top)}/{_atom(bottom)} "
    if name == "sqrt":
        return "√" + _atom(_slide(_as_list(reader.take())))
    if name == "mathbb":
        inner = _slide(_as_list(reader.take()))
        return DOUBLE_STRUCK.get(inner, inner)
    if name in PLAIN:
        argument = _as_list(reader.take())
        words = _words(argument)
        return words.strip() if words is not None else _slide(argument)
    if name in ACCENTS:
        inner = _slide(_as_list(reader.take()))
        return inner + ACCENTS[name][0] if len(inner) == 1 else inner
    if name in GREEK_SYMBOLS:
        return GREEK_SYMBOLS[name]
    if name in SYMBOLS:
        symbol = SYMBOLS[name][0]
        if symbol in SPACED_SYMBOLS:
            return f" {symbol} "
        named = symbol.isascii() and symbol.isalpha()  # "log x", but "tanh(x)"
        return symbol + " " if named and reader.peek() != "(" else symbol
    return name


def _script(node: Node, mark: str) -> str:
    """A superscript or subscript as Unicode raised or lowered characters
    where every one has such a form; a subscript of letters that do not
    (``W_q``: Unicode has no subscript q) is set against its symbol
    (``Wq``), since a slide is plain text and an underscore is markup."""
    if node == "\\top" or node == "\\intercal":
        return "ᵀ"
    text = _slide(_as_list(node)).strip()
    table = SUPERSCRIPTS if mark == "^" else SUBSCRIPTS
    compact = text.replace(" ", "")
    converted = compact.translate(table)
    done = set(SUPERSCRIPTS.values() if mark == "^" else SUBSCRIPTS.values())
    if compact and all(a != b or ord(a) in done for a, b in zip(converted, compact)):
        return converted
    if mark == "_" and compact.isalnum():
        return compact  # no lowered form (W_q): set against its letter, never a raw underscore
    bracketed = compact[:1] + compact[-1:] in ("()", "[]") and _atom(compact[1:-1]) == compact[1:-1]
    return f"{mark}{compact}" if len(compact) == 1 or bracketed else f"{mark}({compact})"


def _atom(text: str) -> str:
    text = text.strip()
    return text if re.fullmatch(r"[^\s+\-=×·/]+", text) else f"({text})"


# --- the voice -------------------------------------------------------------


def too_complex(tex: str) -> bool:
    """Matrices and other environments: no sentence reads them well."""
    return "\\begin{" in tex


def math_say(tex: str) -> str:
    """``x^2 + \\frac{1}{n}`` → "x squared plus 1 over n"."""
    said = _tidy(_say(parse(tex)))
    return said.replace(" ,", ",").strip(" ,")


def _say(nodes: list) -> str:
    reader = _Reader(nodes)
    out: list[str] = []
    head = False  # what was just said names a function: a bracket after it is applied ("f of x")
    space = False  # it was a number set, ℝ: a superscript after it is a dimension ("R n")
    applied: list[bool] = []  # each open bracket: whether it holds a function's argument
    factor = False  # a fraction was just said: a bracket after it multiplies ("1/2 (5x - 3)")
    while reader.peek() is not None:
        node = reader.take()
        named, was_space, was_factor = False, space, factor
        space = factor = False
        if isinstance(node, list):
            out.append(_say(node))
        elif node.startswith("\\"):
            space = node == "\\mathbb"
            factor = node[1:] in FRACTIONS
            named = _names_function(node, reader)
            out.append(_say_command(node[1:], reader))
        elif node == "^":
            out.append(_dimension(reader.take()) if was_space else _power(reader.take()))
            named = head
        elif node == "_":
            out.append(f" {_index(_as_list(reader.take()))} ")
            named = head  # f_θ(x): still the function
        elif node in OPERATORS:
            out.append(f" {OPERATORS[node]} ")
        elif node == "(":
            applied.append(head)
            out.append(" of " if head else " times the quantity " if was_factor else " ")
        elif node == "'":
            out.append(" prime ")  # f'(x): "f prime of x"
            named = head
        elif node == ")":
            applied = applied[:-1]
            out.append(" ")
        elif node == "|" and applied and applied[-1]:
            out.append(" given ")  # p(x | y)
        elif node in "|[]":
            out.append(" ")
        elif node == ",":
            out.append(", ")
        elif _is_letter(node) and (word := node + reader.letters()) in BARE_GREEK:
            reader.at += len(word) - 1  # "pi" written without its backslash is still pi, not p times i
            out.append(f" {word} ")
            named = word in GREEK_FUNCTIONS
        elif _is_letter(node) and len(word := node + reader.letters()) >= 3 and re.search("[aeiou]", word) \
                and reader.peek_after(len(word) - 1) not in ("^", "_"):
            reader.at += len(word) - 1  # a word written in maths (\partial loss) is read as a word
            out.append(f" {word}")
            named = True  # loss(x)
        else:
            # letters next to each other are separate symbols (w x), digits are one number
            previous = out[-1][-1:] if out and out[-1] else ""
            joined = node.isdigit() and (previous.isdigit() or previous == ".") or node == "." and previous.isdigit()
            out.append(node if joined or not node.isalnum() and node != "'" else f" {node}")
            named = node in FUNCTION_LETTERS
        head = named
    return "".join(out)


def _names_function(command: str, reader: _Reader) -> bool:
    """Whether ``command`` (with what it takes) names a function, so that
    ``\\sigma(x)`` is "sigma of x" and ``\\text{ReLU}(x)`` "ReLU of x"."""
    name = command[1:]
    if name in PLAIN and name != "mathbb":
        argument = reader.peek()
        words = _words(_as_list(argument)) if argument is not None else None
        return bool(words) and len(words.strip()) > 1 and " " not in words.strip()
    return name in FUNCTIONS or name in GREEK_FUNCTIONS


def _say_command(name: str, reader: _Reader) -> str:
    if name in BRACES:
        body, label = _braced(reader)
        said = _say(_as_list(body))
        return f" {said}, that is {_say(_as_list(label))}, " if label else f" {said} "
    if name in FRACTIONS:
        top, bottom = _say(_as_list(reader.take())), _say(_as_list(reader.take()))
        return f" {_fraction(top.strip(), bottom.strip())} "
    if name == "sqrt":
        return f" the square root of {_say(_as_list(reader.take()))} "
    if name in PLAIN:
        argument = _as_list(reader.take())
        words = _words(argument)
        return f" {words if words is not None else _say(argument)} "
    if name in ACCENTS:
        return f" {_say(_as_list(reader.take()))} {ACCENTS[name][1]} "
    if name in BIG:
        words = SYMBOLS[name][1]
        below = above = None
        while reader.peek() in ("_", "^"):
            mark = reader.take()
            value = _say(_as_list(reader.take()))
            below, above = (value, above) if mark == "_" else (below, value)
        if below and above:
            return f" {words} from {below} to {above} of "
        if below:
            return f" {words} over {below} of "
        return f" {words} of "
    if name in GREEK_SYMBOLS:
        return f" {name.removeprefix('var').lower()} "
    if name in SYMBOLS:
        return f" {SYMBOLS[name][1]} "
    return f" {name} "


def _fraction(top: str, bottom: str) -> str:
    """A fraction in words: a simple one as people say it ("one half", "three
    quarters"), any other as "top over bottom"."""
    if top.isdigit() and bottom in PARTS and len(top) == 1:
        one, many = PARTS[bottom]
        return f"{DIGIT_WORDS[int(top)]} {one if top == '1' else many}"
    return f"{top} over {bottom}"


def _power(node: Node) -> str:
    """A superscript in words.  Only a plain number is a power ("x squared",
    "x cubed", "x to the power 4"); a letter or an expression is read the
    way people say it ("x to the n", "e to the minus x"); a bracketed one is
    an index, as ML texts write the i-th example ``x^{(i)}`` ("x i") or the
    l-th layer ``a^{[l]}``; ``^T``/``^\\top`` is a transpose and ``^*`` a star."""
    if node in ("\\top", "\\intercal", "T"):
        return " transposed "
    if node in ("*", "\\ast", "\\star"):
        return " star "
    if node == "\\prime":
        return " prime "
    nodes = [n for n in _as_list(node) if n != " "]
    for opening, closing in (("(", ")"), ("[", "]")):
        if nodes[:1] == [opening] and closing in nodes:
            close = nodes.index(closing)
            rest = nodes[close + 1:]
            after = " transposed" if rest in (["\\top"], ["\\intercal"], ["T"]) else (f" {_say(rest)}" if rest else "")
            return f" {_index(nodes[1:close])}{after} "
    said = _say(_as_list(node)).strip()
    if re.fullmatch(r"\d+", said):
        return {"2": " squared ", "3": " cubed "}.get(said, f" to the power {said} ")
    return f" to the {said} "


def _dimension(node: Node) -> str:
    """The superscript of a number set is its dimension: ``\\mathbb{R}^{n
    \\times m}`` is "R n by m", ``\\mathbb{R}^3`` "R three"."""
    parts = [_index(_as_list(part)) for part in _split(_as_list(node), "\\times")]
    return " " + " by ".join(p for p in parts if p) + " "


def _split(nodes: list, separator: str) -> list[list]:
    parts: list[list] = [[]]
    for node in nodes:
        if node == separator:
            parts.append([])
        else:
            parts[-1].append(node)
    return parts


def _index(nodes: list) -> str:
    """A subscript or index in words: a one-digit number as a word ("x zero",
    "x two", as a voice reads an index), anything else as maths."""
    said = _say(nodes).strip()
    return DIGIT_WORDS[int(said)] if re.fullmatch(r"\d", said) else said


def _braced(reader: _Reader) -> tuple[Node, Node]:
    """``\\overbrace{body}^{label}`` / ``\\underbrace{body}_{label}``: the body
    and its label (``[]`` when there is none)."""
    body = reader.take()
    if reader.peek() not in ("^", "_"):
        return body, []
    reader.take()
    label = reader.take()
    if isinstance(label, str) and label[1:] in PLAIN:  # ^\text{…}: the command and its argument
        label = [label, reader.take()]
    return body, label


def _tidy(text: str) -> str:
    return " ".join(text.split())
