"""Checks for lesson 07, softmax (소프트맥스) and cross entropy (교차 엔트로피).

The lesson's running example is a four-class classifier that answers
y_hat = [0.2, 0.1, 0.65, 0.05] for a sample whose true class is 2 (one-hot
y = [0, 0, 1, 0]); exercise 3 asks for the gradient of a new sample, logits
[1, 2, -0.5] with true class 0. Each check compares the student's
function or value with :mod:`mlekit.losses` on several inputs (large logits,
two classes, zero probabilities and batches included), names the usual slip
when it recognises one, and never prints the reference value.

Examples
--------
>>> import numpy as np
>>> from mlekit.exercises import lesson07 as ex
>>> def softmax(z):
...     e = np.exp(z - np.max(z, axis=-1, keepdims=True))
...     return e / np.sum(e, axis=-1, keepdims=True)
>>> fb = ex.check_softmax(softmax)
✓ Correct: each row sums to 1, the order of the logits is kept, and logits of ±10⁴ stay finite.
>>> bool(fb)
True
"""

from __future__ import annotations

import math

import numpy as np

from ..losses import cross_entropy, cross_entropy_with_logits_grad, log_softmax, softmax
from ._core import (TYPED_RTOL, StudentError, as_array, as_array_or_none, as_number,
                    call_student, check, close, close_arrays, describe_answer, name_the_slip,
                    require_answer)

__all__ = ["check_softmax", "check_cross_entropy", "check_logit_gradient"]

#: the worked example of the lesson
EXAMPLE_Y_HAT = (0.2, 0.1, 0.65, 0.05)
EXAMPLE_TARGET = 2
_LN10, _LN2 = math.log(10.0), math.log(2.0)


# ----------------------------------------------------------------- helpers
def _fmt(z) -> str:
    """A short, readable rendering of a small input array (never of an answer)."""
    z = np.asarray(z, dtype=float)
    if z.ndim == 1:
        return "[" + ", ".join(f"{v:g}" for v in z) + "]"
    return "[" + ", ".join(_fmt(row) for row in z) + "]"


def _as_array(result, lead: str, shape: tuple[int, ...], what: str) -> np.ndarray:
    """The student's result as a float array of *shape*, or a StudentError saying why not.

    *lead* starts each sentence: "softmax for z = [0, 0] returned" or "grad_z is".
    """
    if isinstance(result, (str, bytes)):
        raise StudentError(f"{lead} {describe_answer(result)}; remove the quotes: this "
                           f"exercise wants numbers, not text.")
    if callable(result):
        raise StudentError(f"{lead} a function; hand in the {what} themselves.")
    arr = as_array(result, lead.rsplit(" ", 1)[0], what=f"the {what}")
    if arr.shape != shape:
        if arr.ndim == 0:
            raise StudentError(f"{lead} a single number; this exercise wants one value per "
                               f"logit, an array of shape {shape}.")
        raise StudentError(f"{lead} an array of shape {arr.shape}; this exercise wants shape "
                           f"{shape}, one value per logit.")
    return arr


def _same(a, b) -> bool:
    """The computed-value tolerance for probabilities and their gradients (scale 1)."""
    return close_arrays(a, b, scale=1.0, equal_nan=True)


# ------------------------------------------------------------------ exercise 1
def _softmax_cases():
    """(label, logits): plain vectors first, then batches, then the large and tiny logits."""
    return [
        ("z = [0, 0, 0, 0]", np.zeros(4)),
        ("z = [1, 0.3, 2.5, -0.4]", np.array([1.0, 0.3, 2.5, -0.4])),
        ("z = [2, -1] (two classes)", np.array([2.0, -1.0])),
        ("a batch of 3 samples with 4 classes each", np.array([[1.0, 0.3, 2.5, -0.4],
                                                               [0.0, 0.0, 0.0, 0.0],
                                                               [-2.0, 3.0, 0.5, 1.0]])),
        ("a batch of 2 samples with 2 classes each", np.array([[0.0, 1.0], [3.0, -1.0]])),
        ("z = [10000, 0, 2, -10000]", np.array([1e4, 0.0, 2.0, -1e4])),
        ("z = [-1000, -1001, -1003]", np.array([-1000.0, -1001.0, -1003.0])),
        ("the batch [[1000, 999, 998], [-1000, -999, -998]]",
         np.array([[1000.0, 999.0, 998.0], [-1000.0, -999.0, -998.0]])),
    ]


