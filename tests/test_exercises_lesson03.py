"""Checks of lesson 03 (negative log-likelihood): right answers pass, usual slips get their
hint, wrong types get a sentence instead of a traceback, and no message reveals the answer."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlekit.exercises import lesson03 as ex
from exercise_helpers import PASS_MARK, answer_leaks, run, function_blanks, value_blanks, failure

PROBES = (0.5, 0.7, 0.3, 0.9, 0.05, 0.99)


# independent references: plain numpy, no mlekit
def reference_survey_nll(p):
    return -7 * np.log(p) - 3 * np.log(1 - p)


def reference_mean_nll(x, p):
    x = np.asarray(x, dtype=float)
    return float(-np.mean(x * np.log(p) + (1 - x) * np.log(1 - p)))


def per_sample(x, p):
    x = np.asarray(x, dtype=float)
    return -(x * np.log(p) + (1 - x) * np.log(1 - p))


SURPRISE_IOS = -math.log(0.3)



def test_references_agree_with_the_lesson():
    assert np.isclose(reference_survey_nll(0.5), 10 * math.log(2))
    assert np.isclose(SURPRISE_IOS, 1.2039728043259361)


# ------------------------------------------------------------------ exercise 1
SURVEY_REFS = [reference_survey_nll(p) for p in PROBES]


def test_survey_nll_accepts_the_reference(capsys):
    fb, out, err = run(ex.check_survey_nll, reference_survey_nll, capsys)
    assert fb and out.startswith(PASS_MARK) and err == ""


def test_survey_nll_accepts_other_correct_forms(capsys):
    fb, _, err = run(ex.check_survey_nll, lambda p: -math.log(p ** 7 * (1 - p) ** 3), capsys)
    assert fb and err == ""
    x = np.array([1] * 7 + [0] * 3)
    fb, _, err = run(ex.check_survey_nll, lambda p: float(np.sum(per_sample(x, p))), capsys)
    assert fb and err == ""


@pytest.mark.parametrize("slip, hint", [
    (lambda p: -7 * np.log(p), "leave out the 3 iOS users"),
    (lambda p: -3 * np.log(1 - p), "leave out the 7 Android users"),
    (lambda p: 7 * np.log(p) + 3 * np.log(1 - p), "forget the minus sign"),
    (lambda p: reference_survey_nll(p) / 10, "the mean over the 10 answers"),
    (lambda p: -7 * np.log10(p) - 3 * np.log10(1 - p), "log base 10"),
    (lambda p: -7 * np.log2(p) - 3 * np.log2(1 - p), "log base 2"),
    (lambda p: -3 * np.log(p) - 7 * np.log(1 - p), "counts swapped"),
    (lambda p: p ** 7 * (1 - p) ** 3, "the likelihood L(p)"),
    (lambda p: 3.0, "Write one -log term per answer"),
])
def test_survey_nll_slips_get_their_hint(capsys, slip, hint):
    assert not answer_leaks(failure(ex.check_survey_nll, slip, capsys, hint), SURVEY_REFS)


def test_survey_nll_message_quotes_the_students_value(capsys):
    _, _, err = run(ex.check_survey_nll, lambda p: -7 * np.log(p), capsys)
    assert f"{-7 * math.log(0.5):.4g}" in err and "p = 0.5" in err


@pytest.mark.parametrize("answer, hint", [
    *function_blanks("-7 log p - 3 log(1-p)"),
    (3.5, "should be a function"),
    (lambda p: 1 / 0, "raised ZeroDivisionError"),
    (lambda p: "six", "remove the quotes"),
    (lambda p: None, "forget the `return`"),
    (lambda p: [1.0, 2.0], "single number"),
    (lambda p: float("nan"), "NaN"),
])
def test_survey_nll_wrong_types_get_a_sentence(capsys, answer, hint):
    fb, out, err = run(ex.check_survey_nll, answer, capsys)
    assert not fb and out == "" and hint in err
    assert "Traceback" not in err and "mlekit" not in err
    assert not answer_leaks(err, SURVEY_REFS)


# ------------------------------------------------------------------ exercise 2
def reference_mean_impl(x, p):
    return reference_mean_nll(x, p)


CASES = [(np.array([1] * 7 + [0] * 3), 0.5), (np.array([1] * 7 + [0] * 3), 0.7),
         (np.ones(4), 0.8), (np.zeros(5), 0.1), (np.array([0]), 0.6),
         (np.array([1, 0, 0, 1, 0, 0]), 0.25)]
MEAN_REFS = [reference_mean_nll(x, p) for x, p in CASES]


def test_mean_nll_accepts_the_reference(capsys):
    fb, out, err = run(ex.check_mean_nll, reference_mean_impl, capsys)
    assert fb and "all ones" in out and err == ""


def test_mean_nll_accepts_a_count_based_answer(capsys):
    def by_counts(x, p):
        k, n = x.sum(), len(x)
        # 0 * log(...) never happens here because p stays inside (0, 1)
        return -(k * math.log(p) + (n - k) * math.log(1 - p)) / n

    fb, _, err = run(ex.check_mean_nll, by_counts, capsys)
    assert fb and err == ""


def test_mean_nll_data_include_all_ones_and_all_zeros():
    datasets = [x for x, _ in ex._mean_nll_cases()]
    assert any(x.size > 1 and x.all() for x in datasets)
    assert any(x.size > 1 and not x.any() for x in datasets)
    # and the check's reference agrees with plain numpy on every case
    for x, p in ex._mean_nll_cases():
        assert np.isclose(float(ex.Bernoulli().nll(x, p=p, reduction="mean")),
                          reference_mean_nll(x, p))


@pytest.mark.parametrize("slip, hint", [
    (lambda x, p: len(x) * reference_mean_nll(x, p), "that is the summed NLL"),
    (lambda x, p: -reference_mean_nll(x, p), "mean log-likelihood"),
    (lambda x, p: (-7 * np.log(p) - 3 * np.log(1 - p)) / 10, "seem to be typed in"),
    (lambda x, p: reference_mean_nll(1 - x, p), "swapped"),
    (lambda x, p: reference_mean_nll(x, p) / np.log(10), "log base 10"),
    (lambda x, p: reference_mean_nll(x, p) * len(x) / x.sum(), "number of all answers"),
    (lambda x, p: per_sample(x, p), "average them into one number"),
    (lambda x, p: 1.0, "not the average"),
])
def test_mean_nll_slips_get_their_hint(capsys, slip, hint):
    assert not answer_leaks(failure(ex.check_mean_nll, slip, capsys, hint), MEAN_REFS)


def test_mean_nll_hard_coded_survey_is_caught_on_other_data(capsys):
    # right for the survey, so it is only caught on the all-ones data set
    fb, _, err = run(ex.check_mean_nll,
                     lambda x, p: (-7 * np.log(p) - 3 * np.log(1 - p)) / 10, capsys)
    assert not fb and "4 ones" in err


@pytest.mark.parametrize("answer, hint", [
    *function_blanks("mean"),
    (lambda x, p: x.count(1), "raised AttributeError"),
    (lambda x, p: "0.6", "remove the quotes"),
    (lambda x, p: None, "forget the `return`"),
    (lambda x, p: np.ones(3), "single number"),
])
def test_mean_nll_wrong_types_get_a_sentence(capsys, answer, hint):
    fb, out, err = run(ex.check_mean_nll, answer, capsys)
    assert not fb and out == "" and hint in err
    assert "Traceback" not in err
    assert not answer_leaks(err, MEAN_REFS)


def test_mean_nll_does_not_let_the_student_change_the_data(capsys):
    def mutates(x, p):
        x[:] = 1
        return reference_mean_nll(x, p)

    fb, _, err = run(ex.check_mean_nll, mutates, capsys)
    assert not fb   # wrong answer for the mutated data, but the check's own data are intact
    fb, _, err = run(ex.check_mean_nll, reference_mean_impl, capsys)
    assert fb


# ------------------------------------------------------------------ exercise 3
def test_surprise_ios_accepts_the_value(capsys):
    for value in (SURPRISE_IOS, np.float64(SURPRISE_IOS), np.array([SURPRISE_IOS])):
        fb, out, err = run(ex.check_surprise_ios, value, capsys)
        assert fb and out.startswith(PASS_MARK) and err == ""


@pytest.mark.parametrize("answer, hint", [
    (math.log(0.3), "never negative"),
    (-math.log(0.7), "surprise of an Android answer"),
    (0.3, "probability of an iOS answer"),
    (0.7, "probability of an Android answer"),
    (-math.log2(0.3), "in bits"),
    (-math.log10(0.3), "log base 10"),
    (1 / 0.3, "reciprocal"),
    (-3 * math.log(0.3), "all 3 iOS answers"),
    (-0.7 * math.log(0.7) - 0.3 * math.log(0.3), "mean surprise of all 10 answers"),
    (2.0, "not -log P(iOS)"),
    *value_blanks("1.2"),
])
def test_surprise_ios_slips(capsys, answer, hint):
    fb, out, err = run(ex.check_surprise_ios, answer, capsys)
    assert not fb and out == "" and hint in err
    assert "Traceback" not in err
    assert not answer_leaks(err, [SURPRISE_IOS])
