"""Headless tests of InformationView and InformationExplorer.

Each test moves a control and reads the artists and the readout back,
comparing them with ``scipy.stats.entropy`` (entropy with one argument, KL
divergence with two; an implementation independent of mlekit) and with q
rescaled by hand here.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from mlekit.plotting import InformationView
from mlekit.widgets import InformationExplorer
from explorer_helpers import count_draws, xy

P = np.array([0.5, 0.25, 0.125, 0.125])
Q = np.array([0.1, 0.3, 0.3, 0.3])
BASE = {"bits": 2.0, "nats": math.e}


@pytest.fixture
def explorer():
    e = InformationExplorer.example()
    yield e
    e.close()


def reference(p, q, unit="bits"):
    """H(p), H(p, q), KL(p||q), KL(q||p) from scipy, in *unit*."""
    b = BASE[unit]
    h = stats.entropy(p, base=b)
    kl = stats.entropy(p, q, base=b)
    return {"entropy": h, "cross_entropy": h + kl, "kl": kl,
            "kl_reverse": stats.entropy(q, p, base=b)}


def moved_by_hand(q, k, value):
    """q with q_k = value and the others scaled by (1 - value) / (1 - q_k)."""
    out = np.asarray(q, float) * (1 - value) / (1 - q[k])
    out[k] = value
    return out


def drawn(view):
    """What the right panel draws: the bars' heights and bottoms, the numbers written."""
    return {
        "entropy": view.entropy_bar.get_height(),
        "kl": view.kl_bar.get_height(),
        "ce_low": view.ce_entropy_part.get_height(),
        "ce_kl_bottom": view.ce_kl_part.get_y(),
        "ce_kl": view.ce_kl_part.get_height(),
        "cross_entropy": view.ce_outline.get_height(),
        "kl_reverse": view.kl_reverse_bar.get_height(),
        "texts": {key: float(t.get_text().split()[0]) for key, t in view.info_texts.items()},
    }


# ------------------------------------------------------------------ the values
@pytest.mark.parametrize("k", [0, 1, 3])
@pytest.mark.parametrize("value", [0.01, 0.1, 0.25, 0.5, 0.8, 0.99])
def test_readout_and_bars_equal_scipy_at_slider_positions(k, value):
    e = InformationExplorer(P, q=Q, k=k)
    try:
        e.main_slider.value = value
        q = moved_by_hand(Q, k, value)
        np.testing.assert_allclose(e.q, q, rtol=1e-12)
        ref = reference(P, q)
        r, d = e.view.readout, drawn(e.view)
        for key, want in ref.items():
            assert r[key] == pytest.approx(want, rel=1e-10, abs=1e-12), key
            if want <= e.view.cap:                       # on scale: the bar is the value
                assert d[key] == pytest.approx(want, rel=1e-10, abs=1e-12), key
            assert d["texts"][key] == pytest.approx(want, abs=6e-4), key     # 3 decimals
        heights = [b.get_height() for b in e.view.q_bars]
        np.testing.assert_allclose(heights, q, rtol=1e-12)
        np.testing.assert_allclose([b.get_height() for b in e.view.p_bars], P)
        assert e.errors.outputs == ()
    finally:
        e.close()


@pytest.mark.parametrize("value", [0.01, 0.3, 0.99])
def test_the_stacked_bar_draws_h_p_plus_kl_up_to_the_cross_entropy(explorer, value):
    explorer.main_slider.value = value
    d, ref = drawn(explorer.view), reference(explorer.p, explorer.q)
    # H(p) part at the bottom, the KL part on top of it, and the outline at H(p, q)
    assert d["ce_low"] == pytest.approx(ref["entropy"], rel=1e-12)
    assert d["ce_kl_bottom"] == d["ce_low"]
    assert d["ce_kl"] == pytest.approx(ref["kl"], rel=1e-10)
    assert d["ce_kl_bottom"] + d["ce_kl"] == pytest.approx(d["cross_entropy"], rel=1e-10)
    # the parts are the neighbouring bars: H(p) and KL(p || q) side by side
    assert d["ce_low"] == d["entropy"] and d["ce_kl"] == pytest.approx(d["kl"], rel=1e-12)
    # the dotted level of H(p) runs from the H(p) bar to the stacked bar
    fx, fy = xy(explorer.view.floor)
    assert np.all(fy == d["entropy"]) and fx[0] < 0 < 2 < fx[-1]
    html = explorer.readout.value
    assert f"{ref['entropy']:.4f} + {ref['kl']:.4f} = {ref['cross_entropy']:.4f}" in html