#: the hint for each softmax slip, after "<where>" (never containing the right values)
_SOFTMAX_SLIPS = {
    "exp": (" gave numbers that do not sum to 1: you exponentiated but forgot to normalise. "
            "Divide e^(z_k) by the sum of e^(z_j) over the classes."),
    "global_max": (" gave NaN in one row: you subtracted the largest logit of the whole batch, "
                   "which pushes another row's logits so low that all their exponentials "
                   "underflow to 0 (and 0 / 0 = NaN). Subtract each row's own maximum, "
                   "np.max(z, axis=-1, keepdims=True)."),
    "axis0": (": the columns sum to 1, not the rows. Each row is one sample, so normalise "
              "along the last axis: sum with axis=-1, keepdims=True."),
    "no_keepdims": (": each entry was divided by the wrong sample's sum. Without keepdims=True "
                    "the row sums line up with the columns; sum with axis=-1, keepdims=True."),
    "all": (": the whole batch sums to 1, but each row (one sample) must sum to 1 on its own. "
            "Sum along the last axis with axis=-1, keepdims=True."),
    "log_softmax": (" returned log-probabilities (they are negative). Softmax returns the "
                    "probabilities themselves: exponentiate."),
    "linear": (": you divided the logits by their sum. Exponentiate them first, so every "
               "entry is positive, then divide by the sum of the exponentials."),
    "exp_over_sum_z": (": the denominator should be the sum of the exponentials e^(z_j), not "
                       "the sum of the logits."),
}


def _diagnose_softmax(got: np.ndarray, z: np.ndarray, where: str) -> str:
    """The hint for a wrong softmax output (never containing the right values)."""
    with np.errstate(all="ignore"):
        e = np.exp(z)
        e_row = np.exp(z - np.max(z, axis=-1, keepdims=True))
        e_global = np.exp(z - z.max())
        candidates = [
            ("exp", e), ("exp", e_row),
            ("global_max", e_global / np.sum(e_global, axis=-1, keepdims=True)),
            ("log_softmax", log_softmax(z)),
            ("linear", z / np.sum(z, axis=-1, keepdims=True)),
            ("exp_over_sum_z", e / np.sum(z, axis=-1, keepdims=True)),
        ]
        for base in (e, e_row, e_global):      # the student may have shifted or not
            candidates.append(("axis0", base / np.sum(base, axis=0, keepdims=True)))
            candidates.append(("all", base / np.sum(base)))
            if z.ndim == 2 and z.shape[0] == z.shape[1]:
                # without keepdims the row sums line up with the columns (square batches only)
                candidates.append(("no_keepdims", base / np.sum(base, axis=-1)))
    for name, cand in candidates:
        if name in ("axis0", "no_keepdims", "all") and z.ndim < 2:
            continue                         # on a single vector these are all right
        if not _same(got, cand):
            continue
        if name == "exp" and not np.all(np.isfinite(cand)):
            continue                         # an overflowing e^z: the NaN-or-inf hint below
        if name == "global_max" and np.all(np.isfinite(got)):
            continue                         # told apart only by the NaN row it leaves
        return where + _SOFTMAX_SLIPS[name]
    if not np.all(np.isfinite(got)):
        return (f"{where} returned NaN or inf. np.exp overflows for large logits "
                "(e^1000 = inf) and underflows to 0 for very negative ones (0 / 0 = NaN). "
                "Subtract the largest logit from every logit before exponentiating: softmax "
                "does not change when all logits move by the same amount.")
    if np.any(got < 0):
        return (f"{where} returned a negative number, but probabilities are never negative. "
                "Softmax exponentiates each logit, then divides by the sum.")
    sums = np.sum(got, axis=-1)
    if not np.allclose(sums, 1.0, atol=1e-6):
        return (f"{where}: each row should sum to 1 but yours does not. Divide e^(z_k) by the "
                "sum of e^(z_j) over the classes of the same sample.")
    return (f"{where}: your values sum to 1 but are not e^(z_k) / sum_j e^(z_j). Check the "
            "numerator: it is the exponential of the same class's logit.")


