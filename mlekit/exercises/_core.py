"""The machinery behind every exercise check: feedback, safe calls, comparisons.

A check compares a student's value or function with mlekit's reference on
several inputs and answers in one friendly sentence. It never prints the
reference answer. It shows its feedback as it runs:

- success: a green box in JupyterLab (HTML with a drawn check mark, so no
  emoji font is needed), and one plain-text line starting with ``✓`` wherever
  HTML is not shown (a terminal, nbval, a plain-text export);
- anything wrong: one line on stderr (shown with a red background in
  JupyterLab), starting with ``×``, naming what is wrong and giving a hint.

nbgrader gives zero points to a test cell that writes to stderr, so the same
call grades correctly. A check also returns a :class:`Feedback`, which is
truthy only when the answer is right (``assert check_...(answer)`` works in
scripts), and which displays nothing more when it is a cell's last
expression, so the message is never shown twice.

A check may carry help for the self-study edition, written once beside the
check: ``@check(hints=(...), explanation="...")``. The edition builder
(:mod:`mlekit.teaching`) puts the hints and the worked solution in collapsed
blocks under the check cell, opened only when the student asks.

In a student edition (a folder with ``.mlekit-edition.json``), every check
also records pass or fail in the folder's progress file
(:mod:`mlekit.exercises._progress`); recording never changes the feedback.
"""

from __future__ import annotations

import functools
import html
import inspect
import math
import numbers
import sys
import warnings
from dataclasses import dataclass

import numpy as np

from . import _progress

__all__ = ["Feedback", "passed", "failed", "call_student", "as_number", "StudentError",
           "close", "check", "describe_answer", "require_answer", "ExerciseHelp", "PASS_MARK",
           "FAIL_MARK"]

# Marks in the plain-text feedback. Neither needs an emoji font: U+2713 is in
# DejaVu, Segoe UI Symbol and Menlo, and U+00D7 is in every Latin font. In
# JupyterLab the success line is HTML with an SVG mark instead.
PASS_MARK = "\u2713"   # ✓
FAIL_MARK = "\u00d7"   # ×

_PASS_SVG = ('<svg width="18" height="18" viewBox="0 0 18 18" aria-hidden="true" '
             'style="flex:none;margin-top:1px"><circle cx="9" cy="9" r="9" fill="#1a7f37"/>'
             '<path d="M5 9.4l2.6 2.6 5.4-5.6" stroke="#fff" stroke-width="2.2" fill="none" '
             'stroke-linecap="round" stroke-linejoin="round"/></svg>')


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


def feedback_html(fb: Feedback) -> str:
    """The success box shown in JupyterLab: an SVG check mark and the sentence, in green."""
    return ('<div class="mlekit-check mlekit-check-pass" role="status" style="display:flex;'
            'gap:0.5em;align-items:flex-start;padding:0.4em 0.7em;border-left:4px solid #1a7f37;'
            'background:#e6f4ea;color:#0b3d1a;border-radius:2px">'
            f'{_PASS_SVG}<span>{html.escape(fb.message)}</span></div>')


def _in_ipython() -> bool:
    shell = sys.modules.get("IPython")
    try:
        return shell is not None and shell.get_ipython() is not None
    except Exception:      # pragma: no cover - a broken IPython install
        return False


def passed(message: str) -> Feedback:
    """Show a success line and return a passing :class:`Feedback`.

    In IPython and Jupyter it is one rich output (HTML box + plain text);
    elsewhere a plain line on stdout.
    """
    fb = Feedback(True, message)
    if _in_ipython():
        from IPython.display import display

        display({"text/plain": str(fb), "text/html": feedback_html(fb)}, raw=True)
    else:
        print(str(fb), file=sys.stdout, flush=True)
    return fb


def failed(message: str) -> Feedback:
    """Print a failure line on stderr and return a failing :class:`Feedback`."""
    fb = Feedback(False, message)
    print(str(fb), file=sys.stderr, flush=True)
    return fb


class StudentError(Exception):
    """Raised inside a check when the student's answer cannot be used; carries the sentence.

    ``untouched=True`` marks an exercise the student has not started (the
    ``None`` placeholder or the ``raise NotImplementedError()`` stub is still
    there): the feedback is the same, but no attempt is recorded.
    """

    def __init__(self, message: str, *, untouched: bool = False):
        super().__init__(message)
        self.untouched = untouched


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


def require_answer(value, name: str) -> None:
    """Raise an ``untouched`` :class:`StudentError` if *value* is still the blank placeholder."""
    if value is None:
        raise StudentError(f"{name} is still None: replace None with your answer and run the "
                           "cell again.", untouched=True)
    if value is Ellipsis:
        raise StudentError(f"{name} is still `...`: replace it with your answer.", untouched=True)


def as_number(value, name: str) -> float:
    """The student's answer as a float, or a :class:`StudentError` explaining why not."""
    require_answer(value, name)
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
                           "`raise NotImplementedError()` with your code.", untouched=True) from None
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


@dataclass(frozen=True)
class ExerciseHelp:
    """Help a student opens on request in the self-study edition.

    ``hints`` go from gentle to specific and never state the answer; each
    should say more than the check's own messages. ``explanation`` is the
    worked reasoning (Markdown with LaTeX) shown above the solution code,
    which the edition builder takes from the instructor notebook's solution
    region, so the code is written once.
    """

    hints: tuple = ()
    explanation: str = ""


def check(func=None, *, hints=(), explanation=""):
    """Decorator for check functions: ``@check`` or ``@check(hints=(...), explanation=...)``.

    The wrapped function returns the success sentence, or raises
    :class:`StudentError` with the failure sentence; the wrapper shows the
    feedback, records pass or fail when the notebook runs in a student
    edition, and returns a :class:`Feedback`. The help is kept on the
    wrapper as ``.help`` (an :class:`ExerciseHelp`).
    """
    if isinstance(hints, str):
        raise TypeError("hints must be a tuple of sentences, got one string; "
                        "write hints=(\"...\",)")
    # triple-quoted text written indented beside the check reads as plain Markdown
    help_ = ExerciseHelp(tuple(inspect.cleandoc(h) for h in hints), inspect.cleandoc(explanation))

    def decorate(f):
        lesson = f.__module__.rsplit(".", 1)[-1]

        @functools.wraps(f)
        def wrapper(*args, **kwargs):
            try:
                message = f(*args, **kwargs)
            except StudentError as exc:
                fb = failed(str(exc))
                if exc.untouched:
                    return fb                                   # not started: no attempt
            else:
                fb = passed(message)
            _progress.record(lesson, f.__name__, fb.passed)     # never raises
            return fb

        wrapper.help = help_
        return wrapper

    return decorate(func) if func is not None else decorate
