"""Headless tests of SoftmaxView and SoftmaxExplorer.

Each test moves a slider, the target selector or a button (or calls
``view.update``) and reads the artists back, comparing with the math core
and with scipy.special.
"""

from __future__ import annotations

import re

from matplotlib.colors import to_rgba
import numpy as np
import pytest
from scipy import special

import mlekit as mk
from mlekit.plotting import COLORS, SoftmaxView
from mlekit.widgets import SoftmaxExplorer
from explorer_helpers import draws_after

EXAMPLE = np.array([0.2, 0.1, 0.65, 0.05])


@pytest.fixture
def explorer():
    e = SoftmaxExplorer(k=4)
    yield e
    e.close()


def heights(bars):
    return np.array([bar.get_height() for bar in bars])


def facecolors(bars):
    return [bar.get_facecolor() for bar in bars]


def table_rows(html):
    """The readout's rows as {first cell: [other cells]} (class table and scalar table)."""
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", html):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
        rows.setdefault(cells[0], cells[1:])
    return rows


def marker(view):
    return float(view.marker.get_xdata()[0]), float(view.marker.get_ydata()[0])


@pytest.mark.parametrize("z", [[0.0, 0.0, 0.0, 0.0], [1.5, -2.0, 0.3, 4.2],
                               [-6.0, 6.0, -6.0, -6.0], [2.25, 2.25, -0.5, 5.99]])
def test_sliders_set_bars_to_the_softmax_of_the_logits(explorer, z):
    for slider, value in zip(explorer.logit_sliders, z):
        slider.value = value
    view = explorer.view
    np.testing.assert_allclose(heights(view.prob_bars), mk.losses.softmax(z), rtol=1e-12)
    np.testing.assert_allclose(heights(view.prob_bars), special.softmax(z), rtol=1e-12)
    np.testing.assert_allclose(heights(view.logit_bars), z)
    assert heights(view.prob_bars).sum() == pytest.approx(1.0)


def test_the_main_slider_is_logit_0_and_moves_bar_0(explorer):
    assert explorer.main_slider is explorer.logit_sliders[0]
    explorer.main_slider.value = 3.0
    p = mk.losses.softmax([3.0, 0.0, 0.0, 0.0])
    assert explorer.view.prob_bars[0].get_height() == pytest.approx(p[0])
    assert explorer.view.logit_bars[0].get_height() == 3.0


def test_marker_sits_at_p_target_and_its_cross_entropy(explorer):
    z = [1.0, -0.5, 0.25, 2.0]
    explorer.set_logits(z, target=1)
    x, y = marker(explorer.view)
    assert x == pytest.approx(special.softmax(z)[1], rel=1e-12)
    assert y == pytest.approx(-special.log_softmax(z)[1], rel=1e-12)
    assert y == pytest.approx(float(mk.losses.cross_entropy_with_logits(1, z)), rel=1e-12)
    # the dotted guide joins the marker to both axes
    xs, ys = explorer.view.guide.get_data()
    assert list(xs) == [0.0, x, x] and list(ys) == [y, y, 0.0]


def test_ce_curve_is_minus_log_p_from_the_math_core(explorer):
    p, ce = (np.asarray(a, float) for a in explorer.view.ce_curve.get_data())
    assert p.min() > 0 and p.max() == 1.0
    np.testing.assert_allclose(ce, mk.information.self_information(p))
    np.testing.assert_allclose(ce, -np.log(p))
    assert explorer.view.axes["probs"].get_ylim() == (0.0, 1.0)


def test_example_button_gives_the_worked_example(explorer):
    explorer.example_button.click()
    view, r = explorer.view, explorer.view.readout
    np.testing.assert_allclose(heights(view.prob_bars), EXAMPLE, rtol=1e-12)
    np.testing.assert_allclose(explorer.logits, np.log(EXAMPLE))
    assert explorer.target == 2 and r["target"] == 2
    assert r["ce"] == pytest.approx(-np.log(0.65), rel=1e-12)
    assert round(r["ce"], 3) == 0.431
    assert marker(view) == pytest.approx((0.65, -np.log(0.65)), rel=1e-12)
    np.testing.assert_allclose(r["grad"], EXAMPLE - [0, 0, 1, 0], atol=1e-12)
    rows = table_rows(explorer.readout.value)
    assert rows["ŷ = softmax(z)"] == ["0.200", "0.100", "0.650", "0.050"]
    assert rows["y (one-hot)"] == ["0.000", "0.000", "1.000", "0.000"]
    assert rows["∂CE/∂z = ŷ − y"] == ["0.200", "0.100", "-0.350", "0.050"]
    assert "0.4308" in explorer.readout.value


