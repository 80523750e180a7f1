"""Headless tests of BackpropView and BackpropExplorer.

References: the network's forward pass and its gradients written out here with
numpy, central differences of J, and a full matplotlib redraw of the same
state (the blitted frame must show the same pixels).
"""

from __future__ import annotations

import numpy as np
import pytest

import mlekit as mk
from mlekit.nn import TwoLayerNet, backprop_walk
from mlekit.plotting import BackpropView
from mlekit.widgets import BackpropExplorer
from explorer_helpers import draws_after


@pytest.fixture
def explorer():
    e = BackpropExplorer()
    yield e
    e.close()


def forward(W1, W2, x, t):
    z1 = np.asarray(x) @ W1
    a1 = np.maximum(z1, 0.0)
    y = float(a1 @ np.ravel(W2))
    return z1, a1, y, (t - y) ** 2


def central(fun, theta, h=1e-6):
    out = np.zeros_like(theta)
    for i in np.ndindex(theta.shape):
        up, down = theta.copy(), theta.copy()
        up[i] += h
        down[i] -= h
        out[i] = (fun(up) - fun(down)) / (2 * h)
    return out


def pixels(view):
    return np.asarray(view.canvas.get_renderer().buffer_rgba()).copy()


# ------------------------------------------------------------- the walk shown
def test_forward_steps_fill_in_the_values_in_order(explorer):
    view, walk = explorer.view, explorer.walk
    z1, a1, y, J = forward(walk.W1, walk.W2, walk.x, walk.t)
    assert all(view.value_texts[f"z1_{m}"].get_text() == "?" for m in (1, 2, 3))
    expected = {**{f"z1_{m + 1}": z1[m] for m in range(3)},
                **{f"a1_{m + 1}": a1[m] for m in range(3)}, "z2": y, "y": y, "J": J}
    for k, step in enumerate(walk.forward, start=1):
        explorer.main_slider.value = k
        assert view.readout["phase"] == "forward" and view.readout["node"] == step.node
        shown = float(view.value_texts[step.node].get_text().replace("−", "-"))
        assert shown == pytest.approx(expected[step.node], rel=1e-3, abs=1e-4)
        later = [s.node for s in walk.forward[k:]]
        assert all(view.value_texts[n].get_text() == "?" for n in later)


def test_backward_steps_write_gradients_that_equal_finite_differences(explorer):
    view, walk = explorer.view, explorer.walk
    W1, W2, x, t = walk.W1, walk.W2[:, 0], walk.x, walk.t
    dW1 = central(lambda w: forward(w, W2, x, t)[3], W1.copy())
    dW2 = central(lambda w: forward(W1, w, x, t)[3], W2.copy())
    explorer.main_slider.value = walk.n_steps
    for n in range(2):
        for m in range(3):
            name = f"w1_{n + 1}{m + 1}"
            text = view.weight_texts[name].get_text()
            assert text.startswith("∂J/∂")
            assert float(text.split("=")[1].replace("−", "-")) == pytest.approx(
                dW1[n, m], rel=5e-3, abs=5e-3)
    for m in range(3):
        text = view.weight_texts[f"w2_{m + 1}"].get_text()
        assert float(text.split("=")[1].replace("−", "-")) == pytest.approx(dW2[m], rel=5e-3,
                                                                             abs=5e-3)
    np.testing.assert_allclose(walk.chain_grads()["W1"], dW1, rtol=1e-6, atol=1e-8)
    assert view.readout["max_error"] < 1e-6
    assert "match TwoLayerNet.backward and finite differences" in explorer.readout.value
    assert "match TwoLayerNet.backward" in view.detail.get_text()


def test_each_backward_step_highlights_its_node_and_shows_its_product(explorer):
    walk, view = explorer.walk, explorer.view
    for k in range(len(walk.forward) + 2, walk.n_steps + 1):
        explorer.main_slider.value = k
        phase, record = walk.current(k)
        assert view.readout["node"] == record.target
        product = view.detail.get_text()
        assert product.endswith(mk.plotting.format.fmt_number(record.gradient, 4)
                                .replace("-", "−")) or "match" in product
        assert "×" in product and view.rule_text.get_visible()
        xs, ys = view.current_edges.get_data()
        assert len(xs) == 3                      # one edge: the one the gradient goes back along
        if record.target in view.grad_texts:
            assert view.current_box.get_visible()
        # the incoming gradient (the error signal a weight reuses) is outlined
        incoming = view.grad_texts[record.via].get_bbox_patch().get_edgecolor()
        assert incoming[3] > 0


