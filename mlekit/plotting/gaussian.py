"""GaussianView: the density's stems at the data (left) and the NLL over (μ, σ) (right)."""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection

from .. import _validation as V
from ..models import Gaussian
from .format import fmt_pairs
from .style import COLORS, param_label
from .view import View, clamp_to_limits

__all__ = ["GaussianView"]

#: default slider/grid ranges, in units of the MLE's sigma-hat: mu within ±3, sigma in [0.3, 3]
MU_SPAN = 3.0
SIGMA_FACTORS = (0.3, 3.0)
#: the density axis is tall enough for the peak of a curve this narrow (in sigma-hat units)
#: with this much headroom: the MLE curve fills ~90 % of the panel and the default
#: (sigma = 1.5 sigma-hat) ~60 %; narrower curves leave the top with an "off scale" note
Y_SIGMA_FACTOR = 1.0
Y_HEADROOM = 1.12
#: NLL contour levels: NLL(MLE) + these steps
_LEVEL_STEPS = np.array([0.5, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0])


class GaussianView(View):
    """The likelihood of a Gaussian as stems under its density, and the NLL surface.

    Left: the data on the x axis, the density curve :math:`f(x;\\mu,\\sigma)`
    and a vertical stem from each data point up to its density; the
    likelihood is the product of the stem heights. Right: contours of the
    NLL over a (μ, σ) grid (computed once), the MLE and the current point.

    Parameters
    ----------
    x : array_like
        The observations (at least two different values).
    mu, sigma : float, optional
        Starting parameters (default: one σ̂ left of μ̂, with σ = 1.5 σ̂, so
        there is something to find).
    mu_range, sigma_range : (float, float), optional
        The grid of the NLL panel, which is also the explorer's slider
        ranges (default: μ̂ ± 3 σ̂ and (0.3, 3) σ̂).
    unit : str
        Unit of the data for the axis labels, e.g. ``"cm"``.
    canvas_factory : callable, optional
        See :class:`View` (the explorers pass a live ipympl canvas).
    show_readout : bool
        Print the values at (μ, σ) above the panels (explorers show them in
        a widget instead, which is cheaper than rendering text every frame).

    Examples
    --------
    >>> import mlekit as mk
    >>> from mlekit.plotting import GaussianView
    >>> view = GaussianView(mk.datasets.heights(), unit="cm")
    >>> view.update(mu=168.0, sigma=2.5)
    >>> round(view.readout["nll"], 3)
    23.942
    >>> view.close()
    """

    def __init__(self, x, *, mu=None, sigma=None, mu_range=None, sigma_range=None, unit="",
                 show_readout=True, canvas_factory=None):
        # 880 x 430 px: with its slider row and readout the explorer fits a 1366x768 screen
        super().__init__(figsize=(8.8, 4.3), canvas_factory=canvas_factory, layout="constrained")
        if show_readout:
            self.fig.get_layout_engine().set(rect=(0, 0, 1, 0.94))   # room for the readout line
        self.model = Gaussian()
        self.unit = str(unit)
        u = f" ({self.unit})" if self.unit else ""
        per_u = f" (1/{self.unit})" if self.unit else ""
        with self._style():
            self.ax_data, self.ax_nll = self.fig.subplots(1, 2, width_ratios=(1.15, 1.0))
            ax = self.ax_data
            ax.set_title("Likelihood $L$ = product of the stem heights")
            ax.set_xlabel(f"$x${u}")
            ax.set_ylabel(r"density $f(x;\mu,\sigma)$" + per_u)
            (self.data_points,) = ax.plot([], [], "o", color=COLORS["data"], ms=6, zorder=4,
                                          clip_on=False, label="data $x_i$")
            (self.mle_curve,) = ax.plot([], [], color=COLORS["mle"], ls="--", lw=1.0,
                                        label=r"MLE fit $(\hat\mu, \hat\sigma)$")
            (self.curve,) = ax.plot([], [], color=COLORS["model"], lw=2.0,
                                    label=r"density at $(\mu, \sigma)$")
            self.animate(self.curve)
            self.stems = self.animate(ax.add_collection(LineCollection(
                [], colors=COLORS["current"], linewidths=1.8, zorder=3,
                label=r"stem height $f(x_i;\mu,\sigma)$")))
            (self.tops,) = ax.plot([], [], "o", color=COLORS["current"], ms=5, zorder=5,
                                   clip_on=False)             # whole even at height ~0
            self.animate(self.tops)
            (self.tops_off,) = ax.plot([], [], "^", color=COLORS["current"], ms=8, zorder=6,
                                       clip_on=False)          # stems that leave the top
            self.animate(self.tops_off)
            self.density_note = self.animate(ax.text(
                0.02, 0.97, "off scale ↑ (small σ)", transform=ax.transAxes, va="top",
                ha="left", fontsize=9, color=COLORS["nll"], visible=False))
            # legends sit under the axes: the moving curve and point never cross them
            ax.legend(handles=[self.data_points, self.curve, self.stems, self.mle_curve],
                      loc="upper center", bbox_to_anchor=(0.5, -0.15), ncols=2, fontsize=9)

            ax = self.ax_nll
            ax.set_title(r"NLL$(\mu, \sigma)$: current point and MLE")
            ax.set_xlabel(param_label("mu") + u)
            ax.set_ylabel(param_label("sigma") + u)
            ax.grid(False)
            (self.mle_point,) = ax.plot([], [], "*", color=COLORS["mle"], ms=13, zorder=4,
                                        label=r"MLE $(\hat\mu, \hat\sigma)$")
            (self.current,) = ax.plot([], [], "o", color=COLORS["current"], ms=9, zorder=5,
                                      markeredgecolor="white", markeredgewidth=1.0,
                                      clip_on=False, label=r"current $(\mu, \sigma)$")
            self.animate(self.current)
            self.grid_note = self.animate(ax.text(
                0.02, 0.97, "(μ, σ) outside the grid", transform=ax.transAxes, va="top",
                ha="left", fontsize=9, color=COLORS["nll"], visible=False))
            ax.legend(handles=[self.mle_point, self.current], loc="upper center",
                      bbox_to_anchor=(0.5, -0.15), ncols=2, fontsize=9)
            self.readout_text = self.animate(self.fig.text(
                0.5, 0.995, "", ha="center", va="top", fontsize=10, family="monospace",
                visible=show_readout))
        self.contours = None
        self.contour_labels = []
        self.readout = {}
        self.set_data(x, mu=mu, sigma=sigma, mu_range=mu_range, sigma_range=sigma_range)

    # ------------------------------------------------------------ static part
    def set_data(self, x, *, mu=None, sigma=None, mu_range=None, sigma_range=None, n_grid=121):
        """Show a new sample.

        The MLE, the NLL contours and the axis limits change, so this does a
        full redraw (slow, but only when the data change, not when μ or σ move).
        """
        model = self.model
        self.x = model.check_data(x)
        self.mle = model.mle(self.x)                       # {"mu": mean, "sigma": sigma-hat}
        mu_hat, s_hat = self.mle["mu"], self.mle["sigma"]
        self.mu_range = (V.check_interval(mu_range, "mu_range", example="(160, 176)")
                         if mu_range is not None
                         else (mu_hat - MU_SPAN * s_hat, mu_hat + MU_SPAN * s_hat))
        self.sigma_range = (V.check_interval(sigma_range, "sigma_range", example="(1, 8)")
                            if sigma_range is not None
                            else (SIGMA_FACTORS[0] * s_hat, SIGMA_FACTORS[1] * s_hat))
        if self.sigma_range[0] <= 0:
            V.fail("sigma_range", "start above 0", repr(self.sigma_range),
                   "sigma is a scale: pass e.g. sigma_range=(0.5, 8).")

        # left: fixed x and density limits (the curve may leave the top for tiny sigma)
        (mu_lo, mu_hi), (s_lo, s_hi) = self.mu_range, self.sigma_range
        reach = max(s_hat, 0.5 * s_hi)
        x_lo = min(float(self.x.min()), mu_lo) - reach
        x_hi = max(float(self.x.max()), mu_hi) + reach
        self.x_grid = np.linspace(x_lo, x_hi, 500)
        top = Y_HEADROOM * float(model.density(0.0, mu=0.0,
                                               sigma=max(Y_SIGMA_FACTOR * s_hat, s_lo)))
        self.limits = {"density": (0.0, top), "mu": self.mu_range, "sigma": self.sigma_range}
        self.ax_data.set_xlim(x_lo, x_hi)
        self.ax_data.set_ylim(0.0, top)
        self.data_points.set_data(self.x, np.zeros_like(self.x))
        self.mle_curve.set_data(self.x_grid, model.density(self.x_grid, **self.mle))

        # right: NLL over the (mu, sigma) grid, one broadcast call, contoured once
        self.mu_grid = np.linspace(mu_lo, mu_hi, n_grid)
        self.sigma_grid = np.linspace(s_lo, s_hi, n_grid)
        M, S = np.meshgrid(self.mu_grid, self.sigma_grid)
        self.nll_grid = np.asarray(model.nll(self.x, mu=M, sigma=S), dtype=float)
        self.nll_min = float(model.nll(self.x, **self.mle))
        levels = self.nll_min + _LEVEL_STEPS
        levels = levels[levels < np.nanmax(self.nll_grid)]
        if self.contours is not None:
            self.contours.remove()            # removes its inline labels too
        with self._style():
            self.contours = self.ax_nll.contour(M, S, self.nll_grid, levels=levels,
                                                colors=COLORS["nll"], linewidths=1.0,
                                                alpha=0.85, zorder=2)
            self.contour_labels = self.ax_nll.clabel(self.contours, fmt="%.1f", fontsize=9,
                                                     inline=True)
        self.levels = levels
        self.mle_point.set_data([mu_hat], [s_hat])
        self.ax_nll.set_xlim(mu_lo, mu_hi)
        self.ax_nll.set_ylim(s_lo, s_hi)

        if mu is None:
            mu = self.readout.get("mu", mu_hat - s_hat)
        if sigma is None:
            sigma = self.readout.get("sigma", 1.5 * s_hat)
        self._set(mu=mu, sigma=sigma)
        self.redraw()          # static part changed: full redraw (recaptures the background)

    # ------------------------------------------------------------ moving part
    def _set(self, mu=None, sigma=None):
        """Move to (μ, σ); a parameter left out keeps its current value."""
        if mu is None and sigma is None:
            V.fail("update()", "be given mu=... and/or sigma=...", "no value",
                   "Call view.update(mu=168.0, sigma=2.5).", TypeError)
        mu = V.as_float(self.readout["mu"] if mu is None else mu, "mu")
        sigma = V.as_float(self.readout["sigma"] if sigma is None else sigma, "sigma")
        V.check_positive(sigma, "sigma")
        model, x = self.model, self.x
        with np.errstate(over="ignore"):       # sigma -> 0: a density of +inf is drawn off scale
            heights = np.asarray(model.density(x, mu=mu, sigma=sigma), dtype=float)
            curve = np.asarray(model.density(self.x_grid, mu=mu, sigma=sigma), dtype=float)
            log_lik = float(model.log_likelihood(x, mu=mu, sigma=sigma))
            self.readout = {
                "mu": mu, "sigma": sigma, "stem_heights": heights,
                "likelihood": float(model.likelihood(x, mu=mu, sigma=sigma)),
                "log_likelihood": log_lik,
                "nll": float(model.nll(x, mu=mu, sigma=sigma)),
            }

        # left: curve, stems from (x_i, 0) to (x_i, f(x_i)), markers at the tops
        lo, top = self.limits["density"]
        self.curve.set_data(self.x_grid, np.minimum(curve, 1.5 * top))   # axes clip the rest
        off = heights > top
        shown = np.where(off, top, heights)          # off-scale stems end at the top edge
        segments = np.zeros((x.size, 2, 2))
        segments[:, :, 0] = x[:, None]
        segments[:, 1, 1] = shown
        self.stems.set_segments(segments)
        self.tops.set_data(x, shown)
        self.tops_off.set_data(x[off], shown[off])
        self.density_note.set_visible(bool(off.any() or curve.max() > top))

        # right: the current point, clamped into the grid if it lies outside
        mu_y, off_mu = clamp_to_limits(mu, self.limits["mu"])
        s_y, off_s = clamp_to_limits(sigma, self.limits["sigma"])
        self.current.set_data([mu_y], [s_y])
        self.grid_note.set_visible(bool(off_mu or off_s))
        if self.readout_text.get_visible():
            self.readout_text.set_text(self.readout_line())

    def readout_line(self) -> str:
        """The values at (μ, σ) as one line of text."""
        r = self.readout
        return fmt_pairs([("mu", f"{r['mu']:.3f}"), ("sigma", f"{r['sigma']:.3f}"),
                          ("L = prod f(x_i)", r["likelihood"]),
                          ("log L", r["log_likelihood"]), ("NLL", r["nll"])])

