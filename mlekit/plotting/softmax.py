"""SoftmaxView: logits, their softmax probabilities, and the cross entropy −log ŷ_t."""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Patch

from .. import _validation as V
from .. import information, losses
from .style import COLORS
from .format import fmt_vector
from .view import View, clamp_to_limits

__all__ = ["SoftmaxView"]

#: the worked example of the notes: ŷ = [.2, .1, .65, .05] with target class 2
EXAMPLE_PROBS = (0.2, 0.1, 0.65, 0.05)
EXAMPLE_TARGET = 2

_BAR_WIDTH = 0.6
_P_MIN = 1e-4            # the −log p curve is drawn over p in [_P_MIN, 1]


class SoftmaxView(View):
    """Bars of the logits and of softmax(logits), and the cross entropy of the target class.

    Top left: the logits z as bars. Bottom left: the probabilities
    ŷ = softmax(z) as bars on a fixed 0..1 axis, the target class t in
    green with the one-hot target y as a dashed outline, so the gradient
    ŷ − y is the gap between each bar and the outline. Right: the curve
    −log p over p in (0, 1] with a marker at (ŷ_t, CE), where
    CE = −log ŷ_t: it explodes as ŷ_t → 0.

    Parameters
    ----------
    logits : array_like, optional
        Starting logits, one per class (default: all zero).
    target : int
        The target class t, counting from 0.
    k : int, optional
        Number of classes (default 4, or the number of *logits*); if given
        with *logits* the two must agree.
    logit_limits : (float, float)
        Fixed y-limits of the logit panel; logits beyond them draw clamped
        to the edge with an "off scale" note.
    ce_max : float
        Top of the cross-entropy axis; larger values draw at the top as an
        upward arrow with a note (the exact value is in :attr:`readout`).
    canvas_factory : callable, optional
        See :class:`View`.

    Attributes
    ----------
    readout : dict
        Values at the current state: ``logits``, ``probs``, ``target``,
        ``onehot``, ``p_target``, ``ce`` (stable, from the logits),
        ``ce_from_probs`` (:func:`mlekit.losses.cross_entropy` of ŷ),
        ``ce_information`` (:func:`mlekit.information.cross_entropy` H(y, ŷ))
        and ``grad`` (ŷ − y).

    Examples
    --------
    >>> import numpy as np
    >>> from mlekit.plotting import SoftmaxView
    >>> view = SoftmaxView(k=4)
    >>> view.update(logits=np.log([0.2, 0.1, 0.65, 0.05]), target=2)
    >>> round(view.readout["ce"], 4)          # -log 0.65
    0.4308
    >>> view.close()
    """

    def __init__(self, logits=None, target=2, *, k=None, logit_limits=(-6.5, 6.5),
                 ce_max=7.0, canvas_factory=None):
        if logits is None:
            k = 4 if k is None else V.check_int(k, "k", minimum=2)
            logits = np.zeros(k)
        z = V.as_float_array(logits, "logits", ndim=1)
        if k is not None and V.check_int(k, "k", minimum=2) != z.size:
            V.fail("k", f"equal the number of logits ({z.size})", str(k),
                   f"Pass k={z.size} with these logits (or leave k out).")
        if z.size < 2:
            V.fail("logits", "hold at least two classes", V.describe(logits),
                   "Pass one score per class, e.g. [2.0, 1.0, 0.1].")
        self.k = z.size
        lo, hi = (V.as_float(v, "logit_limits") for v in logit_limits)
        if not lo < hi:
            V.fail("logit_limits", "be (low, high) with low < high", f"({lo:g}, {hi:g})",
                   "For example logit_limits=(-6.5, 6.5).")
        self.ce_max = float(V.check_positive(ce_max, "ce_max"))
        self.limits = {"logits": (lo, hi), "probs": (0.0, 1.0), "ce": (0.0, self.ce_max)}

        # 560 x 400 px, controls beside it: the explorer fits a 1366x768 screen
        super().__init__(figsize=(5.6, 4.0), canvas_factory=canvas_factory, layout="constrained")
        classes = np.arange(self.k)
        with self._style():
            grid = self.fig.add_gridspec(2, 2, width_ratios=(1.1, 1.0), height_ratios=(1.0, 1.4))
            ax_z = self.fig.add_subplot(grid[0, 0])
            ax_p = self.fig.add_subplot(grid[1, 0], sharex=ax_z)
            ax_ce = self.fig.add_subplot(grid[:, 1])
            self.axes = {"logits": ax_z, "probs": ax_p, "ce": ax_ce}

            # ---- logits (top left)
            ax_z.axhline(0.0, color=COLORS["data"], lw=0.8)
            self.logit_bars = [self.animate(bar) for bar in
                               ax_z.bar(classes, np.zeros(self.k), width=_BAR_WIDTH,
                                        color=COLORS["data"])]
            ax_z.set_ylim(lo, hi)
            ax_z.set_title("Logits $z$ (class scores)")
            ax_z.set_ylabel("logit $z_k$")
            ax_z.tick_params(labelbottom=False)
            self.logit_note = self.animate(ax_z.text(   # beside the title, clear of the bars
                1.0, 1.01, "off scale ↕", transform=ax_z.transAxes, va="bottom",
                ha="right", fontsize=9, color=COLORS["nll"], visible=False))

            # ---- probabilities (bottom left)
            self.prob_bars = [self.animate(bar) for bar in
                              ax_p.bar(classes, np.zeros(self.k), width=_BAR_WIDTH,
                                       color=COLORS["model"])]
            (self.target_outline,) = ax_p.bar([0], [1.0], width=_BAR_WIDTH, fill=False,
                                              edgecolor=COLORS["target"], ls="--", lw=1.5)
            self.animate(self.target_outline)
            ax_p.set_ylim(*self.limits["probs"])
            ax_p.set_xlim(-0.6, self.k - 0.4)
            ax_p.set_xticks(classes)
            ax_p.set_title(r"Probabilities $\hat y = \mathrm{softmax}(z)$")
            ax_p.set_xlabel("class $k$")
            ax_p.set_ylabel(r"$\hat y_k$")
            # ---- cross entropy (right)
            p_grid = np.linspace(_P_MIN, 1.0, 600)
            (self.ce_curve,) = ax_ce.plot(p_grid, information.self_information(p_grid),
                                          color=COLORS["nll"], label=r"$-\log \hat y_t$")
            (self.guide,) = ax_ce.plot([], [], color=COLORS["current"], lw=1.0, ls=":")
            self.animate(self.guide)
            (self.marker,) = ax_ce.plot([], [], "o", color=COLORS["current"], ms=9, zorder=5,
                                        clip_on=False,    # stays whole at the axis edge
                                        label=r"now: $(\hat y_t,\ \mathrm{CE})$")
            self.animate(self.marker)
            self.ce_note = self.animate(ax_ce.text(
                0.97, 0.96, "CE off scale: see readout", transform=ax_ce.transAxes, va="top",
                ha="right", fontsize=9, color=COLORS["nll"], visible=False))
            ax_ce.set_xlim(0.0, 1.0)
            ax_ce.set_ylim(*self.limits["ce"])
            ax_ce.set_title(r"Cross entropy $\mathrm{CE} = -\log \hat y_t$")
            ax_ce.set_xlabel(r"probability of the target class $\hat y_t$")
            ax_ce.set_ylabel("CE (nats)")
            # one legend for the whole figure, in the empty upper right of the CE panel
            ax_ce.legend(handles=[
                self.ce_curve, self.marker,
                Patch(color=COLORS["model"], label=r"$\hat y_k$, other classes"),
                Patch(color=COLORS["target"], label=r"$\hat y_t$, target class $t$"),
                Patch(fill=False, edgecolor=COLORS["target"], ls="--", lw=1.5,
                      label="$y$, one-hot target"),
            ], loc="upper right", bbox_to_anchor=(1.0, 0.91))
        self.readout = {}
        self._set(logits=z, target=target)
        self.redraw()          # first draw: caches the static background

    # ------------------------------------------------------------ moving part
    def _set(self, logits=None, target=None):
        """Show new *logits* and/or a new *target* class (either may be left out)."""
        if logits is None and target is None:
            V.fail("update()", "be given logits=... and/or target=...", "no value",
                   "Call view.update(logits=[0.0, 1.0, 2.0, 0.5]) or view.update(target=1).",
                   TypeError)
        z = self.readout["logits"] if logits is None else V.as_float_array(
            logits, "logits", ndim=1)
        if z.size != self.k:
            V.fail("logits", f"hold {self.k} values, one per class", f"{z.size} values",
                   "Build a new view for a different number of classes.")
        t = self.readout["target"] if target is None else V.check_int(target, "target",
                                                                      minimum=0)
        if t >= self.k:
            V.fail("target", f"be a class in [0, {self.k - 1}]", str(t),
                   f"Classes count from 0, so the last of {self.k} is {self.k - 1}.")
        probs = losses.softmax(z)
        onehot = np.zeros(self.k)
        onehot[t] = 1.0
        ce = float(losses.cross_entropy_with_logits(t, z))     # stable: via log_softmax
        self.readout = {
            "logits": z.copy(),
            "probs": probs,
            "target": t,
            "onehot": onehot,
            "p_target": float(probs[t]),
            "ce": ce,
            # the same quantity the unstable way: softmax first, then −log (inf if ŷ_t
            # underflows to 0), and as the information-theory cross entropy H(y, ŷ)
            "ce_from_probs": float(losses.cross_entropy(t, probs)),
            "ce_information": float(information.cross_entropy(onehot, probs)),
            "grad": losses.cross_entropy_with_logits_grad(t, z),
        }

        lo, hi = self.limits["logits"]
        off = False
        for k, (bar, zk, pk) in enumerate(zip(self.logit_bars, z, probs)):
            h, side = clamp_to_limits(zk, (lo, hi))
            off |= side != 0
            bar.set_height(h)
            color = COLORS["target"] if k == t else COLORS["data"]
            bar.set_facecolor(color)
            self.prob_bars[k].set_height(pk)
            self.prob_bars[k].set_facecolor(COLORS["target"] if k == t else COLORS["model"])
        self.logit_note.set_visible(off)
        self.target_outline.set_x(t - _BAR_WIDTH / 2)

        p_t = float(probs[t])
        y, side = clamp_to_limits(ce, self.limits["ce"])
        self.marker.set_data([p_t], [y])
        self.marker.set_marker("o" if side == 0 else "^")
        self.guide.set_data([0.0, p_t, p_t], [y, y, 0.0])      # CE on the y axis, ŷ_t on the x axis
        self.ce_note.set_visible(side != 0)

    def readout_line(self) -> str:
        """The current values as one line of text (for scripts; explorers use a table)."""
        r = self.readout
        return (f"z = {fmt_vector(r['logits'])}   y_hat = {fmt_vector(r['probs'])}   "
                f"t = {r['target']}   "
                f"CE = {r['ce']:.4f}")

