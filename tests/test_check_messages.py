"""No check message writes out the answer's formula (issue 12: values *and* formulas).

A failure message may name the idea ("the chain rule", "the surprise of each answer"),
never the reference expression itself. For each lesson, the forms below are how its
answers are written: in the instructor solution, in the lesson's maths, in plain text.
Every literal text a check module puts into a StudentError (f-string parts joined) is
normalised (spaces, ``np.``, ``*``, brackets, Unicode minus) and must contain none of them.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re

import pytest

#: lesson -> the answer formulas no message of its checks may spell out
ANSWER_FORMS = {
    "00": ["x.mean()", "-log(0.7**7 * 0.3**3)", "sum(x) / len(x)"],
    "01": ["nCr p^r (1-p)^(n-r)", "comb(n, r) * p**r * (1 - p)**(n - r)",
           "exp(-(x - mu)**2 / (2 sigma**2)) / (sigma sqrt(2 pi))"],
    "02": ["x log p + (1 - x) log(1 - p)", "x * np.log(p) + (1 - x) * np.log(1 - p)"],
    "03": ["-7 log p - 3 log(1 - p)", "-log(1 - p)", "-log(1-0.7)",
           "each 1 costs -log p, each 0 costs -log(1 - p)"],
    "04": ["-7 / p + 3 / (1 - p)", "-7/p + 3/(1-p)", "k / n", "d/dp log(1 - p) = -1/(1 - p)",
           "0.2 - 0.01"],
    "05": ["SSE / (2 sigma^2) + (N/2) log(2 pi sigma^2)", "sigma^2 = the mean of the squared",
           "np.mean(t)", "np.median(t)", "sqrt(mean(residuals"],
    "06": ["2 (y - t) y (1 - y)", "2(y - t) * y * (1 - y)",
           "t log p_hat + (1 - t) log(1 - p_hat)", "sigmoid(z) - t", "sigma(z) - t",
           "dy/dz = sigma'(z) = y (1 - y)", "dJ/dy = 2 (y - t)"],
    "07": ["-y^T log y_hat", "-y_i^T log y_hat_i", "y_hat - y", "logsumexp",
           "exp(z - max"],
    "08": ["-sum p_k log2 p_k", "-(1/6) log2(1/6)", "p_k log2 p_k", "p log(p / q)",
           "log2(6)", "log2 6"],
    "09": ["2 / (c_min + c_max)", "2/(a+b)", "e n + r b", "epochs * n + rest * b",
           "beta * v - lr * g", "v_new = beta * v", "theta_new = theta + v_new",
           "m / (1 - beta1 ** t)", "v / (1 - beta2 ** t)", "1 - beta1^t", "1 - beta2^t",
           "2 / 16", "2/L", "lr > 0.125", "lr = 0.125", "1 / 8", "2 (1 + beta)",
           "(1 - sqrt(beta))^2"],
    "10": ["2(y - t)", "-2(t - y)", "-2 (t − y)", "delta2 * w2", "w2 * (z1 > 0)",
           "δ² w²ₘ ReLU′", "-(2/N)", "2 / len(t)", "X.T @ delta1", "x_n delta1",
           "diag(s) - s s^T", "np.diag(s) - np.outer(s, s)", "s_i (1 - s_i)", "-s_i s_j",
           "s_i(δ_ij - s_j)"],
    "11": ["np.flatnonzero(labels == c)", "round(test_fraction * n_c)", "round(f n_c)",
           "probs[np.arange(n), labels]", "-np.mean(np.log(", "-(1/N) sum log y_hat",
           "val_nll[e] < val_nll[best]", "e - best >= patience"],
}


def normalise(text: str) -> str:
    text = text.replace("\u2212", "-").replace("\u00b7", "*").replace("**", "^").lower()
    text = re.sub(r"\bnp\.|\bmath\.|\bmk\.nn\.", "", text)
    return re.sub(r"[\s*()\[\]{}$\\]", "", text)


def messages(module) -> list[str]:
    """Each StudentError's literal text, f-string parts joined, one string per raise."""
    tree = ast.parse(inspect.getsource(module))
    # the self-study hints (@check(hints=...)) are opened on request; tests/test_editions.py
    # keeps them free of the solution's values and code
    in_help = {id(sub) for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
               for deco in node.decorator_list for sub in ast.walk(deco)}
    found = []
    for node in ast.walk(tree):
        if id(node) in in_help:
            continue
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "StudentError":
            parts = [sub.value for sub in ast.walk(node)
                     if isinstance(sub, ast.Constant) and isinstance(sub.value, str)]
            found.append(" ".join(parts))
        # diagnoses written as (value, message) tables or returned as plain strings
        if isinstance(node, ast.Return) and isinstance(node.value, (ast.Constant, ast.JoinedStr)):
            parts = [sub.value for sub in ast.walk(node.value)
                     if isinstance(sub, ast.Constant) and isinstance(sub.value, str)]
            found.append(" ".join(parts))
        if isinstance(node, ast.Tuple) and len(node.elts) == 2 and isinstance(
                node.elts[1], (ast.Constant, ast.JoinedStr, ast.BinOp)):
            parts = [sub.value for sub in ast.walk(node.elts[1])
                     if isinstance(sub, ast.Constant) and isinstance(sub.value, str)]
            found.append(" ".join(parts))
    return [m for m in found if len(m) > 20 and not m.startswith("Correct")]


@pytest.mark.parametrize("lesson", sorted(ANSWER_FORMS))
def test_no_check_message_spells_out_the_answer(lesson):
    module = importlib.import_module(f"mlekit.exercises.lesson{lesson}")
    forms = [(form, normalise(form)) for form in ANSWER_FORMS[lesson]]
    leaks = [(form, message) for message in messages(module)
             for form, norm in forms if norm in normalise(message)]
    assert not leaks, "\n".join(f"{form!r} in: {message}" for form, message in leaks)


def test_the_formula_test_catches_a_leak():
    assert normalise("then 2 (y − t) y (1 − y).") .find(normalise("2 (y - t) y (1 - y)")) >= 0
    assert normalise("Try x.mean(), or count") .find(normalise("x.mean()")) >= 0
    assert normalise("-7 log p - 3 log(1 - p)") == normalise("-7 * np.log(p) - 3*log(1-p)")
