"""Checks of lesson 10 (backpropagation through the two-layer ReLU net): right answers pass in
every form, the usual chain-rule slips get their hint, wrong types get a sentence instead of a
traceback, and no message reveals the answer.

The references here are independent of the checks: the autodiff engine ``Value`` (a graph
built node by node), central differences written out below, and scipy's softmax.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special

import mlekit as mk
from mlekit.autodiff import Value
from mlekit.exercises import lesson10 as ex
from exercise_helpers import PASS_MARK, answer_leaks, failure, not_implemented, run


# ----------------------------------------------------------- independent references
def value_net(x, t, W1, w2):
    """The net for a batch, built from Value nodes: returns (J, z1 nodes, z2 nodes, W1 nodes)."""
    X = np.atleast_2d(np.asarray(x, dtype=float))
    t = np.atleast_1d(np.asarray(t, dtype=float))
    n, m = np.shape(W1)
    W = [[Value(float(W1[i][j])) for j in range(m)] for i in range(n)]
    z1s, z2s, J = [], [], Value(0.0)
    for xi, ti in zip(X, t):
        z1 = [sum((W[i][j] * float(xi[i]) for i in range(n)), Value(0.0)) for j in range(m)]
        z2 = sum((z1[j].relu() * float(w2[j]) for j in range(m)), Value(0.0))
        J = J + (ti - z2) ** 2
        z1s.append(z1)
        z2s.append(z2)
    J = J / len(t)
    J.backward()
    return J, z1s, z2s, W


def reference_signals(x, t, W1, w2):
    _, z1s, z2s, _ = value_net(x, t, W1, w2)
    return z2s[0].grad, np.array([v.grad for v in z1s[0]])


def reference_grad_W1(X, t, W1, w2):
    _, _, _, W = value_net(X, t, W1, w2)
    return np.array([[v.grad for v in row] for row in W])


def reference_jacobian(z):
    """Each column by a central difference of scipy's softmax."""
    z, h = np.asarray(z, dtype=float), 1e-6
    cols = []
    for j in range(len(z)):
        e = np.zeros_like(z)
        e[j] = h
        cols.append((special.softmax(z + e) - special.softmax(z - e)) / (2 * h))
    return np.array(cols).T


SIGNAL_PROBES = ex._signal_probes()
BATCH_PROBES = ex._net_probes(20, ex._BATCH_SIZES)
SIGNAL_REFS = np.concatenate([np.r_[d2, d1] for d2, d1 in
                              (reference_signals(x[None], [t], W1, w2)
                               for x, t, W1, w2 in SIGNAL_PROBES)])
GRAD_REFS = np.concatenate([reference_grad_W1(*p).ravel() for p in BATCH_PROBES])
JAC_REFS = np.concatenate([reference_jacobian(z).ravel() for z in ex._LOGITS])


def test_references_are_independent_and_agree_with_the_lessons_formula():
    x, t, W1, w2 = SIGNAL_PROBES[0]
    z1 = x @ W1
    y = np.maximum(z1, 0) @ w2
    d2, d1 = reference_signals(x[None], [t], W1, w2)
    assert np.isclose(d2, -2 * (t - y))
    assert np.allclose(d1, d2 * w2 * (z1 > 0))
    X, t, W1, w2 = BATCH_PROBES[0]
    boxed = np.zeros_like(W1)
    for n in range(W1.shape[0]):
        for m in range(W1.shape[1]):
            for i in range(len(t)):
                zi = X[i] @ W1
                yi = np.maximum(zi, 0) @ w2
                boxed[n, m] += 2 * (t[i] - yi) * w2[m] * (zi[m] > 0) * X[i, n]
    assert np.allclose(reference_grad_W1(X, t, W1, w2), -boxed / len(t))
    s = special.softmax(ex._LOGITS[0])
    assert np.allclose(reference_jacobian(ex._LOGITS[0]), np.diag(s) - np.outer(s, s), atol=1e-9)


def test_probes_avoid_the_kink_and_switch_units_on_and_off():
    for X, t, W1, w2 in list(BATCH_PROBES) + [(x[None], [t], W1, w2)
                                               for x, t, W1, w2 in SIGNAL_PROBES]:
        z1 = X @ W1
        assert np.min(np.abs(z1)) > 0.1 and (z1 > 0).any() and (z1 < 0).any()
    sizes = [len(t) for _, t, _, _ in BATCH_PROBES]
    assert 1 in sizes and max(sizes) >= 20 and sizes[0] > 1
    assert any(W1.shape[0] == W1.shape[1] for _, _, W1, _ in BATCH_PROBES)
    assert sorted({len(z) for z in ex._LOGITS}) == [2, 3, 4, 6]


