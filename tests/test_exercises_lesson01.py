"""Checks of lesson 01 (likelihood): right answers pass, usual slips get their hint, wrong
types get a sentence instead of a traceback, and no message reveals the answer."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from mlekit.exercises import lesson01 as ex
from exercise_helpers import (PASS_MARK, ECHO_SAFE_FORMATS, answer_leaks as _answer_leaks,
                             not_implemented, run, failure)


def answer_leaks(text, values):
    """This lesson's formats: scientific notation too."""
    return _answer_leaks(text, values, formats=(*ECHO_SAFE_FORMATS, "{:.2e}", "{:.3e}"))


HEIGHTS = np.array([164.95, 165.35, 165.76, 166.16, 167.78,
                    168.99, 169.80, 170.20, 171.82, 172.63])


# ------------------------------------------------------------ reference answers
def reference_binomial(r, n, p):
    return math.comb(n, r) * p ** r * (1 - p) ** (n - r)


def reference_gaussian(x, mu, sigma):
    return float(np.prod(stats.norm.pdf(x, loc=mu, scale=sigma)))


BINOMIAL_REFERENCES = [reference_binomial(7, 10, p) for p in (0.7, 0.5)] + [
    reference_binomial(3, 10, 0.7), reference_binomial(2, 5, 0.2), reference_binomial(4, 12, 0.35)]
GAUSSIAN_REFERENCES = [reference_gaussian(HEIGHTS, 168.3, 2.6),
                       reference_gaussian(HEIGHTS, 165.0, 4.0),
                       reference_gaussian(np.array([1.0, 2.0, 4.0]), 2.0, 1.5),
                       reference_gaussian(np.array([0.10, 0.20, 0.15, 0.12]), 0.15, 0.05)]


# ------------------------------------------------------------------ exercise 1
def test_reference_values_agree_with_scipy():
    for r, n, p in [(7, 10, 0.7), (0, 4, 0.3), (6, 6, 0.9), (3, 10, 0.0), (10, 10, 1.0)]:
        assert np.isclose(reference_binomial(r, n, p), stats.binom.pmf(r, n, p))


def test_binomial_accepts_the_reference(capsys):
    fb, out, err = run(ex.check_binomial_probability, reference_binomial, capsys)
    assert fb and out.startswith(PASS_MARK) and err == ""
    assert "r = 0, r = n, p = 0 and p = 1" in out


def test_binomial_accepts_scipy_and_numpy_answers(capsys):
    fb, _, _ = run(ex.check_binomial_probability, lambda r, n, p: stats.binom.pmf(r, n, p), capsys)
    assert fb
    fb, _, _ = run(ex.check_binomial_probability,
                   lambda r, n, p: np.array([math.comb(n, r) * np.power(p, r)
                                             * np.power(1 - p, n - r)]), capsys)
    assert fb


@pytest.mark.parametrize("slip, hint", [
    (lambda r, n, p: p ** r * (1 - p) ** (n - r), "Count the orders too"),
    (lambda r, n, p: math.comb(n, r) * (1 - p) ** r * p ** (n - r), "swapped p and 1 - p"),
    (lambda r, n, p: math.log(reference_binomial(r, n, p)), "the log of the probability"),
    (lambda r, n, p: math.comb(r, n) * p ** r * (1 - p) ** (n - r) if r <= n else 0.0,
     "argument order"),
    (lambda n, r, p: math.comb(n, r) * p ** r * (1 - p) ** (n - r) if r <= n else 0.0,
     "argument order"),
    (lambda r, n, p: math.factorial(n) * p ** r * (1 - p) ** (n - r), "not a probability"),
    (lambda r, n, p: math.comb(n, r) * p ** r, "not a probability"),
    (lambda r, n, p: 0.5, "Build it from its three factors"),
])
def test_binomial_slips_get_their_hint(capsys, slip, hint):
    assert not answer_leaks(failure(ex.check_binomial_probability, slip, capsys, hint), BINOMIAL_REFERENCES)


