"""Checks for lesson 11, training a classifier by maximum likelihood.

Exercise 1 writes a stratified train / test split (:func:`check_stratified_split`),
exercise 2 the test NLL from predicted class probabilities (:func:`check_test_nll`),
exercise 3 the epoch early stopping (조기 종료) keeps (:func:`check_early_stopping_epoch`).
Each check compares the student's function with :mod:`mlekit.training` on several
fresh inputs, names the usual slip when it recognises one, and never prints the
reference value.

Examples
--------
>>> import numpy as np
>>> from mlekit.exercises import lesson11 as ex
>>> def test_nll(probs, labels):
...     probs = np.asarray(probs)
...     return -np.mean(np.log(probs[np.arange(len(labels)), labels]))
>>> fb = ex.check_test_nll(test_nll)
✓ Correct: the test NLL is the average surprise of the true labels under the predicted distributions.
"""

from __future__ import annotations

import math

import numpy as np

from ..training import categorical_nll, early_stopping_epoch
from ._core import (StudentError, as_array, as_number, call_student, check, close,
                    describe_answer, name_the_slip, reject_per_sample)

__all__ = ["check_stratified_split", "check_test_nll", "check_early_stopping_epoch"]


# ------------------------------------------------------------------ exercise 1
def _split_probes():
    """(labels, test_fraction) probes: unbalanced classes, shuffled, 2 and 3 classes."""
    gen = np.random.default_rng(11)
    return [
        (gen.permutation(np.repeat([0, 1, 2], [40, 8, 12])), 0.3),
        (gen.permutation(np.repeat([0, 1], [10, 30])), 0.25),
        (np.repeat([0, 1, 2], [21, 9, 30]), 0.2),
    ]


def _part(value, where, n):
    """One returned part as a sorted int index array (a boolean mask of length n is fine too)."""
    try:
        raw = np.asarray(value)
    except Exception:
        raw = None
    if raw is not None and raw.dtype == bool and raw.shape == (n,):
        return np.flatnonzero(raw)
    arr = as_array(value, where, what="indices (whole numbers)")
    if arr.ndim != 1:
        raise StudentError(f"{where} has shape {arr.shape}; return a 1-D array of sample "
                           "indices for each part.")
    if arr.size and (not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr))
                     or arr.min() < 0 or arr.max() >= n):
        raise StudentError(f"{where} holds values that are not sample indices 0 … {n - 1}: "
                           "return positions in labels, not the labels or the data themselves.")
    return np.sort(arr.astype(np.intp))


def _parts(result, where, n):
    if isinstance(result, dict) or not isinstance(result, (tuple, list)) or len(result) != 2:
        raise StudentError(f"{where} returned {describe_answer(result)}; return the pair "
                           "`train_idx, test_idx`.")
    return _part(result[0], f"the first part of {where}", n), \
        _part(result[1], f"the second part of {where}", n)


