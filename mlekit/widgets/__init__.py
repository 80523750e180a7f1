"""Interactive explorers: sliders wired to live views (the only ipywidgets importer).

Each explorer is one line in a notebook, e.g.::

    mk.widgets.LikelihoodExplorer(mk.models.Bernoulli(), mk.datasets.phone_survey())

Figures are ipympl canvases updated by blitting: moving a slider redraws
only the artists that move and sends the changed pixels.
"""

from .base import Explorer
from .likelihood import LikelihoodExplorer

__all__ = ["Explorer", "LikelihoodExplorer"]
