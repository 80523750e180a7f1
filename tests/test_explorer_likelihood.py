"""Headless tests of LikelihoodView and LikelihoodExplorer.

Each test moves a slider (or calls ``view.update``) and reads the artists
back, comparing with the math core at that θ.
"""

from __future__ import annotations


import numpy as np
import pytest

import mlekit as mk
from mlekit.models import Bernoulli, Binomial, Gaussian
from mlekit.plotting import LikelihoodView
from mlekit.widgets import LikelihoodExplorer

X = mk.datasets.phone_survey()


@pytest.fixture
def explorer():
    e = LikelihoodExplorer(Bernoulli(), X)
    yield e
    e.close()


def point(view, kind):
    line = view.points[kind]
    return float(line.get_xdata()[0]), float(line.get_ydata()[0])


@pytest.mark.parametrize("p", [0.12, 0.5, 0.7, 0.93])
def test_slider_moves_every_marker_to_the_math_cores_values(explorer, p):
    explorer.main_slider.value = p
    m, view = Bernoulli(), explorer.view
    expected = {
        "likelihood": m.likelihood(X, p=p),
        "log_likelihood": m.log_likelihood(X, p=p),
        "nll": m.nll(X, p=p),
        "nll_grad": m.nll_grad(X, p=p)["p"],
    }
    for kind, value in expected.items():
        x, y = point(view, kind)
        assert x == pytest.approx(p)
        lo, hi = view.limits[kind]
        if lo <= value <= hi:                       # on scale: the marker sits on the value
            assert y == pytest.approx(value, rel=1e-12)
        else:                                       # off scale: clamped to the edge, arrow marker
            assert y in (lo, hi) and view.points[kind].get_marker() in ("^", "v")
        assert view.cursors[kind].get_xdata()[0] == pytest.approx(p)
    assert view.readout["nll"] == pytest.approx(expected["nll"])


def test_tangent_touches_the_nll_with_the_gradient_as_slope(explorer):
    explorer.main_slider.value = 0.4
    xs, ys = (np.asarray(a, float) for a in explorer.view.tangent.get_data())
    slope = (ys[1] - ys[0]) / (xs[1] - xs[0])
    assert slope == pytest.approx(-7 / 0.4 + 3 / 0.6)                     # -7/p + 3/(1-p)
    y_at_p = np.interp(0.4, xs, ys)
    assert y_at_p == pytest.approx(Bernoulli().nll(X, p=0.4))


def test_curves_and_mle_marker_come_from_the_model(explorer):
    view = explorer.view
    grid = view.curves["nll"].get_xdata()
    np.testing.assert_allclose(view.curves["nll"].get_ydata(), Bernoulli().nll(X, p=grid))
    for line in view.mle_lines.values():
        assert line.get_xdata()[0] == pytest.approx(0.7)
    assert view.mle == Bernoulli().mle(X)["p"]


def test_readout_widget_shows_the_values(explorer):
    explorer.main_slider.value = 0.5
    html = explorer.readout.value
    assert "6.9315" in html and "-8.0000" in html and "0.700" in html


def test_slider_cannot_reach_p_0_or_1(explorer):
    assert explorer.main_slider.min > 0 and explorer.main_slider.max < 1
    explorer.main_slider.value = 1.0                     # ipywidgets clamps to max
    assert explorer.main_slider.value == pytest.approx(0.99)


def test_k_and_n_reshape_the_curves_with_the_same_mle(explorer):
    explorer.n_slider.value = 100
    explorer.k_slider.value = 70
    view = explorer.view
    assert view.mle == pytest.approx(0.7)
    data = np.asarray(view.x)
    assert data.sum() == 70 and data.size == 100
    grid = view.curves["nll"].get_xdata()
    np.testing.assert_allclose(view.curves["nll"].get_ydata(), Bernoulli().nll(data, p=grid))
    # k cannot exceed n
    explorer.n_slider.value = 50
    assert explorer.k_slider.max == 50 and explorer.k_slider.value <= 50


def test_binomial_count_gets_k_and_n_controls():
    e = LikelihoodExplorer(Binomial(n=10), [7])
    try:
        assert e.k_slider.value == 7 and e.n_slider.value == 10
        e.main_slider.value = 0.5
        assert e.view.readout["nll"] == pytest.approx(-np.log(120 * 0.5**10))
    finally:
        e.close()


def test_edge_values_draw_off_scale_with_a_note_not_a_traceback():
    # 1000 successes: the NLL at p = 0.01 is far above the axis
    view = LikelihoodView(Bernoulli(), np.r_[np.ones(1000), np.zeros(1)], theta=0.5)
    try:
        view.update(p=0.0)                          # NLL = inf exactly
        assert view.readout["nll"] == np.inf
        assert view.points["nll"].get_ydata()[0] == view.limits["nll"][1]
        assert view.notes["nll"].get_visible() and "off scale" in view.notes["nll"].get_text()
        assert not view.tangent.get_visible()      # no tangent at an infinite value
    finally:
        view.close()


def test_gaussian_with_fixed_sigma_is_a_one_parameter_model():
    h = mk.datasets.heights()
    e = LikelihoodExplorer(Gaussian(sigma=2.5), h)
    try:
        e.main_slider.value = e.main_slider.min + 10 * e.main_slider.step
        mu = e.main_slider.value
        assert e.view.readout["nll"] == pytest.approx(Gaussian(sigma=2.5).nll(h, mu=mu))
        assert e.view.mle == pytest.approx(h.mean())
        assert e.k_slider is None
    finally:
        e.close()


def test_two_parameter_model_is_refused_with_a_fix():
    with pytest.raises(ValueError, match=r"exactly one free parameter.*Gaussian\(sigma=1.0\)"):
        LikelihoodView(Gaussian(), mk.datasets.heights())


def test_a_figure_drawn_before_the_browser_connects_keeps_a_valid_png_data_url():
    """ipympl 0.10 sends raw RGBA and an unprefixed data URL here; the browser then never
    sizes the canvas (found by tests/browser). LiveCanvas must send nothing and keep a PNG."""
    import base64

    e = LikelihoodExplorer(Bernoulli(), X)
    try:
        canvas = e.view.canvas
        sent = []
        canvas.send = lambda content, buffers=None: sent.append(buffers)
        assert canvas.syncing_data_url                  # no frontend has said "initialized"
        e.main_slider.value = 0.3
        assert sent == []
        url = canvas._data_url
        assert url.startswith("data:image/png;base64,")
        png = base64.b64decode(url.split(",", 1)[1])
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        canvas.syncing_data_url = False                 # as after "initialized"
        e.main_slider.value = 0.4
        assert len(sent) == 1 and sent[0][0][:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        e.close()
