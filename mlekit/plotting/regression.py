r"""RegressionView: a line through toy data, its residuals, and MSE vs Gaussian NLL.

Left: the data, the current line :math:`y = wx + b`, the residuals (vertical
segments from each point to the line) and, dashed, the least-squares line.
Right: the MSE and the Gaussian NLL (fixed :math:`\sigma`) as functions of
the slope :math:`w` with the intercept held at its current value, with a
dotted vertical line at the slope that minimises both *for that intercept*,
:math:`w^*(b)`; only at the least-squares intercept is it the least-squares
slope. The same line minimises the squared error and maximises the Gaussian
likelihood.
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection

from .. import _validation as V
from ..losses import mse, sse
from ..models import Gaussian
from ..surfaces import LineFitMSE, least_squares_line
from .style import COLORS, param_label
from .view import View, clamp_to_limits, clip_polyline, mark_on_scale, robust_limits

__all__ = ["RegressionView", "slope_range", "intercept_range"]

_N_GRID = 201


def slope_range(x, t):
    """The slopes a student should be able to try: the least-squares slope ± 1.5 spans.

    A "span" is ``std(t) / std(x)``, the slope that crosses the data's
    spread once. Returns ``(lo, hi)`` rounded to one decimal.
    """
    w_ls, _ = least_squares_line(x, t)
    half = 1.5 * max(float(np.std(t) / np.std(x)), abs(float(w_ls)) * 0.5, 1e-3)
    return _nice(w_ls - half, "down"), _nice(w_ls + half, "up")


def intercept_range(x, t):
    """Intercepts to try: the least-squares intercept ± 1.5 standard deviations of t."""
    _, b_ls = least_squares_line(x, t)
    half = 1.5 * max(float(np.std(t)), 1e-3)
    return _nice(b_ls - half, "down"), _nice(b_ls + half, "up")


def _nice(value, direction):
    rounding = np.floor if direction == "down" else np.ceil
    return float(rounding(float(value) * 10.0) / 10.0)


class RegressionView(View):
    r"""Slope/intercept of a line over data; residuals; MSE and Gaussian NLL share a minimiser.

    Parameters
    ----------
    x, t : array_like, shape (n,)
        Inputs and targets (at least two different x values).
    sigma : float
        The fixed noise standard deviation of the Gaussian model
        :math:`t_i \sim \mathcal N(w x_i + b, \sigma^2)` (> 0).
    w, b : float, optional
        Starting slope and intercept (default: half the least-squares slope,
        the least-squares intercept).
    w_range, b_range : (float, float), optional
        Slopes shown on the right panels, and intercepts the y-limits must
        accommodate (default: :func:`slope_range`, :func:`intercept_range`).
    canvas_factory : callable, optional
        See :class:`View`.

    Notes
    -----
    Per sample, :math:`-\log \mathcal N(t_i \mid \hat y_i, \sigma^2) =
    \tfrac12\log(2\pi\sigma^2) + (t_i-\hat y_i)^2/(2\sigma^2)`, so for fixed
    :math:`\sigma` the NLL is an increasing affine function of the SSE and
    both are minimised by the least-squares line. The view takes every number
    from the math layer: the MSE from :func:`mlekit.losses.mse` (and, over the
    slope grid, :meth:`mlekit.surfaces.LineFitMSE.loss`), the NLL from
    :meth:`mlekit.models.Gaussian.log_density`, the least-squares line from
    :attr:`mlekit.surfaces.LineFitMSE.least_squares` and the best slope for
    the current intercept from :meth:`mlekit.surfaces.LineFitMSE.best_slope`.

    Examples
    --------
    >>> import mlekit as mk
    >>> from mlekit.plotting import RegressionView
    >>> view = RegressionView(*mk.datasets.toy_regression())
    >>> view.update(w=2.0, b=1.0)
    >>> round(view.readout["mse"], 4), round(view.readout["w_ls"], 4)
    (0.9533, 2.0297)
    >>> view.close()
    """

    def __init__(self, x, t, *, sigma=1.0, w=None, b=None, w_range=None, b_range=None,
                 canvas_factory=None):
        self.fit = LineFitMSE(x, t)                # validates x and t; the closed-form fit
        self.model = Gaussian(sigma=sigma)          # validates sigma > 0
        self.sigma = float(self.model.fixed["sigma"])
        self.x, self.t = x, t = self.fit.x, self.fit.t
        self.w_ls, self.b_ls = self.fit.least_squares
        self.w_range = tuple(slope_range(x, t) if w_range is None else
                             V.check_interval(w_range, "w_range", example="(-1, 5)"))
        self.b_range = tuple(intercept_range(x, t) if b_range is None else
                             V.check_interval(b_range, "b_range", example="(-4, 6)"))
        self.w_grid = np.linspace(*self.w_range, _N_GRID)

        # 880 x 410 px: with its slider row and readout the explorer fits a 1366x768 screen
        super().__init__(figsize=(8.8, 4.1), canvas_factory=canvas_factory, layout="constrained")
        with self._style():
            grid = self.fig.add_gridspec(2, 2, width_ratios=(1.15, 1.0))
            self.ax_data = self.fig.add_subplot(grid[:, 0])
            self.ax_mse = self.fig.add_subplot(grid[0, 1])
            self.ax_nll = self.fig.add_subplot(grid[1, 1], sharex=self.ax_mse)
            self._build_data_panel()
            self._build_loss_panels()
            self._build_legend()
        self.readout = {}
        self._slice_b = None
        self._set(w=0.5 * self.w_ls if w is None else w, b=self.b_ls if b is None else b)
        self.redraw()       # first full draw: captures the static background

    # ------------------------------------------------------------ static part
    def _build_data_panel(self):
        ax, x, t = self.ax_data, self.x, self.t
        pad = 0.06 * np.ptp(x)
        self.xlim = (float(x.min() - pad), float(x.max() + pad))
        ends = np.array(self.xlim)
        self.ylim = robust_limits(np.r_[t, self.w_ls * ends + self.b_ls], pad=0.1)
        ax.set_xlim(*self.xlim)
        ax.set_ylim(*self.ylim)
        self.data_points = ax.scatter(x, t, s=22, color=COLORS["data"], zorder=3,
                                      label="data $(x_i, t_i)$")
        (self.ls_line,) = ax.plot(ends, self.w_ls * ends + self.b_ls, color=COLORS["mle"],
                                  ls="--", lw=1.4,
                                  label=r"least-squares line $(\hat w, \hat b)$")
        # moving: residual segments, the current line, an off-scale note
        self.residuals = self.animate(LineCollection(
            np.zeros((x.size, 2, 2)), colors=COLORS["current"], linewidths=1.2, alpha=0.75,
            label=r"residuals $t_i - \hat y_i$"))
        ax.add_collection(self.residuals, autolim=False)
        (self.line,) = ax.plot(ends, ends * 0.0, color=COLORS["current"], lw=2.2,
                               label=r"current line $\hat y = wx + b$")
        self.animate(self.line)
        self.line_note = self.animate(ax.text(
            0.03, 0.97, "", transform=ax.transAxes, va="top", ha="left", fontsize=9,
            color=COLORS["current"], visible=False))
        ax.set_title("Data, line and residuals")
        ax.set_xlabel("input $x$")
        ax.set_ylabel("target $t$")

    def _build_loss_panels(self):
        self.loss_axes = {"mse": self.ax_mse, "nll": self.ax_nll}
        labels = {"mse": r"MSE$(w, b)$", "nll": r"NLL$(w, b)$"}
        titles = {"mse": "Mean squared error vs slope",
                  "nll": rf"Gaussian NLL vs slope ($\sigma$ = {self.sigma:g})"}
        # The y-limits are fixed once and must hold the curve's bowl for every intercept
        # on the slider: use the slices at the least-squares intercept and both ends.
        slices = {kind: [] for kind in self.loss_axes}
        for b in (self.b_ls, *self.b_range):
            for kind, values in self._slice(b).items():
                slices[kind].append(values)
        self.limits, self.curves, self.cursors, self.points, self.notes = {}, {}, {}, {}, {}
        self.min_lines = {}
        for kind, ax in self.loss_axes.items():
            values = np.concatenate(slices[kind])
            lows = [float(v.min()) for v in slices[kind]]
            self.limits[kind] = robust_limits(values, q=(0.0, 0.6), include=lows)
            ax.set_ylim(*self.limits[kind])
            pad = 0.02 * (self.w_range[1] - self.w_range[0])
            ax.set_xlim(self.w_range[0] - pad, self.w_range[1] + pad)
            # The curves depend on the intercept, so they are animated lines: a slope move
            # only redraws them (201 points, cheap) and an intercept move also resets their
            # y-data; the axes limits never change, so neither needs a full redraw.
            (self.curves[kind],) = ax.plot(self.w_grid, slices[kind][0],
                                           color=COLORS[kind], lw=2.0)
            self.animate(self.curves[kind])
            # not the least-squares slope unless b = b-hat: its own style and legend entry
            self.min_lines[kind] = self.animate(ax.axvline(
                self.w_ls, color=COLORS["mle"], ls=":", lw=1.6,
                label=r"best slope for this $b$: $w^*(b)$"))
            self.cursors[kind] = self.animate(ax.axvline(0.0, color=COLORS["current"], lw=1.2,
                                                         alpha=0.9))
            (self.points[kind],) = ax.plot([], [], "o", color=COLORS["current"], ms=8,
                                           zorder=5, clip_on=False,
                                           label="loss at the current $w$")
            self.animate(self.points[kind])
            self.notes[kind] = self.animate(ax.text(
                0.5, 0.96, "", transform=ax.transAxes, va="top", ha="center", fontsize=9,
                color=COLORS[kind], visible=False,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1.5}))
            ax.set_title(titles[kind])
            ax.set_ylabel(labels[kind])
        self.ax_mse.tick_params(labelbottom=False)
        self.ax_nll.set_xlabel(f"slope {param_label('w')}  (intercept $b$ held fixed)")

    def _build_legend(self):
        # one legend below all panels: it overlaps no data and no moving artist
        self.legend = self.fig.legend(
            # filled column by column: data | LS line, current line | residuals, loss | w*(b)
            handles=[self.data_points, self.ls_line, self.line, self.residuals,
                     self.points["mse"], self.min_lines["mse"]],
            loc="outside lower center", ncols=3, fontsize=9, columnspacing=1.2,
            handlelength=1.8)

    # ------------------------------------------------------------ the math
    def predictions(self, w, b):
        """The line's predictions :math:`\\hat y_i = w x_i + b` (array, like ``x``)."""
        return w * self.x + b

    def nll_at(self, y_hat):
        r"""Gaussian NLL :math:`-\sum_i \log \mathcal N(t_i \mid \hat y_i, \sigma^2)`.

        Per-sample means: the model's ``log_density`` with ``mu=y_hat``, summed
        over the last axis (so a stack of predictions gives one NLL per row).
        """
        return -np.sum(self.model.log_density(self.t, mu=y_hat), axis=-1)

    def _slice(self, b):
        """MSE and NLL over the slope grid with the intercept held at *b*."""
        y_hat = self.w_grid[:, None] * self.x + b              # one row per slope
        thetas = np.stack([self.w_grid, np.full_like(self.w_grid, b)], axis=-1)
        return {"mse": self.fit.loss(thetas), "nll": self.nll_at(y_hat)}

    def slice_minimiser(self, b):
        """The slope minimising the squared error with the intercept fixed at *b*: w*(b)."""
        return float(self.fit.best_slope(b))

    # ------------------------------------------------------------ moving part
    def _set(self, w=None, b=None):
        """Move the line to slope *w* and intercept *b* (either may be left out)."""
        if w is None and b is None:
            V.fail("update()", "be given w=... and/or b=...", "no value",
                   "Call view.update(w=2.0, b=1.0).", TypeError)
        w = self.readout.get("w", 0.0) if w is None else V.as_float(w, "w")
        b = self.readout.get("b", 0.0) if b is None else V.as_float(b, "b")
        y_hat = self.predictions(w, b)
        values = {
            "mse": float(mse(self.t, y_hat)),
            "sse": float(sse(self.t, y_hat)),
            "nll": float(self.nll_at(y_hat)),
        }
        if b != self._slice_b:
            # the intercept moved: new slice curves and minimiser (cheap, fixed limits)
            self._slice_b = b
            self.slice_values = self._slice(b)
            self.w_star = self.slice_minimiser(b)
            for kind in self.loss_axes:
                # a graph over the whole slope grid: its walls run out through the top
                # (the limits hold its bottom); the point on it is clamped with a note
                self.curves[kind].set_ydata(self.slice_values[kind])
                self.min_lines[kind].set_xdata([self.w_star, self.w_star])
        self.readout = {"w": w, "b": b, **values, "w_ls": self.w_ls, "b_ls": self.b_ls,
                        "w_star": self.w_star}

        # left: residual segments from (x_i, t_i) to (x_i, y_hat_i), and the line itself
        segments = np.empty((self.x.size, 2, 2))
        segments[:, 0, 0] = segments[:, 1, 0] = self.x
        segments[:, 0, 1] = self.t
        # residual ends beyond the panel are clamped to its edge (and noted below)
        clamped = [clamp_to_limits(v, self.ylim) for v in y_hat]
        segments[:, 1, 1] = [v for v, _ in clamped]
        self.residuals.set_segments(segments)
        ends = np.array(self.xlim)
        line_x, line_y, cut = clip_polyline(ends, w * ends + b, self.xlim, self.ylim)
        self.line.set_data(line_x, line_y)           # cut exactly at the panel's edge
        off = {side for _, side in clamped if side} | ({cut} if cut in (1, -1) else set())
        self.line_note.set_visible(bool(off))
        if off:
            what = "line" if not any(side for _, side in clamped) else "line and residuals"
            self.line_note.set_text(f"{what} off scale " + "".join(
                arrow for side, arrow in ((1, "↑"), (-1, "↓")) if side in off))

        # right: the current slope on each loss curve
        for kind in self.loss_axes:
            self.cursors[kind].set_xdata([w, w])
            mark_on_scale(self.points[kind], self.notes[kind], w, values[kind], self.limits[kind])

    def readout_line(self) -> str:
        """The values at (w, b) as one line of text."""
        r = self.readout
        return (f"w = {r['w']:.3f}   b = {r['b']:.3f}   MSE = {r['mse']:.4f}   "
                f"SSE = {r['sse']:.4f}   NLL = {r['nll']:.4f}   "
                f"least squares: w = {r['w_ls']:.4f}, b = {r['b_ls']:.4f}")
