"""Checks of lesson 11 (training a classifier): right answers in every form pass, the usual
slips get their hint, wrong types get a sentence, and no message reveals the answer."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special

from mlekit.exercises import lesson11 as ex
from exercise_helpers import (FAIL_MARK, PASS_MARK, answer_leaks, failure, function_blanks, run)


# independent references: plain numpy / scipy, no mlekit.training
def reference_split(labels, test_fraction, rng):
    labels = np.asarray(labels)
    train, test = [], []
    for c in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == c))
        k = int(round(test_fraction * idx.size))
        test.extend(idx[:k])
        train.extend(idx[k:])
    return np.array(train), np.array(test)


def reference_nll(probs, labels):
    return float(-np.mean(np.log(np.asarray(probs)[np.arange(len(labels)), labels])))


def reference_best_epoch(val_nll, patience):
    best, bad = 0, 0
    for e in range(1, len(val_nll)):
        if val_nll[e] < val_nll[best]:
            best, bad = e, 0
        else:
            bad += 1
        if bad == patience:
            break
    return best


def test_references_agree_with_hand_values():
    assert reference_best_epoch([1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.6], 3) == 2
    assert math.isclose(reference_nll([[0.5, 0.5], [0.2, 0.8]], [0, 1]),
                        -(math.log(0.5) + math.log(0.8)) / 2)


# ------------------------------------------------------------------ exercise 1
def test_split_accepts_the_reference_masks_lists_and_swapped_rounding(capsys):
    def masks(labels, f, rng):
        train, test = reference_split(labels, f, rng)
        m = np.zeros(len(labels), bool)
        m[test] = True
        return ~m, m

    def as_lists(labels, f, rng):
        train, test = reference_split(labels, f, rng)
        return train.tolist(), tuple(int(i) for i in test)

    def floor_rounding(labels, f, rng):
        labels = np.asarray(labels)
        parts = [[], []]
        for c in np.unique(labels):
            idx = rng.permutation(np.flatnonzero(labels == c))
            k = math.floor(f * idx.size)
            parts[1] += list(idx[:k])
            parts[0] += list(idx[k:])
        return [np.array(p) for p in parts]

    for answer in (reference_split, masks, as_lists, floor_rounding):
        fb, out, err = run(ex.check_stratified_split, answer, capsys)
        assert fb and out.startswith(PASS_MARK) and err == "", err


def _plain_random(labels, f, rng):
    idx = rng.permutation(len(labels))
    k = int(round(f * len(labels)))
    return idx[k:], idx[:k]


@pytest.mark.parametrize("slip, hint", [
    (_plain_random, "Split each class on its own"),
    (lambda l, f, r: reference_split(l, f, r)[::-1], "first part has the test part's size"),
    (lambda l, f, r: (np.arange(len(l)), reference_split(l, f, r)[1]), "in both parts"),
    (lambda l, f, r: (lambda tr, te: (tr[1:], te))(*reference_split(l, f, r)), "every index"),
    (lambda l, f, r: reference_split(l, f, np.random.default_rng()), "same seed"),
    (lambda l, f, r: reference_split(l, f, np.random.default_rng(3)), "another seed"),
    (lambda l, f, r: (lambda tr, te: (tr + 0.5, te))(*reference_split(l, f, r)),
     "not sample indices"),
    (lambda l, f, r: np.arange(len(l)), "return the pair"),
])
def test_split_slips_get_their_hint(capsys, slip, hint):
    failure(ex.check_stratified_split, slip, capsys, hint)


@pytest.mark.parametrize("answer, hint", [*function_blanks("rng.permutation(labels)")])
def test_split_blanks_get_a_sentence(capsys, answer, hint):
    err = failure(ex.check_stratified_split, answer, capsys, hint)
    assert "Traceback" not in err


# ------------------------------------------------------------------ exercise 2
FIRST = ex._nll_probes()[0]
FIRST_NLL = reference_nll(*FIRST)


def test_test_nll_reference_matches_scipy():
    probs, labels = FIRST
    assert math.isclose(FIRST_NLL, -np.mean(special.xlogy(np.eye(3)[labels], probs).sum(1)))


def test_test_nll_accepts_every_correct_form(capsys):
    for answer in (reference_nll,
                   lambda p, t: np.float32(reference_nll(p, t)),
                   lambda p, t: [reference_nll(p, t)],
                   lambda p, t: -np.mean(special.xlogy(np.eye(p.shape[1])[t], p).sum(1)),
                   lambda p, t: np.mean([-math.log(p[i][t[i]]) for i in range(len(t))])):
        fb, out, err = run(ex.check_test_nll, answer, capsys)
        assert fb and err == "", err


@pytest.mark.parametrize("slip, hint", [
    (lambda p, t: len(t) * reference_nll(p, t), "sum over the samples"),
    (lambda p, t: -reference_nll(p, t), "wrong sign"),
    (lambda p, t: reference_nll(p, t) / math.log(2), "bits"),
    (lambda p, t: reference_nll(p, t) / p.shape[1], "every entry of probs"),
    (lambda p, t: float(-np.mean(np.log(p.max(1)))), "largest probability"),
    (lambda p, t: float(-np.mean(np.log(p))), "logs of every entry"),
    (lambda p, t: -np.log(p[np.arange(len(t)), t]), "average them"),
    (lambda p, t: 0.5, "not the NLL"),
])
def test_test_nll_slips_get_their_hint(capsys, slip, hint):
    err = failure(ex.check_test_nll, slip, capsys, hint)
    assert not answer_leaks(err, [FIRST_NLL])


@pytest.mark.parametrize("answer, hint", [
    *function_blanks("-np.mean(np.log(probs))"),
    (lambda p, t: "0.5", "not text"),
    (lambda p, t: float("nan"), "NaN"),
])
def test_test_nll_wrong_types_get_a_sentence(capsys, answer, hint):
    failure(ex.check_test_nll, answer, capsys, hint)


# ------------------------------------------------------------------ exercise 3
def test_best_epoch_reference_matches_mlekit_on_every_probe():
    from mlekit.training import early_stopping_epoch
    for curve, patience in ex._CURVES:
        assert reference_best_epoch(curve, patience) == early_stopping_epoch(curve, patience)


def test_best_epoch_accepts_the_reference_and_numpy_ints(capsys):
    for answer in (reference_best_epoch, lambda c, p: np.int64(reference_best_epoch(c, p)),
                   lambda c, p: float(reference_best_epoch(c, p))):
        fb, out, err = run(ex.check_early_stopping_epoch, answer, capsys)
        assert fb and err == "", err


@pytest.mark.parametrize("slip, hint", [
    (lambda c, p: int(np.argmin(c)), "lowest point of the whole curve"),
    (lambda c, p: min(reference_best_epoch(c, p) + p, len(c) - 1), "where training stopped"),
    (lambda c, p: reference_best_epoch(c, p) + 1, "one too many"),
    (lambda c, p: float(c[reference_best_epoch(c, p)]), "loss value"),
    (lambda c, p: -1, "whole number from 0"),
    (lambda c, p: 1, "Walk the curve"),
])
def test_best_epoch_slips_get_their_hint(capsys, slip, hint):
    err = failure(ex.check_early_stopping_epoch, slip, capsys, hint)
    assert "Traceback" not in err


@pytest.mark.parametrize("answer, hint", [*function_blanks("np.argmin(val_nll)")])
def test_best_epoch_blanks_get_a_sentence(capsys, answer, hint):
    failure(ex.check_early_stopping_epoch, answer, capsys, hint)
