r"""InformationView: two distributions p and q, and H(p), KL(p‖q), H(p, q) as bars.

Left: the probabilities of p (the world) and q (the model) side by side over
the same outcomes, the outcome the explorer's slider moves outlined. Right:
the entropy :math:`H(p)`, the divergence :math:`\mathrm{KL}(p \| q)`, the
cross entropy :math:`H(p, q)` drawn as those two stacked, outlined at the
height of :func:`mlekit.information.cross_entropy` so that
:math:`H(p, q) = H(p) + \mathrm{KL}(p \| q)` can be seen, and the reverse
divergence :math:`\mathrm{KL}(q \| p)` light and dashed beside them: the two KL bars
differ, KL is not symmetric. Every height and every number written is a
value of :mod:`mlekit.information` in the chosen unit (bits or nats).

A new q (the explorer's slider) only moves animated artists (blit); a new p
(the swap: p's bars and H(p) are in the cached background) and a new unit
(the right axis rescales) are full redraws.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.patches import Patch

from .. import _validation as V
from .. import information
from ..glossary import ko
from .format import fmt_number, fmt_vector
from .style import COLORS
from .view import View, clamp_to_limits

__all__ = ["InformationView", "UNITS", "MAX_OUTCOMES", "check_pair"]

#: unit key -> the word on the axis
UNITS = {"bits": "bits", "nats": "nats"}
#: more outcomes than this would crowd the bars and their numbers
MAX_OUTCOMES = 6
#: the information axis shows values up to CAP_FACTOR * log K; larger ones are clamped
CAP_FACTOR = 2.2

_W = 0.38                     # width of one p or q bar
_INFO_W = 0.6                 # width of an information bar
#: colours: p and its entropy green (the world), q blue (the model), KL purple, H(p, q)
#: vermillion (the loss), the slider's outcome orange
_C = {"p": COLORS["target"], "q": COLORS["model"], "entropy": COLORS["target"],
      "kl": COLORS["gradient"], "ce": COLORS["nll"], "moved": COLORS["current"]}
#: KL(q||p), the swapped divergence: the KL colour, light, with a dashed edge
_LIGHT_KL = to_rgba(COLORS["gradient"], 0.3)
#: x positions of the information bars
_SLOTS = {"entropy": 0, "kl": 1, "cross_entropy": 2, "kl_reverse": 3}
_TICKS = (r"$H(p)$", r"$\mathrm{KL}(p\,\Vert\,q)$", r"$H(p,q)$", r"$\mathrm{KL}(q\,\Vert\,p)$")
#: the legends sit under their axes: no bar or number ever reaches them
_BELOW = dict(loc="upper center", bbox_to_anchor=(0.5, -0.17), borderaxespad=0.0,
              handlelength=1.4, columnspacing=1.0)


class InformationView(View):
    """Bars of p and q (left), and of H(p), KL(p‖q), H(p, q) = H(p) + KL and KL(q‖p) (right).

    Parameters
    ----------
    p, q : array_like
        Two probability vectors over the same 2 to 6 outcomes, as
        :func:`mlekit.information.cross_entropy` takes them.
    k : int
        The outcome of q to outline (the one an explorer's slider moves),
        counting from 0, as :func:`mlekit.information.set_probability` takes it.
    unit : {"bits", "nats"}
        Unit of every information value, passed to :mod:`mlekit.information`.
    canvas_factory : callable, optional
        See :class:`View`.

    Attributes
    ----------
    readout : dict
        The values shown: ``p``, ``q``, ``k``, ``unit``, ``entropy``
        (H(p)), ``entropy_q`` (H(q)), ``cross_entropy`` (H(p, q)), ``kl``
        (KL(p‖q)) and ``kl_reverse`` (KL(q‖p)), each from
        :mod:`mlekit.information` in ``unit``.

    Examples
    --------
    >>> from mlekit.plotting import InformationView
    >>> view = InformationView([0.5, 0.25, 0.125, 0.125], [0.25, 0.25, 0.25, 0.25])
    >>> r = view.readout
    >>> float(r["entropy"]), float(r["cross_entropy"]), float(r["kl"]), float(r["kl_reverse"])
    (1.75, 2.0, 0.25, 0.25)
    >>> view.set_unit("nats")
    >>> round(float(view.readout["cross_entropy"]), 4)      # 2 bits = 2 ln 2 nats
    1.3863
    >>> view.close()
    """

    def __init__(self, p, q, *, k=0, unit="bits", canvas_factory=None):
        p, q = check_pair(p, q)
        self.n_outcomes = p.size
        V.check_unit(unit)
        _check_outcome(k, p.size)          # before the figure exists: nothing to clean up
        self.unit = unit
        # 880 x 360 px: with its caption, two control rows and readout the explorer fits 1366x768
        super().__init__(figsize=(8.8, 3.6), canvas_factory=canvas_factory, layout="constrained")
        n = self.n_outcomes
        outcomes = np.arange(n)
        with self._style():
            self.ax_dist, self.ax_info = self.fig.subplots(1, 2, width_ratios=(1.05, 1.0))
            ax, axi = self.ax_dist, self.ax_info
            # ---- left: p and q side by side (their values are in the readout). What depends
            # on p alone is static (drawn into the cached background): a q move redraws only
            # q's artists
            self.p_bars = list(ax.bar(outcomes - _W / 2, np.zeros(n), width=_W, color=_C["p"]))
            self.q_bars = [self.animate(b) for b in
                           ax.bar(outcomes + _W / 2, np.zeros(n), width=_W, color=_C["q"])]
            ax.set_xlim(-0.6, n - 0.4)
            ax.set_ylim(0.0, 1.05)
            ax.set_xticks(outcomes)
            ax.set_xlabel("outcome $k$")
            ax.set_ylabel("probability")
            ax.set_title("Distributions $p$ (world) and $q$ (model)")
            ax.legend(handles=[
                Patch(color=_C["p"], label="$p_k$"), Patch(color=_C["q"], label="$q_k$"),
                Patch(facecolor=_C["q"], edgecolor=_C["moved"], lw=2.5,
                      label="$q_k$ the slider moves")], ncols=3, **_BELOW)
            # ---- right: H(p), KL(p||q), H(p, q) = H(p) + KL(p||q), KL(q||p)
            x = _SLOTS
            (self.floor,) = axi.plot([], [], color=COLORS["mle"], ls=":", lw=1.2)   # H(p) level
            (self.entropy_bar,) = axi.bar([x["entropy"]], [0.0], width=_INFO_W,
                                          color=_C["entropy"])
            (self.ce_entropy_part,) = axi.bar([x["cross_entropy"]], [0.0], width=_INFO_W,
                                              color=_C["entropy"])
            (self.kl_bar,) = axi.bar([x["kl"]], [0.0], width=_INFO_W, color=_C["kl"])
            (self.ce_kl_part,) = axi.bar([x["cross_entropy"]], [0.0], width=_INFO_W,
                                         color=_C["kl"])
            (self.ce_outline,) = axi.bar([x["cross_entropy"]], [0.0], width=_INFO_W, fill=False,
                                         edgecolor=_C["ce"], lw=2.2)
            (self.kl_reverse_bar,) = axi.bar([x["kl_reverse"]], [0.0], width=_INFO_W,
                                             facecolor=_LIGHT_KL, edgecolor=_C["kl"], ls="--",
                                             lw=1.5)
            # the numbers: digits only, so one font (no Hangul fallback chain) draws them fast
            self.info_texts = {key: axi.text(slot, 0.0, "", ha="center", va="bottom", fontsize=9,
                                             fontfamily="DejaVu Sans") for key, slot in x.items()}
            self.off_note = axi.text(0.02, 0.97, "off scale ↑ (number exact)",
                                     transform=axi.transAxes, ha="left", va="top", fontsize=9,
                                     color=COLORS["nll"], visible=False)
            for artist in (self.kl_bar, self.ce_kl_part, self.ce_outline, self.kl_reverse_bar,
                           *(self.info_texts[key] for key in ("kl", "cross_entropy",
                                                              "kl_reverse")), self.off_note):
                self.animate(artist)
            self.info_texts["entropy"].set_in_layout(False)     # a new p never shifts the layout
            axi.set_xlim(-0.6, len(x) - 0.4)
            axi.set_xticks(list(x.values()), _TICKS)
            axi.set_title(f"Cross entropy {ko('cross_entropy')} = entropy + KL")
            axi.legend(handles=[
                Patch(color=_C["entropy"], label=f"entropy {ko('entropy')} H(p)"),
                Patch(color=_C["kl"], label=r"$\mathrm{KL}(p\,\Vert\,q)$"),
                Patch(fill=False, edgecolor=_C["ce"], lw=2.2, label="$H(p, q)$"),
                Patch(facecolor=_LIGHT_KL, edgecolor=_C["kl"], ls="--", lw=1.5,
                      label=r"$\mathrm{KL}(q\,\Vert\,p)$, swapped")], ncols=2, **_BELOW)
        self.readout = {}
        self._scale_info_axis()
        self._set(p=p, q=q, k=k)
        self.redraw()          # first draw: caches the static background

    # ------------------------------------------------------------ static part
    def set_unit(self, unit):
        """Show every information value in *unit* (``"bits"`` or ``"nats"``): a full redraw."""
        V.check_unit(unit)
        self.unit = unit
        self._scale_info_axis()
        self._set()
        self.redraw()          # new axis label and limits

    def _scale_info_axis(self):
        # up to CAP_FACTOR * log K, the entropy of the uniform distribution, in the unit
        uniform = np.full(self.n_outcomes, 1.0 / self.n_outcomes)
        self.cap = CAP_FACTOR * float(information.entropy(uniform, unit=self.unit))
        self.ax_info.set_ylim(0.0, 1.14 * self.cap)
        self.ax_info.set_ylabel(f"information ({UNITS[self.unit]})")

    # ------------------------------------------------------------ moving part
    def update(self, **params):
        """Show new *p*, *q* and/or *k*: a blit, or a full redraw when p changed.

        The artists of p alone (its bars, H(p)) live in the cached background,
        so a new q (the slider) is the fast path; a new p (the swap) redraws.
        """
        if self._set(**params):
            self.redraw()      # p changed: its bars and H(p) are static artists
        else:
            self.refresh()

    def _set(self, p=None, q=None, k=None):
        """Set *p*, *q* and/or outlined outcome *k* (each may be left out); True if p changed."""
        r = self.readout
        p, q = check_pair(r["p"] if p is None else p, r["q"] if q is None else q)
        n = self.n_outcomes
        if p.size != n:
            V.fail("p and q", f"have {n} outcomes, as the view was built with",
                   f"{p.size}", "Build a new view for another number of outcomes.")
        k = r["k"] if k is None else _check_outcome(k, n)
        unit = self.unit
        p_changed = "p" not in r or not np.array_equal(p, r["p"]) or unit != r["unit"]
        self.readout = r = {
            "p": p, "q": q, "k": k, "unit": unit,
            "entropy": float(information.entropy(p, unit=unit)),
            "entropy_q": float(information.entropy(q, unit=unit)),
            "cross_entropy": float(information.cross_entropy(p, q, unit=unit)),
            "kl": float(information.kl_divergence(p, q, unit=unit)),
            "kl_reverse": float(information.kl_divergence(q, p, unit=unit)),
        }
        # right: heights clamped at the cap (an arrow after the number says so)
        shown, off = {}, False
        for key in _SLOTS:
            shown[key], side = clamp_to_limits(r[key], (0.0, self.cap))
            off |= side > 0
        h = shown["entropy"]
        if p_changed:          # the static artists of p: its bars, H(p) and its level
            for j in range(n):
                self.p_bars[j].set_height(p[j])
            self.entropy_bar.set_height(h)
            self.ce_entropy_part.set_height(h)
            self.floor.set_data([-_INFO_W / 2, _SLOTS["cross_entropy"] + _INFO_W / 2], [h, h])
        # left: q and the outcome the slider moves
        for j in range(n):
            self.q_bars[j].set_height(q[j])
            self.q_bars[j].set_edgecolor(_C["moved"] if j == k else "none")
            self.q_bars[j].set_linewidth(2.5 if j == k else 0.0)
        self.kl_bar.set_height(shown["kl"])
        self.ce_kl_part.set_y(h)                               # stacked on H(p)
        self.ce_kl_part.set_height(min(r["kl"], self.cap - h))
        self.ce_outline.set_height(shown["cross_entropy"])
        self.kl_reverse_bar.set_height(shown["kl_reverse"])
        pad = 0.02 * self.cap
        for key, text in self.info_texts.items():
            text.set_position((_SLOTS[key], shown[key] + pad))
            text.set_text(fmt_number(r[key], 3) + (" ↑" if r[key] > self.cap else ""))
        self.off_note.set_visible(off)
        return p_changed

    def readout_line(self) -> str:
        """The current values as one line of text (for scripts; explorers use a table)."""
        r = self.readout
        return (f"p = {fmt_vector(r['p'])}   q = {fmt_vector(r['q'])}   "
                f"H(p) = {fmt_number(r['entropy'])}   H(p, q) = {fmt_number(r['cross_entropy'])}   "
                f"KL(p||q) = {fmt_number(r['kl'])}   KL(q||p) = {fmt_number(r['kl_reverse'])} "
                f"{r['unit']}")


def check_pair(p, q):
    """p and q as 1-D probability vectors over the same 2..MAX_OUTCOMES outcomes.

    Examples
    --------
    >>> p, q = check_pair([0.5, 0.5], (0.25, 0.75))
    >>> q.tolist()
    [0.25, 0.75]
    """
    p = V.check_prob_vector(p, "p")
    q = V.check_prob_vector(q, "q")
    for name, arr in (("p", p), ("q", q)):
        if arr.ndim != 1 or not 2 <= arr.size <= MAX_OUTCOMES:
            V.fail(name, f"be one probability vector over 2 to {MAX_OUTCOMES} outcomes",
                   f"an array of shape {arr.shape}", "For example [0.5, 0.25, 0.125, 0.125].")
    if p.size != q.size:
        V.fail("p and q", "have the same number of outcomes", f"{p.size} and {q.size}",
               "Give both a probability for every outcome.")
    return p, q


def _check_outcome(k, n) -> int:
    """*k* as an outcome index in [0, n - 1]."""
    k = V.check_int(k, "k", minimum=0)
    if k >= n:
        V.fail("k", f"be an outcome in [0, {n - 1}]", str(k),
               f"Outcomes count from 0, so the last of {n} is {n - 1}.")
    return k
