"""Figures for the course: one style, static helpers, and live views.

Importing this module imports matplotlib (``import mlekit`` alone does not).

- :mod:`~mlekit.plotting.style`: palette, rcParams, :func:`use_course_style`.
- static helpers (``ax=None`` → new figure; they return artists):
  :func:`likelihood_curve`, :func:`mark_mle`, :func:`draw_graph` (a computation graph), …
- views (build once, ``update(**params)`` moves artists only):
  :class:`LikelihoodView`, :class:`GaussianView`, …
"""

from __future__ import annotations

from .._lazy import lazy_loader
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
    "InformationView": "information",
    "GradientDescentView": "gradient_descent",
    "OptimizerView": "optimizer",
    "BackpropView": "backprop",
}

__all__ = [
    "COLORS", "PALETTE", "course_style", "use_course_style", "param_label",
    "View", "robust_limits", "clamp_to_limits",
    "curve_values", "likelihood_curve", "mark_mle", "param_grid",
    "draw_graph", "graph_layout",
    *_VIEWS,
]


__getattr__, __dir__ = lazy_loader(__name__, _VIEWS, globals())
