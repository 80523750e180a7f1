"""LikelihoodExplorer: slide θ and watch L, log L, the NLL's tangent and the gradient."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..models import Bernoulli, Binomial
from ..plotting.format import fmt_number as _fmt
from ..plotting.likelihood import LikelihoodView
from ._canvas import live_canvas
from .base import Explorer, readout_table

__all__ = ["LikelihoodExplorer"]

_SYMBOLS = {"p": "p", "mu": "μ", "sigma": "σ", "b": "b"}


class LikelihoodExplorer(Explorer):
    """Slide a one-parameter model's θ and watch likelihood, log-likelihood, NLL and gradient.

    Parameters
    ----------
    model : mlekit.models.Model
        A model with one free parameter, e.g. ``Bernoulli()`` or
        ``Gaussian(sigma=2.5)``.
    data : array_like
        The observations.
    theta : float, optional
        Where the slider starts.
    step : float, optional
        Slider step (default: a round number giving about 400 positions).

    For Bernoulli data (and a single Binomial count) two more sliders set k
    (successes) and n (sample size), and the curves reshape: 7 of 10 and 70
    of 100 peak at the same p̂ = 0.7, the second much more sharply.

    Examples
    --------
    One line in a notebook:

    >>> import mlekit as mk
    >>> explorer = mk.widgets.LikelihoodExplorer(mk.models.Bernoulli(), mk.datasets.phone_survey())
    >>> explorer.slider.value = 0.5
    >>> round(explorer.view.readout["nll"], 4)
    6.9315
    >>> explorer.close()
    """

    def __init__(self, model, data, *, theta=None, step=None):
        view = LikelihoodView(model, data, theta=theta, show_readout=False,
                              canvas_factory=live_canvas)
        self.model = model
        name = view.name
        lo, hi = float(view.grid[0]), float(view.grid[-1])
        if model.bounds[name] == (0.0, 1.0):
            lo, hi = 0.01, 0.99                   # p = 0 and p = 1 cannot be chosen
            step = 0.005 if step is None else step
        else:
            step = _nice_step((hi - lo) / 400) if step is None else step
            lo = max(np.floor(lo / step) * step, model.bounds[name][0] + step)  # round ends
            hi = np.ceil(hi / step) * step                                      # to the step
        start = float(np.clip(view.readout["theta"], lo, hi))
        self.slider = widgets.FloatSlider(
            value=start, min=lo, max=hi, step=step, description=_SYMBOLS.get(name, name),
            continuous_update=True, readout_format=".3f",
            layout=widgets.Layout(width="440px"))
        controls = [self.slider]
        self.k_slider = self.n_slider = None
        kn = self._initial_counts(model, data)
        if kn is not None:
            k, n = kn
            narrow = dict(continuous_update=False, layout=widgets.Layout(width="250px"))
            self.n_slider = widgets.IntSlider(value=n, min=1, max=max(200, n), description="n",
                                              **narrow)
            self.k_slider = widgets.IntSlider(value=k, min=0, max=n, description="k", **narrow)
            controls = [[self.slider, self.k_slider, self.n_slider]]      # one row: 940 px
        self.main_slider = self.slider
        super().__init__(view, controls,
                         caption=f"Drag {_SYMBOLS.get(name, name)}: the orange markers follow; "
                                 "the dashed line is the MLE.")
        self._on_change(self.slider, self._move)
        if kn is not None:
            self._on_change(self.k_slider, lambda _: self._counts_changed())
            self._on_change(self.n_slider, lambda _: self._counts_changed())
        if view.readout["theta"] != start:
            view.update(theta=start)
        self._show_readout()

    @classmethod
    def bench_instance(cls):
        """The phone survey (7 of 10), as in lesson 04."""
        from ..datasets import phone_survey

        return cls(Bernoulli(), phone_survey())

    @staticmethod
    def _initial_counts(model, data):
        if isinstance(model, Bernoulli):
            x = model._check_data(data)
            return int(x.sum()), int(x.size)
        if isinstance(model, Binomial):
            k = model._check_data(data)
            if k.size == 1:
                return int(k[0]), model.n
        return None

    def __repr__(self) -> str:
        return f"LikelihoodExplorer(model={self.view.model!r})"

    # -------------------------------------------------------------- callbacks
    def _move(self, theta):
        self.view.update(theta=theta)
        self._show_readout()

    def _counts_changed(self):
        n = self.n_slider.value
        self.k_slider.max = n                     # k cannot exceed n
        k = min(self.k_slider.value, n)
        if isinstance(self.model, Bernoulli):
            model, data = self.model, np.r_[np.ones(k, int), np.zeros(n - k, int)]
        else:
            model, data = Binomial(n=n), [k]
        # new data: curves and limits change, so the view does a full redraw
        self.view.set_data(model, data, theta=self.slider.value)
        self._show_readout()

    def _show_readout(self):
        r, name = self.view.readout, self.view.name
        sym = _SYMBOLS.get(name, name)
        self.readout.value = readout_table([
            (sym, f"{r['theta']:.3f}"),
            ("L", _fmt(r["likelihood"])),
            ("log L", _fmt(r["log_likelihood"])),
            ("NLL", _fmt(r["nll"])),
            (f"dNLL/d{sym}", _fmt(r["nll_grad"])),
            (f"MLE {sym}̂", f"{self.view.mle:.3f}"),
        ])

    @property
    def data(self):
        """The data currently shown."""
        return self.view.x



def _nice_step(raw: float) -> float:
    """The round number (1, 2 or 5 times a power of ten) closest above *raw*."""
    exponent = np.floor(np.log10(raw))
    for m in (1.0, 2.0, 5.0, 10.0):
        if m * 10**exponent >= raw:
            return float(m * 10**exponent)
    return float(10 ** (exponent + 1))  # pragma: no cover - unreachable