def test_example_draws_one_frame_not_one_per_control(explorer, monkeypatch):
    explorer.target_selector.value = 0
    calls = []
    real = explorer.view.update
    monkeypatch.setattr(explorer.view, "update", lambda **kw: (calls.append(kw), real(**kw)))
    explorer.set_example()
    assert len(calls) == 1 and calls[0]["target"] == 2


def test_reset_button_makes_probabilities_uniform(explorer):
    explorer.set_example()
    explorer.reset_button.click()
    np.testing.assert_allclose(heights(explorer.view.prob_bars), 0.25)
    assert explorer.view.readout["ce"] == pytest.approx(np.log(4))


def test_changing_the_target_recolours_bars_and_moves_marker(explorer):
    explorer.set_logits([2.0, 0.0, -1.0, 1.0], target=0)
    view = explorer.view
    before_x, before_y = marker(view)
    explorer.target_selector.value = 3
    green, blue = to_rgba(COLORS["target"]), to_rgba(COLORS["model"])
    assert facecolors(view.prob_bars) == [blue, blue, blue, green]
    assert view.logit_bars[3].get_facecolor() == green
    assert view.logit_bars[0].get_facecolor() == to_rgba(COLORS["data"])
    assert view.target_outline.get_x() + view.target_outline.get_width() / 2 == pytest.approx(3)
    assert view.target_outline.get_height() == 1.0
    p = special.softmax([2.0, 0.0, -1.0, 1.0])
    assert marker(view) == pytest.approx((p[3], -np.log(p[3])), rel=1e-12)
    assert marker(view) != (before_x, before_y)
    np.testing.assert_array_equal(view.readout["onehot"], [0, 0, 0, 1])


def test_readout_shows_all_three_cross_entropies_agree(explorer):
    z = [0.7, -1.2, 3.3, 0.1]
    explorer.set_logits(z, target=2)
    r = explorer.view.readout
    probs, onehot = special.softmax(z), np.eye(4)[2]
    assert r["ce"] == pytest.approx(float(mk.losses.cross_entropy(2, probs)), rel=1e-12)
    assert r["ce"] == pytest.approx(float(mk.information.cross_entropy(onehot, probs)), rel=1e-12)
    assert r["ce_from_probs"] == pytest.approx(r["ce"], rel=1e-12)
    assert r["ce_information"] == pytest.approx(r["ce"], rel=1e-12)
    np.testing.assert_allclose(r["grad"], mk.losses.cross_entropy_with_logits_grad(2, z))
    np.testing.assert_allclose(r["grad"], probs - onehot, atol=1e-12)
    html = explorer.readout.value
    assert f"{r['ce']:.4f}" in html and "✓" in html
    rows = table_rows(html)
    assert rows[""] == ["class 0", "class 1", "class 2", "class 3"]
    assert rows["logit z"] == ["0.700", "-1.200", "3.300", "0.100"]
    assert rows["y (one-hot)"] == ["0.000", "0.000", "1.000", "0.000"]
    assert rows["ŷ = softmax(z)"] == [f"{v:.3f}" for v in probs]
    # the target's column is highlighted in the target colour
    styles = re.findall(r"<td style='([^']*)'>", html)[:4]
    assert ["font-weight:bold" in s for s in styles] == [False, False, True, False]


def test_extreme_slider_logits_stay_finite_and_on_scale(explorer):
    explorer.set_logits([6.0, 6.0, -6.0, 6.0], target=2)   # the worst the sliders allow
    view, r = explorer.view, explorer.view.readout
    assert np.all(np.isfinite(heights(view.prob_bars)))
    assert np.isfinite(r["ce"]) and r["ce"] == pytest.approx(-special.log_softmax(
        [6.0, 6.0, -6.0, 6.0])[2], rel=1e-12)
    x, y = marker(view)
    assert np.isfinite(x) and np.isfinite(y)
    assert y == view.limits["ce"][1] and view.marker.get_marker() == "^"   # 13.1 > axis top
    assert view.ce_note.get_visible()
    assert not view.logit_note.get_visible()                # ±6 fits the logit axis
    assert "✓" in explorer.readout.value                    # p_t = 2e-6 is still exact


