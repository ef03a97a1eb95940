"""Read a lesson script's bytes into YAML nodes that remember where they came from.

The parser validates *nodes* (``yaml.compose``), not constructed Python values,
because only nodes keep the line and column of every key and value, which every
diagnostic needs.  This module is also the guard at the door: it refuses files
that are too big, not UTF-8, not valid YAML, or built to explode (YAML alias
"billion laughs" documents), each with a located message instead of a traceback.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Optional, Union

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cuecast.errors import Diagnostic, ScriptError
from cuecast.model import Location

#: Scripts are hand-written text; anything larger is a mistake or an attack.
MAX_SCRIPT_BYTES = 2 * 1024 * 1024
#: YAML aliases a script may use; a few are handy, hundreds are a bomb.
MAX_ALIASES = 100
#: Nodes the document may hold once every alias is expanded (a 2 MB script
#: written out by hand holds well under half of that).
MAX_EXPANDED_NODES = 1_000_000
#: Lists and mappings inside each other: a lesson needs about ten levels; the
#: composer is recursive, so thousands would end in a RecursionError.
MAX_NESTING = 64
#: The tag PyYAML gives a ``<<`` key (YAML 1.1's merge key).
MERGE_TAG = "tag:yaml.org,2002:merge"

#: Scalar tags the parser understands; any other tag (``!!python/object``…) is refused.
_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


class _Refused(Exception):
    """Raised inside the composer to stop it at a mark, turned into a Diagnostic."""

    def __init__(self, message: str, mark) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


class _GuardedLoader(yaml.SafeLoader):
    """A SafeLoader whose composer counts aliases and stops past the limit,
    before any expansion can happen, and stops nesting past ``MAX_NESTING``
    at the value that goes too deep (rather than in a RecursionError that
    knows no line)."""

    def __init__(self, stream) -> None:
        super().__init__(stream)
        self.alias_count = 0
        self.depth = 0

    def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
        if self.check_event(yaml.AliasEvent):
            self.alias_count += 1
            if self.alias_count > MAX_ALIASES:
                raise _Refused(
                    f"too many YAML aliases (more than {MAX_ALIASES}); "
                    "aliases are refused past that to keep alias bombs out",
                    self.peek_event().start_mark,
                )
        self.depth += 1
        try:
            if self.depth > MAX_NESTING:
                raise _Refused(
                    f"the YAML nests lists and mappings more than {MAX_NESTING} levels deep here",
                    self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def node_location(shown: str, node: Union[Node, "yaml.Mark", None]) -> Location:
    """The 1-based location of a node (or a PyYAML mark) in the script."""
    mark = getattr(node, "start_mark", node)
    if mark is None:
        return Location(shown)
    return Location(shown, mark.line + 1, mark.column + 1)


def is_null(node: Optional[Node]) -> bool:
    """Whether an optional setting was left empty (absent, ``null``, ``~`` or
    blank), which means "use the default"."""
    return node is None or (isinstance(node, ScalarNode) and node.value in ("", "null", "~"))


def read_script_text(path: Path, shown: str, what: str = "script") -> str:
    """The file's text, refusing missing, huge and non-UTF-8 files with a
    located diagnostic (a bad byte is reported at its line and column)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ScriptError([Diagnostic(Location(shown), f"no such {what} file")]) from None
    except OSError as exc:
        raise ScriptError([Diagnostic(Location(shown), f"cannot read the {what}: {exc.strerror}")]) from None
    if path.is_dir():
        raise ScriptError([Diagnostic(Location(shown), f"the {what} is a folder, not a file")])
    if size > MAX_SCRIPT_BYTES:
        raise ScriptError([Diagnostic(
            Location(shown),
            f"the {what} is {size / 1024 / 1024:.1f} MB; files over "
            f"{MAX_SCRIPT_BYTES // 1024 // 1024} MB are refused",
            hint="a lesson script is hand-written text; split it into several lessons",
        )])
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ScriptError([Diagnostic(Location(shown), f"cannot read the {what}: {exc.strerror}")]) from None
    return decode_utf8(data, shown, what)


