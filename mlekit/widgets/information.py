r"""InformationExplorer: move one probability of q and watch H(p), KL(p‖q) and H(p, q).

The slider sets one outcome's probability :math:`q_k`; the other outcomes of
q keep their ratios and are rescaled so that q stays a distribution
(:func:`mlekit.information.set_probability`). The right panel shows
:math:`H(p, q) = H(p) + \mathrm{KL}(p \| q)` as a stacked bar; "Swap p and q"
exchanges the two distributions, so the two KL bars trade places and show
that KL is not symmetric; the unit switch shows the same values in bits or
nats (1 bit = ln 2 nats).
"""

from __future__ import annotations

import numpy as np

from .. import _validation as V
from .. import information
from ..plotting.format import fmt_number, fmt_vector
from ..plotting.information import UNITS, InformationView, check_pair
from ._canvas import live_canvas
from .base import Explorer, readout_table

__all__ = ["InformationExplorer", "EXAMPLE_P", "EXAMPLE_Q", "MIN_PROB"]

#: the default world p (entropy 1.75 bits) and model q (q_0 = 0.25 makes it uniform)
EXAMPLE_P = (0.5, 0.25, 0.125, 0.125)
EXAMPLE_Q = (0.1, 0.3, 0.3, 0.3)
#: the slider keeps q_k in [MIN_PROB, 1 - MIN_PROB]: q stays positive, every KL finite
MIN_PROB = 0.01
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


