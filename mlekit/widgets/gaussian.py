"""GaussianExplorer: slide μ and σ; the likelihood is the product of the stem heights."""

from __future__ import annotations

from ..plotting.gaussian import GaussianView
from ..plotting.format import fmt_number as _fmt
from ._canvas import live_canvas
from .base import Explorer

__all__ = ["GaussianExplorer"]


class GaussianExplorer(Explorer):
    """Slide a Gaussian's μ and σ over data and watch the stems, the likelihood and the NLL.

    Left: the data, the density curve at (μ, σ) and a stem from each data
    point up to its density (the likelihood is the product of the stem
    heights). Right: the NLL's contours over (μ, σ), the current point and
    the MLE. The readout lists μ, σ, the likelihood, the log-likelihood
    (sum of the logs of the stem heights) and the NLL, with the MLE.

    Parameters
    ----------
    x : array_like
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

    def __init__(self, x, *, mu=None, sigma=None, unit=""):
        view = GaussianView(x, mu=mu, sigma=sigma, unit=unit, show_readout=False,
                            canvas_factory=live_canvas)
        wide = dict(width="400px")                  # sigma's range starts above 0
        self.main_slider = self.mu_slider = self.slider("μ", view.readout["mu"],
                                                        *view.mu_range, **wide)
        self.sigma_slider = self.slider("σ", view.readout["sigma"], *view.sigma_range, **wide)
        self.mle_button = self.button("Go to MLE", self.go_to_mle,
                                      tooltip="Move both sliders to the MLE (μ̂, σ̂)")
        super().__init__(view, [[self.mu_slider, self.sigma_slider, self.mle_button]],
                         caption="Drag μ and σ: the likelihood is the product of the orange "
                                 "stem heights; the star marks the MLE.")
        self.bind(mu=self.mu_slider, sigma=self.sigma_slider)     # a move: view.update(mu=...)
        self.move(mu=self.mu_slider.value, sigma=self.sigma_slider.value)

    @classmethod
    def example(cls):
        """The ten heights from the lecture notes, in centimetres."""
        from ..datasets import heights

        return cls(heights(), unit="cm")

    def __repr__(self) -> str:
        return f"GaussianExplorer(n={self.view.x.size})"

    # -------------------------------------------------------------- callbacks
    def go_to_mle(self):
        """Move both sliders to the MLE (μ̂, σ̂), drawing one frame."""
        with self.hold(then=lambda: self.move(mu=self.mu_slider.value,
                                              sigma=self.sigma_slider.value)):
            self.mu_slider.value = self.view.mle["mu"]
            self.sigma_slider.value = self.view.mle["sigma"]

    def readout_rows(self):
        r, mle = self.view.readout, self.view.mle
        return [
            ("μ", f"{r['mu']:.3f}"),
            ("σ", f"{r['sigma']:.3f}"),
            ("L = ∏ stem heights", _fmt(r["likelihood"])),
            ("log L = Σ log stem heights", _fmt(r["log_likelihood"])),
            ("NLL", _fmt(r["nll"])),
            ("MLE μ̂", f"{mle['mu']:.3f}"),
            ("MLE σ̂", f"{mle['sigma']:.3f}"),
        ]

    @property
    def data(self):
        """The data shown."""
        return self.view.x
