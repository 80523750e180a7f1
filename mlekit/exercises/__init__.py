"""Exercise checks with instant, friendly feedback (one module per lesson).

In a lesson::

    from mlekit.exercises import lesson04 as ex
    ex.check_nll(nll)

A check compares the student's answer with mlekit's reference on several
inputs, including edge cases, and prints one sentence: a check mark when it
is right, or (on stderr, so nbgrader scores it as failed) what is wrong and a
hint. It never prints the reference answer. See INSTRUCTORS.md for how to
write a new check.
"""

from __future__ import annotations

import importlib

from ._core import Feedback, StudentError, check

__all__ = ["Feedback", "StudentError", "check"]


def __getattr__(name):
    if name.startswith("lesson") and name[6:].isdigit():
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'mlekit.exercises' has no attribute {name!r}")
