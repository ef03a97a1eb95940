"""Walk the real autograd tape of a snippet into plain graph data.

A ``diagram: autograd`` cue draws the graph the snippet actually built, not a
stock picture.  The walk is a pure function of a namespace that holds a tensor
named ``loss``, so the worker calls it right after the snippet ran, and a test
(or any process with torch) can call it on its own ``exec`` of the snippet and
get the same nodes and ids.  It needs no torch import of its own: it only
follows ``grad_fn`` and ``next_functions`` attributes.
"""

from __future__ import annotations

from collections import deque
from typing import Any, Mapping

from cuecast.model import AutogradGraph, GraphNode

#: The namespace name a ``diagram: autograd`` snippet must bind its output to.
ROOT_NAME = "loss"


class NoGraphError(Exception):
    """The namespace holds nothing to draw (no ``loss``, or it has no tape)."""


def _is_tensor(value: Any) -> bool:
    return hasattr(value, "grad_fn") and hasattr(value, "shape") and hasattr(value, "requires_grad")


def _shape_text(tensor: Any) -> str:
    shape = tuple(int(n) for n in tensor.shape)
    return "" if not shape else " " + repr(shape)


def leaf_label(tensor: Any, namespace: Mapping[str, Any]) -> str:
    """``'w (3,)'`` for a leaf bound to ``w`` in the namespace (identity, not
    equality), ``'b'`` for a 0-d one, ``'tensor (2, 2)'`` for one with no name.
    The first name in namespace order wins, so labels are deterministic."""
    name = next(
        (key for key, value in namespace.items() if value is tensor and not key.startswith("_")),
        "tensor",
    )
    return name + _shape_text(tensor)


def autograd_graph(namespace: Mapping[str, Any], root: str = ROOT_NAME) -> AutogradGraph:
    """The tape behind ``namespace[root]``, breadth first from the loss.

    Nodes get ids ``n0, n1, …`` in BFS order: ``n0`` is the root (the loss,
    labelled with its name), then backward functions (labelled with their type,
    e.g. ``MulBackward0``) and leaves (the tensor an ``AccumulateGrad`` node
    feeds, labelled by ``leaf_label``).  Edges run from input to consumer;
    a function reached twice is one node, a repeated edge is listed once.
    """
    tensor = namespace.get(root)
    if not _is_tensor(tensor):
        raise NoGraphError(f"no tensor named '{root}' to draw the autograd graph from")
    if tensor.grad_fn is None:
        raise NoGraphError(
            f"'{root}' has no grad_fn: it was not computed from tensors with requires_grad=True"
        )

    nodes: list[GraphNode] = [GraphNode("n0", root, "root")]
    edges: list[tuple[str, str]] = []
    seen_edges: set[tuple[str, str]] = set()
    ids: dict[int, str] = {}  # id(python object) -> node id; objects stay alive via `keep`
    keep: list[Any] = []

    def node_for(fn: Any) -> tuple[str, bool]:
        """The node id for a backward function (or the leaf it accumulates
        into) and whether it is new."""
        target = getattr(fn, "variable", None) if type(fn).__name__ == "AccumulateGrad" else None
        obj = target if target is not None else fn
        key = id(obj)
        if key in ids:
            return ids[key], False
        node_id = f"n{len(nodes)}"
        ids[key] = node_id
        keep.append(obj)
        if target is not None:
            nodes.append(GraphNode(node_id, leaf_label(target, namespace), "leaf"))
        else:
            nodes.append(GraphNode(node_id, type(fn).__name__, "function"))
        return node_id, True

    def add_edge(source: str, consumer: str) -> None:
        if (source, consumer) not in seen_edges:
            seen_edges.add((source, consumer))
            edges.append((source, consumer))

    first, _ = node_for(tensor.grad_fn)
    add_edge(first, "n0")
    queue: deque[tuple[Any, str]] = deque([(tensor.grad_fn, first)])
    while queue:
        fn, fn_id = queue.popleft()
        if type(fn).__name__ == "AccumulateGrad":
            continue
        for child, _index in getattr(fn, "next_functions", ()) or ():
            if child is None:
                continue
            child_id, new = node_for(child)
            add_edge(child_id, fn_id)
            if new:
                queue.append((child, child_id))
    return AutogradGraph(nodes=tuple(nodes), edges=tuple(edges))