def test_huge_logits_via_the_view_stay_finite_with_notes():
    view = SoftmaxView([1e4, 0.0, -1e4, 5.0], target=2)
    try:
        r = view.readout
        assert r["ce"] == 2e4                               # exact, via log_softmax
        assert r["ce_from_probs"] == np.inf                 # the naive route fails
        assert np.all(np.isfinite(heights(view.prob_bars)))
        np.testing.assert_allclose(heights(view.prob_bars), [1, 0, 0, 0])
        lo, hi = view.limits["logits"]
        np.testing.assert_allclose(heights(view.logit_bars), [hi, 0.0, lo, 5.0])
        assert view.logit_note.get_visible() and view.ce_note.get_visible()
        x, y = marker(view)
        assert (x, y) == (0.0, view.limits["ce"][1])
        view.update(logits=[0.0, 0.0, 0.0, 0.0])            # back on scale: notes go away
        assert not view.logit_note.get_visible() and not view.ce_note.get_visible()
        assert view.marker.get_marker() == "o"
    finally:
        view.close()


def test_explorer_readout_flags_the_underflowing_naive_route(explorer):
    explorer.view.update(logits=[1e4, 0.0, -1e4, 0.0], target=2)
    explorer.show_readout()
    assert "underflowed" in explorer.readout.value and "20000.0000" in explorer.readout.value


def test_sliders_cannot_leave_the_logit_range(explorer):
    for slider in explorer.logit_sliders:
        assert (slider.min, slider.max) == (-6.0, 6.0)
    explorer.logit_sliders[1].value = 50.0                        # ipywidgets clamps to max
    assert explorer.logit_sliders[1].value == 6.0
    with pytest.raises(ValueError, match="sliders' range"):
        explorer.set_logits([0.0, 0.0, 7.0, 0.0])


def test_bad_arguments_are_refused_with_a_fix():
    with pytest.raises(ValueError, match=r"target must be a class in \[0, 3\]"):
        SoftmaxView(k=4, target=4)
    with pytest.raises(ValueError, match="k must equal the number of logits"):
        SoftmaxView([0.0, 1.0, 2.0], k=4)
    with pytest.raises(ValueError, match="at least two classes"):
        SoftmaxView([1.0])
    view = SoftmaxView(k=3, target=0)
    try:
        with pytest.raises(ValueError, match="hold 3 values"):
            view.update(logits=[0.0, 1.0])
        with pytest.raises(TypeError, match="logits=... and/or target="):
            view.update()
    finally:
        view.close()


def test_other_k_and_starting_logits():
    e = SoftmaxExplorer(0, logits=[1.0, 2.0, 9.0], k=3)
    try:
        assert len(e.logit_sliders) == 3 and e.logit_sliders[0].max == 9.0   # widened to fit 9
        np.testing.assert_allclose(heights(e.view.prob_bars), special.softmax([1.0, 2.0, 9.0]))
        assert e.example_button.disabled                   # the worked example needs k = 4
        e.example_button.click()                           # clicking anyway: error panel
        assert "k must be 4" in "".join(o.get("text", "") for o in e.errors.outputs)
    finally:
        e.close()


def test_logits_target_and_example_only_blit(explorer, monkeypatch):
    moves = [(explorer.main_slider, z) for z in (0.5, 1.0, 1.5)]
    moves += [(explorer.target_selector, 0), explorer.set_example]
    assert draws_after(explorer, monkeypatch, moves) == {"draw": 0, "blit": 5}


def test_pixels_change_when_the_slider_or_target_moves(explorer):
    before = explorer.view.to_rgba()
    explorer.main_slider.value = 2.0
    after_slider = explorer.view.to_rgba()
    assert (before != after_slider).any()
    explorer.target_selector.value = 1
    assert (after_slider != explorer.view.to_rgba()).any()


def test_figure_text_is_english_and_every_axes_is_labelled(explorer):
    for ax in explorer.view.fig.axes:
        assert ax.get_title() and ax.get_ylabel()
    assert explorer.view.axes["probs"].get_xlabel() and explorer.view.axes["ce"].get_xlabel()
    w, h = explorer.view.fig.get_size_inches()
    assert w <= 8.0 and h <= 5.4


def test_set_logits_checks_everything_before_moving_a_slider(explorer):
    with pytest.raises(ValueError, match=r"target must be a class in \[0, 3\]"):
        explorer.set_logits([1.0, 2.0, 3.0, 4.0], target=4)
    np.testing.assert_array_equal(explorer.logits, 0.0)     # nothing moved half-way
