"""mlekit: the package behind an interactive course on maximum likelihood.

The math modules (models, losses, information, optim and its step_rules,
autodiff, nn, gradcheck, datasets, surfaces) import numpy only. ``mlekit.plotting`` and
``mlekit.widgets`` load matplotlib and ipywidgets on first use, so
``import mlekit`` stays light.

>>> import mlekit as mk
>>> x = mk.datasets.phone_survey()
>>> mk.models.Bernoulli().mle(x)
{'p': 0.7}
"""

from __future__ import annotations

import importlib

from . import (autodiff, datasets, gradcheck, information, losses, models, neuron, nn, optim,
               step_rules, surfaces, training)

__version__ = "0.1.0"

__all__ = [
    "autodiff", "datasets", "gradcheck", "information", "losses", "models", "neuron", "nn",
    "optim", "step_rules", "surfaces", "training",
    "__version__",
]

_LAZY = {"plotting", "widgets", "exercises", "teaching", "glossary"}


def __getattr__(name):
    # matplotlib / ipywidgets are imported only when these are first used
    if name in _LAZY:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'mlekit' has no attribute {name!r}")
