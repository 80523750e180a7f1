"""Input checks shared by every public function in mlekit.

Each check raises ``TypeError`` (wrong kind of object) or ``ValueError``
(right kind, wrong value) with a message in one fixed shape::

    <argument> must <what was expected>, got <what arrived>. <How to fix it.>

so a student can read the first line of a traceback and know what to change.
This module imports numpy only and never prints.
"""

from __future__ import annotations

import numbers
from typing import Iterable

import numpy as np

__all__ = [
    "fail",
    "describe",
    "as_float_array",
    "as_float",
    "check_probability",
    "check_positive",
    "check_binary",
    "check_counts",
    "check_labels",
    "check_same_shape",
    "check_reduction",
    "check_int",
    "check_rng",
    "check_unit",
    "check_callable",
    "check_prob_vector",
    "check_interval",
    "check_choice",
    "check_scalar_result",
]


def describe(value) -> str:
    """Return a short, readable description of *value* for an error message."""
    if value is None:
        return "None"
    if isinstance(value, str):
        text = value if len(value) <= 30 else value[:27] + "..."
        return f"the string {text!r}"
    if isinstance(value, (bool, np.bool_)):
        return f"{bool(value)!r}"
    if isinstance(value, numbers.Number):
        return _fmt_number(value)
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return _fmt_number(value.item()) if value.dtype.kind in "biufc" else repr(value.item())
        return f"an array of shape {value.shape}"
    if isinstance(value, (list, tuple)):
        if 0 < len(value) <= 4 and all(isinstance(v, numbers.Real) for v in value):
            inner = ", ".join(_fmt_number(v) for v in value)
            if isinstance(value, tuple):
                return f"({inner},)" if len(value) == 1 else f"({inner})"
            return f"[{inner}]"
        return f"a {type(value).__name__} of length {len(value)}"
    if callable(value):
        return f"the callable {getattr(value, '__name__', type(value).__name__)}"
    return f"an object of type {type(value).__name__}"


