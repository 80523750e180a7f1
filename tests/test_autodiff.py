"""Tests for mlekit.autodiff.Value (scalar reverse-mode autodiff).

Every derivative is checked twice: against a hand-derived formula and against
central differences of the same expression evaluated with plain floats.
"""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlekit.autodiff import BackwardStep, Value

H = 1e-6


# Functions that work on both a Value and a float, so one expression can be
# differentiated by backward() and by central differences.
def exp(v):
    return v.exp() if isinstance(v, Value) else math.exp(v)


def log(v):
    return v.log() if isinstance(v, Value) else math.log(v)


def tanh(v):
    return v.tanh() if isinstance(v, Value) else math.tanh(v)


def sigmoid(v):
    return v.sigmoid() if isinstance(v, Value) else 1.0 / (1.0 + math.exp(-v))


def relu(v):
    return v.relu() if isinstance(v, Value) else max(0.0, v)


def central_diff(f, args, i, h=H):
    """(f(.., x_i + h, ..) - f(.., x_i - h, ..)) / 2h with floats."""
    plus, minus = list(args), list(args)
    plus[i] += h
    minus[i] -= h
    return (f(*plus) - f(*minus)) / (2 * h)


def autodiff_grads(f, args):
    """Build f on Value leaves, run backward, return (output value, leaf grads)."""
    leaves = [Value(a, label=f"x{i}") for i, a in enumerate(args)]
    out = f(*leaves)
    out.backward()
    return out, [leaf.grad for leaf in leaves]


# --------------------------------------------------------- unary operations
UNARY = [
    # name, f, x, hand-derived df/dx
    ("exp", exp, 0.7, lambda x: math.exp(x)),
    ("log", log, 2.5, lambda x: 1 / x),
    ("tanh", tanh, 0.4, lambda x: 1 - math.tanh(x) ** 2),
    ("tanh_neg", tanh, -1.3, lambda x: 1 - math.tanh(x) ** 2),
    ("sigmoid", sigmoid, 0.3, lambda x: sigmoid(x) * (1 - sigmoid(x))),
    ("sigmoid_neg", sigmoid, -2.0, lambda x: sigmoid(x) * (1 - sigmoid(x))),
    ("relu_pos", relu, 1.3, lambda x: 1.0),
    ("relu_neg", relu, -0.7, lambda x: 0.0),
    ("neg", lambda v: -v, 1.7, lambda x: -1.0),
    ("square", lambda v: v ** 2, -1.5, lambda x: 2 * x),
    ("cube", lambda v: v ** 3, 1.2, lambda x: 3 * x ** 2),
    ("inverse", lambda v: v ** -1, 0.8, lambda x: -1 / x ** 2),
    ("sqrt", lambda v: v ** 0.5, 2.0, lambda x: 0.5 / math.sqrt(x)),
    ("int_power_of_negative", lambda v: v ** 3, -0.6, lambda x: 3 * x ** 2),
]