def test_the_slider_keeps_q_a_positive_distribution_at_its_extremes(explorer):
    s = explorer.main_slider
    assert (s.min, s.max) == (0.01, 0.99)
    for k in range(4):
        explorer.outcome_buttons.value = k
        for value in (s.min, s.max, s.min, 0.37):
            s.value = value
            q = explorer.q
            assert math.fsum(q) == pytest.approx(1.0, abs=1e-12)
            assert np.all(q > 0) and q[k] == value
            assert np.all(np.isfinite([explorer.view.readout[key] for key in
                                       ("cross_entropy", "kl", "kl_reverse")]))
    s.value = 1e9                                    # clamps to the range
    assert s.value == 0.99 and np.all(explorer.q > 0)
    assert explorer.errors.outputs == ()


def test_moving_q_away_and_back_returns_the_same_q(explorer):
    start = explorer.q
    for value in (0.9, 0.02, 0.5, 0.1):
        explorer.main_slider.value = value
    np.testing.assert_allclose(explorer.q, start, rtol=1e-12)


def test_the_outcome_buttons_choose_which_q_the_slider_moves(explorer):
    explorer.outcome_buttons.value = 2
    assert explorer.main_slider.description == "q₂"
    assert explorer.main_slider.value == pytest.approx(Q[2])
    np.testing.assert_allclose(explorer.q, Q)          # choosing moves nothing
    assert explorer.view.q_bars[2].get_edgecolor() != explorer.view.q_bars[0].get_edgecolor()
    explorer.main_slider.value = 0.6
    np.testing.assert_allclose(explorer.q, moved_by_hand(Q, 2, 0.6), rtol=1e-12)
    assert explorer.view.readout["k"] == 2


# -------------------------------------------------------------------- the swap
def test_swap_really_swaps_and_the_two_kl_bars_trade_places(explorer):
    explorer.main_slider.value = 0.05
    p, q = explorer.p, explorer.q
    before = drawn(explorer.view)
    explorer.swap_button.click()
    np.testing.assert_array_equal(explorer.p, q)
    np.testing.assert_array_equal(explorer.q, p)
    after, ref = drawn(explorer.view), reference(q, p)
    assert after["kl"] == pytest.approx(before["kl_reverse"], rel=1e-12)
    assert after["kl_reverse"] == pytest.approx(before["kl"], rel=1e-12)
    assert after["kl"] != pytest.approx(after["kl_reverse"])        # KL is not symmetric
    for key, want in ref.items():
        assert explorer.view.readout[key] == pytest.approx(want, rel=1e-10)
    np.testing.assert_allclose([b.get_height() for b in explorer.view.p_bars], q)
    np.testing.assert_allclose([b.get_height() for b in explorer.view.q_bars], p)
    # the slider now shows the new q_k and moves the new q
    assert explorer.main_slider.value == pytest.approx(p[0])
    explorer.main_slider.value = 0.4
    np.testing.assert_allclose(explorer.q, moved_by_hand(p, 0, 0.4), rtol=1e-12)
    np.testing.assert_array_equal(explorer.p, q)
    explorer.swap()
    np.testing.assert_array_equal(explorer.q, q)
    np.testing.assert_allclose(explorer.p, moved_by_hand(p, 0, 0.4), rtol=1e-12)
    assert "KL is not symmetric" in explorer.readout.value
    assert explorer.errors.outputs == ()


def test_the_readout_names_both_divergences(explorer):
    html = explorer.readout.value
    ref = reference(P, Q)
    for text in ("KL(p‖q)", "KL(q‖p)", "H(p, q)", f"{ref['kl']:.4f}", f"{ref['kl_reverse']:.4f}",
                 "[0.500, 0.250, 0.125, 0.125]", "[0.100, 0.300, 0.300, 0.300]", "bits"):
        assert text in html, text


# -------------------------------------------------------------------- the units
def test_bits_are_nats_over_ln_2(explorer):
    explorer.main_slider.value = 0.2
    bits = dict(explorer.view.readout)
    bit_heights = drawn(explorer.view)
    explorer.unit_buttons.value = "nats"
    nats = explorer.view.readout
    ref = {**reference(explorer.p, explorer.q, "nats"), "entropy_q": stats.entropy(explorer.q)}
    for key in ("entropy", "entropy_q", "cross_entropy", "kl", "kl_reverse"):
        assert bits[key] == pytest.approx(nats[key] / math.log(2), rel=1e-12), key
        assert nats[key] == pytest.approx(ref[key], rel=1e-10), key
    nat_heights = drawn(explorer.view)
    for key in ("entropy", "kl", "cross_entropy", "kl_reverse"):
        assert bit_heights[key] == pytest.approx(nat_heights[key] / math.log(2), rel=1e-12)
    assert explorer.view.ax_info.get_ylabel() == "information (nats)"
    assert explorer.view.cap == pytest.approx(2.2 * math.log(4))
    assert "nats" in explorer.readout.value
    explorer.unit_buttons.value = "bits"
    assert explorer.view.ax_info.get_ylabel() == "information (bits)"