def _fmt_number(value) -> str:
    if isinstance(value, (bool, np.bool_)):
        return repr(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    value = complex(value) if isinstance(value, complex) else float(value)
    if isinstance(value, complex):
        return repr(value)
    return f"{value:.6g}"


def fail(name: str, expected: str, got: str, fix: str = "", exc: type = ValueError):
    """Raise *exc* with mlekit's one-line message shape.

    Examples
    --------
    >>> fail("p", "lie in [0, 1]", "1.3", "Pass a probability.")
    Traceback (most recent call last):
    ...
    ValueError: p must lie in [0, 1], got 1.3. Pass a probability.
    """
    message = f"{name} must {expected}, got {got}."
    if fix:
        message += " " + fix
    raise exc(message)


def _first_bad(arr: np.ndarray, bad: np.ndarray) -> str:
    """Describe the first offending element of *arr* where mask *bad* is True."""
    if arr.ndim == 0:
        return _fmt_number(arr.item())
    idx = tuple(int(i) for i in np.argwhere(bad)[0])
    where = idx[0] if len(idx) == 1 else idx
    count = int(np.count_nonzero(bad))
    more = f" ({count} such values)" if count > 1 else ""
    return f"{_fmt_number(arr[idx].item())} at index {where}{more}"


def as_float_array(
    value,
    name: str,
    *,
    allow_empty: bool = False,
    ndim: int | Iterable[int] | None = None,
    finite: bool = True,
    expected: str = "be a number or an array of numbers",
    fix: str = "Pass numeric data such as a list of floats or a numpy array.",
) -> np.ndarray:
    """Convert *value* to a float ndarray, or raise a clear error.

    Rejects None, strings, ragged or non-numeric sequences (TypeError),
    and empty input, a wrong number of dimensions, NaN or +-inf (ValueError).

    Examples
    --------
    >>> as_float_array([1, 2], "x")
    array([1., 2.])
    >>> as_float_array([1.0, float("nan")], "x")
    Traceback (most recent call last):
    ...
    ValueError: x must contain only finite numbers, got nan at index 1. Remove or replace missing values before calling.
    """
    if value is None or isinstance(value, (str, bytes)):
        fail(name, expected, describe(value), fix, TypeError)
    shape_fix = "Pass numeric data of one consistent shape (no strings, None or ragged lists)."
    try:
        raw = value if isinstance(value, np.ndarray) else np.asarray(value)
    except (TypeError, ValueError):          # ragged nested lists
        fail(name, expected, describe(value), shape_fix, TypeError)
    if raw.dtype.kind in "USVc" or (raw.dtype.kind == "O" and any(
            v is None or isinstance(v, (str, bytes, complex)) for v in raw.ravel())):
        kind = "text" if raw.dtype.kind in "USO" else "non-real"
        fail(name, expected, f"{kind} data ({describe(value)})", shape_fix, TypeError)
    try:
        arr = raw.astype(float, copy=False)
    except (TypeError, ValueError):
        fail(name, expected, describe(value), shape_fix, TypeError)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            fail(name, f"be {want}", f"a {arr.ndim}-D input of shape {arr.shape}",
                 "Reshape it, for example with np.ravel(...) or x.reshape(-1, 1).")
    if not allow_empty and arr.size == 0:
        fail(name, "contain at least one value", "an empty array",
             "Pass some data; a likelihood or loss of no observations is undefined.")
    if finite and not np.all(np.isfinite(arr)):
        fail(name, "contain only finite numbers", _first_bad(arr, ~np.isfinite(arr)),
             "Remove or replace missing values before calling.")
    return arr


def as_float(value, name: str) -> float:
    """Convert a scalar to float, or raise a clear error.

    Examples
    --------
    >>> as_float(3, "lr")
    3.0
    """
    if isinstance(value, (bool, np.bool_)):
        fail(name, "be a number", repr(bool(value)), "Pass a number such as 0.1.", TypeError)
    arr = as_float_array(value, name)
    if arr.ndim != 0:
        fail(name, "be a single number", describe(value), "Pass one number, not an array.",
             TypeError)
    return float(arr)


def check_probability(value, name: str, *, open_interval: bool = False) -> np.ndarray:
    """Return *value* as a float array whose entries lie in [0, 1] (or (0, 1)).

    Examples
    --------
    >>> check_probability(1.3, "p")
    Traceback (most recent call last):
    ...
    ValueError: p must lie in [0, 1], got 1.3. A probability is a number between 0 and 1.
    """
    arr = as_float_array(value, name)
    if open_interval:
        bad = (arr <= 0) | (arr >= 1)
        interval = "(0, 1)"
    else:
        bad = (arr < 0) | (arr > 1)
        interval = "[0, 1]"
    if np.any(bad):
        fail(name, f"lie in {interval}", _first_bad(arr, bad),
             "A probability is a number between 0 and 1.")
    return arr


def check_prob_vector(value, name: str, *, atol: float = 1e-6) -> np.ndarray:
    """Return *value* as an array whose last axis is a probability vector.

    Entries must lie in [0, 1] and each vector must sum to 1 (within *atol*).

    Examples
    --------
    >>> check_prob_vector([0.2, 0.1, 0.65, 0.05], "y_hat")
    array([0.2 , 0.1 , 0.65, 0.05])
    >>> check_prob_vector([0.5, 0.6], "y_hat")
    Traceback (most recent call last):
    ...
    ValueError: y_hat must sum to 1 along its last axis, got a sum of 1.1. Normalise it (divide by its sum) or pass logits to the *_with_logits function.
    """
    arr = check_probability(value, name)
    if arr.ndim == 0:
        fail(name, "be a vector of class probabilities", describe(value),
             "Pass one probability per class, for example [0.2, 0.8].")
    sums = arr.sum(axis=-1)
    bad = np.abs(sums - 1.0) > atol
    if np.any(bad):
        fail(name, "sum to 1 along its last axis", f"a sum of {_first_bad(sums, bad)}",
             "Normalise it (divide by its sum) or pass logits to the *_with_logits function.")
    return arr


def check_positive(value, name: str) -> np.ndarray:
    """Return *value* as a float array of strictly positive entries.

    Examples
    --------
    >>> check_positive(0.0, "sigma")
    Traceback (most recent call last):
    ...
    ValueError: sigma must be > 0, got 0. A scale parameter has to be positive.
    """
    arr = as_float_array(value, name)
    bad = arr <= 0
    if np.any(bad):
        fail(name, "be > 0", _first_bad(arr, bad), "A scale parameter has to be positive.")
    return arr


def check_binary(value, name: str) -> np.ndarray:
    """Return *value* as a 1-D float array of 0s and 1s.

    Examples
    --------
    >>> check_binary([1, 0, 2], "x")
    Traceback (most recent call last):
    ...
    ValueError: x must contain only 0 and 1, got 2 at index 2. Code each observation as 1 (success) or 0 (failure).
    """
    arr = as_float_array(value, name, ndim=(0, 1))
    arr = np.atleast_1d(arr)
    bad = (arr != 0) & (arr != 1)
    if np.any(bad):
        fail(name, "contain only 0 and 1", _first_bad(arr, bad),
             "Code each observation as 1 (success) or 0 (failure).")
    return arr


def check_counts(value, name: str, n: int) -> np.ndarray:
    """Return *value* as a 1-D float array of whole counts in [0, n].

    Examples
    --------
    >>> check_counts([7, 11], "k", 10)
    Traceback (most recent call last):
    ...
    ValueError: k must be whole numbers in [0, 10], got 11 at index 1. A count of successes cannot be negative or exceed the number of trials n = 10.
    """
    arr = np.atleast_1d(as_float_array(value, name, ndim=(0, 1)))
    bad = (arr < 0) | (arr > n) | (arr != np.round(arr))
    if np.any(bad):
        fail(name, f"be whole numbers in [0, {n}]", _first_bad(arr, bad),
             f"A count of successes cannot be negative or exceed the number of trials n = {n}.")
    return arr


def check_labels(value, name: str, n_classes: int | None = None) -> np.ndarray:
    """Return *value* as an int array of class labels in [0, n_classes).

    Examples
    --------
    >>> check_labels([0, 2, 4], "t", 4)
    Traceback (most recent call last):
    ...
    ValueError: t must be integer class labels in [0, 3], got 4 at index 2. Labels count from 0, so 4 classes use 0, 1, 2, 3.
    """
    arr = as_float_array(value, name)
    bad = arr != np.round(arr)
    if n_classes is not None:
        bad |= (arr < 0) | (arr >= n_classes)
        expected = f"be integer class labels in [0, {n_classes - 1}]"
        labels = ", ".join(str(i) for i in range(min(n_classes, 5))) + (", ..." if n_classes > 5 else "")
        fix = f"Labels count from 0, so {n_classes} classes use {labels}."
    else:
        bad |= arr < 0
        expected = "be non-negative integer class labels"
        fix = "Labels count from 0."
    if np.any(bad):
        fail(name, expected, _first_bad(arr, bad), fix)
    return arr.astype(np.intp)


def check_same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Raise if two arrays differ in shape.

    Examples
    --------
    >>> import numpy as np
    >>> check_same_shape(np.zeros(3), np.zeros(4), "y_hat", "t")
    Traceback (most recent call last):
    ...
    ValueError: y_hat and t must have the same shape, got (3,) and (4,). Pass one prediction per target.
    """
    if a.shape != b.shape:
        fail(f"{name_a} and {name_b}", "have the same shape", f"{a.shape} and {b.shape}",
             "Pass one prediction per target.")


def _choice_list(choices) -> str:
    """``"mean" or "sum"``, ``"mean", "sum" or "none"``: the choices as a message lists them."""
    shown = [f'"{c}"' if isinstance(c, str) else repr(c) for c in choices]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]


def check_choice(value, name: str, choices, fix: str, *, expected: str | None = None,
                 exc: type | None = None):
    """Return *value* if it is one of *choices*, or raise naming them all.

    A value of the choices' type that is not among them raises ValueError (a
    misspelt option), a value of another type TypeError (``None``, a number
    where a name belongs); *exc* forces one of them. *expected* replaces the
    phrase after "must" (``be "mean" or "sum"`` by default).

    Examples
    --------
    >>> check_choice("bits", "unit", ("nats", "bits"), "Use a log base.")
    'bits'
    >>> check_choice("bytes", "unit", ("nats", "bits"), 'Use "nats" or "bits".')
    Traceback (most recent call last):
    ...
    ValueError: unit must be "nats" or "bits", got the string 'bytes'. Use "nats" or "bits".
    >>> check_choice(2, "unit", ("nats", "bits"), 'Use "nats" or "bits".')
    Traceback (most recent call last):
    ...
    TypeError: unit must be "nats" or "bits", got 2. Use "nats" or "bits".
    """
    kinds = tuple({type(c) for c in choices})
    right_kind = isinstance(value, kinds) and not isinstance(value, (bool, np.bool_))
    if right_kind and any(value == c for c in choices):
        return value
    if exc is None:
        exc = ValueError if right_kind else TypeError
    fail(name, expected or f"be {_choice_list(choices)}", describe(value), fix, exc)


def check_scalar_result(value, name: str, fix: str, reduce_fix: str) -> float:
    """Return what a user's callback returned as one float, or raise TypeError.

    *name* is the call (``"f(x)"``, ``"loss(theta)"``); *fix* is said when it
    returned no number at all (text, None), *reduce_fix* when it returned an
    array. inf and NaN pass: the caller decides what they mean.

    Examples
    --------
    >>> check_scalar_result(2, "f(x)", "Return one float.", "Reduce with a sum.")
    2.0
    >>> check_scalar_result([1.0, 2.0], "f(x)", "Return one float.", "Reduce with a sum.")
    Traceback (most recent call last):
    ...
    TypeError: f(x) must return a single number, got an array of shape (2,). Reduce with a sum.
    """
    arr = as_float_array(value, name, finite=False, expected="return a single number", fix=fix)
    if arr.ndim != 0:
        fail(name, "return a single number", f"an array of shape {arr.shape}", reduce_fix,
             TypeError)
    return float(arr)


def check_reduction(reduction, *, allow_none: bool = False) -> str:
    """Return *reduction* if it is ``"mean"`` or ``"sum"`` (or ``"none"`` where allowed).

    Examples
    --------
    >>> check_reduction("avg")
    Traceback (most recent call last):
    ...
    ValueError: reduction must be "mean" or "sum", got the string 'avg'. Use "mean" to average over samples or "sum" to add them up.
    """
    if allow_none:
        return check_choice(reduction, "reduction", ("mean", "sum", "none"),
                            'Use "mean" to average over samples, "sum" to add them up, or '
                            '"none" for one loss per sample.', exc=ValueError)
    return check_choice(reduction, "reduction", ("mean", "sum"),
                        'Use "mean" to average over samples or "sum" to add them up.',
                        exc=ValueError)


def check_int(value, name: str, *, minimum: int | None = None) -> int:
    """Return *value* as a Python int (at least *minimum*), or raise.

    Examples
    --------
    >>> check_int(0, "steps", minimum=1)
    Traceback (most recent call last):
    ...
    ValueError: steps must be an integer >= 1, got 0. Pass a whole number such as 1.
    """
    if isinstance(value, (bool, np.bool_)):
        fail(name, "be an integer", repr(bool(value)), "Pass a whole number such as 10.",
             TypeError)
    if not isinstance(value, numbers.Integral):
        if isinstance(value, numbers.Real) and float(value).is_integer():
            value = int(value)
        else:
            fail(name, "be an integer", describe(value), "Pass a whole number such as 10.",
                 TypeError)
    value = int(value)
    if minimum is not None and value < minimum:
        fail(name, f"be an integer >= {minimum}", str(value),
             f"Pass a whole number such as {max(minimum, 1)}.")
    return value


def check_rng(rng) -> np.random.Generator:
    """Return a numpy Generator from None, an int seed or a Generator.

    Examples
    --------
    >>> check_rng(0).integers(10)
    np.int64(8)
    """
    if rng is None or isinstance(rng, (numbers.Integral, np.random.SeedSequence)):
        if isinstance(rng, (bool, np.bool_)):
            fail("rng", "be None, an int seed or a numpy Generator", describe(rng),
                 "Pass rng=0 for reproducible results.", TypeError)
        if rng is not None and int(rng) < 0:
            fail("rng", "be a non-negative int seed", str(int(rng)),
                 "Pass rng=0 for reproducible results.")
        return np.random.default_rng(rng)
    if isinstance(rng, np.random.Generator):
        return rng
    fail("rng", "be None, an int seed or a numpy Generator", describe(rng),
         "Pass rng=0 for reproducible results, or rng=np.random.default_rng(0).", TypeError)


def check_unit(unit) -> float:
    """Return the log base for ``unit="nats"`` (e) or ``unit="bits"`` (2).

    Examples
    --------
    >>> check_unit("bits")
    2.0
    """
    unit = check_choice(unit, "unit", ("nats", "bits"),
                        'Use "nats" for natural logs or "bits" for log base 2.')
    return float(np.e) if unit == "nats" else 2.0


def check_callable(value, name: str, signature: str):
    """Raise TypeError unless *value* is callable.

    Examples
    --------
    >>> check_callable(3, "grad", "grad(theta) -> array")
    Traceback (most recent call last):
    ...
    TypeError: grad must be a function grad(theta) -> array, got 3. Pass the function itself, without calling it.
    """
    if not callable(value):
        fail(name, f"be a function {signature}", describe(value),
             "Pass the function itself, without calling it.", TypeError)
    return value


def check_interval(value, name: str, *, finite: bool = True, example: str = "(0, 1)"):
    """Return ``(low, high)`` as floats with low < high, or raise.

    Examples
    --------
    >>> check_interval((0, 5), "x_range")
    (0.0, 5.0)
    >>> check_interval((5, 0), "x_range")
    Traceback (most recent call last):
    ...
    ValueError: x_range must be a pair of finite numbers (low, high) with low < high, got (5, 0). For example x_range=(0, 1).
    """
    try:
        arr = as_float_array(value, name, ndim=1, finite=False)
    except (TypeError, ValueError):
        arr = None
    ok = (arr is not None and arr.size == 2 and not np.any(np.isnan(arr))
          and arr[0] < arr[1] and (not finite or np.all(np.isfinite(arr))))
    if not ok:
        what = "be a pair of finite numbers (low, high) with low < high" if finite else \
            "be a pair (low, high) with low < high"
        fail(name, what, describe(value), f"For example {name}={example}.")
    return float(arr[0]), float(arr[1])