@check(
    hints=(
        r"""Softmax (소프트맥스) exponentiates each logit and divides by the sum of the
        exponentials of its row, so every entry is positive and every row adds up to 1. Get
        it right for one vector first, then make it work on a batch by telling numpy which
        axis to reduce over.""",
        r"""Large logits overflow: `np.exp(1000)` is `inf`. Subtracting the same number from
        every logit of a row does not change its softmax, so subtract the row's largest
        logit first; then the largest exponential is exactly 1. Reductions with
        `keepdims=True` keep a shape that lines up with `z`, for a vector and a batch alike.""",
    ),
    explanation=r"""
        For any constant $m$,

        $$\mathrm{softmax}(z)_k = \frac{e^{z_k}}{\sum_j e^{z_j}} = \frac{e^{z_k - m}}{\sum_j e^{z_j - m}},$$

        because the factor $e^{-m}$ cancels. Choosing $m = \max_j z_j$ makes every exponent
        $\le 0$, so nothing overflows, and the largest term is $e^0 = 1$, so the sum is at
        least 1 and never 0. Taking the max and the sum along `axis=-1` with `keepdims=True`
        serves one vector and a batch of rows with the same code.
        """,
)
def check_softmax(softmax_fn):
    """Check ``softmax(z)`` on vectors, on batches (last axis) and on large and tiny logits."""
    for label, z in _softmax_cases():
        where = f"softmax for {label}"
        try:
            result = call_student(softmax_fn, "softmax", z.copy())
        except StudentError as exc:
            text = str(exc)
            if z.ndim == 2 and "broadcast" in text:
                raise StudentError(
                    f"{where} raised an error while dividing: the row sums have shape "
                    f"({z.shape[0]},), which does not line up with z of shape {z.shape}. Keep "
                    "the summed axis with np.sum(..., axis=-1, keepdims=True).") from None
            if z.ndim == 2 and "truth value" in text:
                raise StudentError(f"{where} raised an error: your function seems to handle "
                                   "one vector only. Use NumPy operations on the whole array "
                                   "with axis=-1, keepdims=True, not Python's if/max.") from None
            raise
        got = _as_array(result, f"{where} returned", z.shape, "probabilities")
        want = softmax(z)
        if _same(got, want):
            continue
        raise StudentError(_diagnose_softmax(got, z, where))
    return ("Correct: each row sums to 1, the order of the logits is kept, and logits of ±10⁴ "
            "stay finite.")


# ------------------------------------------------------------------ exercise 2
def _onehot(labels, k):
    return np.eye(k)[np.asarray(labels)]


