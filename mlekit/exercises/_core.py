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
           "close", "close_typed", "close_arrays", "name_the_slip", "rounded_note", "reject_near_miss", "check",
           "describe_answer", "require_answer", "ExerciseHelp", "PASS_MARK", "FAIL_MARK",
           "TYPED_DIGITS", "TYPED_RTOL", "COMPUTED_RTOL", "as_array", "as_returned_array",
           "typed_answer"]

# Marks in the plain-text feedback. Neither needs an emoji font: U+2713 is in
# DejaVu, Segoe UI Symbol and Menlo, and U+00D7 is in every Latin font. In
# JupyterLab the success line is HTML with an SVG mark instead.
PASS_MARK = "\u2713"   # ✓
FAIL_MARK = "\u00d7"   # ×

#: Re-raise unforeseen errors inside a check instead of answering with a generic sentence
#: (the tests turn it on, so a case without its own sentence fails them).
STRICT = False

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
    """A short description of what the student handed in; never raises.

    >>> describe_answer(2.5), describe_answer(1 + 2j), describe_answer(10**400)
    ('2.5', 'the complex number (1+2j)', 'a whole number with 401 digits')
    """
    try:
        return _describe(value)
    except Exception:                      # an object whose repr or len misbehaves
        return f"a {type(value).__name__} object"


def _describe(value) -> str:
    if value is None:
        return "None"
    if value is Ellipsis:
        return "`...`"
    if isinstance(value, str):
        return f"the text {value!r}" if len(value) < 30 else "a piece of text"
    if isinstance(value, (bytes, bytearray)):
        return "bytes (raw binary data)"
    if isinstance(value, type):
        return f"the class {value.__name__}"
    if callable(value):
        return f"the function {getattr(value, '__name__', '?')}"
    if isinstance(value, (bool, np.bool_)):
        return repr(bool(value))
    if isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real):
        return f"the complex number {complex(value)}"
    if isinstance(value, numbers.Integral) and abs(int(value)) >= 10**16:
        return f"a whole number with {len(str(abs(int(value))))} digits"
    if isinstance(value, numbers.Number):
        return f"{float(value):.4g}"
    if isinstance(value, np.ndarray):
        kind = " of complex numbers" if np.iscomplexobj(value) else (
            " of objects" if value.dtype == object else "")
        return f"an array{kind} of shape {value.shape}"
    if inspect.isgenerator(value) or type(value).__name__.endswith("iterator"):
        return "a generator (make it a list or an array first)"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} values"
    return f"a {type(value).__name__}"


def require_answer(value, name: str) -> None:
    """Raise an ``untouched`` :class:`StudentError` if *value* is still the blank placeholder."""
    if value is None:
        raise StudentError(f"{name} is still None: replace None with your answer and run the "
                           "cell again.", untouched=True)
    if value is Ellipsis:
        raise StudentError(f"{name} is still `...`: replace it with your answer.", untouched=True)


def _not_a_number_reason(value) -> str | None:
    """Why *value* cannot be read as real numbers (a sentence part), or None if it can."""
    if isinstance(value, (bool, np.bool_)):
        return None                                        # callers word this one themselves
    if isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real):
        return "a complex number; this exercise works with real numbers only"
    if isinstance(value, np.ndarray) and np.iscomplexobj(value):
        return "an array of complex numbers; this exercise works with real numbers only"
    if inspect.isgenerator(value) or type(value).__name__.endswith("iterator"):
        return "a generator, which numpy cannot read as numbers; wrap it in list(...) or np.array(...)"
    return None


def as_array(value, name: str, *, what: str = "numbers") -> np.ndarray:
    """The student's answer as a float array, or a :class:`StudentError` saying why not.

    Lists, tuples, numpy scalars and arrays of any float or int type, 0-d
    arrays and Fractions are all fine; complex numbers, text, generators,
    ragged lists, objects and numbers too large for a float get one sentence.
    """
    require_answer(value, name)
    if isinstance(value, (str, bytes)):
        raise StudentError(f"{name} is {describe_answer(value)}; remove the quotes: this "
                           f"exercise wants {what}, not text.")
    if callable(value):
        raise StudentError(f"{name} is a function; call it, or hand in the {what} themselves.")
    reason = _not_a_number_reason(value)
    if reason is None and isinstance(value, (list, tuple)):
        reason = next((_not_a_number_reason(v) for v in value
                       if _not_a_number_reason(v) is not None), None)
    if reason is not None:
        raise StudentError(f"{name} is {reason}.")
    if isinstance(value, (dict, set, frozenset)):
        raise StudentError(f"{name} is a {type(value).__name__}, which is not an array of "
                           f"numbers; hand in {what}.")
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("error", np.exceptions.ComplexWarning
                                  if hasattr(np, "exceptions") else np.ComplexWarning)
            arr = np.asarray(value, dtype=float)
    except OverflowError:
        raise StudentError(f"{name} holds a number too large for a float (beyond about "
                           "1.8e308); check the computation that produced it.") from None
    except Warning:
        raise StudentError(f"{name} holds complex numbers; this exercise works with real "
                           "numbers only.") from None
    except (TypeError, ValueError):
        raise StudentError(f"{name} is {describe_answer(value)}, which numpy cannot read as "
                           f"{what}. Hand in plain numbers: a float, or a list or NumPy array "
                           "of floats.") from None
    return arr