# ------------------------------------------------------------------ exercise 1
def signals_vectorised(x, t, W1, w2):
    z1 = x @ W1
    y = np.maximum(z1, 0) @ w2
    delta2 = -2 * (t - y)
    return delta2, delta2 * w2 * (z1 > 0)


def signals_loops(x, t, W1, w2):
    n, m = len(W1), len(W1[0])
    z1 = [sum(W1[i][j] * x[i] for i in range(n)) for j in range(m)]
    y = sum(w2[j] * max(z1[j], 0.0) for j in range(m))
    delta2 = 2 * (y - t)
    return delta2, [delta2 * w2[j] * (1.0 if z1[j] > 0 else 0.0) for j in range(m)]


def signals_by_net(x, t, W1, w2):
    net = mk.nn.TwoLayerNet.from_weights(W1, w2)
    _, cache = net.forward(x)
    return net.error_signals(cache, [[t]])                 # a dict, arrays of shape (1, .)


def signals_by_finite_differences(x, t, W1, w2):
    h = 1e-6
    z1 = x @ W1
    J1 = lambda v: (t - np.maximum(v, 0) @ w2) ** 2        # noqa: E731
    J2 = lambda v: (t - v) ** 2                            # noqa: E731
    z2 = np.maximum(z1, 0) @ w2
    d1 = [(J1(z1 + h * e) - J1(z1 - h * e)) / (2 * h) for e in np.eye(len(z1))]
    return (J2(z2 + h) - J2(z2 - h)) / (2 * h), d1


def in_float32(func):
    def student(x, t, W1, w2):
        d2, d1 = func(np.float32(x), np.float32(t), np.float32(W1), np.float32(w2))
        return np.float32(d2), np.asarray(d1, dtype=np.float32)
    return student


@pytest.mark.parametrize("answer", [
    signals_vectorised,
    signals_loops,
    signals_by_net,
    signals_by_finite_differences,
    lambda x, t, W1, w2: reference_signals(x[None], [t], W1, w2),          # Value's .grad
    in_float32(signals_vectorised),
    lambda *a: list(signals_vectorised(*a)),
    lambda *a: (np.array([signals_vectorised(*a)[0]]), tuple(signals_vectorised(*a)[1])),
    lambda *a: (signals_vectorised(*a)[0], signals_vectorised(*a)[1][None, :]),   # a row
    lambda *a: (signals_vectorised(*a)[0], signals_vectorised(*a)[1][:, None]),   # a column
    lambda *a: np.array(signals_vectorised(*a), dtype=object),
], ids=["vectorised", "loops", "TwoLayerNet dict", "finite differences", "Value", "float32",
        "list", "1-element delta2 and tuple delta1", "row", "column", "object array"])
def test_error_signals_accepts_every_right_form(capsys, answer):
    fb, out, err = run(ex.check_error_signals, answer, capsys)
    assert fb and out.startswith(PASS_MARK) and err == "", err


def slip1(change):
    """A student answer: the right forward pass, then *change*(d2, d1, z1, w2, t, y)."""
    def student(x, t, W1, w2):
        z1 = x @ W1
        y = np.maximum(z1, 0) @ w2
        d2 = -2 * (t - y)
        return change(d2, d2 * w2 * (z1 > 0), z1, w2, t, y)
    return student


