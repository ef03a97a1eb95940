"""An autograd tape as layered boxes: the loss on top, each function a layer
below what it feeds, arrows from each box's top to the bottom of the box it
feeds that do not cross, and a font that shrinks only as far as the theme's
``node_min`` to fit the widest layer."""

from __future__ import annotations

import itertools

import pytest

from cuecast.deck.autograd_layout import layout_graph, node_box_name
from cuecast.deck.boxes import Connector, TextBox, inches
from cuecast.deck.theme import load_theme
from cuecast.model import AutogradGraph, GraphNode

AREA = (inches(1), inches(1.5), inches(11), inches(5))
#: loss = (a * w) + (b * v): leaves listed in the opposite order to what they feed.
CROSSED = AutogradGraph(
    nodes=(GraphNode("n0", "loss", "root"), GraphNode("n1", "AddBackward0", "function"),
           GraphNode("n2", "MulBackward0", "function"), GraphNode("n3", "MulBackward0", "function"),
           GraphNode("n4", "v", "leaf"), GraphNode("n5", "b", "leaf"),
           GraphNode("n6", "w", "leaf"), GraphNode("n7", "a", "leaf")),
    edges=(("n1", "n0"), ("n2", "n1"), ("n3", "n1"), ("n7", "n2"), ("n6", "n2"), ("n5", "n3"), ("n4", "n3")),
)


@pytest.fixture(scope="module")
def theme():
    return load_theme(None)


def nodes_of(boxes: list) -> dict[str, TextBox]:
    return {box.name: box for box in boxes if isinstance(box, TextBox)}


def test_the_loss_is_on_top_and_each_node_sits_a_layer_below_what_it_feeds(theme):
    boxes = layout_graph(CROSSED, AREA, theme)
    nodes = nodes_of(boxes)
    assert set(nodes) == {node_box_name(node.id) for node in CROSSED.nodes}
    for source, target in CROSSED.edges:
        assert nodes[node_box_name(source)].y > nodes[node_box_name(target)].y
    ys = sorted({box.y for box in nodes.values()})
    assert len(ys) == 4 and nodes["node:n0"].y == ys[0]
    x, y, w, h = AREA
    for box in nodes.values():
        assert x <= box.x and box.x + box.w <= x + w and y <= box.y and box.y + box.h <= y + h
        assert box.role == "node" and box.rounded and not box.wrap


def test_arrows_join_top_to_bottom_and_do_not_cross(theme):
    boxes = layout_graph(CROSSED, AREA, theme)
    nodes = nodes_of(boxes)
    arrows = [box for box in boxes if isinstance(box, Connector)]
    assert [(a.start, a.end) for a in arrows] == [(node_box_name(s), node_box_name(t)) for s, t in CROSSED.edges]
    for arrow in arrows:
        start, end = nodes[arrow.start], nodes[arrow.end]
        assert (arrow.x1, arrow.y1) == (start.x + start.w // 2, start.y)
        assert (arrow.x2, arrow.y2) == (end.x + end.w // 2, end.y + end.h)
    for one, other in itertools.combinations(arrows, 2):
        if one.y1 == other.y1 and one.y2 == other.y2:  # between the same two layers
            assert (one.x1 - other.x1) * (one.x2 - other.x2) >= 0, (one.name, other.name)


def test_kinds_are_told_apart_by_fill_and_the_loss_is_bold(theme):
    nodes = nodes_of(layout_graph(CROSSED, AREA, theme))
    assert nodes["node:n0"].fill == theme.color("node_root") and nodes["node:n0"].paragraphs[0].runs[0].bold
    assert nodes["node:n1"].fill == theme.color("node_function")
    assert nodes["node:n4"].fill == theme.color("node_leaf") and not nodes["node:n4"].paragraphs[0].runs[0].bold
    assert nodes["node:n4"].paragraphs[0].text == "v"


def test_a_wide_layer_shrinks_the_font_but_never_below_the_minimum(theme):
    size = lambda boxes: {b.paragraphs[0].size for b in nodes_of(boxes).values()}  # noqa: E731
    assert size(layout_graph(CROSSED, AREA, theme)) == {theme.size("node")}
    leaves = tuple(GraphNode(f"l{i}", f"weight_{i} (128, 64)", "leaf") for i in range(8))
    wide = AutogradGraph(nodes=(GraphNode("n0", "loss", "root"), *leaves),
                         edges=tuple((leaf.id, "n0") for leaf in leaves))
    (shrunk,) = size(layout_graph(wide, AREA, theme))
    assert theme.size("node_min") <= shrunk < theme.size("node")
    narrow = (0, 0, inches(3), inches(5))
    boxes = layout_graph(wide, narrow, theme)
    assert size(boxes) == {theme.size("node_min")}
    assert all(box.x + box.w <= inches(3) for box in nodes_of(boxes).values())  # squeezed into the width


def test_an_empty_tape_draws_nothing(theme):
    assert layout_graph(AutogradGraph(nodes=(), edges=()), AREA, theme) == []