def as_number(value, name: str) -> float:
    """The student's answer as a float, or a :class:`StudentError` explaining why not.

    ``inf`` is returned as it is (checks diagnose a log of 0); NaN is refused.
    """
    require_answer(value, name)
    if isinstance(value, (bool, np.bool_)):
        raise StudentError(f"{name} is {bool(value)}, a True/False value; this exercise wants "
                           "a number.")
    if callable(value):
        raise StudentError(f"{name} is a function; call it to get a number, or hand in the "
                           "number itself.")
    arr = as_array(value, name, what="a number")
    if arr.size != 1:
        raise StudentError(f"{name} has {arr.size} values; this exercise wants a single number.")
    out = float(arr.reshape(()))
    if math.isnan(out):
        raise StudentError(f"{name} is NaN (not a number); check for 0 * log(0) or 0 / 0 in "
                           "your computation.")
    return out


def as_returned_array(result, where: str, want: str, *, text_want: str | None = None):
    """What a student's function returned, as a float array, or a :class:`StudentError`.

    *where* names the call ("run_gd(grad, 0.5, 0.1, 3)"); text and a True/False value get
    their own sentence, "<where> returned ...; return <want>" (*text_want* words the text
    case differently); anything else goes through :func:`as_array`.

    >>> as_returned_array([1, 2], "f(z)", "a numpy array of numbers")
    array([1., 2.])
    >>> as_returned_array(True, "f(z)", "a numpy array of numbers")
    Traceback (most recent call last):
    ...
    mlekit.exercises._core.StudentError: f(z) returned True, a True/False value; return a numpy array of numbers.
    """
    if isinstance(result, (str, bytes)):
        raise StudentError(f"{where} returned {describe_answer(result)}; return "
                           f"{text_want or want}, not text.")
    if isinstance(result, (bool, np.bool_)):
        raise StudentError(f"{where} returned {bool(result)}, a True/False value; return {want}.")
    return as_array(result, f"the result of {where}", what=want)


def as_array_or_none(result):
    """The result as a float array if it is numeric, else None (``as_number`` then explains)."""
    if result is None or isinstance(result, (str, bytes, bool, np.bool_)) or callable(result):
        return None
    try:
        return as_array(result, "result")
    except StudentError:
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
    if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
        try:
            return f"{float(value):g}"
        except OverflowError:
            pass
    return describe_answer(value)


# ------------------------------------------------------------------ tolerance policy
#: A number the student typed by hand (or copied from a printout) passes when it is right
#: to 4 significant digits: ``2.585`` for log2 6 = 2.58496..., ``0.004921`` for 0.0049213...
TYPED_DIGITS = 4
TYPED_RTOL = 0.5 * 10.0 ** (1 - TYPED_DIGITS)          # 5e-4: half a unit in the 4th digit
#: What a student's code computes passes within 1e-5 relative: float32 arithmetic (about
#: 1e-7 per operation), a central finite difference (about 1e-8) and a numerical minimiser
#: with its default tolerance (about 1e-8) all fall well inside it, while every slip the
#: checks diagnose is off by far more. Answers near an exact 0 are compared absolutely,
#: against ``COMPUTED_RTOL * scale`` where a check knows the quantity's typical size.
COMPUTED_RTOL = 1e-5
#: A typed value off by less than this (relative) is "close": the check says to keep more
#: digits instead of calling it wrong.
NEAR_RTOL = 2e-2


def close(a, b, rtol=COMPUTED_RTOL, atol=1e-12, *, scale=None) -> bool:
    """True if two numbers agree to *rtol* relative (infinities must match exactly).

    This is the policy for values a student's code computes. The absolute
    tolerance is tiny (1e-12) unless *scale* (the quantity's typical size)
    is given, so that small quantities such as a likelihood of 1e-11 are
    still compared relatively; with *scale*, answers within ``rtol * scale``
    of an exact zero (a finite-difference gradient at the MLE) pass too.
    Anything that is not a real number is never close.

    >>> close(0.1 + 0.2, 0.3), close(2.585, 2.584962500721156), close(1e-7, 0.0, scale=1.0)
    (True, False, True)
    """
    try:
        a, b = float(a), float(b)
    except (TypeError, ValueError, OverflowError):
        return False
    if math.isnan(a) or math.isnan(b):
        return False
    if math.isinf(a) or math.isinf(b):
        return a == b
    if scale is not None:
        atol = max(atol, rtol * abs(float(scale)))
    return math.isclose(a, b, rel_tol=rtol, abs_tol=atol)


def close_typed(got, want) -> bool:
    """True if *got* is *want* to ``TYPED_DIGITS`` significant digits (a hand-typed value).

    >>> close_typed(2.585, 2.584962500721156), close_typed(2.58, 2.584962500721156)
    (True, False)
    """
    return close(got, want, rtol=TYPED_RTOL * (1 + 1e-9))