@pytest.mark.parametrize("name, f, x, dfdx", UNARY, ids=[u[0] for u in UNARY])
def test_unary_derivative_matches_formula_and_central_difference(name, f, x, dfdx):
    out, (g,) = autodiff_grads(f, [x])
    np.testing.assert_allclose(out.data, f(x), rtol=1e-15)       # forward value
    np.testing.assert_allclose(g, dfdx(x), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(g, central_diff(f, [x], 0), rtol=1e-7, atol=1e-9)


# -------------------------------------------------------- binary operations
BINARY = [
    # name, f, (a, b), hand-derived (df/da, df/db)
    ("add", lambda a, b: a + b, (1.5, -2.0), lambda a, b: (1.0, 1.0)),
    ("sub", lambda a, b: a - b, (1.5, -2.0), lambda a, b: (1.0, -1.0)),
    ("mul", lambda a, b: a * b, (1.5, -2.0), lambda a, b: (b, a)),
    ("div", lambda a, b: a / b, (1.5, -2.0), lambda a, b: (1 / b, -a / b ** 2)),
    ("number_plus", lambda a, b: 3.0 + a * b, (0.5, 4.0), lambda a, b: (b, a)),
    ("number_minus", lambda a, b: 3.0 - a * b, (0.5, 4.0), lambda a, b: (-b, -a)),
    ("number_times", lambda a, b: 3.0 * a - b * 2, (0.5, 4.0), lambda a, b: (3.0, -2.0)),
    ("number_over", lambda a, b: 3.0 / a + b / 4, (0.5, 4.0), lambda a, b: (-3.0 / a ** 2, 0.25)),
]


@pytest.mark.parametrize("name, f, args, grads", BINARY, ids=[b[0] for b in BINARY])
def test_binary_derivative_matches_formula_and_central_difference(name, f, args, grads):
    out, g = autodiff_grads(f, list(args))
    np.testing.assert_allclose(out.data, f(*args), rtol=1e-15)
    np.testing.assert_allclose(g, grads(*args), rtol=1e-12)
    np.testing.assert_allclose(g, [central_diff(f, list(args), i) for i in range(2)],
                               rtol=1e-7, atol=1e-9)


# ---------------------------------------------------- composite expressions
def neuron_loss(w, x, b, t):
    # L = (t - tanh(w x + b))^2
    return (t - tanh(w * x + b)) ** 2


def neuron_loss_grads(w, x, b, t):
    a = math.tanh(w * x + b)
    common = -2 * (t - a) * (1 - a * a)                  # dL/da * da/dz
    return [common * x, common * w, common, 2 * (t - a)]


def phone_nll(p):
    # NLL = -(7 ln p + 3 ln(1 - p))
    return -(7 * log(p) + 3 * log(1 - p))


def phone_nll_grads(p):
    return [-7 / p + 3 / (1 - p)]


def logistic_loss(w, b, x, t):
    # BCE of sigmoid(w x + b) against t
    y = sigmoid(w * x + b)
    return -(t * log(y) + (1 - t) * log(1 - y))


def logistic_loss_grads(w, b, x, t):
    y = 1 / (1 + math.exp(-(w * x + b)))
    z = w * x + b
    return [(y - t) * x, y - t, (y - t) * w, -z]       # dL/dz = y - t; dL/dt = -z


def gaussian_nll(mu, sigma, x):
    # -log N(x | mu, sigma) up to the constant: log sigma + (x - mu)^2 / (2 sigma^2)
    return log(sigma) + (x - mu) ** 2 / (2 * sigma ** 2)


def gaussian_nll_grads(mu, sigma, x):
    return [-(x - mu) / sigma ** 2, 1 / sigma - (x - mu) ** 2 / sigma ** 3, (x - mu) / sigma ** 2]


def two_relu_net(w1, w2, x, t):
    # y = w2 relu(w1 x), J = (t - y)^2
    return (t - w2 * relu(w1 * x)) ** 2


def two_relu_net_grads(w1, w2, x, t):
    z = w1 * x
    y = w2 * max(0.0, z)
    d = -2 * (t - y)
    r = 1.0 if z > 0 else 0.0
    return [d * w2 * r * x, d * max(0.0, z), d * w2 * r * w1, 2 * (t - y)]


COMPOSITE = [
    ("neuron", neuron_loss, [0.8, -1.2, 0.3, 0.5], neuron_loss_grads),
    ("phone_nll", phone_nll, [0.3], phone_nll_grads),
    ("logistic", logistic_loss, [1.5, -0.4, 0.7, 1.0], logistic_loss_grads),
    ("gaussian_nll", gaussian_nll, [168.0, 2.5, 165.35], gaussian_nll_grads),
    ("relu_net", two_relu_net, [0.9, -1.4, 1.1, 0.2], two_relu_net_grads),
]


@pytest.mark.parametrize("name, f, args, grads", COMPOSITE, ids=[c[0] for c in COMPOSITE])
def test_composite_expression_matches_hand_derivative_and_central_difference(name, f, args,
                                                                             grads):
    out, g = autodiff_grads(f, args)
    np.testing.assert_allclose(out.data, f(*args), rtol=1e-14)
    np.testing.assert_allclose(g, grads(*args), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(g, [central_diff(f, args, i) for i in range(len(args))],
                               rtol=1e-6, atol=1e-8)


def test_phone_nll_gradient_is_zero_at_the_mle():
    p = Value(0.7)
    phone_nll(p).backward()
    np.testing.assert_allclose(p.grad, 0.0, atol=1e-12)


def test_nested_unusual_expression_matches_central_difference():
    def f(x, y):
        s = x * y + exp(x) / (1 + y ** 2)
        return tanh(s) * sigmoid(y - x) + log(1 + s ** 2) - relu(x - 2 * y) ** 2

    args = [0.4, -0.9]
    _, g = autodiff_grads(f, args)
    np.testing.assert_allclose(g, [central_diff(f, args, i) for i in range(2)], rtol=1e-6)


# ------------------------------------------------- nodes used more than once
def test_node_used_twice_in_product_gets_summed_gradient():
    # d(x*x)/dx = x + x = 2x
    x = Value(3.0)
    (x * x).backward()
    assert x.grad == 6.0


def test_node_added_to_itself_gets_gradient_two():
    x = Value(-1.3)
    (x + x).backward()
    assert x.grad == 2.0


def test_node_subtracted_from_itself_gets_gradient_zero():
    x = Value(5.0)
    (x - x).backward()
    assert x.grad == 0.0


def test_shared_subexpression_gradients_add_up():
    # s = x y, f = s^2 + s -> df/dx = (2 s + 1) y, df/dy = (2 s + 1) x, df/ds = 2 s + 1
    x, y = Value(1.5), Value(-2.0)
    s = x * y
    f = s * s + s
    f.backward()
    sv = 1.5 * -2.0
    np.testing.assert_allclose(s.grad, 2 * sv + 1)
    np.testing.assert_allclose(x.grad, (2 * sv + 1) * -2.0)
    np.testing.assert_allclose(y.grad, (2 * sv + 1) * 1.5)


def test_diamond_graph_gradient():
    # a -> b = 2a, c = a^2 -> d = b * c = 2 a^3 -> dd/da = 6 a^2
    a = Value(1.7)
    d = (2 * a) * (a ** 2)
    d.backward()
    np.testing.assert_allclose(a.grad, 6 * 1.7 ** 2, rtol=1e-14)


# ------------------------------------------------------- re-running backward
def test_backward_twice_gives_the_same_grads():
    x, y = Value(2.0), Value(-3.0)
    f = x * y + x.tanh() * y ** 2
    f.backward()
    first = (x.grad, y.grad, f.grad)
    f.backward()
    assert (x.grad, y.grad, f.grad) == first
    assert f.grad == 1.0


def test_backward_accumulate_adds_and_zero_grad_resets():
    x = Value(2.0)
    y = x * x + 3 * x                  # dy/dx = 2x + 3 = 7
    y.backward()
    assert x.grad == 7.0
    y.backward(accumulate=True)
    assert x.grad == 14.0
    y.backward(accumulate=True)
    assert x.grad == 21.0
    y.zero_grad()
    assert all(node.grad == 0.0 for node in y.topological_order())
    y.backward(accumulate=True)
    assert x.grad == 7.0


def test_backward_on_second_output_replaces_grads_of_shared_leaf():
    x = Value(2.0)
    f = x * 3
    g = x * x
    f.backward()
    assert x.grad == 3.0
    g.backward()                       # default: recompute, no leftover from f
    assert x.grad == 4.0


# ----------------------------------------------------------- backward_order
def _uses(order):
    """Map id(node) -> list of nodes in the graph that use it as a parent."""
    users = {id(n): [] for n in order}
    for n in order:
        for p in n.parents:
            users[id(p)].append(n)
    return users


def _check_backward_order(out):
    order = out.backward_order()
    assert order[0] is out
    ids = [id(n) for n in order]
    assert len(ids) == len(set(ids))                        # each node once
    pos = {i: k for k, i in enumerate(ids)}
    for n in order:
        for p in n.parents:
            assert id(p) in pos                             # whole graph included
            assert pos[id(p)] > pos[id(n)]                  # after every node that uses it
    topo = out.topological_order()
    assert [id(n) for n in topo] == ids[::-1]
    return order


def test_backward_order_simple_neuron():
    w, x, b = Value(-2.0, label="w"), Value(3.0, label="x"), Value(1.0, label="b")
    wx = w * x
    z = wx + b
    out = z.tanh()
    order = _check_backward_order(out)
    assert len(order) == 6                                  # w, x, b, w*x, z, tanh
    assert order[0] is out and order[1] is z
    # z comes before both w*x and b; w*x before w and x
    idx = {id(n): k for k, n in enumerate(order)}
    assert idx[id(z)] < idx[id(wx)] < min(idx[id(w)], idx[id(x)])
    assert idx[id(z)] < idx[id(b)]


def test_backward_order_shared_node_after_all_its_users():
    x = Value(0.5)
    s = x * 2
    a = s.exp()
    b = s * s
    out = a + b + s
    order = _check_backward_order(out)
    idx = {id(n): k for k, n in enumerate(order)}
    assert idx[id(s)] > max(idx[id(a)], idx[id(b)], idx[id(out)])
    assert idx[id(x)] > idx[id(s)]                          # x is used by s only


# A random expression DAG: start from three leaves, each new node combines
# earlier nodes (so nodes get reused); ops stay bounded and smooth.
OPS = ["+", "-", "*", "tanh", "sigmoid", "scale"]


@st.composite
def random_graph(draw):
    leaves = draw(st.lists(st.floats(-1.0, 1.0), min_size=3, max_size=3))
    recipe = draw(st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, 1000),
                                     st.integers(0, 1000)), min_size=1, max_size=10))
    return leaves, recipe