@check(
    hints=(
        r"""Stratified means *per class*: take the indices of one class at a time, shuffle
        them with the `rng` you were given, and cut off the test share of that class. Then
        put the pieces of all classes together.""",
        r"""`np.flatnonzero(labels == c)` gives the indices of class `c`, and
        `rng.permutation(...)` shuffles them. Round each class's test count to a whole
        number; the rest of that class goes to the training part.""",
    ),
    explanation=r"""
        For every class $c$ with $n_c$ samples, shuffle its indices with `rng` and put
        $\mathrm{round}(f\,n_c)$ of them in the test part, the others in the training part.
        Each part then holds every class in (almost exactly) its overall proportion, even
        for a small class, which a split of the whole shuffled data set only gets right on
        average. Using the `rng` argument, not a global seed, makes the split reproducible.
        """,
)
def check_stratified_split(split_indices):
    """Check ``split_indices(labels, test_fraction, rng)`` -> ``(train_idx, test_idx)``."""
    for labels, f in _split_probes():
        n = labels.size
        where = f"split_indices(labels of {n} samples, {f:g}, rng)"
        train, test = _parts(call_student(split_indices, "split_indices", labels.copy(), f,
                                          np.random.default_rng(0)), where, n)
        if np.intersect1d(train, test).size:
            raise StudentError(f"{where}: some indices are in both parts. Every sample goes "
                               "to exactly one part.")
        together = np.concatenate([train, test])
        if together.size != n or np.unique(together).size != n:
            raise StudentError(f"{where}: together the two parts must hold every index of "
                               "labels exactly once (no repeats, none left out).")
        if abs(train.size - f * n) < abs(test.size - f * n) and abs(test.size - f * n) >= 1:
            raise StudentError(f"{where}: the first part has the test part's size. Return "
                               "the training indices first and make the test part the "
                               "fraction test_fraction.")
        for c in np.unique(labels):
            n_c = int(np.sum(labels == c))
            k = int(np.sum(labels[test] == c))
            if abs(k - f * n_c) >= 1:
                raise StudentError(
                    f"{where}: class {int(c)} has {k} of its {n_c} samples in the test part, "
                    f"which is not its share test_fraction of them. Split each class on its "
                    "own, so that every part keeps the class proportions.")
        again = _parts(call_student(split_indices, "split_indices", labels.copy(), f,
                                    np.random.default_rng(0)), where, n)
        if not np.array_equal(again[1], test):
            raise StudentError(f"{where}: two calls with the same seed gave different splits. "
                               "Draw the randomness from the rng argument (rng.permutation), "
                               "not from np.random.")
        other = _parts(call_student(split_indices, "split_indices", labels.copy(), f,
                                    np.random.default_rng(1)), where, n)
        if np.array_equal(other[1], test):
            raise StudentError(f"{where}: another seed gave the same split. Shuffle each "
                               "class with rng before cutting it, so the test part is a "
                               "random sample.")
    return ("Correct: each class is shuffled and cut on its own, so every part keeps the class "
            "proportions, and the same rng gives the same split.")


# ------------------------------------------------------------------ exercise 2
def _nll_probes():
    gen = np.random.default_rng(5)
    out = []
    for n, k, scale in ((12, 3, 1.5), (7, 4, 3.0), (20, 3, 0.5)):
        z = gen.normal(0, scale, (n, k))
        p = np.exp(z - z.max(1, keepdims=True))
        out.append((p / p.sum(1, keepdims=True), gen.integers(0, k, n)))
    return out


@check(
    hints=(
        r"""Each test sample contributes its surprise: minus the log of the probability the
        model gave to its *true* class. Pick that one entry in every row first.""",
        r"""Fancy indexing `probs[np.arange(n), labels]` picks row i's entry in column
        `labels[i]`. Then combine the surprises into one number per data set; the lesson
        reports the NLL per sample, in nats.""",
    ),
    explanation=r"""
        The NLL of the test labels under the predicted Categorical distributions is

        $$\mathrm{NLL} = -\frac{1}{N}\sum_{i=1}^{N}\log \hat y_{i, t_i},$$

        the cross entropy between the one-hot labels and the predictions. Only the
        probability of the true class counts; the natural log gives nats.
        """,
)
def check_test_nll(test_nll):
    """Check ``test_nll(probs, labels)``: the mean NLL of the labels, in nats."""
    for probs, labels in _nll_probes():
        n, k = probs.shape
        where = f"test_nll(probs of shape ({n}, {k}), labels)"
        result = call_student(test_nll, "test_nll", probs.copy(), labels.copy())
        surprise = -np.log(probs[np.arange(n), labels])
        reject_per_sample(result, surprise, where, "surprise per sample", "average them")
        got = as_number(result, f"the result of {where}")
        want = categorical_nll(probs, labels)
        if close(got, want):
            continue
        slips = [
            (n * want, f"{where} is the sum over the samples; the lesson reports the NLL per "
                       "sample, so average instead."),
            (-want, f"{where} has the wrong sign: a log of a probability is negative, and "
                    "the NLL puts a minus in front of it."),
            (want / math.log(2), f"{where} is in bits (log base 2); use the natural log for "
                                 "nats."),
            (want / k, f"{where} divides by every entry of probs; average over the samples "
                       "only (one true class per sample)."),
            (float(-np.mean(np.log(probs.max(axis=1)))),
             f"{where} uses each row's largest probability; use the probability of the true "
             "class, labels[i]."),
            (float(-np.mean(np.log(probs))), f"{where} averages the logs of every entry; only "
                                             "the true class of each sample counts."),
        ]
        hint = name_the_slip(got, want, slips)
        if hint is not None:
            raise StudentError(hint)
        raise StudentError(f"{where} returned {got:.4g}, which is not the NLL of the labels. "
                           "Take the probability of each sample's true class, its surprise, "
                           "and average.")
    return ("Correct: the test NLL is the average surprise of the true labels under the "
            "predicted distributions.")


