"""GaussianExplorer: slide μ and σ; the likelihood is the product of the stem heights."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..plotting.gaussian import GaussianView
from ..plotting.format import fmt_number as _fmt
from ._canvas import live_canvas
from .base import Explorer, readout_table

__all__ = ["GaussianExplorer"]


def _step(lo, hi):
    """About 400 slider positions over (lo, hi), rounded to two significant digits."""
    return float(f"{(hi - lo) / 400:.2g}")


class GaussianExplorer(Explorer):
    """Slide a Gaussian's μ and σ over data and watch the stems, the likelihood and the NLL.

    Left: the data, the density curve at (μ, σ) and a stem from each data
    point up to its density (the likelihood is the product of the stem
    heights). Right: the NLL's contours over (μ, σ), the current point and
    the MLE. The readout lists μ, σ, the likelihood, the log-likelihood
    (sum of the logs of the stem heights) and the NLL, with the MLE.

    Parameters
    ----------
    data : array_like
        The observations (at least two different values).
    mu, sigma : float, optional
        Where the sliders start (default: away from the MLE).
    unit : str
        Unit of the data for the axis labels, e.g. ``"cm"``.

    The μ slider covers μ̂ ± 3 σ̂ and the σ slider (0.3, 3) σ̂, so σ stays
    positive. The "Go to MLE" button moves both sliders to (μ̂, σ̂).

    Examples
    --------
    One line in a notebook:

    >>> import mlekit as mk
    >>> explorer = mk.widgets.GaussianExplorer(mk.datasets.heights(), unit="cm")
    >>> explorer.mu_slider.value, explorer.sigma_slider.value = 168.0, 2.5
    >>> round(explorer.view.readout["nll"], 3)
    23.942
    >>> explorer.close()
    """

    def __init__(self, data, *, mu=None, sigma=None, unit=""):
        view = GaussianView(data, mu=mu, sigma=sigma, unit=unit, show_readout=False,
                            canvas_factory=live_canvas)
        (mu_lo, mu_hi), (s_lo, s_hi) = view.mu_range, view.sigma_range
        start_mu = float(np.clip(view.readout["mu"], mu_lo, mu_hi))
        start_sigma = float(np.clip(view.readout["sigma"], s_lo, s_hi))
        self.mu_slider = widgets.FloatSlider(
            value=start_mu, min=mu_lo, max=mu_hi, step=_step(mu_lo, mu_hi), description="μ",
            continuous_update=True, readout_format=".2f", layout=widgets.Layout(width="400px"))
        self.sigma_slider = widgets.FloatSlider(           # min > 0: sigma = 0 cannot be chosen
            value=start_sigma, min=s_lo, max=s_hi, step=_step(s_lo, s_hi), description="σ",
            continuous_update=True, readout_format=".2f", layout=widgets.Layout(width="400px"))
        self.mle_button = widgets.Button(description="Go to MLE",
                                         tooltip="Move both sliders to the MLE (μ̂, σ̂)")
        self.main_slider = self.mu_slider
        super().__init__(view, [[self.mu_slider, self.sigma_slider, self.mle_button]],
                         caption="Drag μ and σ: the likelihood is the product of the orange "
                                 "stem heights; the star marks the MLE.")
        self._on_change(self.mu_slider, lambda mu: self._move(mu=mu))
        self._on_change(self.sigma_slider, lambda sigma: self._move(sigma=sigma))
        go = self._guarded(lambda _: self.go_to_mle())
        self.mle_button.on_click(lambda _button: go({"new": None}))
        if (view.readout["mu"], view.readout["sigma"]) != (start_mu, start_sigma):
            view.update(mu=start_mu, sigma=start_sigma)
        self._show_readout()

    @classmethod
    def bench_instance(cls):
        """The ten heights from the lecture notes, in centimetres."""
        from ..datasets import heights

        return cls(heights(), unit="cm")

    def __repr__(self) -> str:
        return f"GaussianExplorer(n={self.view.x.size})"

    # -------------------------------------------------------------- callbacks
    def _move(self, **params):
        self.view.update(**params)
        self._show_readout()

    def go_to_mle(self):
        """Move both sliders to the MLE (μ̂, σ̂)."""
        self.mu_slider.value = self.view.mle["mu"]
        self.sigma_slider.value = self.view.mle["sigma"]

    def _show_readout(self):
        r, mle = self.view.readout, self.view.mle
        self.readout.value = readout_table([
            ("μ", f"{r['mu']:.3f}"),
            ("σ", f"{r['sigma']:.3f}"),
            ("L = ∏ stem heights", _fmt(r["likelihood"])),
            ("log L = Σ log stem heights", _fmt(r["log_likelihood"])),
            ("NLL", _fmt(r["nll"])),
            ("MLE μ̂", f"{mle['mu']:.3f}"),
            ("MLE σ̂", f"{mle['sigma']:.3f}"),
        ])

    @property
    def data(self):
        """The data shown."""
        return self.view.x
