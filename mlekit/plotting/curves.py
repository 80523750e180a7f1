"""Static plot helpers: compute with the math core, then draw on an Axes.

Every helper takes ``ax=None`` (a new figure through pyplot, so it shows
inline in a notebook) and returns the artists it drew. None of them
re-derives a formula: values come from :mod:`mlekit.models` and friends.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import mlekit as mk
>>> from mlekit.plotting import likelihood_curve
>>> line = likelihood_curve(mk.models.Bernoulli(), mk.datasets.phone_survey(), kind="nll")
>>> line.get_xdata().shape
(400,)
"""

from __future__ import annotations

import numpy as np

from .. import _validation as V
from .style import COLORS, course_style, param_label

__all__ = ["KINDS", "one_free_param", "param_grid", "curve_values", "likelihood_curve",
           "mark_mle", "new_axes", "LEGEND_BAND_BOTTOM"]

#: vertical marker lines stop at this fraction of the axes height: the band above is
#: left free, so ``ax.legend()`` (loc "best" or "upper ...") can sit there uncrossed
LEGEND_BAND_BOTTOM = 0.8

#: what each curve kind shows: (model method, y label, colour key)
KINDS = {
    "likelihood": ("likelihood", r"likelihood $L(\theta)$", "likelihood"),
    "log_likelihood": ("log_likelihood", r"log-likelihood $\ell(\theta)$", "log_likelihood"),
    "nll": ("nll", r"NLL $-\ell(\theta)$", "nll"),
    "nll_grad": ("nll_grad", r"gradient $\partial\,\mathrm{NLL}/\partial \theta$", "gradient"),
}


def new_axes(ax=None, figsize=(6.0, 3.6)):
    """Return *ax*, or a new Axes in a new pyplot figure drawn in the course style."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    with course_style():
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def one_free_param(model) -> str:
    """The name of a model's single free parameter, or a clear error."""
    if len(model.params) != 1:
        fixed = {"Gaussian": "Gaussian(sigma=1.0)", "Laplace": "Laplace(b=1.0)"}
        example = fixed.get(type(model).__name__, "fix all but one parameter")
        V.fail("model", "have exactly one free parameter", f"{model!r} with {model.params}",
               f"Fix the others when building it, e.g. {example}.")
    if type(model).__name__ == "Categorical":
        V.fail("model", "have one scalar parameter", "Categorical (a probability vector)",
               "Use SoftmaxExplorer for class probabilities.")
    return model.params[0]


def param_grid(model, x, n=400):
    """A grid of n values of the model's free parameter that frames its MLE.

    Probabilities use (0.001, 0.999); a location uses the MLE ± 4 spreads; a
    scale uses (0.25, 3) times its MLE.
    """
    name = one_free_param(model)
    n = V.check_int(n, "n", minimum=2)
    lo, hi = model.bounds[name]
    if lo == 0.0 and hi == 1.0:
        return np.linspace(0.001, 0.999, n)
    est = model.mle(x)[name]
    if name in ("mu",):
        data = np.atleast_1d(np.asarray(x, dtype=float))
        spread = max(float(np.std(data)), *(float(v) for v in model.fixed.values()), 1e-3)
        return np.linspace(est - 4 * spread, est + 4 * spread, n)
    return np.linspace(0.25 * est, 3.0 * est, n)


def curve_values(model, x, kind, grid):
    """Evaluate one curve kind of a one-parameter model over *grid*."""
    if kind not in KINDS:
        V.fail("kind", f"be one of {sorted(KINDS)}", V.describe(kind), 'For example kind="nll".')
    name = one_free_param(model)
    method = getattr(model, KINDS[kind][0])
    out = method(x, **{name: grid})
    return np.asarray(out[name] if kind == "nll_grad" else out, dtype=float)


def likelihood_curve(model, x, *, kind="likelihood", grid=None, ax=None, **line_kw):
    """Plot L, log L, NLL or the NLL gradient of a one-parameter model against θ.

    Returns the Line2D.
    """
    name = one_free_param(model)
    grid = param_grid(model, x) if grid is None else V.as_float_array(grid, "grid", ndim=1)
    values = curve_values(model, x, kind, grid)
    ax = new_axes(ax)
    label = KINDS[kind][1].replace(r"\theta", param_label(name).strip("$"))
    line_kw.setdefault("color", COLORS[KINDS[kind][2]])
    (line,) = ax.plot(grid, values, **line_kw)
    ax.set_xlabel(param_label(name))
    ax.set_ylabel(label)
    return line


def mark_mle(model, x, *, ax=None, **line_kw):
    """Draw a dashed vertical line at the model's closed-form MLE; return it.

    The line runs from the bottom of the axes up to :data:`LEGEND_BAND_BOTTOM`
    of its height (pass ``ymax=1.0`` for the full height): a legend placed
    afterwards at the top, as ``ax.legend()`` does when there is room, is never
    crossed by it.
    """
    name = one_free_param(model)
    ax = new_axes(ax)
    line_kw.setdefault("ymax", LEGEND_BAND_BOTTOM)
    line_kw.setdefault("color", COLORS["mle"])
    line_kw.setdefault("linestyle", "--")
    line_kw.setdefault("linewidth", 1.2)
    return ax.axvline(model.mle(x)[name], **line_kw)
