"""Views and widgets only draw: the math layer computes (DESIGN.md, "one-way layers").

An AST scan of every module under ``mlekit/plotting/`` and ``mlekit/widgets/``
proves that none of them

- calls (or imports) an optimiser: ``gradient_descent``, ``sgd``, ``minimize`` …;
- calls a least-squares or linear solver: ``polyfit``, ``lstsq``, ``solve``, ``pinv`` …;
- reaches into a private (``_name``) function, method or attribute of another
  object or module, e.g. ``model._check_data(x)`` or ``V._fmt_number``.

The numbers a figure shows come from public, documented, tested functions of
the math layer (``mlekit.optim.descend``, ``mlekit.surfaces.LineFitMSE.best_slope``,
``mlekit.models.Model.check_data`` …). The scanner itself is tested on planted
snippets, so this test can fail.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import mlekit

PACKAGE = Path(mlekit.__file__).parent
DRAWING = sorted([*PACKAGE.glob("plotting/*.py"), *PACKAGE.glob("widgets/*.py")])

#: optimisers: runs belong to mlekit.optim (descend, gradient_descent, sgd)
OPTIMISERS = {"gradient_descent", "sgd", "momentum", "adagrad", "rmsprop", "adam", "newton",
              "minimize", "minimize_scalar", "least_squares", "curve_fit", "root", "brentq",
              "fsolve"}
#: least-squares and linear solvers: fits belong to the math layer (mlekit.surfaces)
SOLVERS = {"polyfit", "lstsq", "solve", "pinv", "inv", "linregress"}
FORBIDDEN = OPTIMISERS | SOLVERS

#: private attributes of third-party objects a view must touch, each with the reason
ALLOWED_PRIVATE = {
    # none: ipympl's internals are reached through LiveCanvas's own (self.) attributes
}


def _called_name(func) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def scan(source: str, filename: str = "<planted>") -> list:
    """``[(line, what)]`` for every layering violation in *source*."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Call):
            name = _called_name(node.func)
            if name in OPTIMISERS:
                found.append((node.lineno, f"calls the optimiser {name}()"))
            elif name in SOLVERS:
                found.append((node.lineno, f"calls the solver {name}()"))
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name in FORBIDDEN:
                    found.append((node.lineno, f"imports {alias.name}"))
                elif _is_private(alias.name) and not _is_module(node, alias.name, filename):
                    found.append((node.lineno, f"imports the private {alias.name}"))
        elif isinstance(node, ast.Attribute) and _is_private(node.attr):
            owner = node.value
            own = (isinstance(owner, ast.Name) and owner.id in ("self", "cls")) or (
                isinstance(owner, ast.Call) and _called_name(owner.func) == "super")
            if not own and node.attr not in ALLOWED_PRIVATE.get(Path(filename).name, ()):
                found.append((node.lineno, f"uses the private {ast.unparse(node)}"))
    return found


def _is_module(node, name, filename) -> bool:
    """Whether ``from <node.module> import <name>`` names a (private) module, e.g. ``_validation``."""
    if filename == "<planted>":
        return name in ("_validation", "_math", "_canvas", "_png", "_lazy")
    base = Path(filename).parent
    for _ in range(max(node.level - 1, 0)):
        base = base.parent
    if node.module:
        base = base.joinpath(*node.module.split("."))
    return (base / f"{name}.py").exists() or (base / name / "__init__.py").exists()


@pytest.mark.parametrize("path", DRAWING, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_views_and_widgets_only_draw(path):
    problems = scan(path.read_text(encoding="utf-8"), str(path))
    assert problems == [], "\n".join(f"{path.name}:{line}: {what}" for line, what in problems)


def test_the_scan_covers_every_view_and_widget_module():
    names = {f"{p.parent.name}/{p.name}" for p in DRAWING}
    assert {"plotting/regression.py", "plotting/gradient_descent.py", "widgets/base.py",
            "widgets/gradient_descent.py", "widgets/likelihood.py"} <= names


PLANTED = '''
import numpy as np
from scipy.optimize import minimize
from ..optim import gradient_descent
from .. import _validation as V
from ..plotting.format import _private_helper

class View:
    def __init__(self, model, x, t):
        self.x = model._check_data(x)             # a private method of another module
        w, b = np.polyfit(x, t, 1)                # a least-squares fit in a view
        (w,), *_ = np.linalg.lstsq(x[:, None], t, rcond=None)
        path = gradient_descent(lambda th: 2 * th, 1.0)
        text = V._fmt_number(w)
        self._mine = 1                            # its own private attribute: fine
        super()._repr_png_()                      # an inherited one: fine
        V.fail("x", "be fine", "fine")            # a public function of a private module: fine
'''


def test_the_scanner_finds_every_planted_violation():
    found = [what for _, what in scan(PLANTED)]
    assert found.count("imports minimize") == 1
    assert "imports gradient_descent" in found and "calls the optimiser gradient_descent()" in found
    assert "calls the solver polyfit()" in found and "calls the solver lstsq()" in found
    assert "uses the private model._check_data" in found
    assert "uses the private V._fmt_number" in found
    assert "imports the private _private_helper" in found
    assert not any(a in w for a in ("_mine", "_validation", "fail", "_repr_png_") for w in found)
    assert len(found) == 8, found