# ------------------------------------------------------------------ exercise 3
#: (validation NLL per epoch, patience): a later, lower minimum after the run has stopped;
#: a minimum at epoch 0; a long plateau; patience 1
_CURVES = (
    ([1.10, 0.82, 0.64, 0.58, 0.61, 0.60, 0.63, 0.59, 0.55, 0.50], 3),
    ([0.90, 0.95, 0.97, 0.93, 1.01, 1.10], 2),
    ([1.30, 1.00, 0.80, 0.71, 0.69, 0.70, 0.72, 0.74, 0.73, 0.77, 0.80, 0.85], 4),
    ([2.0, 1.5, 1.2, 1.25, 1.0, 0.9], 1),
    ([1.0, 0.7, 0.6, 0.55, 0.52, 0.50], 5),
)


@check(
    hints=(
        r"""Walk through the curve epoch by epoch, as training would: remember the best
        loss so far and the epoch where it happened. The run never sees the epochs after
        it stops.""",
        r"""The run stops once `patience` epochs in a row have not beaten the best.
        Epochs count from 0 (the score before training), so the answer is an index
        into `val_nll`.""",
    ),
    explanation=r"""
        Keep `best = 0`; for epoch $e = 1, 2, \dots$: if `val_nll[e] < val_nll[best]`, set
        `best = e`; if $e - \text{best} \ge$ `patience`, stop. The answer is `best`. A
        lower value later in the list does not count: early stopping never trained that
        far.
        """,
)
def check_early_stopping_epoch(best_epoch):
    """Check ``best_epoch(val_nll, patience)``: the epoch early stopping keeps."""
    for curve, patience in _CURVES:
        where = f"best_epoch({len(curve)} validation NLLs, patience={patience})"
        result = call_student(best_epoch, "best_epoch", np.array(curve), patience)
        got = as_number(result, f"the result of {where}")
        want = early_stopping_epoch(curve, patience)
        if got == want:
            continue
        if any(close(got, v) for v in curve) and got != int(got):
            raise StudentError(f"{where} returned a loss value; return the epoch, its index "
                               "in val_nll.")
        stop = min(want + patience, len(curve) - 1)
        slips = [
            (float(np.argmin(curve)), f"{where} is the lowest point of the whole curve, but "
                                      "the run stopped before it got there. Stop as soon as "
                                      "`patience` epochs in a row bring no improvement."),
            (float(stop), f"{where} is the epoch where training stopped; early stopping keeps "
                          "the weights of the best epoch before it."),
            (float(want + 1), f"{where} is one too many: epochs count from 0, the score "
                              "before any training."),
        ]
        hint = name_the_slip(got, want, slips, same=lambda a, b: a == b)
        if hint is not None:
            raise StudentError(hint)
        if not math.isfinite(got) or got != int(got) or not 0 <= got < len(curve):
            raise StudentError(f"{where} returned {got:.4g}; an epoch is a whole number from 0 "
                               "to len(val_nll) - 1.")
        raise StudentError(f"{where} returned epoch {int(got)}. Walk the curve in order, keep "
                           "the best so far, and stop after `patience` epochs without a new "
                           "best.")
    return ("Correct: early stopping keeps the best epoch it has seen, and never sees the "
            "epochs after it stops.")
