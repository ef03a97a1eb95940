"""Lay out an autograd graph (the tape) as layered boxes and arrows.

The loss sits at the top, each backward function one layer below the deepest
node it feeds, leaf tensors at the bottom of their paths — the reading order
of ``loss.grad_fn.next_functions``.  Inside a layer, nodes are ordered by the
mean position of the nodes they feed, which keeps arrows from crossing in the
usual small tapes.  Node boxes are measured so their labels fit; the font
shrinks (to the theme's ``node_min``) until the widest layer fits the area.
"""

from __future__ import annotations

from cuecast.deck.boxes import Connector, Paragraph, Run, TextBox, pt_to_emu
from cuecast.deck.measure import Measurer, line_height
from cuecast.model import AutogradGraph

_FILL_BY_KIND = {"root": "node_root", "leaf": "node_leaf"}


def node_box_name(node_id: str) -> str:
    return f"node:{node_id}"


def _layers(graph: AutogradGraph) -> list[list[str]]:
    ids = [node.id for node in graph.nodes]
    feeds: dict[str, list[str]] = {node_id: [] for node_id in ids}
    for source, target in graph.edges:
        if source in feeds and target in feeds:
            feeds[source].append(target)
    depth = {node_id: 0 for node_id in ids}
    for _ in range(len(ids)):  # longest path to a sink, by relaxation (graphs are small DAGs)
        changed = False
        for source, targets in feeds.items():
            for target in targets:
                if depth[source] < depth[target] + 1:
                    depth[source] = depth[target] + 1
                    changed = True
        if not changed:
            break
    layers: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for node_id in ids:
        layers[depth[node_id]].append(node_id)
    # Order each layer by where the nodes it feeds sit (barycentre), top down.
    position = {node_id: index for index, node_id in enumerate(layers[0])} if layers else {}
    for layer in layers[1:]:
        def key(node_id: str) -> float:
            spots = [position[t] for t in feeds[node_id] if t in position]
            return sum(spots) / len(spots) if spots else float("inf")

        layer.sort(key=key)
        position.update({node_id: index for index, node_id in enumerate(layer)})
    return layers


def layout_graph(graph: AutogradGraph, area: tuple[int, int, int, int], theme) -> list:
    """Boxes (filled, rounded ``TextBox`` es with role ``node``, then
    ``Connector`` s) drawing ``graph`` inside ``area`` = (x, y, w, h) EMU."""
    measurer = Measurer(theme)
    x0, y0, width, height = area
    layers = _layers(graph)
    if not layers:
        return []
    labels = {node.id: node.label for node in graph.nodes}
    kinds = {node.id: node.kind for node in graph.nodes}
    pad_x, gap_x = pt_to_emu(10), pt_to_emu(14)

    size = theme.size("node")
    while True:
        run_for = lambda node_id: Run(labels[node_id], "mono", size, False, theme.color("node_text"))  # noqa: E731
        widths = {n: pt_to_emu(measurer.width(run_for(n)) / 0.96) + 2 * pad_x for n in labels}
        widest_layer = max(sum(widths[n] for n in layer) + gap_x * (len(layer) - 1) for layer in layers)
        node_h = pt_to_emu(line_height(size) + 12)
        fits_h = node_h * len(layers) * 1.6 <= height
        if (widest_layer <= width and fits_h) or size <= theme.size("node_min"):
            break
        size = max(theme.size("node_min"), size - 1)

    row = height / len(layers)
    node_h = min(node_h, int(row * 0.62))
    boxes: list = []
    centres: dict[str, tuple[int, int, int, int]] = {}
    for depth, layer in enumerate(layers):
        total = sum(widths[n] for n in layer) + gap_x * (len(layer) - 1)
        scale = min(1.0, width / total) if total else 1.0
        x = x0 + (width - total * scale) / 2
        y = int(y0 + depth * row + (row - node_h) / 2)
        for node_id in layer:
            w = int(widths[node_id] * scale)
            kind = kinds[node_id]
            paragraph = Paragraph(
                (Run(labels[node_id], "mono", size, kind == "root", theme.color("node_text")),),
                size, line_height(size), align="center",
            )
            box = TextBox(
                node_box_name(node_id), int(x), y, w, node_h, (paragraph,), role="node",
                fill=theme.color(_FILL_BY_KIND.get(kind, "node_function")), line=theme.color("node_line"),
                rounded=True, inset=(pad_x // 2, 0, pad_x // 2, 0), anchor="middle", wrap=False,
            )
            boxes.append(box)
            centres[node_id] = (box.x, box.y, box.w, box.h)
            x += w + gap_x * scale
    for index, (source, target) in enumerate(graph.edges):
        if source not in centres or target not in centres:
            continue
        sx, sy, sw, _ = centres[source]
        tx, ty, tw, th = centres[target]
        boxes.append(Connector(
            f"edge:{index}", node_box_name(source), node_box_name(target),
            sx + sw // 2, sy, tx + tw // 2, ty + th, theme.color("edge"), 1.5,
        ))
    return boxes