def _ce_cases():
    """(label, y_onehot, y_hat), each of shape (N, K)."""
    rng = np.random.default_rng(7)
    logits = rng.normal(0.0, 1.5, (50, 5))
    labels = rng.integers(0, 5, 50)
    return [
        ("the worked example (N = 1)", _onehot([2], 4), np.array([EXAMPLE_Y_HAT])),
        ("3 samples of 4 classes", _onehot([2, 0, 3], 4),
         np.array([EXAMPLE_Y_HAT, [0.7, 0.1, 0.1, 0.1], [0.25, 0.25, 0.25, 0.25]])),
        ("4 samples of 2 classes", _onehot([0, 1, 1, 0], 2),
         np.array([[0.9, 0.1], [0.4, 0.6], [0.2, 0.8], [0.5, 0.5]])),
        ("2 samples with y_hat_k = 0 outside the true class", _onehot([1, 0], 3),
         np.array([[0.0, 1.0, 0.0], [0.5, 0.0, 0.5]])),
        ("50 samples of 5 classes", _onehot(labels, 5), softmax(logits)),
    ]


def _slips(y, p):
    """Values of the usual wrong formulas (NaN where they are undefined)."""
    n, k = y.shape
    with np.errstate(all="ignore"):
        logp = np.log(p)
        log1m = np.log(1.0 - p)
        per_row = -np.sum(y * logp, axis=-1)
        bce = -np.sum(y * logp + (1 - y) * log1m, axis=-1)
        return {
            "sum": float(np.sum(per_row)),
            "per_class_mean": float(np.mean(per_row)) / k,
            "bce_mean": float(np.mean(bce)),
            "bce_sum": float(np.sum(bce)),
            "bce_all_mean": float(np.mean(bce)) / k,
            "ignored_y": float(-np.mean(np.sum(logp, axis=-1))),
            "log10": float(np.mean(per_row)) / _LN10,
            "log2": float(np.mean(per_row)) / _LN2,
            "one_minus": float(-np.mean(np.sum(y * log1m, axis=-1))),
        }


