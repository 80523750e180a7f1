"""Checks of lesson 08 (information theory): right answers pass, usual slips get their hint,
wrong types get a sentence instead of a traceback, and no message reveals the answer."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlekit.exercises import lesson08 as ex
from exercise_helpers import FAIL_MARK, PASS_MARK, answer_leaks, not_implemented, run


# ----------------------------------------------------------------- references (numpy only)
def reference_entropy_bits(p):
    p = np.asarray(p, dtype=float)
    p = p[p > 0]
    return -np.sum(p * np.log2(p))


def reference_kl(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    seen = p > 0
    with np.errstate(divide="ignore"):
        return np.sum(p[seen] * np.log(p[seen] / q[seen]))


def test_references_agree_with_mlekit():
    from mlekit import information

    for p in ex._ENTROPY_PROBES:
        assert np.isclose(reference_entropy_bits(p), information.entropy(p, unit="bits"))
    for p, q in ex._KL_PROBES:
        want = information.kl_divergence(p, q)
        got = reference_kl(p, q)
        assert (np.isinf(want) and np.isinf(got)) or np.isclose(got, want)


# ------------------------------------------------------------------ exercise 1: entropy
def test_entropy_accepts_the_reference(capsys):
    fb, out, err = run(ex.check_entropy_bits, reference_entropy_bits, capsys)
    assert fb and out.startswith(PASS_MARK) and err == ""


def test_entropy_accepts_other_correct_forms(capsys):
    # np.where instead of masking; a list input would work as well
    def with_where(p):
        safe = np.where(p > 0, p, 1.0)
        return -np.sum(p * np.log2(safe))

    fb, out, err = run(ex.check_entropy_bits, with_where, capsys)
    assert fb


def _naive_bits(p):
    return -np.sum(p * np.log2(p))          # 0 * log2(0) = nan


@pytest.mark.parametrize("slip, hint", [
    (lambda p: reference_entropy_bits(p) * math.log(2), "natural log"),        # nats
    (lambda p: reference_entropy_bits(p) * math.log10(2), "log base 10"),
    (_naive_bits, "0 log 0 = 0"),                                               # nan
    (lambda p: -reference_entropy_bits(p), "minus sign"),
    (lambda p: np.where(p > 0, -p * np.log2(np.where(p > 0, p, 1.0)), 0.0), "add them up"),
    (lambda p: -np.sum(np.log2(p[p > 0])), "without weights"),
    (lambda p: -np.mean(p[p > 0] * np.log2(p[p > 0])), "instead of taking their mean"),
    (lambda p: 1.0, "not the entropy in bits"),
])
def test_entropy_slips_get_their_hint(capsys, slip, hint):
    fb, out, err = run(ex.check_entropy_bits, slip, capsys)
    assert not fb and out == "" and err.startswith(FAIL_MARK) and hint in err
    # the first distribution the slip fails on has a non-trivial entropy: it must not leak
    leaks = [reference_entropy_bits(p) for p in ((0.7, 0.3), (0.2, 0.1, 0.65, 0.05),
                                                  (0.2, 0.0, 0.8))]
    assert not answer_leaks(err, leaks)


@pytest.mark.parametrize("answer, hint", [
    (None, "is None"),
    ("-sum(p * log2(p))", "should be a function"),
    (not_implemented, "NotImplementedError"),
    (lambda p: 1 / 0, "raised ZeroDivisionError"),
    (lambda p: math.log2(0.0), "raised ValueError"),
    (lambda p: "two bits", "remove the quotes"),
    (lambda p: [1.0, 2.0, 3.0], "single number"),
    (lambda p: None, "forget the `return`"),
])
def test_entropy_wrong_types_get_a_sentence(capsys, answer, hint):
    fb, out, err = run(ex.check_entropy_bits, answer, capsys)
    assert not fb and hint in err and "Traceback" not in err


def test_entropy_check_does_not_let_the_student_change_its_inputs(capsys):
    def destructive(p):
        value = reference_entropy_bits(p)
        p[:] = 0.0
        return value

    fb, out, err = run(ex.check_entropy_bits, destructive, capsys)
    assert fb


# ------------------------------------------------------------------ exercise 2: KL
def test_kl_accepts_the_reference(capsys):
    fb, out, err = run(ex.check_kl, reference_kl, capsys)
    assert fb and out.startswith(PASS_MARK) and "infinite" in out and err == ""


def test_kl_accepts_scipy_style_rel_entr(capsys):
    from scipy.special import rel_entr

    fb, out, err = run(ex.check_kl, lambda p, q: np.sum(rel_entr(p, q)), capsys)
    assert fb


def _naive_kl(p, q):
    with np.errstate(divide="ignore"):
        return np.sum(p * np.log(p / q))    # 0 * log(0) = nan when p has a zero


def _cross_entropy(p, q):
    seen = p > 0
    return -np.sum(p[seen] * np.log(q[seen]))


@pytest.mark.parametrize("slip, hint", [
    (lambda p, q: reference_kl(q, p), "swapped"),
    (_cross_entropy, "cross entropy"),
    (lambda p, q: -reference_kl(p, q), "upside down"),
    (lambda p, q: reference_kl(p, q) / math.log(2), "in bits"),
    (lambda p, q: reference_kl(p, q) / math.log(10), "log base 10"),
    (_naive_kl, "0 log 0 = 0"),
    (lambda p, q: np.sum(np.log(p[p > 0] / q[p > 0])), "without weights"),
    (lambda p, q: p * np.log(np.where(p > 0, p, 1.0) / q), "one per outcome"),
    (lambda p, q: 0.5, "not sum p_k log(p_k / q_k)"),
])
def test_kl_slips_get_their_hint(capsys, slip, hint):
    fb, out, err = run(ex.check_kl, slip, capsys)
    assert not fb and out == "" and err.startswith(FAIL_MARK) and hint in err
    leaks = [reference_kl(p, q) for p, q in (((0.7, 0.3), (0.5, 0.5)),
                                             ((0.2, 0.1, 0.65, 0.05), (0.25,) * 4),
                                             ((0.0, 0.4, 0.6), (0.3, 0.3, 0.4)))]
    assert not answer_leaks(err, leaks)


def test_kl_that_forgets_the_infinite_case_fails(capsys):
    def clipped(p, q):
        return reference_kl(p, np.clip(q, 1e-12, 1.0))     # finite where the answer is inf

    fb, out, err = run(ex.check_kl, clipped, capsys)
    assert not fb and "kl([0.5, 0.5], [1, 0])" in err


@pytest.mark.parametrize("answer, hint", [
    (None, "is None"),
    (0.08, "should be a function"),
    (not_implemented, "NotImplementedError"),
    (lambda p, q: q[5], "raised IndexError"),
    (lambda p: 0.0, "raised TypeError"),
    (lambda p, q: "zero", "remove the quotes"),
    (lambda p, q: None, "forget the `return`"),
])
def test_kl_wrong_types_get_a_sentence(capsys, answer, hint):
    fb, out, err = run(ex.check_kl, answer, capsys)
    assert not fb and hint in err and "Traceback" not in err


# ------------------------------------------------------------------ exercise 3: fair die
def test_die_accepts_log2_6(capsys):
    fb, out, err = run(ex.check_h_die, np.log2(6), capsys)
    assert fb and err == ""
    fb, out, err = run(ex.check_h_die, -6 * (1 / 6) * np.log2(1 / 6), capsys)
    assert fb


@pytest.mark.parametrize("answer, hint", [
    (-np.log2(6), "negative"),
    (np.log(6), "in nats"),
    (np.log10(6), "log base 10"),
    (np.log2(6) / 6, "one face only"),
    (6, "counts the faces"),
    (1 / 6, "probability of one face"),
    (2.0, "not the entropy"),
    (None, "still None"),
    ("2.6", "remove the quotes"),
    (True, "True/False"),
    (float("nan"), "NaN"),
    (np.full(6, 1 / 6), "single number"),
    (lambda: 2.5, "call it"),
])
def test_die_slips(capsys, answer, hint):
    fb, out, err = run(ex.check_h_die, answer, capsys)
    assert not fb and hint in err and "Traceback" not in err
    assert not answer_leaks(err, [np.log2(6)])


def test_die_check_follows_the_number_of_sides(capsys):
    fb, out, err = run(ex.check_h_die, 3.0, capsys, sides=8)
    assert fb
    fb, out, err = run(ex.check_h_die, np.log(8), capsys, sides=8)
    assert not fb and "in nats" in err


def test_feedback_is_truthy_only_on_success(capsys):
    assert ex.check_h_die(np.log2(6))
    assert not ex.check_h_die(1.0)
    capsys.readouterr()