def decode_utf8(data: bytes, shown: str, what: str = "script") -> str:
    """Decode UTF-8 (a leading BOM is dropped); a bad byte is reported at the
    line and column that hold it."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ScriptError([Diagnostic(
            Location(shown, line, col),
            f"the {what} is not UTF-8 text (byte 0x{data[exc.start]:02x} at byte offset {exc.start})",
            hint="save the file as UTF-8",
        )]) from None
    return text[1:] if text.startswith("\ufeff") else text


def _char_location(shown: str, text: str, position: int) -> Location:
    line = text.count("\n", 0, position) + 1
    col = position - (text.rfind("\n", 0, position) + 1) + 1
    return Location(shown, line, col)


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    problem = (exc.problem or "").strip()
    if "'\\t'" in problem or "tab character" in problem:
        return "tab character in the YAML; indent with spaces, YAML does not allow tabs here"
    context = (exc.context or "").strip()
    if context and problem:
        return f"invalid YAML: {context}, {problem}"
    return f"invalid YAML: {problem or context or 'cannot parse'}"


def compose_script(text: str, shown: str) -> Optional[Node]:
    """The document's root node (``None`` for an empty document), after the
    alias guard and the expanded-size guard have both passed."""
    loader = None
    try:
        loader = _GuardedLoader(text)  # the reader refuses control characters here
        node = loader.get_single_node()
    except _Refused as exc:
        raise ScriptError([Diagnostic(node_location(shown, exc.mark), exc.message)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and ("end of stream" in (exc.problem or "") or "<stream end>" in (exc.problem or "")):
            mark = exc.context_mark  # an unclosed quote or bracket: show where it opened, not the end of the file
        raise ScriptError([Diagnostic(node_location(shown, mark), _yaml_message(exc))]) from None
    except yaml.reader.ReaderError as exc:
        char = exc.character
        shown_char = f"U+{char:04X}" if isinstance(char, int) else repr(char)
        raise ScriptError([Diagnostic(
            _char_location(shown, text, exc.position),
            f"invalid YAML: control character {shown_char} is not allowed",
        )]) from None
    except yaml.YAMLError as exc:
        raise ScriptError([Diagnostic(Location(shown), f"invalid YAML: {exc}")]) from None
    except RecursionError:
        raise ScriptError([Diagnostic(Location(shown), "invalid YAML: nested too deeply")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if node is not None:
        _check_expanded_size(node, shown, aliased=loader.alias_count > 0)
    return node


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _check_expanded_size(root: Node, shown: str, aliased: bool = True) -> None:
    """Count the nodes the document would have with every alias expanded,
    without expanding anything (a memo per shared node), and refuse cycles
    (``&a [*a]``), which no lesson value can hold."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            open_nodes.discard(key)
            size = 1 + sum(sizes[id(child)] for child in _children(node))
            if size > MAX_EXPANDED_NODES:
                message = (
                    f"the YAML expands to more than {MAX_EXPANDED_NODES:,} values through its "
                    "aliases; refusing it (an alias bomb?)" if aliased
                    else f"the script holds more than {MAX_EXPANDED_NODES:,} values; refusing it"
                )
                raise ScriptError([Diagnostic(node_location(shown, node), message)])
            sizes[key] = size
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise ScriptError([Diagnostic(node_location(shown, node), "a YAML alias refers to itself (a cycle)")])
        open_nodes.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in open_nodes:
                raise ScriptError([Diagnostic(node_location(shown, child), "a YAML alias refers to itself (a cycle)")])
            if id(child) not in sizes:
                stack.append((child, False))


_CONSTRUCTOR = SafeConstructor()


class UnsupportedTag(Exception):
    """A scalar carries a tag the script format does not accept, or a value
    its tag cannot read (``!!int ''``); the text says which, after "has"."""


