"""``cuecast.runner.autograd``: the walk of a loss's tape that the
``diagram: autograd`` cue draws, as a pure function of a namespace."""

from __future__ import annotations

import pytest

from cuecast.runner.autograd import NoGraphError, autograd_graph, leaf_label
from tests.support import paths

FIXTURES = paths.FIXTURES / "runner"


def run_tape() -> dict:
    namespace: dict = {"__name__": "__main__"}
    source = (FIXTURES / "tape.py").read_text()
    exec(compile(source, str(FIXTURES / "tape.py"), "exec"), namespace)
    return namespace


def test_autograd_walk_is_breadth_first_from_the_loss():
    pytest.importorskip("torch")
    graph = autograd_graph(run_tape())
    assert [(n.id, n.label, n.kind) for n in graph.nodes] == [
        ("n0", "loss", "root"),
        ("n1", "MulBackward0", "function"),
        ("n2", "AddBackward0", "function"),
        ("n3", "SumBackward0", "function"),
        ("n4", "b", "leaf"),
        ("n5", "MulBackward0", "function"),
        ("n6", "w (3,)", "leaf"),
    ]
    # y * y feeds MulBackward0 twice: one edge; x has no grad, so no node
    assert graph.edges == (("n1", "n0"), ("n2", "n1"), ("n3", "n2"), ("n4", "n2"), ("n5", "n3"), ("n6", "n5"))


def test_autograd_walk_is_deterministic_and_names_unbound_leaves():
    torch = pytest.importorskip("torch")
    namespace = run_tape()
    assert autograd_graph(namespace) == autograd_graph(run_tape())
    hidden = torch.ones(2, 2, requires_grad=True)
    assert leaf_label(hidden, namespace) == "tensor (2, 2)"
    assert leaf_label(namespace["b"], namespace) == "b"


def test_autograd_walk_needs_a_loss_with_a_tape():
    torch = pytest.importorskip("torch")
    with pytest.raises(NoGraphError, match="no tensor named 'loss'"):
        autograd_graph({})
    with pytest.raises(NoGraphError, match="has no grad_fn"):
        autograd_graph({"loss": torch.ones(1)})