@pytest.mark.parametrize("slip, hint", [
    (slip1(lambda d2, d1, z1, w2, t, y: (-d2, -d1)), "wrong sign"),
    (slip1(lambda d2, d1, z1, w2, t, y: (-d2, -d1)), "fixing delta2 fixes both"),
    (slip1(lambda d2, d1, z1, w2, t, y: (d2 / 2, d1 / 2)), "half the right size"),
    (slip1(lambda d2, d1, z1, w2, t, y: (y - t, (y - t) * w2 * (z1 > 0))), "half the right size"),
    (slip1(lambda d2, d1, z1, w2, t, y: (t - y, (t - y) * w2 * (z1 > 0))),
     "wrong sign and is half"),
    (slip1(lambda d2, d1, z1, w2, t, y: ((t - y) ** 2, d1)), "the loss J itself"),
    (lambda x, t, W1, w2: (lambda z1: (-2 * (t - z1 @ w2), -2 * (t - z1 @ w2) * w2 * (z1 > 0)))(
        x @ W1), "without the ReLU"),
    (slip1(lambda d2, d1, z1, w2, t, y: (d2, d2 * w2)), "ReLU′(z¹ₘ)"),
    (slip1(lambda d2, d1, z1, w2, t, y: (d2, d2 * w2)), "delta2 is right"),
    (slip1(lambda d2, d1, z1, w2, t, y: (d2, d2 * w2 * np.maximum(z1, 0))), "the unit's output"),
    (slip1(lambda d2, d1, z1, w2, t, y: (d2, d2 * (z1 > 0))), "leaves out the output weight"),
    (slip1(lambda d2, d1, z1, w2, t, y: (d2, w2 * (z1 > 0))), "starts from 1"),
    (slip1(lambda d2, d1, z1, w2, t, y: (d2, -d1)), "delta1 has the wrong sign"),
    (slip1(lambda d2, d1, z1, w2, t, y: (d1, d2)), "in the other order"),
    (slip1(lambda d2, d1, z1, w2, t, y: (d2, d1 + 0.3)), "Multiply the local derivatives"),
    (slip1(lambda d2, d1, z1, w2, t, y: (d2 + 0.5, d1)), "is not the derivative of the loss"),
])
def test_error_signals_slips_get_their_hint(capsys, slip, hint):
    err = failure(ex.check_error_signals, slip, capsys, hint)
    assert not answer_leaks(err, SIGNAL_REFS)


@pytest.mark.parametrize("answer, hint", [
    (None, "is None"),
    ("-2 (t - y)", "should be a function"),
    (not_implemented, "NotImplementedError"),
    (lambda x, t, W1, w2: undefined_name, "raised NameError"),        # noqa: F821
    (lambda x, t: (0.1, [0.1]), "raised TypeError"),
    (lambda *a: 0.3, "return the pair"),
    (lambda *a: "0.3, 0.2", "not text"),
    (lambda *a: (0.1, 0.2, 0.3), "returned 3 values"),
    (lambda *a: {"d2": 1.0, "d1": [0.0]}, "a dict"),
    (lambda *a: (None, [0.1, 0.2, 0.3]), "still None"),
    (lambda *a: ("0.1", [0.1, 0.2, 0.3]), "remove the quotes"),
    (lambda *a: ([0.1, 0.2], [0.1, 0.2, 0.3]), "a single number"),
    (lambda *a: (0.1, [0.1, 0.2]), "one per hidden unit"),
    (lambda *a: (0.1, np.zeros((3, 3))), "one per hidden unit"),
    (lambda *a: (float("nan"), [0.1, 0.2, 0.3]), "NaN"),
    (lambda *a: None, "forget the `return`"),
])
def test_error_signals_wrong_types_get_a_sentence(capsys, answer, hint):
    fb, out, err = run(ex.check_error_signals, answer, capsys)
    assert not fb and hint in err and "Traceback" not in err, err
    assert not answer_leaks(err, SIGNAL_REFS)


def test_error_signals_may_change_its_inputs_without_harm(capsys):
    def rude(x, t, W1, w2):
        out = signals_vectorised(x, t, W1, w2)
        W1 *= 0.0
        x[:] = 7.0
        return out
    assert run(ex.check_error_signals, rude, capsys)[0]
    assert run(ex.check_error_signals, signals_vectorised, capsys)[0]


# ------------------------------------------------------------------ exercise 2
def grad_vectorised(X, t, W1, w2):
    z1 = X @ W1
    y = np.maximum(z1, 0) @ w2
    delta1 = -2 / len(t) * (t - y)[:, None] * w2 * (z1 > 0)
    return X.T @ delta1


def grad_loops(X, t, W1, w2):
    N, n, m = len(X), len(W1), len(W1[0])
    g = [[0.0] * m for _ in range(n)]
    for i in range(N):
        z1 = [sum(W1[k][j] * X[i][k] for k in range(n)) for j in range(m)]
        y = sum(w2[j] * max(z1[j], 0.0) for j in range(m))
        for a in range(n):
            for j in range(m):
                g[a][j] += -2 * (t[i] - y) * 1.0 * w2[j] * (1.0 if z1[j] > 0 else 0.0) * X[i][a] / N
    return g


