"""RegressionExplorer: slide a line's slope and intercept; MSE and Gaussian NLL agree."""

from __future__ import annotations

import html

from ..plotting.regression import RegressionView
from ._canvas import live_canvas
from .base import Explorer, readout_table

__all__ = ["RegressionExplorer"]


class RegressionExplorer(Explorer):
    r"""Slide the slope w and intercept b of a line over data; watch residuals, MSE and NLL.

    The left panel shows the residuals :math:`t_i - (w x_i + b)` as vertical
    segments and the least-squares line (dashed). The right panels show the
    MSE and the Gaussian NLL (fixed :math:`\sigma`) as functions of the slope,
    intercept held at its current value: both bottom out at the same slope
    :math:`w^*(b)` (dotted), and at the least-squares intercept that slope is
    the least-squares one.

    Parameters
    ----------
    x, t : array_like, shape (n,)
        Inputs and targets.
    sigma : float
        Fixed noise standard deviation of the Gaussian model (> 0).
    w, b : float, optional
        Where the sliders start (default: half the least-squares slope and the
        least-squares intercept, rounded to the slider step).

    Examples
    --------
    >>> import mlekit as mk
    >>> explorer = mk.widgets.RegressionExplorer(*mk.datasets.toy_regression())
    >>> explorer.slope_slider.value, explorer.intercept_slider.value = 2.0, 1.0
    >>> round(explorer.view.readout["mse"], 4)
    0.9533
    >>> explorer.close()
    """

    def __init__(self, x, t, *, sigma=1.0, w=None, b=None):
        view = RegressionView(x, t, sigma=sigma, w=w, b=b, canvas_factory=live_canvas)
        self.main_slider = self.slope_slider = self.slider("slope w", 0.0, *view.w_range,
                                                           width="380px")
        self.intercept_slider = self.slider("intercept b", 0.0, *view.b_range, width="380px")
        self.fit_button = self.button(
            "least-squares line", self.fit, width="170px",
            tooltip="Move both sliders to the least-squares fit (to the sliders' step)")
        super().__init__(view, [[self.slope_slider, self.intercept_slider, self.fit_button]],
                         caption="Drag w and b: the orange residuals, line and markers follow. "
                                 "Dashed: the least-squares line; dotted: the best w for this b.")
        self.bind(w=self.slope_slider, b=self.intercept_slider)
        self.fit(view.readout["w"], view.readout["b"])   # start where the view starts, on the steps

    @classmethod
    def example(cls):
        """The seeded toy regression set (30 points around t = 2x + 1)."""
        from ..datasets import toy_regression

        return cls(*toy_regression())

    def __repr__(self) -> str:
        return f"RegressionExplorer(n={self.view.x.size}, sigma={self.view.sigma:g})"

    # -------------------------------------------------------------- callbacks
    def fit(self, w=None, b=None):
        """Move both sliders to (w, b) (default: the least-squares line), on the sliders' step."""
        w = self.view.w_ls if w is None else w
        b = self.view.b_ls if b is None else b
        with self.hold(then=lambda: self.move(w=self.slope_slider.value,
                                              b=self.intercept_slider.value)):
            self.slope_slider.value = self.on_step(self.slope_slider, w)
            self.intercept_slider.value = self.on_step(self.intercept_slider, b)

    def show_readout(self):
        r = self.view.readout
        table = readout_table([
            ("w", f"{r['w']:.3f}"),
            ("b", f"{r['b']:.3f}"),
            ("MSE", f"{r['mse']:.4f}"),
            ("SSE", f"{r['sse']:.4f}"),
            (f"Gaussian NLL (σ = {self.view.sigma:g})", f"{r['nll']:.4f}"),
            ("least squares ŵ", f"{r['w_ls']:.4f}"),
            ("least squares b̂", f"{r['b_ls']:.4f}"),
        ])
        sentence = (f"NLL = SSE/(2σ²) + const, so both curves bottom out at the same "
                    f"slope: best w for b = {r['b']:.3f} is w*(b) = {r['w_star']:.4f}.")
        self.readout.value = table + f"<div style='margin-top:4px'>{html.escape(sentence)}</div>"