@check(
    hints=(
        r"""With a one-hot target, $y_i^\top\log\hat y_i$ keeps a single term: the log of
        the probability the model gave to the sample's true class. So the cross entropy (교차
        엔트로피) is the average over the samples of $-\log(\text{probability of the true
        class})$.""",
        r"""Pick out each sample's true-class probability *before* you take a log:
        multiplying by the one-hot targets and summing each row does it, and the zero
        probabilities of the other classes never reach `np.log`. Taking the log of all of
        `y_hat` first meets $\log 0 = -\infty$, and $0 \cdot (-\infty)$ is NaN in NumPy.""",
    ),
    explanation=r"""
        For one sample, $y_i^\top\log\hat y_i = \sum_k y_{ik}\log\hat y_{ik} = \log\hat
        y_{i,c_i}$, where $c_i$ is its true class. So

        $$\mathrm{CE} = -\frac{1}{N}\sum_i \log\hat y_{i,c_i},$$

        the mean negative log-likelihood of the labels under the categorical model. For the
        worked example $\hat y = [.2, .1, .65, .05]$ with class 2 it is $-\log 0.65 \approx
        0.431$. Selecting the true probability first means that the zeros of the other
        classes never meet the log.
        """,
)
def check_cross_entropy(cross_entropy_fn):
    """Check ``cross_entropy(y_onehot, y_hat)``: the mean over samples of -y_i^T log y_hat_i."""
    for label, y, p in _ce_cases():
        n, k = y.shape
        where = f"cross_entropy for {label}"
        result = call_student(cross_entropy_fn, "cross_entropy", y.copy(), p.copy())
        # one loss per sample is a good start: say so before insisting on one number
        arr = as_array_or_none(result)
        if arr is not None and n > 1 and arr.shape == (n,):
            raise StudentError(f"{where} returned {n} values, one loss per sample. That "
                               "is the right start: now average them into one number.")
        if arr is not None and arr.shape == (n, k) and n * k > 1:
            raise StudentError(f"{where} returned an array of shape {arr.shape}, one value "
                               "per class and sample. Sum over the classes (axis=-1) and "
                               "average over the samples.")
        if arr is not None and arr.size == 1 and math.isnan(float(arr.reshape(()))):
            if np.any((p == 0) & (y == 0)):
                raise StudentError(
                    f"{where} is NaN. Some predicted probabilities are exactly 0 in "
                    "classes that are not the true one, and in NumPy 0 * log(0) = "
                    "0 * (-inf) = NaN. Those classes contribute nothing (the convention "
                    "0 log 0 = 0): take the log of the true class's probability only, or "
                    "use np.where.")
        if arr is not None and arr.size == 1 and float(arr.reshape(())) == math.inf:
            raise StudentError(f"{where} is infinite although every true class has a "
                               "positive probability. Did you take the log of the one-hot "
                               "y (it has zeros)? The prediction y_hat goes inside the "
                               "log; the target y only selects which log counts.")
        got = as_number(result, where)
        want = float(cross_entropy(y, p))          # reduction="mean" over the N samples
        if close(got, want):
            continue
        s = _slips(y, p)
        if close(got, -want):
            raise StudentError(f"{where} is negative, but a cross entropy never is (log y_hat "
                               "<= 0). You computed the mean log-likelihood: put a minus sign "
                               "in front.")
        if n > 1 and close(got, s["sum"]):
            raise StudentError(f"{where} is the sum over the {n} samples. This exercise wants "
                               f"the mean (the reduction used by CE): divide by N = {n}.")
        if close(got, s["per_class_mean"]):
            raise StudentError(f"{where} was averaged over the classes too (np.mean over all "
                               f"N x K = {n * k} entries). Sum over the classes, then average "
                               "over the samples only.")
        for key in ("bce_mean", "bce_sum", "bce_all_mean"):
            if math.isfinite(s[key]) and close(got, s[key]):
                raise StudentError(f"{where} includes terms (1 - y_k) log(1 - y_hat_k): that "
                                   "is binary cross entropy applied to every class. With "
                                   "softmax outputs, the other classes already enter through "
                                   "the normalisation, so only the true class's term counts.")
        if close(got, s["one_minus"]) or close(got, -s["one_minus"]):
            raise StudentError(f"{where} uses log(1 - y_hat). The likelihood of the true class "
                               "is y_hat itself, so the loss is -log y_hat of that class.")
        if close(got, s["ignored_y"]):
            raise StudentError(f"{where} adds -log y_hat_k over all classes, whatever the "
                               "label. Multiply by the one-hot y first, so only the true "
                               "class counts.")
        if close(got, s["log10"]):
            raise StudentError(f"{where} uses log base 10. Cross entropy in nats uses the "
                               "natural log, np.log.")
        if close(got, s["log2"]):
            raise StudentError(f"{where} is in bits (log base 2). This exercise wants nats: "
                               "use the natural log, np.log.")
        if close(got, want, rtol=1e-3):
            raise StudentError(f"{where} is close to the right value but not equal to it. Did "
                               "you add a small eps inside the log or clip y_hat? Use the exact "
                               "log of the true class's probability.")
        raise StudentError(f"{where} returned {got:.4g}, which is not the mean cross entropy "
                           "over the samples. Each sample's loss is its surprise at its own "
                           "label under the predicted probabilities.")
    return ("Correct: your cross entropy matches mlekit for one sample, batches, two classes "
            "and zero probabilities outside the true class.")


# ------------------------------------------------------------------ exercise 3
#: exercise 3: a new sample, not the worked example (whose gradient the lesson prints)
EXERCISE_LOGITS = (1.0, 2.0, -0.5)
EXERCISE_TARGET = 0


def _same_typed(a, b) -> bool:
    """The typed-value tolerance (4 significant digits) for hand-computed derivatives."""
    return close_arrays(a, b, rtol=TYPED_RTOL, scale=1.0)


