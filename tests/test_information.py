"""Unit tests for :mod:`mlekit.information`.

References that do not go through mlekit: ``scipy.stats.entropy`` (entropy
with one argument, KL divergence with two), ``scipy.special.xlogy`` and
formulas written out here with ``math.log``.
"""

from __future__ import annotations

import contextlib
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special, stats

from mlekit import information as info
from mlekit import losses


@contextlib.contextmanager
def strict_numerics():
    """Every warning and numpy floating-point error becomes an exception."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            yield


def random_dists(rng, shape, zeros=False):
    """Probability vectors along the last axis; with zeros=True some entries are exactly 0."""
    w = rng.uniform(0.05, 1.0, size=shape)
    if zeros:
        w[..., ::3] = 0.0          # entry 0, 3, ... is impossible; entry 1 always survives
    return w / w.sum(axis=-1, keepdims=True)


@pytest.fixture
def rng():
    return np.random.default_rng(7)


UNITS = [("nats", math.e), ("bits", 2.0)]


# ------------------------------------------------------------------ self-information
@pytest.mark.parametrize("p, bits", [(0.5, 1.0), (0.25, 2.0), (0.125, 3.0), (1 / 1024, 10.0)])
def test_self_information_in_bits_counts_halvings(p, bits):
    # I = -log2 p: an event with probability 2^-n carries n bits
    np.testing.assert_allclose(info.self_information(p, unit="bits"), bits, rtol=1e-12)


def test_self_information_in_nats_is_minus_natural_log(rng):
    p = rng.uniform(0.001, 1.0, size=(3, 4))
    np.testing.assert_allclose(info.self_information(p), -np.log(p), rtol=1e-12)
    np.testing.assert_allclose(info.self_information(p, unit="nats"), -np.log(p), rtol=1e-12)
    # the two units differ by the factor ln 2: I_bits = I_nats / ln 2
    np.testing.assert_allclose(info.self_information(p, unit="bits"), -np.log(p) / math.log(2),
                               rtol=1e-12)


def test_self_information_docstring_value():
    np.testing.assert_allclose(info.self_information(0.65), -math.log(0.65), rtol=1e-12)


def test_self_information_of_impossible_event_is_inf_without_warning():
    # -log 0 = +inf
    with strict_numerics():
        nats = info.self_information(0.0)
        bits = info.self_information([0.0, 0.5], unit="bits")
    assert np.isposinf(nats)
    assert np.isposinf(bits[0])
    np.testing.assert_allclose(bits[1], 1.0)


@pytest.mark.parametrize("unit", ["nats", "bits"])
def test_self_information_of_certain_event_is_plus_zero(unit):
    # -log 1 = 0; the module promises +0.0, not -0.0 (which would print as "-0.0")
    value = info.self_information(1.0, unit=unit)
    np.testing.assert_allclose(value, 0.0, atol=0)
    assert not np.signbit(value)


def test_self_information_adds_for_independent_events(rng):
    # I(p q) = I(p) + I(q): log turns the product of independent probabilities into a sum
    p, q = rng.uniform(0.01, 1, size=5), rng.uniform(0.01, 1, size=5)
    np.testing.assert_allclose(info.self_information(p * q),
                               info.self_information(p) + info.self_information(q), rtol=1e-12)


def test_self_information_keeps_shape_and_is_elementwise(rng):
    p = rng.uniform(0.01, 1, size=(2, 3))
    out = info.self_information(p)
    assert out.shape == (2, 3)
    assert np.ndim(info.self_information(0.3)) == 0


# -------------------------------------------------------------------------- entropy
@pytest.mark.parametrize("k", [1, 2, 4, 10])
@pytest.mark.parametrize("unit, base", UNITS)
def test_entropy_of_uniform_is_log_k(k, unit, base):
    # H(uniform over K) = -sum (1/K) log (1/K) = log K, the largest possible entropy
    np.testing.assert_allclose(info.entropy(np.full(k, 1.0 / k), unit=unit),
                               math.log(k, base), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("k, hot", [(1, 0), (2, 1), (5, 3)])
def test_entropy_of_one_hot_is_zero(k, hot):
    # a certain outcome: 1 log 1 + (K - 1) * 0 log 0 = 0, with the convention 0 log 0 = 0
    with strict_numerics():
        value = info.entropy(np.eye(k)[hot])
    np.testing.assert_allclose(value, 0.0, atol=0)
    assert not np.signbit(value)


@pytest.mark.parametrize("unit, base", UNITS)
@pytest.mark.parametrize("zeros", [False, True])
def test_entropy_matches_scipy(rng, unit, base, zeros):
    p = random_dists(rng, 6, zeros=zeros)
    with strict_numerics():
        value = info.entropy(p, unit=unit)
    np.testing.assert_allclose(value, stats.entropy(p, base=base), rtol=1e-12)


@pytest.mark.parametrize("shape", [(5, 4), (2, 3, 4)])
def test_entropy_of_a_batch_is_taken_along_the_last_axis(rng, shape):
    p = random_dists(rng, shape)
    value = info.entropy(p)
    assert value.shape == shape[:-1]
    np.testing.assert_allclose(value, stats.entropy(p, axis=-1), rtol=1e-12)


def test_entropy_of_a_fair_coin_and_a_biased_coin_by_hand():
    # H(0.9, 0.1) = -(0.9 log2 0.9 + 0.1 log2 0.1) = 0.4690 bits < 1 bit for a fair coin
    np.testing.assert_allclose(info.entropy([0.5, 0.5], unit="bits"), 1.0, rtol=1e-12)
    np.testing.assert_allclose(info.entropy([0.9, 0.1], unit="bits"),
                               -(0.9 * math.log2(0.9) + 0.1 * math.log2(0.1)), rtol=1e-12)


def test_entropy_ignores_impossible_outcomes(rng):
    # appending outcomes of probability 0 adds 0 log 0 = 0 terms
    p = random_dists(rng, 4)
    np.testing.assert_allclose(info.entropy(np.concatenate([p, [0.0, 0.0]])), info.entropy(p),
                               rtol=1e-12)
    np.testing.assert_allclose(info.entropy(p), stats.entropy(p), rtol=1e-12)


# -------------------------------------------------------------------- cross entropy
@pytest.mark.parametrize("unit, base", UNITS)
def test_cross_entropy_matches_xlogy_formula(rng, unit, base):
    # H(p, q) = -sum_k p_k log q_k
    p, q = random_dists(rng, 5, zeros=True), random_dists(rng, 5)
    expected = -np.sum(special.xlogy(p, q)) / math.log(base)
    np.testing.assert_allclose(info.cross_entropy(p, q, unit=unit), expected, rtol=1e-12)


def test_cross_entropy_worked_example_equals_the_classification_loss():
    # the notes: y = (0, 0, 1, 0), y_hat = (.2, .1, .65, .05) -> -log 0.65
    y, y_hat = [0, 0, 1, 0], [0.2, 0.1, 0.65, 0.05]
    np.testing.assert_allclose(info.cross_entropy(y, y_hat), -math.log(0.65), rtol=1e-12)
    np.testing.assert_allclose(info.cross_entropy(y, y_hat), losses.cross_entropy(2, y_hat),
                               rtol=1e-12)
    np.testing.assert_allclose(info.cross_entropy(y, y_hat, unit="bits"), -math.log2(0.65),
                               rtol=1e-12)


def test_cross_entropy_of_a_distribution_with_itself_is_its_entropy(rng):
    p = random_dists(rng, 6)
    np.testing.assert_allclose(info.cross_entropy(p, p), stats.entropy(p), rtol=1e-12)


def test_cross_entropy_is_infinite_when_q_rules_out_what_p_allows():
    # p_0 log q_0 = 0.5 log 0 = -inf
    with strict_numerics():
        value = info.cross_entropy([0.5, 0.5], [0.0, 1.0])
    assert np.isposinf(value)


def test_cross_entropy_is_finite_when_q_is_zero_only_where_p_is_zero():
    # 0 log 0 = 0: H((0, 1), (0, 1)) = -1 log 1 = 0
    with strict_numerics():
        value = info.cross_entropy([0.0, 1.0], [0.0, 1.0])
    np.testing.assert_allclose(value, 0.0, atol=0)


@pytest.mark.parametrize("p_shape, q_shape", [((4, 3), (4, 3)), ((4, 3), (3,)), ((3,), (4, 3)),
                                              ((2, 5, 3), (5, 3))])
def test_cross_entropy_and_kl_of_batches_broadcast_over_leading_axes(rng, p_shape, q_shape):
    p, q = random_dists(rng, p_shape), random_dists(rng, q_shape)
    pb, qb = np.broadcast_arrays(p, q)
    expected_ce = -np.sum(special.xlogy(pb, qb), axis=-1)
    expected_kl = stats.entropy(pb, qb, axis=-1)
    np.testing.assert_allclose(info.cross_entropy(p, q), expected_ce, rtol=1e-12)
    np.testing.assert_allclose(info.kl_divergence(p, q), expected_kl, rtol=1e-10, atol=1e-15)


# ---------------------------------------------------------------------- KL divergence
@pytest.mark.parametrize("unit, base", UNITS)
@pytest.mark.parametrize("zeros", [False, True])
def test_kl_divergence_matches_scipy(rng, unit, base, zeros):
    # KL(p || q) = sum_k p_k log(p_k / q_k); scipy.stats.entropy(p, q) computes the same
    p, q = random_dists(rng, 7, zeros=zeros), random_dists(rng, 7)
    np.testing.assert_allclose(info.kl_divergence(p, q, unit=unit),
                               stats.entropy(p, q, base=base), rtol=1e-10)


@pytest.mark.parametrize("p", [[0.5, 0.5], [1.0, 0.0], [0.2, 0.1, 0.65, 0.05], [0.0, 0.3, 0.7]])
def test_kl_divergence_of_a_distribution_with_itself_is_zero(p):
    with strict_numerics():
        value = info.kl_divergence(p, p)
    np.testing.assert_allclose(value, 0.0, atol=1e-15)


def test_kl_divergence_is_not_symmetric():
    # KL(p||q) = .9 ln(.9/.5) + .1 ln(.1/.5) = 0.3681
    # KL(q||p) = .5 ln(.5/.9) + .5 ln(.5/.1) = 0.5108
    p, q = [0.9, 0.1], [0.5, 0.5]
    forward = 0.9 * math.log(0.9 / 0.5) + 0.1 * math.log(0.1 / 0.5)
    backward = 0.5 * math.log(0.5 / 0.9) + 0.5 * math.log(0.5 / 0.1)
    np.testing.assert_allclose(info.kl_divergence(p, q), forward, rtol=1e-12)
    np.testing.assert_allclose(info.kl_divergence(q, p), backward, rtol=1e-12)
    assert abs(forward - backward) > 0.1


def test_kl_divergence_docstring_value_in_bits():
    # KL((1, 0) || (1/2, 1/2)) = 1 log2(1 / (1/2)) = 1 bit
    np.testing.assert_allclose(info.kl_divergence([1.0, 0.0], [0.5, 0.5], unit="bits"), 1.0,
                               rtol=1e-12)


def test_kl_divergence_is_infinite_when_q_has_a_zero_where_p_does_not():
    with strict_numerics():
        forward = info.kl_divergence([0.5, 0.5], [1.0, 0.0])
        backward = info.kl_divergence([1.0, 0.0], [0.5, 0.5])
    assert np.isposinf(forward)
    np.testing.assert_allclose(backward, math.log(2.0), rtol=1e-12)


def test_kl_divergence_of_a_batch(rng):
    p, q = random_dists(rng, (6, 4), zeros=True), random_dists(rng, (6, 4))
    value = info.kl_divergence(p, q)
    assert value.shape == (6,)
    np.testing.assert_allclose(value, stats.entropy(p, q, axis=-1), rtol=1e-10)


# ------------------------------------------------------------- identities on random input
@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("unit", ["nats", "bits"])
def test_cross_entropy_is_entropy_plus_kl(seed, unit):
    # H(p, q) = H(p) + KL(p || q), on a batch of random distributions (some with zeros in p)
    rng = np.random.default_rng(seed)
    p, q = random_dists(rng, (8, 5), zeros=seed % 2 == 1), random_dists(rng, (8, 5))
    np.testing.assert_allclose(info.cross_entropy(p, q, unit=unit),
                               info.entropy(p, unit=unit) + info.kl_divergence(p, q, unit=unit),
                               rtol=1e-10)


weights = st.lists(st.floats(0.0, 1.0, allow_nan=False), min_size=2, max_size=6)


@settings(max_examples=60, deadline=None)
@given(weights, weights)
def test_gibbs_inequality_and_kl_against_scipy(wp, wq):
    # KL(p || q) >= 0 (Gibbs), equivalently H(p, q) >= H(p); checked with the values themselves
    k = min(len(wp), len(wq))
    wp, wq = np.array(wp[:k]) + 1e-3, np.array(wq[:k]) + 1e-3   # keep every q_k > 0
    p, q = wp / wp.sum(), wq / wq.sum()
    kl = info.kl_divergence(p, q)
    np.testing.assert_allclose(kl, stats.entropy(p, q), rtol=1e-8, atol=1e-12)
    assert kl >= 0.0
    assert info.cross_entropy(p, q) >= info.entropy(p) - 1e-12


# -------------------------------------------------------------------------- errors
ALL_FUNCS = [
    (info.self_information, (0.5,)),
    (info.entropy, ([0.5, 0.5],)),
    (info.cross_entropy, ([0.5, 0.5], [0.5, 0.5])),
    (info.kl_divergence, ([0.5, 0.5], [0.5, 0.5])),
]


@pytest.mark.parametrize("func, args", ALL_FUNCS, ids=[c[0].__name__ for c in ALL_FUNCS])
@pytest.mark.parametrize("unit, error", [("dB", ValueError), ("bit", ValueError),
                                         (None, TypeError), (2, TypeError)])
def test_unknown_unit_is_rejected(func, args, unit, error):
    # a wrong string is a wrong value; a non-string is a wrong type
    with pytest.raises(error, match=r'unit must be "nats" or "bits", got '):
        func(*args, unit=unit)


def test_unknown_unit_message_names_what_arrived_and_the_fix():
    with pytest.raises(ValueError, match=r"got the string 'dB'\. Use \"nats\" for natural logs"):
        info.entropy([0.5, 0.5], unit="dB")


BAD_INPUTS = [
    # probabilities outside [0, 1]
    (info.self_information, (1.5,), ValueError,
     r"p must lie in \[0, 1\], got 1\.5\. A probability is a number between 0 and 1"),
    (info.self_information, ([0.5, -0.1],), ValueError,
     r"p must lie in \[0, 1\], got -0\.1 at index 1"),
    (info.entropy, ([1.5, -0.5],), ValueError, r"p must lie in \[0, 1\], got 1\.5 at index 0"),
    (info.kl_divergence, ([0.5, 0.5], [1.2, -0.2]), ValueError, r"q must lie in \[0, 1\]"),
    # rows not summing to 1
    (info.entropy, ([0.5, 0.6],), ValueError,
     r"p must sum to 1 along its last axis, got a sum of 1\.1\. Normalise it"),
    (info.entropy, ([[0.5, 0.5], [0.2, 0.2]],), ValueError,
     r"p must sum to 1 along its last axis, got a sum of 0\.4 at index 1"),
    (info.cross_entropy, ([0.5, 0.5], [0.3, 0.3]), ValueError,
     r"q must sum to 1 along its last axis"),
    (info.kl_divergence, ([0.3, 0.3], [0.5, 0.5]), ValueError,
     r"p must sum to 1 along its last axis"),
    # shapes that differ
    (info.kl_divergence, ([0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]), ValueError,
     r"p and q must have the same number of outcomes \(last axis\), got 2 and 3"),
    (info.cross_entropy, ([[0.5, 0.5]], [[0.2, 0.3, 0.5]]), ValueError,
     r"p and q must have the same number of outcomes"),
    # NaN, empty, scalar where a distribution is needed
    (info.self_information, (np.nan,), ValueError, r"p must contain only finite numbers, got nan"),
    (info.entropy, ([0.5, np.nan],), ValueError,
     r"p must contain only finite numbers, got nan at index 1"),
    (info.kl_divergence, ([0.5, 0.5], [np.nan, 0.5]), ValueError, r"q must contain only finite"),
    (info.entropy, ([],), ValueError, r"p must contain at least one value, got an empty array"),
    (info.self_information, ([],), ValueError, r"p must contain at least one value"),
    (info.cross_entropy, ([0.5, 0.5], []), ValueError, r"q must contain at least one value"),
    (info.entropy, (1.0,), ValueError, r"p must be a vector of class probabilities, got 1"),
    # None / strings
    (info.self_information, (None,), TypeError,
     r"p must be a number or an array of numbers, got None"),
    (info.entropy, ("0.5",), TypeError,
     r"p must be a number or an array of numbers, got the string"),
    (info.kl_divergence, ([0.5, 0.5], None), TypeError,
     r"q must be a number or an array of numbers"),
    (info.cross_entropy, ([[0.5, 0.5], [1.0]], [0.5, 0.5]), TypeError,
     r"p must be a number or an array of numbers"),
]


@pytest.mark.parametrize("func, args, exc, match", BAD_INPUTS,
                         ids=[f"{i}-{case[0].__name__}" for i, case in enumerate(BAD_INPUTS)])
def test_bad_input_gets_a_clear_error(func, args, exc, match):
    with pytest.raises(exc, match=match):
        func(*args)


@pytest.mark.parametrize("func", [info.cross_entropy, info.kl_divergence])
def test_batches_of_different_lengths_get_a_clear_error(func):
    # 2 distributions against 3: there is no pairing, and the error should say which
    # arguments clash (like the last-axis check does), not numpy's "operands could not be
    # broadcast together with shapes (2,2) (3,2)"
    p = np.full((2, 2), 0.5)
    q = np.full((3, 2), 0.5)
    with pytest.raises(ValueError, match=r"p and q must"):
        func(p, q)


# ------------------------------------------------------------------ set_probability
@pytest.mark.parametrize("k, value", [(0, 0.5), (1, 0.01), (2, 0.99), (3, 0.0), (0, 1.0)])
def test_set_probability_sets_one_entry_and_rescales_the_others_by_one_factor(rng, k, value):
    q = random_dists(rng, (4,))
    out = info.set_probability(q, k, value)
    assert out[k] == value
    assert math.fsum(out) == pytest.approx(1.0, abs=1e-15)
    others = [j for j in range(4) if j != k]
    # by hand: every other entry times (1 - value) / (1 - q_k)
    for j in others:
        assert out[j] == pytest.approx(q[j] * (1 - value) / (1 - q[k]), rel=1e-12, abs=1e-300)
    assert np.all(out >= 0) and q is not out


def test_set_probability_there_and_back_returns_the_same_distribution(rng):
    q = random_dists(rng, (5,))
    moved = info.set_probability(info.set_probability(q, 3, 0.9), 3, q[3])
    np.testing.assert_allclose(moved, q, rtol=1e-12)


def test_set_probability_keeps_zeros_and_shares_the_rest_of_a_one_hot():
    np.testing.assert_allclose(info.set_probability([0.5, 0.0, 0.5], 0, 0.2), [0.2, 0.0, 0.8])
    np.testing.assert_allclose(info.set_probability([0.0, 1.0, 0.0], 1, 0.4), [0.3, 0.4, 0.3])


@pytest.mark.parametrize("args, match", [
    (([0.5, 0.6], 0, 0.5), "q must sum to 1"),
    (([[0.5, 0.5], [0.5, 0.5]], 0, 0.5), r"q must be one probability vector, got an array of shape \(2, 2\)"),
    (([0.5, 0.5], 2, 0.5), r"k must be an outcome in \[0, 1\], got 2. Outcomes count from 0"),
    (([0.5, 0.5], -1, 0.5), "k must be an integer >= 0"),
    (([0.5, 0.5], 0, 1.5), r"value must lie in \[0, 1\], got 1.5"),
])
def test_set_probability_refuses_bad_input_clearly(args, match):
    with pytest.raises(ValueError, match=match):
        info.set_probability(*args)