# ----------------------------------------------------------------- off scale
def test_values_beyond_the_axis_are_clamped_with_a_note_and_exact_numbers():
    view = InformationView([0.98, 0.01, 0.01], [0.01, 0.01, 0.98])
    try:
        r, d = view.readout, drawn(view)
        assert r["kl"] > view.cap and r["kl_reverse"] > view.cap
        assert d["kl"] == view.cap and d["cross_entropy"] == view.cap
        assert d["ce_kl_bottom"] + d["ce_kl"] == pytest.approx(view.cap)
        assert view.off_note.get_visible() and "off scale" in view.off_note.get_text()
        assert view.info_texts["kl"].get_text() == f"{r['kl']:.3f} ↑"
        assert r["kl"] == pytest.approx(stats.entropy([0.98, 0.01, 0.01], [0.01, 0.01, 0.98],
                                                      base=2))
        view.update(q=[0.9, 0.05, 0.05])
        assert not view.off_note.get_visible()
    finally:
        view.close()


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(p=[0.5, 0.6]), ValueError, "p must sum to 1 along its last axis, got a sum of 1.1"),
    (dict(p=[0.5, 0.5, 0.0]), ValueError,
     r"p must give every outcome a probability of at least 0.01 .*got 0 for outcome 2\. "
     r"Use a small probability such as 0.01"),
    (dict(q=[0.995, 0.005, 0.0, 0.0]), ValueError,
     r"q must give every outcome a probability of at least 0.01"),
    (dict(p=[0.5, 0.5], q=[0.2, 0.3, 0.5]), ValueError,
     r"p and q must have the same number of outcomes, got 2 and 3\. Give both"),
    (dict(p=[1 / 7] * 7, q=[1 / 7] * 7), ValueError,
     r"p must be one probability vector over 2 to 6 outcomes, got an array of shape \(7,\)\. "
     r"For example"),
    (dict(k=4), ValueError, r"k must be an outcome in \[0, 3\], got 4\. Outcomes count from 0"),
    (dict(unit="bytes"), ValueError,
     r'unit must be "bits" or "nats", got the string .bytes.\. For example'),
    (dict(p="0.5"), TypeError, "p must be a number or an array of numbers"),
    (dict(p=[[0.5, 0.5], [0.5, 0.5]]), ValueError, r"p must be one probability vector"),
])
def test_bad_input_gets_a_clear_error(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        InformationExplorer(**kwargs)


def test_the_view_refuses_bad_updates_clearly():
    view = InformationView(P, Q)
    try:
        with pytest.raises(ValueError, match=r"k must be an outcome in \[0, 3\], got 5"):
            view.update(k=5)
        with pytest.raises(ValueError, match="p and q must have 4 outcomes"):
            view.update(p=[0.5, 0.5], q=[0.5, 0.5])
        with pytest.raises(ValueError, match="q must sum to 1"):
            view.update(q=[0.5, 0.5, 0.5, 0.5])
        with pytest.raises(ValueError, match="unit must be"):
            view.set_unit("bit")
    finally:
        view.close()


# ------------------------------------------------------------ drawing and speed
def test_slider_and_outcome_moves_blit_while_swap_and_unit_redraw(explorer, monkeypatch):
    calls = count_draws(explorer.view.canvas, monkeypatch)
    for value in (0.2, 0.3, 0.4):
        explorer.main_slider.value = value
    explorer.outcome_buttons.value = 1
    assert calls == {"draw": 0, "blit": 4}
    explorer.swap()                                   # p's bars are static: one full draw
    assert calls["draw"] == 1
    explorer.unit_buttons.value = "nats"
    assert calls["draw"] == 2


def test_pixels_change_when_the_slider_moves(explorer):
    explorer.main_slider.value = 0.2
    before = explorer.view.to_rgba()
    explorer.main_slider.value = 0.6
    assert (explorer.view.to_rgba() != before).any()


def test_example_is_the_lessons_pair_in_bits():
    e = InformationExplorer.example()
    try:
        np.testing.assert_array_equal(e.p, P)
        np.testing.assert_array_equal(e.q, Q)
        assert e.unit == "bits" and e.k == 0 and e.main_slider is e.q_slider
        assert repr(e) == "InformationExplorer(k=0, unit='bits')"
    finally:
        e.close()