def build(leaves, recipe):
    nodes = list(leaves)
    for op, i, j in recipe:
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        if op == "+":
            nodes.append(a + b)
        elif op == "-":
            nodes.append(a - b)
        elif op == "*":
            nodes.append(a * b)
        elif op == "tanh":
            nodes.append(tanh(a))
        elif op == "sigmoid":
            nodes.append(sigmoid(a))
        else:
            nodes.append(0.5 * a)
    return nodes[-1]


@settings(max_examples=40, deadline=None)
@given(random_graph())
def test_random_graph_order_and_gradients(graph):
    leaves, recipe = graph
    values = [Value(v) for v in leaves]
    out = build(values, recipe)
    _check_backward_order(out)
    out.backward()
    f = lambda *xs: build(list(xs), recipe)
    for k, leaf in enumerate(values):
        np.testing.assert_allclose(leaf.grad, central_diff(f, leaves, k, h=1e-5),
                                   rtol=1e-5, atol=1e-7)


# ----------------------------------------------------------- backward_trace
def test_backward_trace_records_local_times_upstream():
    w, x, b = Value(-2.0, label="w"), Value(3.0, label="x"), Value(1.0, label="b")
    z = (w * x + b).tanh()
    z.label = "z"
    trace = z.backward_trace()
    assert all(isinstance(s, BackwardStep) for s in trace)
    assert trace[0].node is z and trace[0].upstream == 1.0      # d z / d z = 1
    for s in trace:
        # chain rule: contribution = local derivative x incoming gradient
        np.testing.assert_allclose(s.contribution, s.local * s.upstream, rtol=1e-15)
        # upstream of a node's step is that node's finished gradient
        np.testing.assert_allclose(s.upstream, s.node.grad, rtol=1e-15)
        k = s.node.parents.index(s.parent)
        np.testing.assert_allclose(s.local, s.node.local_grads[k], rtol=1e-15)
    # one step per (node, parent) edge
    assert len(trace) == sum(len(n.parents) for n in z.topological_order())


