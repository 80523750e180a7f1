"""Interactive explorers: sliders wired to live views (the only ipywidgets importer).

Each explorer is one line in a notebook, e.g.::

    mk.widgets.LikelihoodExplorer(mk.models.Bernoulli(), mk.datasets.phone_survey())

Figures are ipympl canvases updated by blitting: moving a slider redraws
only the artists that move and sends the changed pixels.
"""

from __future__ import annotations

from .._lazy import lazy_loader
from .base import Explorer

#: explorer class -> module that defines it (imported on first use)
_EXPLORERS = {
    "LikelihoodExplorer": "likelihood",
    "GaussianExplorer": "gaussian",
    "RegressionExplorer": "regression",
    "LossSurfaceExplorer": "loss_surface",
    "SoftmaxExplorer": "softmax",
    "InformationExplorer": "information",
    "GradientDescentExplorer": "gradient_descent",
    "OptimizerExplorer": "optimizer",
    "BackpropExplorer": "backprop",
}

__all__ = ["Explorer", *_EXPLORERS]


__getattr__, __dir__ = lazy_loader(__name__, _EXPLORERS, globals())