def scalar_value(node: ScalarNode):
    """The Python value of a scalar as YAML 1.1 resolves it (str, int, float,
    bool, None, date); raises ``UnsupportedTag`` for any other tag."""
    if node.tag not in _PLAIN_TAGS:
        raise UnsupportedTag(f"the unsupported YAML tag {node.tag}")
    try:
        return _CONSTRUCTOR.construct_object(node, deep=True)
    except Exception as exc:  # the constructors raise anything from ValueError to IndexError
        tag = node.tag.rsplit(":", 1)[-1]
        raise UnsupportedTag(f"a value '{_short(node.value)}' that is not a valid !!{tag}") from exc
    finally:
        _CONSTRUCTOR.constructed_objects.clear()
        _CONSTRUCTOR.recursive_objects.clear()


#: How YAML 1.1 reads numbers that do not look like numbers to a person.
_SURPRISES = (
    (re.compile(r"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$"), "base-60 number"),
    (re.compile(r"^[-+]?0b[0-1_]+$"), "binary number"),
    (re.compile(r"^[-+]?0x[0-9a-fA-F_]+$"), "hexadecimal number"),
    (re.compile(r"^[-+]?0[0-7_]+$"), "octal number"),
    (re.compile(r"^[-+]?[0-9]+(_[0-9]*)+$"), "number"),
)


def yaml11_surprise(node: Node) -> Optional[str]:
    """How YAML 1.1 turned a plain scalar into a number its author likely did
    not mean: ``1:30`` → ``"1:30, which YAML 1.1 reads as the base-60 number
    90"``, ``010`` → ``"... the octal number 8"``; ``None`` for text and plain
    numbers."""
    if not isinstance(node, ScalarNode) or node.style or node.tag not in (
            "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
        return None
    written = node.value.strip()
    for pattern, how in _SURPRISES:
        if pattern.match(written):
            try:
                value = scalar_value(node)
            except UnsupportedTag:
                return None
            shown = f"{value:g}" if isinstance(value, float) else str(value)
            return f"{written}, which YAML 1.1 reads as the {how} {shown}"
    return None


def mapping_pairs(node: MappingNode) -> tuple[list[tuple[Node, Node]], list[tuple[Node, str]]]:
    """The ``(key, value)`` pairs of a mapping with its YAML merge keys
    (``<<: *common``, ``<<: [*a, *b]``) applied: a key written in the
    mapping wins over a merged one, an earlier merged mapping over a later
    one.  Merged pairs keep their own nodes, so a problem with a merged value
    is reported where that value is written.  Also returns ``(node, message)``
    for each merge key whose value is not a mapping."""
    own: list[tuple[Node, Node]] = []
    merged: list[tuple[Node, Node]] = []
    problems: list[tuple[Node, str]] = []
    for key, value in node.value:
        if not (isinstance(key, ScalarNode) and key.tag == MERGE_TAG):
            own.append((key, value))
            continue
        sources = value.value if isinstance(value, SequenceNode) else [value]
        for source in sources:
            if not isinstance(source, MappingNode):
                problems.append((source, "a merge key ('<<') takes a mapping or a list of them "
                                         f"(e.g. <<: *common), found {describe(source)}"))
                continue
            pairs, inner = mapping_pairs(source)
            merged.extend(pairs)
            problems.extend(inner)
    written = {key.value for key, _ in own if isinstance(key, ScalarNode)}
    for key, value in merged:
        name = key.value if isinstance(key, ScalarNode) else None
        if name is None or name not in written:
            own.append((key, value))
            if name is not None:
                written.add(name)
    return own, problems


def describe(node: Node) -> str:
    """What a node holds, as a message names it: 'a list', 'an integer (3)'."""
    if isinstance(node, SequenceNode):
        return "a list"
    if isinstance(node, MappingNode):
        return "a mapping"
    try:
        value = scalar_value(node)
    except UnsupportedTag as exc:
        return f"a value with {exc}"
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    surprise = yaml11_surprise(node)
    if isinstance(value, int):
        return f"an integer ({surprise})" if surprise else f"an integer ({value})"
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return f"a number ({node.value})"
        return f"a number ({surprise})" if surprise else f"a number ({value:g})"
    if isinstance(value, str):
        return f"a string ('{_short(value)}')"
    return f"a date ({node.value})"


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
