"""Interactive explorers: sliders wired to live views (the only ipywidgets importer).

Each explorer is one line in a notebook, e.g.::

    mk.widgets.LikelihoodExplorer(mk.models.Bernoulli(), mk.datasets.phone_survey())

Figures are ipympl canvases updated by blitting: moving a slider redraws
only the artists that move and sends the changed pixels.
"""

from __future__ import annotations

import importlib

from .base import Explorer

#: explorer class -> module that defines it (imported on first use)
_EXPLORERS = {
    "LikelihoodExplorer": "likelihood",
    "GaussianExplorer": "gaussian",
    "RegressionExplorer": "regression",
    "LossSurfaceExplorer": "loss_surface",
    "SoftmaxExplorer": "softmax",
    "GradientDescentExplorer": "gradient_descent",
}

__all__ = ["Explorer", *_EXPLORERS]


def __getattr__(name):
    if name in _EXPLORERS:
        module = importlib.import_module(f".{_EXPLORERS[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module 'mlekit.widgets' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_EXPLORERS))