def grad_by_net(X, t, W1, w2):
    net = mk.nn.TwoLayerNet.from_weights(W1, w2)
    _, cache = net.forward(X)
    return net.backward(cache, t[:, None])["W1"]


def grad_mean_of_samples(X, t, W1, w2):
    return np.mean([grad_vectorised(X[i:i + 1], t[i:i + 1], W1, w2) for i in range(len(t))],
                   axis=0)


def grad_einsum(X, t, W1, w2):
    z1 = X @ W1
    r = t - np.maximum(z1, 0) @ w2
    return -2 * np.einsum("i,m,im,in->nm", r, w2, (z1 > 0).astype(float), X) / len(t)


@pytest.mark.parametrize("answer", [
    grad_vectorised, grad_loops, grad_by_net, grad_mean_of_samples, grad_einsum,
    reference_grad_W1,                                               # Value's .grad
    lambda *a: grad_vectorised(*a).tolist(),
    lambda *a: tuple(map(tuple, grad_vectorised(*a))),
    lambda X, t, W1, w2: np.float32(grad_vectorised(np.float32(X), np.float32(t),
                                                    np.float32(W1), np.float32(w2))),
    lambda X, t, W1, w2: mk.gradcheck.numerical_gradient(
        lambda W: float(np.mean((t - np.maximum(X @ W, 0) @ w2) ** 2)), W1),
], ids=["vectorised", "loops", "TwoLayerNet", "mean of samples", "einsum", "Value", "list",
        "tuples", "float32", "finite differences"])
def test_batch_grad_W1_accepts_every_right_form(capsys, answer):
    fb, out, err = run(ex.check_batch_grad_W1, answer, capsys)
    assert fb and out.startswith(PASS_MARK) and err == "", err


def variant(*, sign=-1.0, two=2.0, mean=True, slope=True, out=False):
    def student(X, t, W1, w2):
        z1 = X @ W1
        r = t - np.maximum(z1, 0) @ w2
        f = np.maximum(z1, 0) if out else ((z1 > 0) if slope else np.ones_like(z1))
        g = sign * two * X.T @ (r[:, None] * w2 * f)
        return g / len(t) if mean else g
    return student


def transposed_when_square(X, t, W1, w2):
    g = grad_vectorised(X, t, W1, w2)
    return g.T if g.shape[0] == g.shape[1] else g


@pytest.mark.parametrize("slip, hint", [
    (variant(slope=False), "on or off"),
    (variant(mean=False), "N times too large"),
    (variant(sign=+1.0), "wrong sign"),
    (variant(two=1.0), "half the right size"),
    (variant(out=True), "the unit's output"),
    (lambda *a: grad_vectorised(*a).T, "transposed"),
    (transposed_when_square, "transposed"),
    (lambda X, t, W1, w2: grad_vectorised(X[:1], t[:1], W1, w2), "only the first sample"),
    (lambda X, t, W1, w2: grad_vectorised(X[-1:], t[-1:], W1, w2), "only the last sample"),
    (lambda X, t, W1, w2: grad_vectorised(X, t, W1, w2) / len(t), "N times too small"),
    (lambda X, t, W1, w2: np.array([grad_vectorised(X[i:i + 1], t[i:i + 1], W1, w2)
                                    for i in range(len(t))]), "one gradient per sample"),
    (lambda *a: grad_vectorised(*a) + 0.1, "does not match finite differences"),
])
def test_batch_grad_W1_slips_get_their_hint(capsys, slip, hint):
    err = failure(ex.check_batch_grad_W1, slip, capsys, hint)
    assert not answer_leaks(err, GRAD_REFS)


def test_missing_one_over_n_is_caught_before_the_single_sample_probe(capsys):
    # N = 1 cannot tell a sum from a mean; the first batch (N = 5) does
    err = failure(ex.check_batch_grad_W1, variant(mean=False), capsys, "N = 5")
    assert "N times too large" in err