def test_step_slider_only_blits_and_frames_equal_a_full_redraw(explorer, monkeypatch):
    slider = explorer.main_slider
    moves = [(slider, k) for k in (1, 2, 9, 10, 14, 13, 20, explorer.walk.n_steps, 3, 0, 25)]
    calls = draws_after(explorer, monkeypatch, moves)
    assert calls["draw"] == 0 and calls["blit"] == len(moves)
    for k in (5, 17, explorer.walk.n_steps):
        slider.value = k
        blitted = pixels(explorer.view)
        explorer.view.redraw()
        redrawn = pixels(explorer.view)
        differ = np.any(np.abs(blitted.astype(int) - redrawn.astype(int)) > 8, axis=2)
        assert differ.mean() < 1e-3, f"step {k}: {differ.sum()} pixels differ from a redraw"


# ------------------------------------------------------------- the other controls
def test_take_one_step_is_gradient_descent_and_lowers_the_loss(explorer):
    walk = explorer.walk
    W1, W2 = walk.W1.copy(), walk.W2.copy()
    grads = {"W1": central(lambda w: forward(w, W2, walk.x, walk.t)[3], W1.copy()),
             "W2": central(lambda w: forward(W1, w, walk.x, walk.t)[3], W2.copy())}
    before = walk.loss
    explorer.take_step()
    np.testing.assert_allclose(explorer.net.params["W1"], W1 - explorer.lr * grads["W1"],
                               rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(explorer.net.params["W2"], W2 - explorer.lr * grads["W2"],
                               rtol=1e-6, atol=1e-9)
    assert explorer.walk.loss < before
    assert "after 1 step" in explorer.readout.value
    for _ in range(5):
        explorer.take_step()
    assert explorer.walk.loss < before / 2
    explorer.reset_weights()
    np.testing.assert_array_equal(explorer.walk.W1, W1)
    assert explorer.walk.loss == pytest.approx(before)


def test_input_and_target_sliders_recompute_everything(explorer, monkeypatch):
    explorer.main_slider.value = explorer.walk.n_steps
    calls = draws_after(explorer, monkeypatch, [(explorer.x_sliders[0], -1.0),
                                               (explorer.x_sliders[1], 0.5),
                                               (explorer.t_slider, -2.0)])
    assert calls["draw"] == 0
    walk = explorer.walk
    np.testing.assert_array_equal(walk.x, [-1.0, 0.5])
    assert walk.t == -2.0
    z1, a1, y, J = forward(walk.W1, walk.W2, [-1.0, 0.5], -2.0)
    assert walk.loss == pytest.approx(J)
    assert explorer.view.readout["step"] == walk.n_steps


def test_a_switched_off_relu_passes_no_gradient(explorer):
    W1 = np.array([[1.0, -1.0], [1.0, -1.0]])
    e = BackpropExplorer(x=(1.0, 1.0), t=0.0, W1=W1, W2=[1.0, 1.0])
    try:
        assert e.walk.off == (2,)
        e.main_slider.value = 1
        assert not e.view.off_patches["z1_2"].get_visible()
        e.main_slider.value = 2                      # z1_2 = -2 computed: the unit is off
        assert e.view.off_patches["z1_2"].get_visible()
        e.main_slider.value = e.walk.n_steps
        assert e.walk.gradient("w1_12") == 0.0 and e.walk.gradient("w1_22") == 0.0
        assert e.walk.gradient("w1_11") != 0.0
    finally:
        e.close()


@pytest.mark.parametrize("n_hidden", [2, 3])
def test_two_or_three_hidden_units(n_hidden):
    e = BackpropExplorer(n_hidden=n_hidden)
    try:
        assert e.walk.n_hidden == n_hidden
        assert e.main_slider.max == e.walk.n_steps
        net = TwoLayerNet(n_in=2, n_hidden=n_hidden, bias=False, rng=0)
        np.testing.assert_array_equal(e.walk.W1, net.params["W1"])
    finally:
        e.close()


@pytest.mark.parametrize("kwargs, match", [
    ({"x": (1.0,)}, "x"), ({"x": (5.0, 0.0)}, r"x\[0\]"), ({"t": 9.0}, "t"),
    ({"n_hidden": 4}, "n_hidden"), ({"W1": [[1.0, 2.0], [3.0, 4.0]]}, "W1, W2"),
    ({"lr": 0.0}, "lr"), ({"lr": "fast"}, "lr"),
    ({"W1": np.ones((3, 2)), "W2": [1.0, 1.0]}, "W1, W2"),
])
def test_bad_arguments_raise_clear_errors(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        BackpropExplorer(**kwargs)


def test_view_checks_its_walk():
    with pytest.raises(TypeError, match="walk"):
        BackpropView("walk")
    net3 = TwoLayerNet(2, 3, bias=False, rng=0)
    view = BackpropView(backprop_walk(net3, [1.0, 2.0], 1.5))
    try:
        with pytest.raises(ValueError, match="hidden units"):
            view.set_walk(backprop_walk(TwoLayerNet(2, 2, bias=False, rng=0), [1.0, 2.0], 1.5))
    finally:
        view.close()
