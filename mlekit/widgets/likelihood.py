"""LikelihoodExplorer: slide θ and watch L, log L, the NLL's tangent and the gradient."""

from __future__ import annotations

import numpy as np

from .. import _validation as V
from ..models import Bernoulli, Binomial
from ..plotting.format import fmt_number as _fmt
from ..plotting.likelihood import LikelihoodView
from ._canvas import live_canvas
from .base import Explorer

__all__ = ["LikelihoodExplorer"]

_SYMBOLS = {"p": "p", "mu": "μ", "sigma": "σ", "b": "b"}


class LikelihoodExplorer(Explorer):
    """Slide a one-parameter model's θ and watch likelihood, log-likelihood, NLL and gradient.

    Parameters
    ----------
    model : mlekit.models.Model
        A model with one free parameter, e.g. ``Bernoulli()`` or
        ``Gaussian(sigma=2.5)``.
    x : array_like
        The observations.
    **params : float, optional
        Where the slider starts, named like the model's parameter: ``p=0.3``
        for a Bernoulli, ``mu=164.0`` for ``Gaussian(sigma=2.6)`` (default:
        halfway along the curves' grid).

    For Bernoulli data (and a single Binomial count) two more sliders set k
    (successes) and n (sample size), and the curves reshape: 7 of 10 and 70
    of 100 peak at the same p̂ = 0.7, the second much more sharply.

    Examples
    --------
    One line in a notebook:

    >>> import mlekit as mk
    >>> explorer = mk.widgets.LikelihoodExplorer(mk.models.Bernoulli(), mk.datasets.phone_survey())
    >>> explorer.main_slider.value = 0.5
    >>> round(explorer.view.readout["nll"], 4)
    6.9315
    >>> explorer.close()
    """

    def __init__(self, model, x, **params):
        theta = _start_value(model, params)
        view = LikelihoodView(model, x, theta=theta, show_readout=False,
                              canvas_factory=live_canvas)
        self.model, name = model, view.name
        # p = 0 and p = 1 cannot be chosen; other parameters span the curves' grid
        lo, hi = ((0.01, 0.99) if model.bounds[name] == (0.0, 1.0)
                  else (float(view.grid[0]), float(view.grid[-1])))
        self.main_slider = self.slider(_SYMBOLS.get(name, name), view.readout["theta"], lo, hi,
                                       width="440px", fmt=".3f")
        controls = [self.main_slider]
        self.k_slider = self.n_slider = None
        counts = _counts(model, x)
        if counts is not None:
            k, n = counts
            narrow = dict(kind="int", width="250px", continuous=False)
            self.n_slider = self.slider("n", n, 1, max(200, n), **narrow)
            self.k_slider = self.slider("k", k, 0, n, **narrow)
            controls = [[self.main_slider, self.k_slider, self.n_slider]]      # one row: 940 px
        super().__init__(view, controls,
                         caption=f"Drag {_SYMBOLS.get(name, name)}: the orange markers follow; "
                                 "the dashed line is the MLE.")
        self.bind(theta=self.main_slider)
        for control in ((self.k_slider, self.n_slider) if counts else ()):
            self.on_change(control, lambda _: self._counts_changed())
        self.move(theta=self.main_slider.value)

    @classmethod
    def example(cls):
        """The phone survey (7 of 10), as in lesson 04."""
        from ..datasets import phone_survey

        return cls(Bernoulli(), phone_survey())

    def __repr__(self) -> str:
        return f"LikelihoodExplorer(model={self.view.model!r})"

    # -------------------------------------------------------------- callbacks
    def _counts_changed(self):
        n = self.n_slider.value
        self.k_slider.max = n                     # k cannot exceed n
        k = min(self.k_slider.value, n)
        if isinstance(self.model, Bernoulli):
            model, data = self.model, np.r_[np.ones(k, int), np.zeros(n - k, int)]
        else:
            model, data = Binomial(n=n), [k]
        # new data: curves and limits change, so the view does a full redraw
        self.view.set_data(model, data, theta=self.main_slider.value)
        self.show_readout()

    def readout_rows(self):
        r, name = self.view.readout, self.view.name
        sym = _SYMBOLS.get(name, name)
        return [
            (sym, f"{r['theta']:.3f}"),
            ("L", _fmt(r["likelihood"])),
            ("log L", _fmt(r["log_likelihood"])),
            ("NLL", _fmt(r["nll"])),
            (f"dNLL/d{sym}", _fmt(r["nll_grad"])),
            (f"MLE {sym}̂", f"{self.view.mle:.3f}"),
        ]

    @property
    def data(self):
        """The data currently shown."""
        return self.view.x


def _start_value(model, params):
    """The starting θ from ``**params`` (one keyword: the model's parameter), or None."""
    if not params:
        return None
    name = model.params[0] if len(model.params) == 1 else None
    if name is None or set(params) != {name}:
        V.fail("LikelihoodExplorer()", f"be given the start as {name or 'the parameter'}=...",
               ", ".join(f"{k}=" for k in params), f"For example {name or 'p'}=0.5.", TypeError)
    return params[name]


def _counts(model, x):
    """(k, n) for Bernoulli data or a single Binomial count (they get k and n sliders), else None."""
    if isinstance(model, Bernoulli):
        data = model.check_data(x)
        return int(data.sum()), int(data.size)
    if isinstance(model, Binomial):
        data = model.check_data(x)
        if data.size == 1:
            return int(data[0]), model.n
    return None