def rounded_note(got, want) -> str:
    """" (rounded, which is fine)" when *got* passes only as a typed value, else ""."""
    return "" if close(got, want) else f" (rounded to {TYPED_DIGITS} digits, which is fine)"


def reject_near_miss(got, want, name: str) -> None:
    """A value within 2 % of *want* but not right to 4 digits: say to keep more digits.

    Call it last, after every diagnosed slip, so a slip is still named.
    """
    if close(got, want, rtol=NEAR_RTOL) and not close_typed(got, want):
        raise StudentError(f"{name} is close, but not right to {TYPED_DIGITS} significant "
                           "digits. Compute it in code rather than typing a rounded number, or "
                           f"keep at least {TYPED_DIGITS} digits.")


def typed_answer(got: float, want: float, name: str, correct: str, slips, wrong: str) -> str:
    """Grade a number the student typed or computed by hand; return the success sentence.

    *got* right to ``TYPED_DIGITS`` digits gives "Correct: <correct>" (noting a rounded
    value). Otherwise the first of *slips*, ``(value, message)`` in the order given, that
    *got* matches is raised as a :class:`StudentError`; then a near miss is told to keep
    more digits (:func:`reject_near_miss`), and anything else gets *wrong*.

    >>> typed_answer(2.0, 2.0, "h", "two bits.", [(-2.0, "Check the sign.")], "Not 2.")
    'Correct: two bits.'
    >>> typed_answer(-2.0, 2.0, "h", "two bits.", [(-2.0, "Check the sign.")], "Not 2.")
    Traceback (most recent call last):
    ...
    mlekit.exercises._core.StudentError: Check the sign.
    """
    if close_typed(got, want):
        return f"Correct{rounded_note(got, want)}: {correct}"
    for value, message in slips:
        if close_typed(got, value):
            raise StudentError(message)
    reject_near_miss(got, want, name)
    raise StudentError(wrong)


def close_arrays(a, b, rtol=COMPUTED_RTOL, atol=1e-12, *, scale=None, equal_nan=False) -> bool:
    """Element-wise :func:`close` for two arrays of the same shape (False otherwise).

    With *equal_nan*, NaN in the same places counts as equal (a slip that gives NaN
    in one row is recognised by where its NaN are).
    """
    try:
        a = np.asarray(a, dtype=float)
        b = np.asarray(b, dtype=float)
    except (TypeError, ValueError, OverflowError):
        return False
    if a.shape != b.shape:
        return False
    nan_a, nan_b = np.isnan(a), np.isnan(b)
    if nan_a.any() or nan_b.any():
        if not (equal_nan and np.array_equal(nan_a, nan_b)):
            return False
        a, b = a[~nan_a], b[~nan_b]
    if scale is not None:
        atol = max(atol, rtol * abs(float(scale)))
    inf_a, inf_b = np.isinf(a), np.isinf(b)
    if not np.array_equal(inf_a, inf_b) or not np.array_equal(a[inf_a], b[inf_b]):
        return False
    finite = ~inf_a
    return bool(np.allclose(a[finite], b[finite], rtol=rtol, atol=atol))


def name_the_slip(got, want, slips, same=close):
    """The message of the one slip *got* matches, or None.

    *slips* is a sequence of ``(value, message)``: what a typical mistake gives on this
    probe, and the sentence for it. A slip whose value is the right answer here cannot be
    told apart from it, and two slips with the same value (but different messages) cannot be
    told apart from each other; neither is ever named on this probe. So a student is told
    "you did X" only when the answer matches X and nothing else.

    >>> name_the_slip(-2.0, 2.0, [(-2.0, "sign"), (4.0, "factor 2")])
    'sign'
    >>> name_the_slip(2.0, 1.0, [(2.0, "sum"), (2.0, "factor 2")]) is None
    True
    """
    matching = [(value, message) for value, message in slips
                if same(got, value) and not same(value, want)]
    messages = {message for _, message in matching}
    if len(messages) != 1:
        return None
    return messages.pop()


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
                # numpy's warnings (overflow on a huge answer, log of 0) would only repeat
                # what the feedback says, so a check runs with them off
                with np.errstate(all="ignore"), warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    message = f(*args, **kwargs)
            except StudentError as exc:
                fb = failed(str(exc))
                if exc.untouched:
                    return fb                                   # not started: no attempt
            except Exception:
                # A value no check foresaw: one sentence, never a traceback. The junk-input
                # property test runs with STRICT on, so every such case gets its own sentence.
                if STRICT:
                    raise
                what = describe_answer(args[0]) if args else "your answer"
                fb = failed(f"This check cannot use {what}. Hand in what the exercise asks for "
                            "(plain numbers, or a function returning them) and run it again.")
            else:
                fb = passed(message)
            _progress.record(lesson, f.__name__, fb.passed)     # never raises
            return fb

        wrapper.help = help_
        return wrapper

    return decorate(func) if func is not None else decorate
