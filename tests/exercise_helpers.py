"""Shared helpers for the tests of ``mlekit.exercises`` (one test file per lesson).

``tests/`` is on pytest's ``pythonpath`` (see pyproject.toml), so a lesson's test
file imports these with ``from exercise_helpers import answer_leaks, not_implemented, run``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from mlekit.exercises._core import FAIL_MARK, PASS_MARK  # noqa: F401  (the marks tests look for)

#: how a check could plausibly print a number; a reference value shown in any of these leaks it
LEAK_FORMATS = ("{}", "{:.2f}", "{:.3f}", "{:.4f}", "{:.4g}", "{:.6g}")
#: for lessons whose checks echo the student's own 2-decimal input ("it is 0.33"): no "{:.2f}"
ECHO_SAFE_FORMATS = ("{}", "{:.3f}", "{:.4f}", "{:.3g}", "{:.4g}", "{:.6g}")
#: renderings too common to count as revealing an answer (a "0.00" in a hint is not a leak)
NOT_A_LEAK = frozenset({"0", "0.0", "0.00", "0.000", "0.0000", "-0.00", "-0.000",
                        "1", "1.0", "1.00", "1.000"})


def not_implemented(*args):
    """What a student's untouched ``raise NotImplementedError()`` answer does."""
    raise NotImplementedError()


def raises_key_error(*args):
    """A student's function that fails with an error of its own (a KeyError)."""
    return {}["p"]


def function_blanks(text: str) -> list:
    """(answer, hint) rows every function exercise shares: not started, or not a function.

    *text* is the exercise's formula typed as a string instead of a function.
    """
    return [(None, "is None"), (text, "should be a function"),
            (not_implemented, "NotImplementedError"), (raises_key_error, "raised KeyError")]


def value_blanks(text: str) -> list:
    """(answer, hint) rows every value exercise shares: not a usable number.

    *text* is the answer typed in quotes.
    """
    return [(None, "still None"), (text, "remove the quotes"), (True, "True/False"),
            (float("nan"), "NaN"), ([1.0, 2.0], "single number"), (lambda: 1.0, "is a function")]


def failure(check, answer, capsys, hint: str, **kwargs) -> str:
    """Run *check* on a wrong *answer*: it must fail with *hint* on stderr only. Returns stderr."""
    fb, out, err = run(check, answer, capsys, **kwargs)
    assert not fb and out == "" and err.startswith(FAIL_MARK) and hint in err, err
    return err


def answer_leaks(text: str, values, formats=LEAK_FORMATS) -> bool:
    """True if any reference value appears in *text* in a format a check might print.

    *values* may be a scalar, a list or an array; each entry is tried in every
    format of *formats*, ignoring the renderings in ``NOT_A_LEAK``.
    """
    for v in np.ravel(np.asarray(values, dtype=float)):
        for fmt in formats:
            shown = fmt.format(float(v))
            if shown not in NOT_A_LEAK and shown in text:
                return True
    return False


def run(check, answer, capsys, **kwargs):
    """Call ``check(answer, **kwargs)``; return (feedback, stdout, stderr)."""
    feedback = check(answer, **kwargs)
    out = capsys.readouterr()
    return feedback, out.out, out.err


def graded_cells_in_course() -> int:
    """The graded check cells (nbgrader ``grade`` with points) of every lesson, counted here."""
    count = 0
    for path in sorted((Path(__file__).resolve().parents[1] / "course").glob("[0-9][0-9]_*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        count += sum(1 for c in cells if c["cell_type"] == "code"
                     and c.get("metadata", {}).get("nbgrader", {}).get("grade")
                     and c["metadata"]["nbgrader"].get("points") is not None)
    return count
