"""Checks of lesson 00's warm-up exercises."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlekit.exercises import lesson00 as ex
from exercise_helpers import FAIL_MARK, PASS_MARK, run

NLL = -math.log(0.7**7 * 0.3**3)


@pytest.mark.parametrize("answer", [0.7, np.float64(0.7), np.array(0.7), 7 / 10])
def test_share_accepts_the_fraction(capsys, answer):
    fb, out, err = run(ex.check_android_share, answer, capsys)
    assert fb and out.startswith(PASS_MARK) and err == ""


@pytest.mark.parametrize("answer, hint", [
    (7, "count of people"), (70, "percentage"), (0.3, "share of iOS users"),
    (1.5, "not between 0 and 1"), (0.5, "not the share of 1s"), (None, "still None"),
    ("0.7", "remove the quotes"), ([0.7, 0.3], "single number"),
])
def test_share_slips(capsys, answer, hint):
    fb, out, err = run(ex.check_android_share, answer, capsys)
    assert not fb and out == "" and hint in err and "0.7" not in err.replace(f"{answer}", "")


def test_nll_accepts_minus_log_likelihood(capsys):
    fb, out, err = run(ex.check_nll_from_likelihood, NLL, capsys)
    assert fb and err == ""


@pytest.mark.parametrize("answer, hint", [
    (-NLL, "log L itself"), (-math.log10(0.7**7 * 0.3**3), "base 10"),
    (0.7**7 * 0.3**3, "probability scale"), (3.0, "not the NLL of the survey"), (float("inf"), "not the NLL of the survey"),
    (lambda: NLL, "is a function"),
])
def test_nll_slips(capsys, answer, hint):
    fb, out, err = run(ex.check_nll_from_likelihood, answer, capsys)
    assert not fb and hint in err
    if isinstance(answer, float):
        err = err.replace(f"{answer:.4g}", "")     # the student's own value may be echoed
    assert f"{NLL:.4g}" not in err and f"{NLL:.3f}" not in err
