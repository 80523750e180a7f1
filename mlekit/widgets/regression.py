"""RegressionExplorer: slide a line's slope and intercept; MSE and Gaussian NLL agree."""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..plotting.regression import RegressionView
from ._canvas import live_canvas
from .base import Explorer, readout_table

__all__ = ["RegressionExplorer"]


def _slider(value, lo, hi, description):
    step = float(f"{(hi - lo) / 500:.1g}")
    return widgets.FloatSlider(
        value=value, min=lo, max=hi, step=step, description=description,
        continuous_update=True, readout_format=".2f", layout=widgets.Layout(width="380px"))


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
        self.slope_slider = _slider(0.0, *view.w_range, "slope w")
        self.intercept_slider = _slider(0.0, *view.b_range, "intercept b")
        # start where the view starts, on the sliders' steps (sliders clamp to their range)
        self.slope_slider.value = self._on_step(self.slope_slider, view.readout["w"])
        self.intercept_slider.value = self._on_step(self.intercept_slider, view.readout["b"])
        self.fit_button = widgets.Button(
            description="least-squares line", tooltip="Move both sliders to the least-squares "
            "fit (to the sliders' step)", layout=widgets.Layout(width="170px"))
        self.main_slider = self.slope_slider
        super().__init__(view, [[self.slope_slider, self.intercept_slider, self.fit_button]],
                         caption="Drag w and b: the orange residuals, line and markers follow. "
                                 "Dashed: the least-squares line; dotted: the best w for this b.")
        self._on_change(self.slope_slider, lambda w: self._move(w=w))
        self._on_change(self.intercept_slider, lambda b: self._move(b=b))
        fit = self._guarded(lambda _: self.fit())
        self.fit_button.on_click(lambda _button: fit({"new": None}))
        w0, b0 = self.slope_slider.value, self.intercept_slider.value
        if (view.readout["w"], view.readout["b"]) != (w0, b0):
            view.update(w=w0, b=b0)
        self._show_readout()

    @classmethod
    def bench_instance(cls):
        """The seeded toy regression set (30 points around t = 2x + 1)."""
        from ..datasets import toy_regression

        return cls(*toy_regression())

    @staticmethod
    def _on_step(slider, value):
        value = min(max(value, slider.min), slider.max)
        return slider.min + round((value - slider.min) / slider.step) * slider.step

    def __repr__(self) -> str:
        return f"RegressionExplorer(n={self.view.x.size}, sigma={self.view.sigma:g})"

    # -------------------------------------------------------------- callbacks
    def _move(self, **params):
        self.view.update(**params)
        self._show_readout()

    def fit(self):
        """Move both sliders to the least-squares line (rounded to the sliders' step)."""
        self.slope_slider.value = self._on_step(self.slope_slider, self.view.w_ls)
        self.intercept_slider.value = self._on_step(self.intercept_slider, self.view.b_ls)

    def _show_readout(self):
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