class InformationExplorer(Explorer):
    """Two distributions p and q; H(p), KL(p‖q), H(p, q) = H(p) + KL(p‖q) and KL(q‖p) as bars.

    Parameters
    ----------
    p : array_like, optional
        The world's (target) distribution, as in :mod:`mlekit.information`
        (default ``(0.5, 0.25, 0.125, 0.125)``).
    q : array_like, optional
        The model's distribution over the same outcomes (default
        ``(0.1, 0.3, 0.3, 0.3)``). Every probability of both must be at least
        0.01: the slider keeps q positive, and the swap makes p the new q.
    k : int
        The outcome whose probability :math:`q_k` the slider moves, counting
        from 0 (buttons choose another later).
    unit : {"bits", "nats"}
        Unit of every information value shown.

    Examples
    --------
    >>> import mlekit as mk
    >>> e = mk.widgets.InformationExplorer([0.5, 0.25, 0.125, 0.125], q=[0.25] * 4)
    >>> float(e.view.readout["kl"])                  # log2 4 - H(p) = 2 - 1.75
    0.25
    >>> e.main_slider.value = 0.5                    # q = (0.5, 1/6, 1/6, 1/6)
    >>> e.view.readout["q"].round(4)
    array([0.5   , 0.1667, 0.1667, 0.1667])
    >>> e.swap()                                     # now p = (0.5, 1/6, 1/6, 1/6)
    >>> e.view.readout["p"].round(4)
    array([0.5   , 0.1667, 0.1667, 0.1667])
    >>> e.close()
    """

    def __init__(self, p=None, *, q=None, k=0, unit="bits"):
        p, q = _check_distributions(EXAMPLE_P if p is None else p, EXAMPLE_Q if q is None else q)
        self.unit_buttons = self.choice("unit", UNITS, unit, name="unit", buttons=True,
                                        button_width="56px")
        view = InformationView(p, q, k=k, unit=unit, canvas_factory=live_canvas)
        n, k = view.n_outcomes, view.readout["k"]
        self.outcome_buttons = self.choice("slider moves", {j: f"q{j}".translate(_SUBSCRIPTS)
                                                            for j in range(n)},
                                           k, name="k", buttons=True, button_width="40px")
        self.main_slider = self.q_slider = self.slider(
            self._label(k), view.readout["q"][k], MIN_PROB, 1.0 - MIN_PROB, fmt=".3f")
        self.swap_button = self.button("Swap p and q", self.swap, width="140px",
                                       tooltip="exchange the distributions: KL is not symmetric")
        super().__init__(view, [[self.q_slider, self.outcome_buttons],
                                [self.unit_buttons, self.swap_button]],
                         caption="Drag q_k: the other q's keep their ratios and q still sums to "
                                 "1. The stacked bar is H(p, q) = H(p) + KL(p‖q).")
        self.on_change(self.q_slider, self._q_moved)
        self.on_change(self.outcome_buttons, self._outcome_chosen)
        self.on_change(self.unit_buttons, self._unit_chosen)
        self.show_readout()

    @classmethod
    def example(cls):
        """The lesson's pair: p = (0.5, 0.25, 0.125, 0.125), q = (0.1, 0.3, 0.3, 0.3), in bits."""
        return cls(EXAMPLE_P, q=EXAMPLE_Q)

    def __repr__(self) -> str:
        return f"InformationExplorer(k={self.k}, unit={self.unit!r})"

    # -------------------------------------------------------------- the state
    @property
    def p(self) -> np.ndarray:
        """The world's distribution p shown now."""
        return self.view.readout["p"].copy()

    @property
    def q(self) -> np.ndarray:
        """The model's distribution q shown now."""
        return self.view.readout["q"].copy()

    @property
    def k(self) -> int:
        """The outcome whose probability the slider moves."""
        return int(self.view.readout["k"])

    @property
    def unit(self) -> str:
        """``"bits"`` or ``"nats"``."""
        return self.view.unit

    @staticmethod
    def _label(k) -> str:
        return f"q{k}".translate(_SUBSCRIPTS)

    # -------------------------------------------------------------- callbacks
    def _q_moved(self, value):
        # the fast path: q_k is set, the others rescale (math layer), the view blits
        self.move(q=information.set_probability(self.view.readout["q"], self.k, value))

    def _outcome_chosen(self, k):
        with self.hold(then=lambda: self.move(k=k)):
            self.q_slider.description = self._label(k)
            self.q_slider.value = float(self.view.readout["q"][k])

    def _unit_chosen(self, unit):
        self.view.set_unit(unit)            # new axis label and limits: a full redraw
        self.show_readout()

    def swap(self):
        """Exchange p and q: H(p), H(p, q) and the two KL bars change, KL(p‖q) ↔ KL(q‖p)."""
        p, q = self.view.readout["q"], self.view.readout["p"]
        with self.hold(then=lambda: self.move(p=p, q=q)):
            self.q_slider.value = float(q[self.k])

    def show_readout(self):
        r, unit = self.view.readout, self.unit
        rows = [("p", fmt_vector(r["p"])), ("q", fmt_vector(r["q"])),
                ("H(p)", fmt_number(r["entropy"])), ("H(p, q)", fmt_number(r["cross_entropy"])),
                ("KL(p‖q)", fmt_number(r["kl"])), ("KL(q‖p)", fmt_number(r["kl_reverse"])),
                ("unit", unit)]
        kl, back = fmt_number(r["kl"]), fmt_number(r["kl_reverse"])
        line = (f"H(p) + KL(p‖q) = {fmt_number(r['entropy'])} + {kl} = "
                f"{fmt_number(r['cross_entropy'])} = H(p, q) {unit};  "
                + (f"KL(q‖p) = {back} ≠ KL(p‖q): KL is not symmetric." if back != kl else
                   f"here KL(q‖p) = KL(p‖q) = {kl}, a coincidence of this pair."))
        self.readout.value = readout_table(rows) + f"<div style='margin:2px 10px'>{line}</div>"


def _check_distributions(p, q):
    """p and q as probability vectors over the same 2..MAX_OUTCOMES outcomes, each >= MIN_PROB."""
    return check_pair(_check_positive(p, "p"), _check_positive(q, "q"))


def _check_positive(value, name):
    """*value* as a probability vector whose every entry is at least MIN_PROB."""
    arr = V.check_prob_vector(value, name)
    small = arr < MIN_PROB
    if arr.ndim == 1 and np.any(small):
        j = int(np.argmax(small))
        V.fail(name, f"give every outcome a probability of at least {MIN_PROB:g} (the slider "
               "keeps q positive, and the swap makes p the new q)",
               f"{arr[j]:g} for outcome {j}", f"Use a small probability such as {MIN_PROB:g} "
               "instead, and renormalise so the entries add up to 1.")
    return arr