def test_binomial_edge_cases_are_checked(capsys):
    # right in the middle, wrong at p = 0 and p = 1 (e.g. a guard that returns 0 there)
    def edge_slip(r, n, p):
        if p in (0.0, 1.0):
            return 0.0
        return reference_binomial(r, n, p)

    fb, out, err = run(ex.check_binomial_probability, edge_slip, capsys)
    assert not fb and "edge case" in err and "(0, 10, 0.0)" in err


@pytest.mark.parametrize("answer, hint", [
    (None, "is None"),
    ("nCr p^r (1-p)^(n-r)", "should be a function"),
    (0.25, "should be a function"),
    (not_implemented, "NotImplementedError"),
    (lambda r, n, p: 1 / 0, "raised ZeroDivisionError"),
    (lambda r, n, p: undefined_name, "raised NameError"),  # noqa: F821
    (lambda r, n, p: "0.27", "remove the quotes"),
    (lambda r, n, p: None, "forget the `return`"),
    (lambda r, n, p: [0.1, 0.2], "single number"),
    (lambda r, n, p: float("nan"), "NaN"),
])
def test_binomial_wrong_types_get_a_sentence(capsys, answer, hint):
    fb, out, err = run(ex.check_binomial_probability, answer, capsys)
    assert not fb and hint in err and "Traceback" not in err
    assert not answer_leaks(err, BINOMIAL_REFERENCES)


# ------------------------------------------------------------------ exercise 2
def reference_gaussian_function(x, mu, sigma):
    return np.prod(np.exp(-(x - mu) ** 2 / (2 * sigma ** 2)) / (sigma * np.sqrt(2 * np.pi)))


def test_gaussian_accepts_the_reference(capsys):
    fb, out, err = run(ex.check_gaussian_likelihood, reference_gaussian_function, capsys)
    assert fb and out.startswith(PASS_MARK) and err == ""


def test_gaussian_accepts_a_python_loop(capsys):
    def loop(x, mu, sigma):
        total = 1.0
        for xi in x:
            total *= (math.exp(-(xi - mu) ** 2 / (2 * sigma ** 2))
                      / math.sqrt(2 * math.pi * sigma ** 2))
        return total

    fb, _, _ = run(ex.check_gaussian_likelihood, loop, capsys)
    assert fb


def _dens(x, mu, sigma):
    return np.exp(-(x - mu) ** 2 / (2 * sigma ** 2)) / (sigma * np.sqrt(2 * np.pi))


@pytest.mark.parametrize("slip, hint", [
    (lambda x, mu, s: np.sum(np.log(_dens(x, mu, s))), "returned the log-likelihood"),
    (lambda x, mu, s: -np.sum(np.log(_dens(x, mu, s))), "negative log-likelihood"),
    (lambda x, mu, s: np.prod(np.exp(-(x - mu) ** 2 / (2 * s)) / np.sqrt(2 * np.pi * s)),
     "not the variance"),
    (lambda x, mu, s: np.prod(_dens(x, mu, s ** 2)), "used the variance sigma ** 2"),
    (lambda x, mu, s: np.prod(np.exp(-(x - mu) ** 2 / (2 * s)) / (s * np.sqrt(2 * np.pi))),
     "not by 2 sigma"),
    (lambda x, mu, s: np.sum(_dens(x, mu, s)), "returned the sum of the densities"),
    (lambda x, mu, s: np.mean(_dens(x, mu, s)), "returned the mean of the densities"),
    (lambda x, mu, s: np.prod(np.exp(-(x - mu) ** 2 / (2 * s ** 2))), "normalising factor"),
    (lambda x, mu, s: _dens(x, mu, s), "multiply them together"),
    (lambda x, mu, s: np.zeros_like(x), "one per data point"),
    (lambda x, mu, s: -np.prod(_dens(x, mu, s)) * 2, "never negative"),
    (lambda x, mu, s: np.prod(_dens(x, mu, s)) * 2, "not the product of the Gaussian"),
])
def test_gaussian_slips_get_their_hint(capsys, slip, hint):
    assert not answer_leaks(failure(ex.check_gaussian_likelihood, slip, capsys, hint), GAUSSIAN_REFERENCES)


