"""One reader of YAML mappings for every file cuecast validates (the lesson
script and the theme): keys, types, did-you-mean and locations, written once.

It works on YAML nodes (``cuecast.script_yaml``) so every value keeps its
line and column, and it *collects* problems instead of stopping at the first:
a reader reports each as a ``Diagnostic`` (``file:line:col │ message``, the
source line, a caret and a hint) and returns ``None`` for the broken part, so
its siblings are still checked.  A validator subclasses ``SchemaReader`` and
adds the fields of its own file.

Entries are ``{key: (key node, value node)}``, as ``mapping`` returns them.
"""

from __future__ import annotations

import difflib
from typing import Optional, Sequence, Union

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cuecast.errors import Diagnostic
from cuecast.model import Location
from cuecast.script_yaml import UnsupportedTag, describe, mapping_pairs, node_location, scalar_value

Entries = dict  # key text -> (key node, value node)


def did_you_mean(value: str, allowed: Sequence[str]) -> str:
    """``did you mean 'x'?`` for the closest of ``allowed``, or ""."""
    close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


class SchemaReader:
    """Reads the mappings, scalars and lists of one YAML file (``shown``: its
    path as messages print it) into ``problems``."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.problems: list[Diagnostic] = []

    # reporting

    def loc(self, node: Node) -> Location:
        return node_location(self.shown, node)

    def field_locations(self, entries: Entries, keys: Sequence[str]) -> tuple[tuple[str, Location], ...]:
        """``(key, where its value starts)`` for each of ``keys`` present."""
        return tuple((key, self.loc(entries[key][1])) for key in keys if key in entries)

    def error(self, where: Union[Node, Location], message: str, hint: str = "") -> None:
        location = where if isinstance(where, Location) else self.loc(where)
        self.problems.append(Diagnostic(location, message, hint))

    # generic shapes

    def mapping(self, node: Node, what: str, allowed: Sequence[str]) -> Optional[Entries]:
        """The keys of a mapping node, reporting a wrong shape, non-text keys,
        duplicate keys and unknown keys (with a did-you-mean suggestion)."""
        if not isinstance(node, MappingNode):
            self.error(node, f"{what} must be a mapping (key: value lines), found {describe(node)}")
            return None
        entries: Entries = {}
        for key_node, value_node in self.merged(node):
            if not isinstance(key_node, ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                self.error(key_node, f"keys in {what} must be names, found {describe(key_node)}")
                continue
            key = key_node.value
            if key in entries:
                first = self.loc(entries[key][0])
                self.error(key_node, f"duplicate key '{key}' in {what} (first given on line {first.line})")
                continue
            if key not in allowed:
                self.unknown_key(key_node, key, what, allowed)
                continue
            entries[key] = (key_node, value_node)
        return entries

    def merged(self, node: Node) -> list[tuple[Node, Node]]:
        """A mapping node's ``(key node, value node)`` pairs with YAML merge
        keys applied (``<<: *common`` shares fields; merged values keep their
        place), reporting a merge that cannot apply."""
        if not isinstance(node, MappingNode):
            return []
        pairs, merge_problems = mapping_pairs(node)
        for where, message in merge_problems:
            self.error(where, message)
        return pairs

    def entries(self, node: Node) -> Entries:
        """The text keys of a mapping node (anything else: ``{}``), merges
        applied; the caller checks them (``known``)."""
        return {str(k.value): (k, v) for k, v in self.merged(node) if isinstance(k, ScalarNode)}

    def known(self, entries: Entries, allowed: Sequence[str], what: str) -> Entries:
        """``entries`` whose key is one of ``allowed``; each other is reported
        as ``unknown <what> 'key'``, with a did-you-mean or the keys allowed."""
        kept: Entries = {}
        for key, pair in entries.items():
            if key in allowed:
                kept[key] = pair
            else:
                self.error(pair[0], f"unknown {what} {key!r}",
                           did_you_mean(key, allowed) or f"expected one of: {', '.join(allowed)}")
        return kept

    def unknown_key(self, key_node: Node, key: str, what: str, allowed: Sequence[str]) -> None:
        close = did_you_mean(key, allowed)
        if close:
            self.error(key_node, f"unknown key '{key}' in {what} ({close})")
        else:
            self.error(key_node, f"unknown key '{key}' in {what} (expected one of: {', '.join(allowed)})")

    def scalar(self, node: Node, key: str) -> tuple[bool, object]:
        """``(True, value)`` for a plain scalar; reports lists, mappings and
        unsupported tags as a type error naming the field."""
        if isinstance(node, ScalarNode):
            try:
                return True, scalar_value(node)
            except UnsupportedTag as exc:
                self.error(node, f"'{key}' has {exc}")
                return False, None
        return False, None

    def text(self, entries: Entries, key: str, *, required_in: str = "") -> Optional[str]:
        """A non-empty string field; ``required_in`` names the owner when the
        field must be present."""
        if key not in entries:
            return None
        node = entries[key][1]
        ok, value = self.scalar(node, key)
        if not ok or not isinstance(value, str):
            if ok or not isinstance(node, ScalarNode):
                hint = "put it in quotes to make it text" if isinstance(node, ScalarNode) and value is not None else ""
                self.error(node, f"'{key}' must be a string, found {describe(node)}", hint)
            return None
        if not value.strip():
            self.error(node, f"'{key}' must not be empty")
            return None
        return value

    def string_list(self, entries: Entries, key: str) -> Optional[tuple[str, ...]]:
        if key not in entries:
            return ()
        node = entries[key][1]
        if not isinstance(node, SequenceNode):
            self.error(node, f"'{key}' must be a list of strings, found {describe(node)}")
            return None
        items = []
        for number, item in enumerate(node.value, start=1):
            ok, value = self.scalar(item, key)
            if not ok or not isinstance(value, str):
                if ok or not isinstance(item, ScalarNode):
                    self.error(item, f"'{key}' item {number} must be a string, found {describe(item)}")
                continue
            if not value.strip():
                self.error(item, f"'{key}' item {number} must not be empty")
                continue
            items.append(value)
        return tuple(items)

    def node_list(self, entries: Entries, key: str) -> list[Node]:
        if key not in entries:
            return []
        node = entries[key][1]
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null":
            return []
        if not isinstance(node, SequenceNode):
            self.error(node, f"'{key}' must be a list, found {describe(node)}")
            return []
        return list(node.value)

    def flag(self, entries: Entries, key: str) -> Optional[bool]:
        if key not in entries:
            return None
        node = entries[key][1]
        ok, value = self.scalar(node, key)
        if not ok or not isinstance(value, bool):
            self.error(node, f"'{key}' must be true or false, found {describe(node)}")
            return None
        return value

    def choice(self, entries: Entries, key: str, allowed: Sequence[str], what: str) -> Optional[str]:
        """A text field that must be one of ``allowed``: ``unknown <what>
        'x' (expected one of: ...)``, with a did-you-mean hint."""
        value = self.text(entries, key)
        if value is not None and value not in allowed:
            self.error(entries[key][1], f"unknown {what} '{value}' (expected one of: {', '.join(allowed)})",
                       hint=did_you_mean(value, allowed))
            return None
        return value