def test_backward_trace_contributions_sum_to_each_grad():
    x, y = Value(0.6, label="x"), Value(-1.1, label="y")
    s = x * y
    f = s * s + s.sigmoid() * x - y / (1 + x ** 2)
    trace = f.backward_trace()
    for node in f.topological_order():
        if node is f:
            continue
        total = sum(step.contribution for step in trace if step.parent is node)
        np.testing.assert_allclose(total, node.grad, rtol=1e-13, atol=1e-15)


def test_backward_trace_sets_the_same_grads_as_backward():
    x = Value(1.3)
    f = (x * x).exp() / (1 + x)
    f.backward()
    g = x.grad
    f.backward_trace()
    assert x.grad == g


def test_backward_step_str_names_the_derivative():
    a = Value(3.0, label="a")
    b = (a * 2).relu()
    b.label = "b"
    lines = [str(s) for s in b.backward_trace()]
    assert lines[0] == "db/d(*) = 1 (local) x 1 (incoming) = 1"
    assert lines[1] == "d(*)/da = 2 (local) x 1 (incoming) = 2"


# ---------------------------------------------------------------- deep graph
def test_deep_chain_does_not_hit_recursion_limit():
    depth = 5000
    assert depth > sys.getrecursionlimit() // 2
    x = Value(0.5)
    s = x
    for _ in range(depth):             # s = x + x + ... + x (depth + 1 times)
        s = s + x
    s.backward()
    assert x.grad == depth + 1
    assert len(s.backward_order()) == depth + 1
    np.testing.assert_allclose(s.data, 0.5 * (depth + 1))


