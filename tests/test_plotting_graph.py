"""mk.plotting.draw_graph: the picture of a Value graph shows exactly the graph's numbers.

References are independent of the drawing code: forward values by hand with
``math``, gradients by central finite differences, edges counted from the
nodes' parents.
"""

from __future__ import annotations

import math
import re

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from mlekit.autodiff import Value
from mlekit.gradcheck import numerical_gradient
from mlekit.plotting import draw_graph, graph_layout

matplotlib.use("Agg")

W, X, B, T = 0.5, 2.0, -0.5, 1.0
NUMBER = re.compile(r"[-+]?\d+\.\d+(?:e[-+]?\d+)?")


def neuron(w=W, x=X, b=B, t=T):
    """L = (sigmoid(w x + b) - t)^2 with every node labelled, as in lesson 10."""
    w, x, b, t = Value(w, "w"), Value(x, "x"), Value(b, "b"), Value(t, "t")
    wx = w * x; wx.label = "wx"
    z = wx + b; z.label = "z"
    y = z.sigmoid(); y.label = "y"
    e = y - t; e.label = "e"
    L = e ** 2; L.label = "L"
    return L


def by_hand(w=W, x=X, b=B, t=T):
    z = w * x + b
    y = 1 / (1 + math.exp(-z))
    return {"w": w, "x": x, "b": b, "t": t, "wx": w * x, "z": z, "y": y, "e": y - t,
            "L": (y - t) ** 2}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def last_number(text: str) -> float:
    return float(NUMBER.findall(text)[-1])


def test_every_box_shows_its_node_and_forward_value():
    artists = draw_graph(neuron())
    want = by_hand()
    assert set(artists["boxes"]) == set(want)
    for key, text in artists["boxes"].items():
        name, value = text.get_text().split("\n")
        assert name == key
        assert float(value) == pytest.approx(want[key], abs=5e-5)
    assert artists["grads"] == {} and artists["locals"] == []


def test_one_arrow_per_edge_pointing_from_parent_to_child():
    L = neuron()
    artists = draw_graph(L)
    edges = [(p, n) for n in L.topological_order() for p in n.parents]
    assert len(artists["arrows"]) == len(edges) == 8
    pos = graph_layout(L)
    for arrow, (parent, child) in zip(artists["arrows"], edges):
        assert arrow.xyann == pos[parent.label] and arrow.xy == pos[child.label]


def test_gradients_under_boxes_match_finite_differences():
    L = neuron()
    L.backward()
    artists = draw_graph(L, gradients=True)
    inputs = ("w", "x", "b", "t")
    numeric = numerical_gradient(lambda v: by_hand(*v)["L"], np.array([W, X, B, T]))
    for name, d in zip(inputs, numeric):
        text = artists["grads"][name].get_text()
        assert text.startswith(rf"$\partial L/\partial {name}$")
        assert last_number(text) == pytest.approx(d, abs=5e-5)
    assert last_number(artists["grads"]["L"].get_text()) == 1.0
    assert artists["grads"]["wx"].get_text().startswith(r"$\partial L/\partial (wx)$")


def test_local_derivatives_on_arrows_match_finite_differences():
    L = neuron()
    L.backward()
    artists = draw_graph(L, gradients=True, digits=6)
    shown = [float(t.get_text().lstrip("×")) for t in artists["locals"]]
    h = by_hand()
    sig = h["y"]
    # in topological order: wx <- w, x; z <- wx, b; y <- z; e <- y, t; L <- e
    want = [X, W, 1.0, 1.0, sig * (1 - sig), 1.0, -1.0, 2 * h["e"]]
    assert shown == pytest.approx(want, rel=2e-3)
    d_sigmoid = numerical_gradient(lambda z: 1 / (1 + np.exp(-z[0])), np.array([h["z"]]))[0]
    assert shown[4] == pytest.approx(d_sigmoid, rel=2e-3)


def test_automatic_layout_puts_inputs_left_and_the_root_right():
    L = neuron()
    pos = graph_layout(L)
    assert len(set(pos.values())) == len(pos) == 9
    for node in L.topological_order():
        for parent in node.parents:
            assert pos[parent.label][0] < pos[node.label][0]
    assert pos["L"][0] == max(x for x, _ in pos.values())
    assert {pos[k][0] for k in ("w", "x", "t")} == {0.0}


def test_a_node_used_twice_is_drawn_once_with_two_arrows():
    a = Value(3.0, "a")
    sq = a * a; sq.label = "sq"
    sq.backward()
    artists = draw_graph(sq, gradients=True)
    assert list(artists["boxes"]) == ["a", "sq"]
    assert len(artists["arrows"]) == 2
    assert last_number(artists["grads"]["a"].get_text()) == 6.0       # d(a^2)/da = 2a


def test_unlabelled_nodes_get_their_op_as_name_numbered_when_repeated():
    a, b = Value(1.0, "a"), Value(2.0, "b")
    out = (a * b) * (a + b) * b
    keys = list(draw_graph(out)["boxes"])
    assert keys == ["a", "b", "(*)", "(+)", "(*)#2", "(*)#3"]


def test_any_node_name_draws_without_breaking_mathtext():
    a, b = Value(1.0, "a_1"), Value(2.0, "b$")
    out = (a * b) * (a + b) * b
    out.label = "$loss"
    out.backward()
    artists = draw_graph(out, gradients=True)
    texts = {k: t.get_text() for k, t in artists["grads"].items()}
    assert texts["(*)#2"] == r"∂\$loss/∂[(*)#2] = +2.0000"
    artists["grads"]["a_1"].figure.canvas.draw()          # raises on a mathtext parse error


def test_custom_positions_and_labels_are_used():
    L = neuron()
    pos = {k: (i * 1.0, 0.0) for i, k in enumerate(graph_layout(L))}
    artists = draw_graph(L, pos=pos, labels={"y": "y = σ(z) 활성화"})
    assert artists["boxes"]["y"].get_text().startswith("y = σ(z) 활성화\n")
    assert artists["boxes"]["w"].get_position() == pos["w"]


def test_draws_on_the_given_axes():
    fig, ax = plt.subplots()
    artists = draw_graph(neuron(), ax)
    assert all(t.axes is ax for t in artists["boxes"].values())
    assert not ax.axison


@pytest.mark.parametrize("call, exc, words", [
    (lambda: draw_graph(3.0), TypeError, ["root must be a mlekit.autodiff.Value", "got"]),
    (lambda: graph_layout([Value(1.0)]), TypeError, ["root must be"]),
    (lambda: draw_graph(neuron(), pos={"w": (0, 0)}), ValueError,
     ["pos must give a position for every node", "'x'", "graph_layout"]),
    (lambda: draw_graph(neuron(), gradients="yes"), TypeError, ["gradients must be True or False"]),
    (lambda: draw_graph(neuron(), digits=-1), ValueError, ["digits"]),
])
def test_bad_arguments_get_a_clear_error(call, exc, words):
    with pytest.raises(exc) as info:
        call()
    for word in words:
        assert word in str(info.value)
