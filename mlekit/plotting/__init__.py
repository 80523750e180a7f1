"""Figures for the course: one style, static helpers, and live views.

Importing this module imports matplotlib (``import mlekit`` alone does not).

- :mod:`~mlekit.plotting.style`: palette, rcParams, :func:`use_course_style`.
- static helpers (``ax=None`` → new figure; they return artists):
  :func:`likelihood_curve`, :func:`mark_mle`, …
- views (build once, ``update(**params)`` moves artists only):
  :class:`LikelihoodView`, …
"""

from .curves import curve_values, likelihood_curve, mark_mle, param_grid
from .likelihood import LikelihoodView
from .style import COLORS, PALETTE, course_style, param_label, use_course_style
from .view import View, clamp_to_limits, robust_limits

__all__ = [
    "COLORS", "PALETTE", "course_style", "use_course_style", "param_label",
    "View", "robust_limits", "clamp_to_limits",
    "curve_values", "likelihood_curve", "mark_mle", "param_grid",
    "LikelihoodView",
]
