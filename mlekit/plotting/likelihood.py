"""LikelihoodView: likelihood, log-likelihood, NLL (with tangent) and gradient at θ."""

from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D

from .. import _validation as V
from ..glossary import ko
from .curves import KINDS, curve_values, one_free_param, param_grid
from .format import fmt_pairs
from .style import COLORS, param_label
from .view import View, clip_polyline, mark_on_scale, robust_limits

__all__ = ["LikelihoodView"]

_PANELS = ("likelihood", "log_likelihood", "nll", "nll_grad")
_TITLES = {   # English with the Korean term from mlekit.glossary (bundled Hangul font)
    "likelihood": f"Likelihood {ko('likelihood')}",
    "log_likelihood": f"Log-likelihood {ko('log_likelihood')}",
    "nll": f"NLL {ko('negative_log_likelihood')}, with tangent",
    "nll_grad": f"Gradient of the NLL {ko('gradient')}",
}


class LikelihoodView(View):
    """Four panels sharing the θ axis, with markers at θ and at the MLE.

    Parameters
    ----------
    model : mlekit.models.Model
        A model with one free parameter (e.g. ``Bernoulli()``,
        ``Gaussian(sigma=1.0)``).
    x : array_like
        The observed data.
    theta : float, optional
        Starting parameter value (default: halfway along the grid).
    grid : array_like, optional
        Parameter values for the curves (default: :func:`param_grid`).
    show_readout : bool
        Print the values at θ above the panels (explorers show them in a
        widget instead, which is cheaper than rendering text every frame).
    canvas_factory : callable, optional
        See :class:`View`.

    Examples
    --------
    >>> import mlekit as mk
    >>> from mlekit.plotting import LikelihoodView
    >>> view = LikelihoodView(mk.models.Bernoulli(), mk.datasets.phone_survey())
    >>> view.update(p=0.5)
    >>> round(view.readout["nll"], 4), view.readout["nll_grad"]
    (6.9315, -8.0)
    >>> view.close()
    """

    def __init__(self, model, x, *, theta=None, grid=None, show_readout=True,
                 canvas_factory=None):
        # 880 x 430 px: with its slider row and readout the explorer fits a 1366x768 screen
        super().__init__(figsize=(8.8, 4.3), canvas_factory=canvas_factory, layout="constrained")
        if show_readout:
            self.fig.get_layout_engine().set(rect=(0, 0, 1, 0.95))   # room for the readout line
        self.name = one_free_param(model)
        with self._style():
            axes = self.fig.subplots(2, 2, sharex=True)
            self.axes = dict(zip(_PANELS, axes.flat))
            self.curves, self.mle_lines, self.cursors, self.points, self.notes = {}, {}, {}, {}, {}
            for kind, ax in self.axes.items():
                color = COLORS[KINDS[kind][2]]
                (self.curves[kind],) = ax.plot([], [], color=color)
                self.mle_lines[kind] = ax.axvline(0.0, color=COLORS["mle"], ls="--", lw=1.2,
                                                  label="MLE")
                self.cursors[kind] = self.animate(ax.axvline(0.0, color=COLORS["current"],
                                                             lw=1.2, alpha=0.9))
                (self.points[kind],) = ax.plot([], [], "o", color=COLORS["current"], ms=8,
                                               zorder=5, clip_on=False)   # whole at the edge
                self.animate(self.points[kind])
                self.notes[kind] = self.animate(ax.text(
                    0.02, 0.96, "", transform=ax.transAxes, va="top", ha="left", fontsize=9,
                    color=COLORS["nll"], visible=False))
                ax.set_title(_TITLES[kind])
            self.axes["nll_grad"].axhline(0.0, color=COLORS["data"], lw=0.8)
            (self.tangent,) = self.axes["nll"].plot([], [], color=COLORS["gradient"], lw=1.5,
                                                   ls="-", label="tangent (slope = gradient)")
            self.animate(self.tangent)
            # one legend under the panels: no line or marker can cross it at any θ
            current = Line2D([], [], color=COLORS["current"], lw=1.2, marker="o", ms=6,
                             label=r"current $\theta$ (slider)")
            self.legend = self.fig.legend(
                handles=[self.mle_lines["nll"], current, self.tangent],
                loc="outside lower center", ncols=3)
            self.readout_text = self.animate(self.fig.text(
                0.5, 0.995, "", ha="center", va="top", fontsize=10, family="monospace",
                visible=show_readout))
        self.readout = {}
        self.set_data(model, x, theta=theta, grid=grid)

    # ------------------------------------------------------------ static part
    def set_data(self, model, x, *, theta=None, grid=None):
        """Show a new model or data set.

        Curves, limits and the MLE change, so this does a full redraw (slow,
        but only when the data change, not when θ moves).
        """
        name = one_free_param(model)
        if name != self.name:
            V.fail("model", f"have the free parameter {self.name!r} like the first one",
                   repr(name), "Build a new view for a different parameter.")
        self.model, self.x = model, x
        self.grid = param_grid(model, x) if grid is None else V.as_float_array(grid, "grid",
                                                                              ndim=1)
        self.mle = float(model.mle(x)[name])
        self.values = {kind: curve_values(model, x, kind, self.grid) for kind in _PANELS}
        self.limits = {}
        for kind, ax in self.axes.items():
            vals = self.values[kind]
            self.curves[kind].set_data(self.grid, vals)
            self.mle_lines[kind].set_xdata([self.mle, self.mle])
            if kind == "nll":
                # show the bowl around the minimum, not the walls at p -> 0 or 1
                finite = vals[np.isfinite(vals)]
                low = float(finite.min()) if finite.size else 0.0
                lim = robust_limits(vals, q=(0.0, 0.85), include=(low,))
            elif kind == "log_likelihood":
                lim = robust_limits(vals, q=(0.15, 1.0))
            elif kind == "nll_grad":
                lim = robust_limits(vals, q=(0.1, 0.9), include=(0.0,))
            else:
                lim = robust_limits(vals, include=(0.0,))
            ax.set_ylim(*lim)
            self.limits[kind] = lim
            ax.set_ylabel(KINDS[kind][1].replace(r"\theta", param_label(name).strip("$")))
        self.axes["nll"].set_xlim(self.grid[0], self.grid[-1])
        for kind in ("nll", "nll_grad"):
            self.axes[kind].set_xlabel(param_label(name))
        self._tangent_halfwidth = 0.12 * (self.grid[-1] - self.grid[0])
        if theta is None:
            theta = self.readout.get("theta", float(self.grid[len(self.grid) // 2]))
        self._set(theta=theta)
        self.redraw()          # static part changed: full redraw (recaptures the background)

    # ------------------------------------------------------------ moving part
    def _set(self, theta=None, **params):
        """Move θ (pass ``theta=`` or the parameter's own name, e.g. ``p=0.4``)."""
        if params:
            if set(params) != {self.name}:
                V.fail("update()", f"be given {self.name}=... (or theta=...)",
                       ", ".join(params), f"Call view.update({self.name}=0.5).", TypeError)
            theta = params[self.name]
        if theta is None:
            V.fail("update()", f"be given {self.name}=...", "no value",
                   f"Call view.update({self.name}=0.5).", TypeError)
        theta = V.as_float(theta, self.name)
        kw = {self.name: theta}
        values = {
            "likelihood": float(self.model.likelihood(self.x, **kw)),
            "log_likelihood": float(self.model.log_likelihood(self.x, **kw)),
            "nll": float(self.model.nll(self.x, **kw)),
            "nll_grad": float(self.model.nll_grad(self.x, **kw)[self.name]),
        }
        self.readout = {"theta": theta, **values}
        for kind, value in values.items():
            self.cursors[kind].set_xdata([theta, theta])
            mark_on_scale(self.points[kind], self.notes[kind], theta, value, self.limits[kind])
        nll, slope = values["nll"], values["nll_grad"]
        if np.isfinite(nll) and np.isfinite(slope):
            h = self._tangent_halfwidth
            xs = np.array([theta - h, theta + h])
            # y = NLL(θ) + g (x − θ), cut at the panel's edges (a steep tangent leaves it)
            self.tangent.set_data(*clip_polyline(xs, nll + slope * (xs - theta),
                                                 (self.grid[0], self.grid[-1]),
                                                 self.limits["nll"])[:2])
            self.tangent.set_visible(True)
        else:
            self.tangent.set_visible(False)
        if self.readout_text.get_visible():
            self.readout_text.set_text(self.readout_line())

    def readout_line(self) -> str:
        """The values at θ as one line of text."""
        r = self.readout
        return fmt_pairs([(self.name, f"{r['theta']:.3f}"), ("L", r["likelihood"]),
                          ("log L", r["log_likelihood"]), ("NLL", r["nll"]),
                          (f"dNLL/d{self.name}", r["nll_grad"])])