def test_gaussian_densities_above_one_are_checked(capsys):
    # a "likelihood" clipped to [0, 1] is right on the heights but wrong when densities exceed 1
    fb, out, err = run(ex.check_gaussian_likelihood,
                       lambda x, mu, s: min(1.0, np.prod(_dens(x, mu, s))), capsys)
    assert not fb and "0.15, 0.05" in err


def test_gaussian_does_not_accept_a_tiny_wrong_value(capsys):
    # the likelihood of the heights is about 1e-11: an absolute tolerance would accept 0
    fb, out, err = run(ex.check_gaussian_likelihood, lambda x, mu, s: 0.0, capsys)
    assert not fb


@pytest.mark.parametrize("answer, hint", [
    (None, "is None"),
    ("np.prod(densities)", "should be a function"),
    (not_implemented, "NotImplementedError"),
    (lambda x, mu, s: x[100], "raised IndexError"),
    (lambda x, mu, s: "1e-11", "remove the quotes"),
    (lambda x, mu, s: None, "forget the `return`"),
])
def test_gaussian_wrong_types_get_a_sentence(capsys, answer, hint):
    fb, out, err = run(ex.check_gaussian_likelihood, answer, capsys)
    assert not fb and hint in err and "Traceback" not in err


def test_gaussian_check_does_not_let_the_student_change_the_data(capsys):
    def mutating(x, mu, s):
        value = np.prod(_dens(x, mu, s))
        x[:] = 0.0
        return value

    fb, _, _ = run(ex.check_gaussian_likelihood, mutating, capsys)
    assert fb
    assert ex.heights()[0] == 164.95


# ------------------------------------------------------------------ exercise 3
def candidate_likelihoods():
    return [reference_gaussian(HEIGHTS, mu, sigma) for mu, sigma in ex.CANDIDATES]


def best_candidate():
    return int(np.argmax(candidate_likelihoods())) + 1


def test_most_likely_accepts_the_best(capsys):
    fb, out, err = run(ex.check_most_likely, best_candidate(), capsys)
    assert fb and out.startswith(PASS_MARK)
    fb, _, _ = run(ex.check_most_likely, float(best_candidate()), capsys)
    assert fb


def test_most_likely_is_not_the_tallest_curve():
    # the exercise is only interesting if the narrowest (tallest) candidate is not the best
    narrowest = int(np.argmin([s for _, s in ex.CANDIDATES])) + 1
    assert best_candidate() != narrowest


@pytest.mark.parametrize("which, hint", [
    ("worst", "least likely"),
    ("middle", "not the most likely"),
])
def test_most_likely_wrong_picks(capsys, which, hint):
    order = np.argsort(candidate_likelihoods()) + 1
    pick = int(order[0] if which == "worst" else order[1])
    fb, out, err = run(ex.check_most_likely, pick, capsys)
    assert not fb and hint in err and str(best_candidate()) not in err


@pytest.mark.parametrize("answer, hint", [
    (None, "still None"),
    ("2", "remove the quotes"),
    (True, "True/False"),
    (168.3, "1, 2 or 3"),
    (4, "1, 2 or 3"),
    (0, "1, 2 or 3"),
    (2.5, "1, 2 or 3"),
    ([1, 2], "single number"),
    (float("nan"), "NaN"),
])
def test_most_likely_wrong_types(capsys, answer, hint):
    fb, out, err = run(ex.check_most_likely, answer, capsys)
    assert not fb and hint in err and "Traceback" not in err
    assert not answer_leaks(err, candidate_likelihoods())
