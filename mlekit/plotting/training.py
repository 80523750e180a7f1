"""Static figures of lesson 11: learning curves, a reliability diagram, class-probability bars.

They only draw: every number comes from :mod:`mlekit.training` (a
:class:`~mlekit.training.History`, a :class:`~mlekit.training.Reliability`,
predicted probabilities).

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import numpy as np
>>> from mlekit.training import History, reliability
>>> from mlekit.plotting.training import learning_curves, reliability_diagram
>>> h = History([1.0, 0.6, 0.5], [1.1, 0.7, 0.72], [0.3, 0.8, 0.9], [0.3, 0.75, 0.8], best_epoch=1)
>>> lines = learning_curves(h)
>>> sorted(lines)
['train_accuracy', 'train_nll', 'val_accuracy', 'val_nll']
>>> bars = reliability_diagram(reliability([[0.9, 0.1], [0.4, 0.6]], [0, 0], bins=5))
"""

from __future__ import annotations

import numpy as np

from .. import _validation as V
from .curves import LEGEND_BAND_BOTTOM, new_axes
from .style import COLORS, PALETTE, course_style

__all__ = ["learning_curves", "reliability_diagram", "class_probability_bars"]


def learning_curves(history, axes=None, *, label=""):
    """Training and validation NLL (left) and accuracy (right) per epoch; the best epoch dashed.

    *axes* is a pair of Axes (``None``: a new 10 × 3.6 in figure). Returns
    ``{"train_nll", "val_nll", "train_accuracy", "val_accuracy"}`` → Line2D.
    """
    if not hasattr(history, "train_nll"):
        V.fail("history", "be a mlekit.training.History", V.describe(history),
               "Pass what mlekit.training.train returns.", TypeError)
    if axes is None:
        import matplotlib.pyplot as plt

        with course_style():
            _, axes = plt.subplots(1, 2, figsize=(10, 3.6), layout="constrained")
    ax_nll, ax_acc = axes
    epochs = history.epochs
    tag = f" ({label})" if label else ""
    lines = {}
    for ax, key, name in ((ax_nll, "nll", "NLL (cross entropy)"), (ax_acc, "accuracy", "accuracy")):
        (lines[f"train_{key}"],) = ax.plot(epochs, getattr(history, f"train_{key}"),
                                           color=COLORS["model"], label=f"training{tag}")
        if history.val_nll:
            (lines[f"val_{key}"],) = ax.plot(epochs, getattr(history, f"val_{key}"),
                                             color=COLORS["nll"], label=f"validation{tag}")
        if history.best_epoch is not None:
            ax.axvline(history.best_epoch, ymax=LEGEND_BAND_BOTTOM, color=COLORS["mle"],
                       linestyle="--", linewidth=1.1,
                       label=f"best epoch {history.best_epoch}")
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
    ax_nll.set_title("Loss per epoch")
    ax_acc.set_title("Accuracy per epoch")
    ax_nll.legend(loc="upper right")
    ax_acc.legend(loc="lower right")
    return lines


def reliability_diagram(rel, ax=None, *, label="model", color=None):
    """Accuracy against mean confidence per bin, with the diagonal of perfect calibration.

    *rel* is a :class:`mlekit.training.Reliability`. Returns the Line2D of the bins.
    """
    if not hasattr(rel, "confidence"):
        V.fail("rel", "be a mlekit.training.Reliability", V.describe(rel),
               "Pass mlekit.training.reliability(probs, labels).", TypeError)
    ax = new_axes(ax, figsize=(4.6, 4.0))
    full = np.asarray(rel.counts) > 0
    ax.plot([0, 1], [0, 1], color=COLORS["data"], linestyle=":", linewidth=1.2,
            label="calibrated")
    (line,) = ax.plot(np.asarray(rel.confidence)[full], np.asarray(rel.accuracy)[full], "o-",
                      color=color or COLORS["model"], label=f"{label} (ECE {rel.ece:.3f})")
    ax.set(xlim=(0, 1.02), ylim=(0, 1.02), xlabel="mean predicted probability of the top class",
           ylabel="fraction correct", title="Reliability diagram")
    ax.legend(loc="upper left")
    return line


def class_probability_bars(probs, classes, labels=None, ax=None):
    """Grouped bars: the predicted probability of every class for a few samples.

    *probs* has one row per sample; the true class (*labels*) is outlined in black.
    Returns the BarContainers, one per class.
    """
    p = V.check_prob_vector(V.as_float_array(probs, "probs", ndim=2), "probs")
    classes = [str(c) for c in classes]
    if len(classes) != p.shape[1]:
        V.fail("classes", f"name the {p.shape[1]} columns of probs", repr(classes),
               "Pass one name per class.")
    ax = new_axes(ax, figsize=(8.0, 3.4))
    width = 0.8 / p.shape[1]
    colors = [PALETTE[c] for c in ("orange", "purple", "green", "sky", "vermillion", "blue")]
    rows = np.arange(p.shape[0])
    bars = []
    for k, name in enumerate(classes):
        edge = ["black" if labels is not None and int(labels[i]) == k else "none" for i in rows]
        bars.append(ax.bar(rows + (k - (p.shape[1] - 1) / 2) * width, p[:, k], width,
                           color=colors[k % len(colors)], edgecolor=edge, linewidth=1.5,
                           label=name))
    ax.set_xticks(rows, [f"sample {i + 1}" for i in rows])
    ax.set(ylim=(0, 1.18), ylabel="predicted probability",
           title="Predicted class probabilities (true class outlined)")
    ax.legend(loc="upper center", ncols=p.shape[1])
    return bars