def test_deep_product_chain_gradient():
    # (1 + 1e-4 x)^n built one multiplication at a time; d/dx = n 1e-4 (1 + 1e-4 x)^(n-1)
    n, xv = 3000, 0.3
    x = Value(xv)
    base = 1 + 1e-4 * x
    p = base
    for _ in range(n - 1):
        p = p * base
    p.backward()
    np.testing.assert_allclose(x.grad, n * 1e-4 * (1 + 1e-4 * xv) ** (n - 1), rtol=1e-10)


# -------------------------------------------------------------------- errors
@pytest.mark.parametrize("x", [0.0, -2.0])
def test_log_of_non_positive_raises(x):
    with pytest.raises(ValueError, match="the input to log must be > 0"):
        Value(x).log()


def test_division_by_zero_value_raises():
    with pytest.raises(ZeroDivisionError, match="the divisor must be non-zero"):
        Value(1.0) / Value(0.0)
    with pytest.raises(ZeroDivisionError, match="the divisor must be non-zero"):
        2.0 / Value(0.0)
    with pytest.raises(ZeroDivisionError, match="the divisor must be non-zero"):
        Value(2.0) / 0


@pytest.mark.parametrize("other", ["a", None, [1.0], np.array([1.0, 2.0])],
                         ids=["str", "None", "list", "array"])
def test_non_number_operand_raises_type_error(other):
    with pytest.raises(TypeError, match="the other operand must be a Value or a real number"):
        Value(1.0) + other
    with pytest.raises(TypeError, match="the other operand must be a Value or a real number"):
        Value(1.0) * other


def test_variable_exponent_raises_type_error():
    with pytest.raises(TypeError, match="the exponent must be a plain number"):
        Value(2.0) ** Value(3.0)


def test_fractional_power_of_negative_raises():
    with pytest.raises(ValueError, match="the base must be positive"):
        Value(-8.0) ** 0.5


def test_exp_overflow_raises_clear_error():
    with pytest.raises(OverflowError, match="the input to exp"):
        Value(1000.0).exp()


@pytest.mark.parametrize("data, exc", [("x", TypeError), (None, TypeError),
                                       (float("nan"), ValueError), ([1.0, 2.0], TypeError)])
def test_value_rejects_non_scalar_or_non_finite_data(data, exc):
    with pytest.raises(exc, match="data must"):
        Value(data)


def test_numpy_scalars_combine_with_values():
    x = Value(3.0)
    y = x * np.float64(2.0) + np.int64(1)
    y.backward()
    assert isinstance(y, Value)
    assert y.data == 7.0 and x.grad == 2.0