@pytest.mark.parametrize("answer, hint", [
    (None, "is None"),
    ("X.T @ delta1", "should be a function"),
    (not_implemented, "NotImplementedError"),
    (lambda X, t, W1, w2: X @ W1 @ W1, "raised ValueError"),
    (lambda *a: "0.1", "not text"),
    (lambda *a: True, "True/False"),
    (lambda *a: 0.3, "shape (2, 3)"),
    (lambda X, t, W1, w2: w2, "like W1"),
    (lambda *a: np.full((2, 3), np.nan), "NaN"),
    (lambda *a: [[0.1, 0.2], [0.3]], "cannot read"),
    (lambda *a: None, "forget the `return`"),
])
def test_batch_grad_W1_wrong_types_get_a_sentence(capsys, answer, hint):
    fb, out, err = run(ex.check_batch_grad_W1, answer, capsys)
    assert not fb and hint in err and "Traceback" not in err, err
    assert not answer_leaks(err, GRAD_REFS)


# ------------------------------------------------------------------ exercise 3
def jac_vectorised(z):
    s = np.exp(z - np.max(z))
    s = s / s.sum()
    return np.diag(s) - np.outer(s, s)


def jac_loops(z):
    s = mk.losses.softmax(z)
    K = len(z)
    return [[s[i] * ((1.0 if i == j else 0.0) - s[j]) for j in range(K)] for i in range(K)]


def jac_by_value(z):
    """The student builds softmax from Value nodes and backpropagates each output."""
    rows = []
    for i in range(len(z)):
        zs = [Value(float(v)) for v in z]
        exps = [v.exp() for v in zs]
        total = sum(exps[1:], exps[0])
        (exps[i] / total).backward()
        rows.append([v.grad for v in zs])
    return rows


@pytest.mark.parametrize("answer", [
    jac_vectorised, jac_loops, jac_by_value, reference_jacobian,
    lambda z: np.diag(special.softmax(z)) - special.softmax(z)[:, None] * special.softmax(z),
    lambda z: (lambda s: np.diag(s) - np.outer(s, s))(np.exp(z) / np.exp(z).sum()),  # naive exp
    lambda z: np.float32(jac_vectorised(np.float32(z))),
    lambda z: jac_vectorised(z).T,                             # symmetric: the same matrix
    lambda z: jac_vectorised(z).tolist(),
], ids=["vectorised", "loops", "Value", "finite differences", "broadcast", "naive exp",
        "float32", "transposed", "list"])
def test_jacobian_accepts_every_right_form(capsys, answer):
    fb, out, err = run(ex.check_jacobian, answer, capsys)
    assert fb and out.startswith(PASS_MARK) and err == "", err


def sm(z):
    return special.softmax(z)


@pytest.mark.parametrize("slip, hint", [
    (lambda z: np.diag(sm(z)), "off-diagonal entries are zero"),
    (lambda z: np.diag(sm(z) * (1 - sm(z))), "the diagonal is right"),
    (lambda z: -np.outer(sm(z), sm(z)), "the off-diagonal entries are right"),
    (lambda z: np.outer(sm(z), sm(z)), "only the product"),
    (lambda z: np.diag(sm(z)) + np.outer(sm(z), sm(z)), "signs of the products"),
    (lambda z: -jac_vectorised(z), "every entry has the wrong sign"),
    (lambda z: np.diag(sm(z)) - sm(z) @ sm(z), "the same number"),
    (lambda z: sm(z) * (1 - sm(z)), "one per logit"),
    (lambda z: np.diag(z) - np.outer(z, z), "does not match finite differences"),
])
def test_jacobian_slips_get_their_hint(capsys, slip, hint):
    err = failure(ex.check_jacobian, slip, capsys, hint)
    assert not answer_leaks(err, JAC_REFS)


@pytest.mark.parametrize("answer, hint", [
    (None, "is None"),
    ("np.diag(s)", "should be a function"),
    (not_implemented, "NotImplementedError"),
    (lambda z: z @ np.ones((2, 2)), "raised ValueError"),
    (lambda z: "J", "not text"),
    (lambda z: np.zeros((2, 5)), "a 3 x 3 array"),
    (lambda z: np.full((len(z), len(z)), np.nan), "NaN"),
    (lambda z: [[1.0, 2.0], [3.0]], "cannot read"),
    (lambda z: None, "forget the `return`"),
])
def test_jacobian_wrong_types_get_a_sentence(capsys, answer, hint):
    fb, out, err = run(ex.check_jacobian, answer, capsys)
    assert not fb and hint in err and "Traceback" not in err, err
    assert not answer_leaks(err, JAC_REFS)


def test_feedback_is_not_shown_twice_as_a_cell_value():
    plain = ex.check_jacobian.__wrapped__        # the undecorated check returns the sentence
    assert "Correct" in plain(jac_vectorised)