@check(
    hints=(
        r"""§6 derived the gradient of the cross entropy with respect to the logits for
        softmax outputs: it has a strikingly simple form in terms of the predicted
        probabilities and the one-hot target. So the first step here is the predicted
        probabilities of this sample: the softmax of its three logits.""",
        r"""Test your answer with two facts: the three entries must add up to 0 (adding one
        constant to all logits changes nothing), and only the true class's entry is
        negative, because raising its logit lowers the loss. The true class is 0, the
        first entry.""",
    ),
    explanation=r"""
        Written with the logits, $\mathrm{CE} = -z_c + \log\sum_j e^{z_j}$ for the true
        class $c$, so

        $$\frac{\partial\,\mathrm{CE}}{\partial z_k} = \mathrm{softmax}(z)_k - [k = c] = \hat y_k - y_k.$$

        Here $z = [1,\ 2,\ -0.5]$: $e^{z} \approx [2.718,\ 7.389,\ 0.607]$, which sum to
        about 10.714, so $\hat y \approx [0.254,\ 0.690,\ 0.057]$. With the true class 0,
        $\hat y - y \approx [-0.746,\ 0.690,\ 0.057]$: it adds up to 0, and the model's
        favourite, class 1, gets the largest push down.
        """,
)
def check_logit_gradient(grad_z):
    """Check ``grad_z``: dCE/dz for logits z = [1, 2, -0.5] and true class 0."""
    require_answer(grad_z, "grad_z")
    if isinstance(grad_z, (bool, np.bool_)):
        raise StudentError(f"grad_z is {bool(grad_z)}, a True/False value; this exercise wants "
                           "three numbers, one per logit.")
    z = np.array(EXERCISE_LOGITS)
    k = z.size
    given = as_array_or_none(grad_z)
    if given is not None and given.shape == (4,):
        raise StudentError("grad_z has four entries, like the worked example; this sample has "
                           "three logits, z = [1, 2, -0.5].")
    got = _as_array(grad_z, "grad_z is", (k,), "three partial derivatives")
    if np.any(np.isnan(got)):
        raise StudentError("grad_z contains NaN; recompute it from the logits and the one-hot "
                           "target.")
    y_hat = softmax(z)
    y = _onehot(EXERCISE_TARGET, k)
    want = cross_entropy_with_logits_grad(EXERCISE_TARGET, z)
    if _same_typed(got, want):
        note = "" if _same(got, want) else " (rounded, which is fine)"
        return (f"Correct{note}: the gradient is y_hat - y. It is negative only for the true "
                "class, so a descent step raises that logit and lowers the others.")
    with np.errstate(divide="ignore"):
        slips = [
            (-want, "grad_z has the wrong sign: a descent step along it would lower the true "
                    "class's probability."),
            (-y / y_hat, "grad_z is the gradient with respect to the probabilities y_hat, not "
                         "the logits z. Chain it through the softmax."),
            (y_hat, "grad_z is the predicted probabilities alone: the one-hot target is "
                    "missing."),
            (-y, "grad_z is just the one-hot target; the gradient also depends on the "
                 "predicted probabilities."),
            (y, "grad_z is just the one-hot target; the gradient also depends on the "
                "predicted probabilities."),
            (z - y, "grad_z uses the logits where the probabilities belong: apply the softmax "
                    "to z first."),
            (want / k, "grad_z was divided by the number of classes. The mean in CE is over "
                       "samples, and there is one sample here."),
        ] + [(y_hat - _onehot(j, k), f"grad_z puts the 1 of the one-hot target at position "
              f"{j}. The true class is 0, counting from 0: the first entry.")
             for j in range(k) if j != EXERCISE_TARGET]
    hint = name_the_slip(got, want, slips, same=_same_typed)
    if hint is not None:
        raise StudentError(hint)
    if not np.isclose(got.sum(), 0.0, atol=1e-3):
        raise StudentError("grad_z does not sum to 0. Adding the same constant to every logit "
                           "leaves the loss unchanged, so the partial derivatives must add up "
                           "to 0.")
    raise StudentError("grad_z is not dCE/dz for this sample. Compute the predicted "
                       "probabilities from the logits first, then use the form §6 derived.")
