"""Tests for mlekit.nn: activations and the notes' two-layer network.

References: central differences, the closed-form derivatives f(1 - f),
1 - f^2, ReLU' and leaky ReLU', scipy.special.expit, losses written out
independently, and the lecture notes' explicit chain-rule formula for
dJ/dw1_nm written with loops.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.special import expit

from mlekit import datasets
from mlekit.gradcheck import numerical_gradient, relative_error
from mlekit.nn import (
    ACTIVATIONS, TwoLayerNet, identity, identity_grad, leaky_relu, leaky_relu_grad, relu,
    relu_grad, sigmoid, sigmoid_grad, tanh, tanh_grad,
)

# away from 0 so the kinks of ReLU / leaky ReLU are not straddled by +-h
Z = np.array([-3.0, -1.2, -0.3, 0.4, 1.1, 2.5])
H = 1e-6


# -------------------------------------------------------------- activations
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_grad_matches_central_difference(name):
    f, f_grad = ACTIVATIONS[name]
    numeric = (f(Z + H) - f(Z - H)) / (2 * H)
    np.testing.assert_allclose(f_grad(Z), numeric, rtol=1e-7, atol=1e-9)


# the derivative written the way the notes write it (in terms of the output f)
GRAD_FORMULAS = {
    "sigmoid": lambda z: sigmoid(z) * (1 - sigmoid(z)),             # f (1 - f)
    "tanh": lambda z: 1 - tanh(z) ** 2,                             # 1 - f^2
    "relu": lambda z: np.where(z > 0, 1.0, 0.0),                    # ReLU'
    "leaky_relu": lambda z: np.where(z > 0, 1.0, 0.01),             # slope 0.01
    "identity": lambda z: np.ones_like(z),
}


@pytest.mark.parametrize("name", sorted(GRAD_FORMULAS))
def test_activation_grad_matches_closed_form(name):
    _, f_grad = ACTIVATIONS[name]
    np.testing.assert_allclose(f_grad(Z), GRAD_FORMULAS[name](Z), rtol=1e-15)


# independent forward references
FORWARD_REFS = {
    "sigmoid": expit,
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "identity": lambda z: z,
}


@pytest.mark.parametrize("name", sorted(FORWARD_REFS))
def test_activation_values_match_reference(name):
    f, _ = ACTIVATIONS[name]
    np.testing.assert_allclose(f(Z), FORWARD_REFS[name](Z), rtol=1e-15)


def test_activations_table_lists_the_module_functions():
    assert ACTIVATIONS["sigmoid"] == (sigmoid, sigmoid_grad)
    assert ACTIVATIONS["tanh"] == (tanh, tanh_grad)
    assert ACTIVATIONS["relu"] == (relu, relu_grad)
    assert ACTIVATIONS["leaky_relu"] == (leaky_relu, leaky_relu_grad)
    assert ACTIVATIONS["identity"] == (identity, identity_grad)


@pytest.mark.parametrize("z, expected", [(1000.0, 1.0), (-1000.0, 0.0), (745.0, 1.0),
                                         (-745.0, 0.0)])
def test_sigmoid_is_finite_at_extreme_inputs(z, expected):
    s = sigmoid(z)
    assert np.isfinite(s)
    np.testing.assert_allclose(s, expected, atol=1e-300)
    g = sigmoid_grad(z)
    assert np.isfinite(g) and g >= 0
    np.testing.assert_allclose(g, 0.0, atol=1e-300)


def test_sigmoid_vector_with_extremes_has_no_nan():
    z = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
    np.testing.assert_allclose(sigmoid(z), expit(z), rtol=1e-15)
    assert np.all(np.isfinite(sigmoid_grad(z)))


def test_kink_conventions_at_zero():
    # documented: ReLU'(0) = 0, leaky ReLU'(0) = slope
    assert relu_grad(0.0) == 0.0
    np.testing.assert_allclose(leaky_relu_grad(0.0), 0.01)


def test_leaky_relu_custom_slope():
    np.testing.assert_allclose(leaky_relu([-2.0, 3.0], slope=0.2), [-0.4, 3.0])
    np.testing.assert_allclose(leaky_relu_grad([-2.0, 3.0], slope=0.2), [0.2, 1.0])


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_scalar_in_scalar_out(name):
    f, f_grad = ACTIVATIONS[name]
    assert np.ndim(f(0.7)) == 0
    assert np.ndim(f_grad(0.7)) == 0
    np.testing.assert_allclose(f(0.7), FORWARD_REFS[name](np.array(0.7)))


def test_activation_rejects_nan():
    with pytest.raises(ValueError, match="z must contain only finite numbers"):
        relu([1.0, np.nan])


# ------------------------------------------------------------ TwoLayerNet
HEADS = [("identity", "mse"), ("sigmoid", "bce"), ("sigmoid", "mse"), ("softmax", "ce")]
N, N_IN, N_HIDDEN, N_OUT = 6, 3, 4, 2


def make_net(hidden, output, loss, bias, seed=0):
    net = TwoLayerNet(N_IN, N_HIDDEN, N_OUT, hidden=hidden, output=output, loss=loss,
                      bias=bias, rng=seed)
    if bias:                                   # non-zero biases so a dropped bias shows up
        gen = np.random.default_rng(seed + 100)
        net.params["b1"] = gen.normal(0, 0.5, N_HIDDEN)
        net.params["b2"] = gen.normal(0, 0.5, N_OUT)
    return net


def make_data(output, seed=1):
    gen = np.random.default_rng(seed)
    x = gen.normal(size=(N, N_IN))
    if output == "identity":
        t = gen.normal(size=(N, N_OUT))
    elif output == "sigmoid":
        t = gen.uniform(0, 1, size=(N, N_OUT))           # soft targets are valid for BCE
        t[0] = [0.0, 1.0]
    else:
        t = np.arange(N) % N_OUT                         # class labels
    return x, t


def numerical_param_grads(net, x, t):
    """Central differences of net.loss(x, t) w.r.t. each array in net.params."""
    grads = {}
    for name, original in list(net.params.items()):
        def J(w, name=name, original=original):
            net.params[name] = w                           # perturbed copy
            try:
                return net.loss(x, t)
            finally:
                net.params[name] = original
        grads[name] = numerical_gradient(J, original)
    return grads


@pytest.mark.parametrize("bias", [True, False], ids=["bias", "nobias"])
@pytest.mark.parametrize("output, loss", HEADS, ids=[f"{o}-{l}" for o, l in HEADS])
@pytest.mark.parametrize("hidden", sorted(ACTIVATIONS))
def test_backward_matches_numerical_gradient(hidden, output, loss, bias):
    net = make_net(hidden, output, loss, bias)
    x, t = make_data(output)
    y, cache = net.forward(x)
    if hidden in ("relu", "leaky_relu"):
        assert np.min(np.abs(cache["z1"])) > 1e-3        # no kink within the difference step
    analytic = net.backward(cache, t)
    numeric = numerical_param_grads(net, x, t)
    assert set(analytic) == set(net.params) == set(numeric)
    assert set(analytic) == ({"W1", "W2", "b1", "b2"} if bias else {"W1", "W2"})
    for name in net.params:
        assert analytic[name].shape == net.params[name].shape
        assert np.any(numeric[name] != 0)                 # the check is not vacuous
        err = relative_error(analytic[name], numeric[name])
        assert err < 1e-6, f"{name}: relative error {err:.2e}"


def test_backward_softmax_one_hot_targets_equal_labels():
    net = make_net("tanh", "softmax", "ce", True)
    x, labels = make_data("softmax")
    one_hot = np.eye(N_OUT)[labels]
    y, cache = net.forward(x)
    np.testing.assert_allclose(net.loss(x, one_hot), net.loss(x, labels), rtol=1e-15)
    g_lab, g_hot = net.backward(cache, labels), net.backward(cache, one_hot)
    for name in g_lab:
        np.testing.assert_allclose(g_hot[name], g_lab[name], rtol=1e-15)


@pytest.mark.parametrize("output, loss", HEADS, ids=[f"{o}-{l}" for o, l in HEADS])
def test_loss_value_matches_independent_formula(output, loss):
    net = make_net("tanh", output, loss, True)
    x, t = make_data(output)
    z2 = np.tanh(x @ net.params["W1"] + net.params["b1"]) @ net.params["W2"] + net.params["b2"]
    if loss == "mse":
        y = z2 if output == "identity" else expit(z2)
        expected = np.mean(np.sum((t - y) ** 2, axis=1))         # (1/N) sum ||t - y||^2
    elif loss == "bce":
        y = expit(z2)
        expected = -np.sum(t * np.log(y) + (1 - t) * np.log(1 - y)) / N
    else:
        p = np.exp(z2) / np.exp(z2).sum(axis=1, keepdims=True)
        expected = -np.mean(np.log(p[np.arange(N), t]))          # -(1/N) sum log p_label
    np.testing.assert_allclose(net.loss(x, t), expected, rtol=1e-12)


def test_loss_and_gradient_stay_finite_for_extreme_logits():
    # BCE(z, t=0) = softplus(z) = z for large z; CE = logsumexp(z) - z_label
    x = np.array([[1.0]])
    net = TwoLayerNet(1, 1, output="sigmoid", hidden="identity", bias=False, rng=0)
    net.params["W1"][:] = 1.0
    net.params["W2"][:] = 800.0                                  # z2 = 800, y = 1
    np.testing.assert_allclose(net.loss(x, [0.0]), 800.0, rtol=1e-12)
    grads = net.backward(net.forward(x)[1], [0.0])
    np.testing.assert_allclose(grads["W2"], [[1.0]], rtol=1e-12)  # (y - t) a1
    net = TwoLayerNet(1, 1, 3, output="softmax", hidden="identity", bias=False, rng=0)
    net.params["W1"][:] = 1.0
    net.params["W2"][:] = [[900.0, -900.0, 0.0]]
    np.testing.assert_allclose(net.loss(x, [1]), 1800.0, rtol=1e-12)
    assert all(np.all(np.isfinite(g)) for g in net.backward(net.forward(x)[1], [1]).values())


def test_default_loss_is_the_heads_natural_loss():
    assert TwoLayerNet(2, 3).loss_name == "mse"
    assert TwoLayerNet(2, 3, output="sigmoid").loss_name == "bce"
    assert TwoLayerNet(2, 3, 3, output="softmax").loss_name == "ce"


@pytest.mark.parametrize("output, loss", HEADS, ids=[f"{o}-{l}" for o, l in HEADS])
def test_forward_cache_holds_every_intermediate(output, loss):
    net = make_net("sigmoid", output, loss, True)
    x, _ = make_data(output)
    y, cache = net.forward(x)
    assert set(cache) == {"x", "z1", "a1", "z2", "y"}
    assert cache["x"].shape == (N, N_IN)
    assert cache["z1"].shape == (N, N_HIDDEN)
    assert cache["a1"].shape == (N, N_HIDDEN)
    assert cache["z2"].shape == (N, N_OUT)
    assert cache["y"].shape == y.shape == (N, N_OUT)
    p = net.params
    # z1 = x W1 + b1, a1 = h(z1), z2 = a1 W2 + b2, y = out(z2)
    np.testing.assert_allclose(cache["z1"], x @ p["W1"] + p["b1"], rtol=1e-14)
    np.testing.assert_allclose(cache["a1"], expit(cache["z1"]), rtol=1e-14)
    np.testing.assert_allclose(cache["z2"], cache["a1"] @ p["W2"] + p["b2"], rtol=1e-14)
    if output == "identity":
        np.testing.assert_allclose(y, cache["z2"], rtol=1e-15)
    elif output == "sigmoid":
        np.testing.assert_allclose(y, expit(cache["z2"]), rtol=1e-14)
    else:
        np.testing.assert_allclose(y.sum(axis=1), 1.0, rtol=1e-14)
        np.testing.assert_allclose(np.log(y) - np.log(y[:, :1]),
                                   cache["z2"] - cache["z2"][:, :1], atol=1e-12)
    np.testing.assert_allclose(net.predict(x), y, rtol=1e-15)


def test_parameter_shapes_follow_the_notes_indexing():
    # W1[n, m] is w1_nm: n indexes inputs, m hidden units
    net = TwoLayerNet(5, 7, 3, rng=0)
    assert net.params["W1"].shape == (5, 7)
    assert net.params["W2"].shape == (7, 3)
    assert net.params["b1"].shape == (7,)
    assert net.params["b2"].shape == (3,)
    assert set(TwoLayerNet(5, 7, bias=False, rng=0).params) == {"W1", "W2"}


def test_same_seed_same_weights_different_seed_different():
    a, b, c = TwoLayerNet(3, 4, rng=1), TwoLayerNet(3, 4, rng=1), TwoLayerNet(3, 4, rng=2)
    np.testing.assert_array_equal(a.params["W1"], b.params["W1"])
    assert not np.allclose(a.params["W1"], c.params["W1"])


# ----------------------------------------------- the notes' explicit formula
def notes_gradients_with_loops(W1, W2, x, t):
    """dJ/dw1_nm and dJ/dw2_m for the notes' net (no bias, ReLU, Identity, MSE).

    dJ/dw1_nm = -(1/N) sum_i 2 (t_i - y_i) * 1 * w2_m * ReLU'(z1_im) * x_in
    dJ/dw2_m  = -(1/N) sum_i 2 (t_i - y_i) * 1 * a1_im
    """
    n_samples, n_in = x.shape
    n_hidden = W1.shape[1]
    dW1 = np.zeros((n_in, n_hidden))
    dW2 = np.zeros(n_hidden)
    for i in range(n_samples):
        z1 = [sum(W1[n, m] * x[i, n] for n in range(n_in)) for m in range(n_hidden)]
        a1 = [max(0.0, z) for z in z1]
        y = sum(W2[m] * a1[m] for m in range(n_hidden))
        for m in range(n_hidden):
            relu_prime = 1.0 if z1[m] > 0 else 0.0
            dW2[m] += -2.0 * (t[i] - y) * 1.0 * a1[m] / n_samples
            for n in range(n_in):
                dW1[n, m] += -2.0 * (t[i] - y) * 1.0 * W2[m] * relu_prime * x[i, n] / n_samples
    return dW1, dW2


def test_notes_network_w1_gradient_equals_explicit_chain_rule_formula():
    net = TwoLayerNet(3, 5, 1, hidden="relu", output="identity", bias=False, rng=4)
    gen = np.random.default_rng(5)
    x = gen.normal(size=(8, 3))
    t = gen.normal(size=8)
    y, cache = net.forward(x)
    assert np.any(cache["z1"] < 0) and np.any(cache["z1"] > 0)     # ReLU' takes both values
    grads = net.backward(cache, t)
    dW1, dW2 = notes_gradients_with_loops(net.params["W1"], net.params["W2"][:, 0], x, t)
    np.testing.assert_allclose(grads["W1"], dW1, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(grads["W2"][:, 0], dW2, rtol=1e-12, atol=1e-15)


def test_notes_network_error_signals():
    # delta2 = dJ/dz2 = -(2/N)(t - y); delta1_m = delta2 w2_m ReLU'(z1_m)
    net = TwoLayerNet(2, 3, bias=False, rng=0)
    x = np.array([[1.0, 2.0], [-0.5, 0.3], [0.2, -1.0]])
    t = np.array([0.5, -1.0, 2.0])
    y, cache = net.forward(x)
    d = net.error_signals(cache, t)
    np.testing.assert_allclose(d["delta2"], -2.0 * (t[:, None] - y) / 3, rtol=1e-14)
    np.testing.assert_allclose(d["delta1"],
                               d["delta2"] * net.params["W2"][:, 0] * (cache["z1"] > 0),
                               rtol=1e-14)


# ------------------------------------------------------------------ training
def test_step_is_the_gradient_descent_update():
    net = make_net("tanh", "identity", "mse", True)
    x, t = make_data("identity")
    before = {k: v.copy() for k, v in net.params.items()}
    grads = net.backward(net.forward(x)[1], t)
    net.step(grads, lr=0.1)
    for k in before:
        np.testing.assert_array_equal(net.params[k], before[k] - 0.1 * grads[k])


@pytest.mark.parametrize("hidden", ["relu", "tanh"])
def test_a_few_steps_reduce_the_loss_on_toy_regression(hidden):
    x, t = datasets.toy_regression(30, rng=0)
    x = (x - x.mean()) / x.std()
    net = TwoLayerNet(1, 8, hidden=hidden, rng=0)
    losses = [net.loss(x, t)]
    for _ in range(20):
        y, cache = net.forward(x)
        net.step(net.backward(cache, t), lr=0.02)
        losses.append(net.loss(x, t))
    assert np.all(np.diff(losses) < 0)                   # small lr: every step goes down
    assert losses[-1] < 0.5 * losses[0]


def test_a_few_steps_reduce_the_loss_on_toy_classification():
    X, labels = datasets.toy_classification(60, n_classes=3, rng=0)
    net = TwoLayerNet(2, 6, 3, hidden="tanh", output="softmax", rng=0)
    start = net.loss(X, labels)
    for _ in range(30):
        net.step(net.backward(net.forward(X)[1], labels), lr=0.5)
    assert net.loss(X, labels) < 0.7 * start


def test_step_rejects_foreign_or_misshaped_gradients():
    net = TwoLayerNet(2, 3, rng=0)
    with pytest.raises(ValueError, match="grads\\['W3'\\] must match a parameter"):
        net.step({"W3": np.zeros((2, 3))}, lr=0.1)
    with pytest.raises(ValueError, match="grads\\['W1'\\] must match a parameter"):
        net.step({"W1": np.zeros((3, 2))}, lr=0.1)


# -------------------------------------------------------------------- inputs
def test_one_dimensional_x_for_one_input_means_many_samples():
    net = TwoLayerNet(1, 3, rng=0)
    y, cache = net.forward(np.array([0.1, 0.2, 0.3, 0.4]))
    assert cache["x"].shape == (4, 1) and y.shape == (4, 1)


def test_one_dimensional_x_for_many_inputs_means_one_sample():
    net = TwoLayerNet(3, 2, rng=0)
    y, cache = net.forward(np.array([0.1, 0.2, 0.3]))
    assert cache["x"].shape == (1, 3) and y.shape == (1, 1)


@pytest.mark.parametrize("kwargs, match", [
    (dict(hidden="softmax"), "hidden must be one of"),
    (dict(hidden="ReLU"), "hidden must be one of"),
    (dict(output="relu"), "output must be one of"),
    (dict(output="identity", loss="bce"), "loss must be one of \\('mse',\\) for output='identity'"),
    (dict(output="identity", loss="ce"), "loss must be one of"),
    (dict(output="sigmoid", loss="ce"), "loss must be one of \\('bce', 'mse'\\)"),
    (dict(output="softmax", loss="mse"), "loss must be one of \\('ce',\\)"),
    (dict(output="softmax", loss="bce"), "loss must be one of"),
    (dict(output="softmax", n_out=1), "n_out must be >= 2 for a softmax head"),
    (dict(n_in=0), "n_in must be an integer >= 1"),
    (dict(n_hidden=0), "n_hidden must be an integer >= 1"),
])
def test_invalid_configurations_raise_clear_errors(kwargs, match):
    args = dict(n_in=2, n_hidden=3, n_out=2)
    args.update(kwargs)
    n_in, n_hidden, n_out = args.pop("n_in"), args.pop("n_hidden"), args.pop("n_out")
    with pytest.raises(ValueError, match=match):
        TwoLayerNet(n_in, n_hidden, n_out, **args)


def test_all_valid_pairings_construct():
    for hidden, (output, loss) in itertools.product(ACTIVATIONS, HEADS):
        net = TwoLayerNet(2, 3, 2, hidden=hidden, output=output, loss=loss)
        assert (net.hidden, net.output, net.loss_name) == (hidden, output, loss)


@pytest.mark.parametrize("x, match", [
    (np.zeros((5, 4)), "x must have n_in = 3 features per row, got shape \\(5, 4\\)"),
    (np.zeros(4), "x must have n_in = 3 features per row"),
    (np.zeros((2, 2, 3)), "x must be 1-D or 2-D"),
    (np.array([[1.0, np.nan, 0.0]]), "x must contain only finite numbers"),
])
def test_wrong_x_raises(x, match):
    net = TwoLayerNet(3, 4, rng=0)
    with pytest.raises(ValueError, match=match):
        net.forward(x)


@pytest.mark.parametrize("output, t, match", [
    ("identity", np.zeros((5, 3)), "t must have shape \\(5, 2\\)"),
    ("identity", np.zeros(5), "t must have shape \\(5, 2\\)"),
    ("sigmoid", np.full((5, 2), 1.5), "t must lie in \\[0, 1\\]"),
    ("softmax", np.array([0, 1, 2, 0, 1]), "t must be integer class labels in \\[0, 1\\]"),
    ("softmax", np.array([0, 1, 0.5, 0, 1]), "t must be integer class labels"),
    ("softmax", np.zeros((5, 3)), "t must be labels of shape \\(5,\\) or one-hot rows"),
    ("softmax", np.full((5, 2), 0.7), "t must sum to 1"),
])
def test_wrong_t_raises(output, t, match):
    loss = {"identity": "mse", "sigmoid": "bce", "softmax": "ce"}[output]
    net = TwoLayerNet(3, 4, 2, output=output, loss=loss, rng=0)
    x = np.zeros((5, 3))
    with pytest.raises(ValueError, match=match):
        net.loss(x, t)
    with pytest.raises(ValueError, match=match):
        net.backward(net.forward(x)[1], t)


def test_one_dimensional_t_accepted_for_single_output():
    net = TwoLayerNet(2, 3, rng=0)
    x = np.array([[1.0, 2.0], [0.5, -1.0]])
    t = np.array([0.3, -0.2])
    np.testing.assert_allclose(net.loss(x, t), net.loss(x, t[:, None]), rtol=1e-15)


# ------------------------------------------------------ backprop_walk, node by node
# References: the forward pass and the notes' chain-rule products written out here
# with numpy, and central differences of J computed by this file's own loop.
from mlekit.nn import BackpropWalk, backprop_walk, node_label  # noqa: E402


def _walk_net(seed, n_hidden, hidden="relu"):
    rng = np.random.default_rng(seed)
    W1, W2 = rng.normal(size=(2, n_hidden)), rng.normal(size=n_hidden)
    x, t = rng.normal(size=2) * 1.5, float(rng.normal())
    return TwoLayerNet.from_weights(W1, W2, hidden=hidden), W1, W2, x, t


def _loss(W1, W2, x, t, f):
    return float((t - f(x @ W1) @ W2) ** 2)


def _central(fun, theta, h=1e-6):
    theta = np.array(theta, float)
    out = np.zeros_like(theta)
    for i in np.ndindex(theta.shape):
        up, down = theta.copy(), theta.copy()
        up[i] += h
        down[i] -= h
        out[i] = (fun(up) - fun(down)) / (2 * h)
    return out


@pytest.mark.parametrize("hidden", ["relu", "sigmoid", "tanh"])
@pytest.mark.parametrize("n_hidden", [1, 2, 3])
@pytest.mark.parametrize("seed", range(4))
def test_backprop_walk_products_equal_central_differences(seed, n_hidden, hidden):
    net, W1, W2, x, t = _walk_net(seed, n_hidden, hidden)
    f = ACTIVATIONS[hidden][0]
    z1 = x @ W1
    if hidden == "relu" and np.min(np.abs(z1)) < 1e-3:
        pytest.skip("a ReLU kink within the difference step")
    walk = backprop_walk(net, x, t)
    chain = walk.chain_grads()
    np.testing.assert_allclose(chain["W1"], _central(lambda w: _loss(w, W2, x, t, f), W1),
                               rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(chain["W2"][:, 0], _central(lambda w: _loss(W1, w, x, t, f), W2),
                               rtol=1e-6, atol=1e-8)
    assert walk.max_error() < 1e-6


@pytest.mark.parametrize("seed", range(6))
def test_backprop_walk_forward_values_and_error_signals_by_hand(seed):
    net, W1, W2, x, t = _walk_net(seed, 3)
    walk = backprop_walk(net, x, t)
    z1 = x @ W1
    a1 = np.maximum(z1, 0.0)
    y = float(a1 @ W2)
    for m in range(3):
        assert walk.values[f"z1_{m + 1}"] == pytest.approx(z1[m], abs=1e-12)
        assert walk.values[f"a1_{m + 1}"] == pytest.approx(a1[m], abs=1e-12)
    assert walk.values["y"] == pytest.approx(y) and walk.values["z2"] == pytest.approx(y)
    assert walk.loss == pytest.approx((t - y) ** 2)
    delta2 = -2 * (t - y)                                    # dJ/dz2, the notes' 2(t - y) with sign
    assert walk.delta2 == pytest.approx(delta2)
    np.testing.assert_allclose(walk.delta1, (z1 > 0) * W2 * delta2, atol=1e-12)
    # delta1 = dJ/dz1 by central differences of J as a function of z1
    dz1 = _central(lambda z: float((t - np.maximum(z, 0) @ W2) ** 2), z1)
    if np.min(np.abs(z1)) > 1e-3:
        np.testing.assert_allclose(walk.delta1, dz1, rtol=1e-6, atol=1e-8)
    # the notes' formula: dJ/dw1_nm = -2 (t - y) * 1 * w2_m * ReLU'(z1_m) * x_n (N = 1)
    for n in range(2):
        for m in range(3):
            expected = -2 * (t - y) * 1 * W2[m] * float(z1[m] > 0) * x[n]
            assert walk.gradient(f"w1_{n + 1}{m + 1}") == pytest.approx(expected, abs=1e-12)
    assert walk.off == tuple(m + 1 for m in range(3) if z1[m] <= 0)


def test_backprop_walk_every_product_is_local_times_an_earlier_gradient():
    net, *_ , x, t = _walk_net(1, 3)
    walk = backprop_walk(net, x, t)
    seen = {}
    assert walk.backward[0].kind == "seed" and walk.backward[0].gradient == 1.0
    seen["J"] = 1.0
    for step in walk.backward[1:]:
        assert step.via in seen, f"{step.target} uses ∂J/∂{step.via} before it is computed"
        assert step.upstream == seen[step.via]
        assert step.gradient == pytest.approx(step.local * step.upstream, abs=0)
        seen[step.target] = step.gradient
    weights = {s.target for s in walk.backward if s.kind == "weight"}
    assert weights == set(walk.weights)              # every weight gets its gradient once
    # the weights of hidden unit m reuse its error signal delta1_m
    for m in range(1, 4):
        for n in (1, 2):
            assert walk.gradient(f"w1_{n}{m}") == pytest.approx(
                walk.values[f"x{n}"] * walk.delta1[m - 1])


def test_backprop_walk_steps_fill_in_values_then_gradients():
    net, *_, x, t = _walk_net(2, 2)
    walk = backprop_walk(net, x, t)
    n_forward = len(walk.forward)
    assert walk.n_steps == n_forward + len(walk.backward)
    assert set(walk.known_values(0)) == set(walk.inputs) and walk.known_gradients(0) == {}
    for k in range(1, walk.n_steps + 1):
        known, grads = walk.known_values(k), walk.known_gradients(k)
        assert len(known) == len(walk.inputs) + min(k, n_forward)
        assert len(grads) == max(k - n_forward, 0)
        phase, record = walk.current(k)
        assert phase == ("forward" if k <= n_forward else "backward")
    assert walk.current(0) == ("start", None)
    with pytest.raises(ValueError, match="step"):
        walk.current(walk.n_steps + 1)
    with pytest.raises(ValueError, match="name"):
        walk.gradient("w9_9")


@pytest.mark.parametrize("seed", range(3))
def test_forward_step_arithmetic_is_the_computation_shown(seed):
    net, *_, x, t = _walk_net(seed, 3)
    walk = backprop_walk(net, x, t)
    for step in walk.forward:
        if step.node.startswith(("z1_", "z2")):
            value = eval(step.arithmetic.replace("·", "*").replace("−", "-"))  # noqa: S307
            assert value == pytest.approx(step.value, rel=2e-3, abs=2e-3)


def test_backprop_walk_leaves_the_network_alone_and_checks_its_input():
    net, W1, W2, x, t = _walk_net(0, 3)
    backprop_walk(net, x, t)
    np.testing.assert_array_equal(net.params["W1"], W1)
    with pytest.raises(TypeError, match="net"):
        backprop_walk("net", x, t)
    with pytest.raises(ValueError, match="no biases"):
        backprop_walk(TwoLayerNet(2, 3, rng=0), x, t)
    with pytest.raises(ValueError, match="one sample"):
        backprop_walk(net, [[1.0, 2.0], [3.0, 4.0]], t)
    assert isinstance(backprop_walk(net, np.array([[1.0, 2.0]]), 0.5), BackpropWalk)


@pytest.mark.parametrize("name, label", [("z1_2", "z¹₂"), ("a1_3", "a¹₃"), ("w1_12", "w¹₁₂"),
                                         ("w2_1", "w²₁"), ("x2", "x₂"), ("z2", "z²"), ("J", "J"),
                                         ("t", "t"), ("y", "y")])
def test_node_label(name, label):
    assert node_label(name) == label


def test_from_weights_copies_and_checks_shapes():
    W1 = np.array([[1.0, -1.0], [0.5, 2.0]])
    net = TwoLayerNet.from_weights(W1, [0.5, -1.0])
    W1[0, 0] = 99.0
    assert net.params["W1"][0, 0] == 1.0 and not net.bias
    with pytest.raises(ValueError, match="W2"):
        TwoLayerNet.from_weights(W1, [1.0, 2.0, 3.0])
