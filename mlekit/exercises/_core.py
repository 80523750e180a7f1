"""The machinery behind every exercise check: feedback, safe calls, comparisons.

A check compares a student's value or function with mlekit's reference on
several inputs and answers in one friendly sentence. It never prints the
reference answer. It prints its feedback as it runs:

- success: one line on stdout, starting with a check mark;
- anything wrong: one line on stderr (red in JupyterLab), starting with a
  cross, naming what is wrong and giving a hint.

nbgrader gives zero points to a test cell that writes to stderr, so the same
call grades correctly. A check also returns a :class:`Feedback`, which is
truthy only when the answer is right (``assert check_...(answer)`` works in
scripts), and which displays nothing more when it is a cell's last
expression, so the message is never shown twice.
"""

from __future__ import annotations

import math
import numbers
import sys
import warnings
from dataclasses import dataclass

import numpy as np

__all__ = ["Feedback", "passed", "failed", "call_student", "as_number", "StudentError",
           "close", "check", "describe_answer"]

PASS_MARK = "\u2705"   # ✅
FAIL_MARK = "\u274c"   # ❌


@dataclass(frozen=True)
class Feedback:
    """The outcome of a check: ``passed`` and the sentence shown to the student.

    Examples
    --------
    >>> fb = Feedback(False, "p must be between 0 and 1.")
    >>> bool(fb)
    False
    """

    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        return f"{PASS_MARK if self.passed else FAIL_MARK} {self.message}"

    def _ipython_display_(self):
        # Already printed when the check ran; as a cell's last value show nothing more.
        return None


def passed(message: str) -> Feedback:
    """Print a success line on stdout and return a passing :class:`Feedback`."""
    fb = Feedback(True, message)
    print(str(fb), file=sys.stdout, flush=True)
    return fb


def failed(message: str) -> Feedback:
    """Print a failure line on stderr and return a failing :class:`Feedback`."""
    fb = Feedback(False, message)
    print(str(fb), file=sys.stderr, flush=True)
    return fb


class StudentError(Exception):
    """Raised inside a check when the student's answer cannot be used; carries the sentence."""


def describe_answer(value) -> str:
    """A short description of what the student handed in."""
    if value is None:
        return "None"
    if isinstance(value, str):
        return f"the text {value!r}" if len(value) < 30 else "a piece of text"
    if callable(value):
        return f"the function {getattr(value, '__name__', '?')}"
    if isinstance(value, (bool, np.bool_)):
        return repr(bool(value))
    if isinstance(value, numbers.Number):
        return f"{float(value):.4g}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return f"a {type(value).__name__}"


def as_number(value, name: str) -> float:
    """The student's answer as a float, or a :class:`StudentError` explaining why not."""
    if value is None:
        raise StudentError(f"{name} is still None: replace None with your answer and run the "
                           "cell again.")
    if value is Ellipsis:
        raise StudentError(f"{name} is still `...`: replace it with your answer.")
    if isinstance(value, (bool, np.bool_)):
        raise StudentError(f"{name} is {bool(value)}, a True/False value; this exercise wants "
                           "a number.")
    if isinstance(value, str):
        raise StudentError(f"{name} is {describe_answer(value)}; remove the quotes so it is a "
                           "number, not text.")
    if callable(value):
        raise StudentError(f"{name} is a function; call it to get a number, or hand in the "
                           "number itself.")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise StudentError(f"{name} is {describe_answer(value)}; this exercise wants a single "
                           "number.") from None
    if arr.size != 1:
        raise StudentError(f"{name} has {arr.size} values; this exercise wants a single number.")
    out = float(arr.reshape(()))
    if math.isnan(out):
        raise StudentError(f"{name} is NaN (not a number); check for 0 * log(0) or 0 / 0 in "
                           "your computation.")
    return out


def as_array_or_none(result):
    """The result as a float array if it is numeric, else None (``as_number`` then explains)."""
    if result is None or isinstance(result, (str, bytes, bool, np.bool_)) or callable(result):
        return None
    try:
        with np.errstate(all="ignore"):
            return np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        return None


def reject_per_sample(result, per_sample, where: str, each: str, combine: str) -> None:
    """A student who returns one value per sample instead of one number gets a hint.

    If *result* is an array with as many entries as *per_sample* (and more than
    one) and they match it, the student computed the right per-sample terms and
    forgot to *combine* them ("average them", "add them up"); the :class:`StudentError`
    says so, calling each entry *each* ("surprise per answer").
    """
    arr = as_array_or_none(result)
    per_sample = np.asarray(per_sample, dtype=float)
    if (arr is not None and arr.ndim >= 1 and arr.size == per_sample.size > 1
            and np.allclose(arr.ravel(), per_sample.ravel())):
        raise StudentError(f"{where} returned {arr.size} values, one {each}. That is the right "
                           f"start: now {combine} into one number.")


def call_student(func, name: str, *args):
    """Call the student's function, turning every kind of failure into a StudentError."""
    if func is None:
        raise StudentError(f"{name} is None: define the function and run its cell first.")
    if not callable(func):
        raise StudentError(f"{name} should be a function, but it is {describe_answer(func)}. "
                           f"Define it with `def {name}(...):`.")
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")          # log(0) etc. become inf/nan, then a hint
            result = func(*args)
    except NotImplementedError:
        raise StudentError(f"{name} still raises NotImplementedError: replace "
                           "`raise NotImplementedError()` with your code.") from None
    except Exception as exc:   # the student's code failed: say how, in one line
        shown = ", ".join(_short(a) for a in args)
        raise StudentError(f"{name}({shown}) raised {type(exc).__name__}: {exc}") from None
    if result is None:
        shown = ", ".join(_short(a) for a in args)
        raise StudentError(f"{name}({shown}) returned None: did you forget the `return` line?")
    return result


def _short(value) -> str:
    if isinstance(value, numbers.Number):
        return f"{value:g}"
    return describe_answer(value)


def close(a, b, rtol=1e-6, atol=1e-12) -> bool:
    """True if two numbers agree to a relative 1e-6 (infinities must match exactly).

    The absolute tolerance is tiny (1e-12) so that small quantities such as a
    likelihood of 1e-11 are still compared relatively; it only absorbs
    rounding noise around an exact zero (e.g. a gradient at the MLE).
    """
    if math.isinf(a) or math.isinf(b):
        return a == b
    return math.isclose(a, b, rel_tol=rtol, abs_tol=atol)


def check(func):
    """Decorator for check functions.

    The wrapped function returns the success sentence, or raises
    :class:`StudentError` with the failure sentence; the wrapper prints the
    feedback and returns a :class:`Feedback`.
    """
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            message = func(*args, **kwargs)
        except StudentError as exc:
            return failed(str(exc))
        return passed(message)

    return wrapper
