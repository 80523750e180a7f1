"""Figures for the course: one style, static helpers, and live views.

Importing this module imports matplotlib (``import mlekit`` alone does not).

- :mod:`~mlekit.plotting.style`: palette, rcParams, :func:`use_course_style`.
- static helpers (``ax=None`` → new figure; they return artists):
  :func:`likelihood_curve`, :func:`mark_mle`, :func:`draw_graph` (a computation graph), …
- views (build once, ``update(**params)`` moves artists only):
  :class:`LikelihoodView`, :class:`GaussianView`, …
"""

from __future__ import annotations

import importlib

from .curves import curve_values, likelihood_curve, mark_mle, param_grid
from .graph import draw_graph, graph_layout
from .style import COLORS, PALETTE, course_style, param_label, use_course_style
from .view import View, clamp_to_limits, robust_limits

#: view class -> module that defines it (imported on first use)
_VIEWS = {
    "LikelihoodView": "likelihood",
    "GaussianView": "gaussian",
    "RegressionView": "regression",
    "LossSurfaceView": "loss_surface",
    "SoftmaxView": "softmax",
    "GradientDescentView": "gradient_descent",
}

__all__ = [
    "COLORS", "PALETTE", "course_style", "use_course_style", "param_label",
    "View", "robust_limits", "clamp_to_limits",
    "curve_values", "likelihood_curve", "mark_mle", "param_grid",
    "draw_graph", "graph_layout",
    *_VIEWS,
]


def __getattr__(name):
    if name in _VIEWS:
        module = importlib.import_module(f".{_VIEWS[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module 'mlekit.plotting' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_VIEWS))
