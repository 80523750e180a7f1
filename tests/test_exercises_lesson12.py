"""Checks of lesson 12 (outputs are distributions): right answers in every form pass, the
usual slips get their hint, wrong types get a sentence, and no message reveals the answer."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

from mlekit.exercises import lesson12 as ex
from exercise_helpers import FAIL_MARK, PASS_MARK, answer_leaks, failure, function_blanks, run


# independent references: scipy and plain numpy, no mlekit.generative
def reference_nll(t, mu, log_sigma):
    return float(-np.mean(stats.norm.logpdf(t, mu, np.exp(log_sigma))))


def reference_kl(mu, log_sigma):
    total = 0.0
    for m, s in zip(mu, np.exp(log_sigma)):
        q = stats.norm(m, s)
        total += integrate.quad(lambda z: q.pdf(z) * (q.logpdf(z) - stats.norm.logpdf(z)),
                                -np.inf, np.inf)[0]
    return total


def closed_kl(mu, log_sigma):
    return float(0.5 * np.sum(mu ** 2 + np.exp(2 * log_sigma) - 1 - 2 * log_sigma))


def reference_reparam(mu, log_sigma, eps):
    s = np.exp(log_sigma)
    return mu + s * eps, np.ones_like(mu), s * eps


def test_references_agree_with_each_other_and_hand_values():
    assert math.isclose(reference_nll([1.0], [0.0], [0.0]), 0.5 * math.log(2 * math.pi) + 0.5)
    mu, ls = np.array([0.4, -1.0]), np.array([0.2, -0.5])
    assert math.isclose(reference_kl(mu, ls), closed_kl(mu, ls), rel_tol=1e-7)
    z, d_mu, d_ls = reference_reparam(np.array([1.0]), np.array([math.log(2.0)]), np.array([0.5]))
    assert z.tolist() == [2.0] and d_ls.tolist() == [1.0]


# ------------------------------------------------------------------ exercise 1
FIRST_NLL = reference_nll(*ex._nll_probes()[0])


def test_nll_accepts_every_correct_form(capsys):
    for answer in (reference_nll,
                   lambda t, m, s: np.float32(reference_nll(t, m, s)),
                   lambda t, m, s: [reference_nll(t, m, s)],
                   lambda t, m, s: np.mean(0.5 * np.log(2 * np.pi * np.exp(2 * s))
                                           + (t - m) ** 2 / (2 * np.exp(s) ** 2)),
                   lambda t, m, s: sum(-math.log(math.exp(-(ti - mi) ** 2 / (2 * math.exp(2 * si)))
                                                 / math.sqrt(2 * math.pi * math.exp(2 * si)))
                                       for ti, mi, si in zip(t, m, s)) / len(t)):
        fb, out, err = run(ex.check_gaussian_nll_learned_sigma, answer, capsys)
        assert fb and out.startswith(PASS_MARK) and err == "", err


L2PI = math.log(2 * math.pi)


@pytest.mark.parametrize("slip, hint", [
    (lambda t, m, s: len(t) * reference_nll(t, m, s), "sum over the samples"),
    (lambda t, m, s: -reference_nll(t, m, s), "wrong sign"),
    (lambda t, m, s: reference_nll(t, m, s) - 0.5 * L2PI, "constant ½ log 2π"),
    (lambda t, m, s: float(np.mean(0.5 * L2PI + np.log(np.abs(s)) + (t - m) ** 2 / (2 * s ** 2))),
     "as if it were σ"),
    (lambda t, m, s: float(np.mean(0.5 * L2PI + (t - m) ** 2 / (2 * np.exp(2 * s)))), "no log σ"),
    (lambda t, m, s: float(np.mean(0.5 * L2PI + s + (t - m) ** 2 / (2 * np.exp(s)))), "by 2σ;"),
    (lambda t, m, s: float(np.mean(0.5 * L2PI + s + (t - m) ** 2 / np.exp(2 * s))), "missing the ½"),
    (lambda t, m, s: float(np.mean(0.5 * L2PI + 2 * s + (t - m) ** 2 / (2 * np.exp(2 * s)))),
     "twice"),
    (lambda t, m, s: reference_nll(t, m, s) / math.log(2), "bits"),
    (lambda t, m, s: -stats.norm.logpdf(t, m, np.exp(s)), "average them"),
    (lambda t, m, s: 0.5, "not the mean Gaussian NLL"),
])
def test_nll_slips_get_their_hint(capsys, slip, hint):
    err = failure(ex.check_gaussian_nll_learned_sigma, slip, capsys, hint)
    assert not answer_leaks(err, [FIRST_NLL]) and "Traceback" not in err


@pytest.mark.parametrize("answer, hint", [
    *function_blanks("-np.mean(norm.logpdf(t, mu, sigma))"),
    (lambda t, m, s: "0.5", "not text"),
    (lambda t, m, s: float("nan"), "NaN"),
])
def test_nll_wrong_types_get_a_sentence(capsys, answer, hint):
    failure(ex.check_gaussian_nll_learned_sigma, answer, capsys, hint)


# ------------------------------------------------------------------ exercise 2
FIRST_KL = closed_kl(*ex._kl_probes()[0])


def test_kl_probes_match_numerical_integration():
    for mu, ls in ex._kl_probes():
        assert math.isclose(reference_kl(mu, ls), closed_kl(mu, ls), rel_tol=1e-6)


def test_kl_accepts_every_correct_form(capsys):
    for answer in (closed_kl,
                   lambda m, s: np.sum(np.log(1 / np.exp(s)) + (np.exp(s) ** 2 + m ** 2) / 2 - 0.5),
                   lambda m, s: np.array(closed_kl(m, s)),
                   lambda m, s: (closed_kl(m, s),),
                   lambda m, s: sum(0.5 * (mi * mi + math.exp(2 * si) - 1) - si
                                    for mi, si in zip(m, s))):
        fb, out, err = run(ex.check_gaussian_kl, answer, capsys)
        assert fb and err == "", err


@pytest.mark.parametrize("slip, hint", [
    (lambda m, s: closed_kl(m, s) / len(m), "averages over the dimensions"),
    (lambda m, s: -closed_kl(m, s), "wrong sign"),
    (lambda m, s: 2 * closed_kl(m, s), "factor ½"),
    (lambda m, s: closed_kl(m, s) + 0.5 * len(m), "missing the −1"),
    (lambda m, s: float(0.5 * np.sum(m ** 2 + np.exp(s) - 1 - 2 * s)), "uses σ where"),
    (lambda m, s: float(0.5 * np.sum(m ** 2 + s ** 2 - 1 - np.log(s ** 2))), "as if it were σ"),
    (lambda m, s: float(np.sum(s + (1 + m ** 2) / (2 * np.exp(2 * s)) - 0.5)), "other way round"),
    (lambda m, s: float(0.5 * np.sum(m ** 2 + np.exp(2 * s) - 1 - s)), "log σ² = 2 log σ"),
    (lambda m, s: 0.5 * (m ** 2 + np.exp(2 * s) - 1 - 2 * s), "add them up"),
    (lambda m, s: 1.5, "not the KL divergence"),
])
def test_kl_slips_get_their_hint(capsys, slip, hint):
    err = failure(ex.check_gaussian_kl, slip, capsys, hint)
    assert not answer_leaks(err, [FIRST_KL]) and "Traceback" not in err


@pytest.mark.parametrize("answer, hint", [*function_blanks("0.5 * sum(mu**2)"),
                                          (lambda m, s: "1", "not text")])
def test_kl_wrong_types_get_a_sentence(capsys, answer, hint):
    failure(ex.check_gaussian_kl, answer, capsys, hint)


# ------------------------------------------------------------------ exercise 3
def test_reparam_accepts_every_correct_form(capsys):
    for answer in (reference_reparam,
                   lambda m, s, e: [list(a) for a in reference_reparam(m, s, e)],
                   lambda m, s, e: (m + np.exp(s) * e, 1.0, np.exp(s) * e),       # scalar 1
                   lambda m, s, e: np.array(reference_reparam(m, s, e))):
        fb, out, err = run(ex.check_reparameterised_sample, answer, capsys)
        assert fb and err == "", err


def _with(z=None, d_mu=None, d_ls=None):
    def answer(m, s, e):
        rz, rmu, rls = reference_reparam(m, s, e)
        sig = np.exp(s)
        pick = lambda f, ref: ref if f is None else f(m, s, e, sig)     # noqa: E731
        return pick(z, rz), pick(d_mu, rmu), pick(d_ls, rls)
    return answer


@pytest.mark.parametrize("slip, hint", [
    (_with(z=lambda m, s, e, sig: m + s * e), "z uses log_sigma"),
    (_with(z=lambda m, s, e, sig: m + sig ** 2 * e), "variance"),
    (_with(z=lambda m, s, e, sig: sig * (m + e)), "scales μ too"),
    (_with(z=lambda m, s, e, sig: m - sig * e), "sign of the noise term"),
    (_with(z=lambda m, s, e, sig: m + 0.5 * e), "not a sample"),
    (_with(d_mu=lambda m, s, e, sig: e), "dz_dmu is ε"),
    (_with(d_mu=lambda m, s, e, sig: 0 * m), "dz_dmu is 0"),
    (_with(d_ls=lambda m, s, e, sig: e), "chain it"),
    (_with(d_ls=lambda m, s, e, sig: sig), "does not change with ε"),
    (_with(d_ls=lambda m, s, e, sig: sig ** 2 * e), "has a σ² in it"),
    (_with(d_ls=lambda m, s, e, sig: s * e), "dz_dlog_sigma uses log_sigma"),
    (_with(d_ls=lambda m, s, e, sig: 0 * m + 2.0), "not the derivative of z"),
    (lambda m, s, e: m + np.exp(s) * e, "return the three"),
    (lambda m, s, e: (np.zeros(7), np.ones(7), np.ones(7)), "shape (7,)"),
])
def test_reparam_slips_get_their_hint(capsys, slip, hint):
    err = failure(ex.check_reparameterised_sample, slip, capsys, hint)
    assert "Traceback" not in err


@pytest.mark.parametrize("answer, hint", [*function_blanks("mu + sigma * eps"),
                                          (lambda m, s, e: ("z", 1, 2), "not text")])
def test_reparam_wrong_types_get_a_sentence(capsys, answer, hint):
    failure(ex.check_reparameterised_sample, answer, capsys, hint)


def test_messages_never_show_a_reference_value(capsys):
    mu, ls, eps = ex._reparam_probes()[0]
    z = mu + np.exp(ls) * eps
    err = failure(ex.check_reparameterised_sample, _with(z=lambda m, s, e, sig: m + 0.5 * e),
                  capsys, "")
    assert not answer_leaks(err, z) and FAIL_MARK in err
