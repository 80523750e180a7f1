"""Headless tests of GaussianView and GaussianExplorer.

Each test moves a slider (or calls ``view.update``) and reads the artists
back, comparing with the math core (and scipy.stats) at that (μ, σ).
"""

from __future__ import annotations


import numpy as np
import pytest
from scipy import stats

import mlekit as mk
from mlekit.models import Gaussian
from mlekit.plotting import GaussianView
from mlekit.widgets import GaussianExplorer
from explorer_helpers import draws_after

H = mk.datasets.heights()
MU_HAT = H.mean()
SIGMA_HAT = np.sqrt(np.mean((H - H.mean()) ** 2))          # closed-form MLE (ddof = 0)


@pytest.fixture
def explorer():
    e = GaussianExplorer(H, unit="cm")
    yield e
    e.close()


def stem_segments(view):
    return np.asarray(view.stems.get_segments(), dtype=float)       # (n, 2, 2)


def current_point(view):
    return float(view.current.get_xdata()[0]), float(view.current.get_ydata()[0])


# ------------------------------------------------------------------ the stems
@pytest.mark.parametrize("mu, sigma", [(168.0, 2.5), (165.2, 2.4), (170.7, 4.4), (162.0, 7.0)])
def test_stems_rise_from_each_data_point_to_exactly_its_density(explorer, mu, sigma):
    explorer.mu_slider.value, explorer.sigma_slider.value = mu, sigma
    view = explorer.view
    expected = Gaussian().density(H, mu=mu, sigma=sigma)
    assert expected.max() < view.limits["density"][1]        # all on scale for these settings
    seg = stem_segments(view)
    assert seg.shape == (H.size, 2, 2)
    np.testing.assert_array_equal(seg[:, 0, 0], H)           # stems stand on the data ...
    np.testing.assert_array_equal(seg[:, 1, 0], H)           # ... vertically
    np.testing.assert_array_equal(seg[:, 0, 1], 0.0)         # from the x axis
    np.testing.assert_array_equal(seg[:, 1, 1], expected)    # up to the density, exactly
    np.testing.assert_array_equal(view.tops.get_xdata(), H)
    np.testing.assert_array_equal(view.tops.get_ydata(), expected)
    assert view.tops_off.get_xdata().size == 0 and not view.density_note.get_visible()
    grid = np.asarray(view.curve.get_xdata())
    np.testing.assert_array_equal(view.curve.get_ydata(),
                                  Gaussian().density(grid, mu=mu, sigma=sigma))


@pytest.mark.parametrize("mu, sigma", [(168.344, 2.62), (166.0, 2.4), (171.0, 5.0)])
def test_product_of_stem_heights_is_the_likelihood(explorer, mu, sigma):
    explorer.mu_slider.value, explorer.sigma_slider.value = mu, sigma
    view, m = explorer.view, Gaussian()
    heights = stem_segments(view)[:, 1, 1]
    product = np.prod(heights)
    assert product == pytest.approx(m.likelihood(H, mu=mu, sigma=sigma), rel=1e-12)
    assert product == pytest.approx(np.prod(stats.norm.pdf(H, loc=mu, scale=sigma)), rel=1e-10)
    assert np.sum(np.log(heights)) == pytest.approx(stats.norm.logpdf(H, mu, sigma).sum(),
                                                    rel=1e-12)
    r = view.readout
    assert r["likelihood"] == pytest.approx(product, rel=1e-12)
    assert r["log_likelihood"] == pytest.approx(np.sum(np.log(heights)), rel=1e-12)
    assert r["nll"] == pytest.approx(-np.sum(np.log(heights)), rel=1e-12)
    assert (r["mu"], r["sigma"]) == (mu, sigma)


# -------------------------------------------------------------- the NLL panel
def test_mle_marker_sits_at_the_closed_form_mle(explorer):
    view = explorer.view
    mu_hat, sigma_hat = stats.norm.fit(H)                     # scipy's MLE, an independent fit
    assert view.mle_point.get_xdata()[0] == pytest.approx(MU_HAT, rel=1e-14)
    assert view.mle_point.get_ydata()[0] == pytest.approx(SIGMA_HAT, rel=1e-12)
    assert (MU_HAT, SIGMA_HAT) == pytest.approx((mu_hat, sigma_hat), rel=1e-9)
    np.testing.assert_allclose(view.mle_curve.get_ydata(),
                               stats.norm.pdf(view.mle_curve.get_xdata(), MU_HAT, SIGMA_HAT),
                               rtol=1e-10)
    # the NLL grid's lowest point is next to the MLE (within one grid step)
    i, j = np.unravel_index(np.argmin(view.nll_grid), view.nll_grid.shape)
    assert abs(view.mu_grid[j] - MU_HAT) <= view.mu_grid[1] - view.mu_grid[0]
    assert abs(view.sigma_grid[i] - SIGMA_HAT) <= view.sigma_grid[1] - view.sigma_grid[0]
    assert view.nll_min == pytest.approx(-stats.norm.logpdf(H, MU_HAT, SIGMA_HAT).sum())


def test_nll_grid_is_the_math_cores_nll_at_every_point(explorer):
    view, m = explorer.view, Gaussian()
    assert view.nll_grid.shape == (view.sigma_grid.size, view.mu_grid.size)
    rng = np.random.default_rng(0)
    for i, j in rng.integers(0, view.mu_grid.size, size=(12, 2)):
        mu, sigma = view.mu_grid[j], view.sigma_grid[i]
        assert view.nll_grid[i, j] == pytest.approx(m.nll(H, mu=mu, sigma=sigma), rel=1e-12)
        assert view.nll_grid[i, j] == pytest.approx(-stats.norm.logpdf(H, mu, sigma).sum(),
                                                    rel=1e-10)
    assert np.all(np.diff(view.levels) > 0) and view.levels[0] > view.nll_min


def test_current_marker_follows_both_sliders(explorer):
    view = explorer.view
    explorer.mu_slider.value = 166.5
    assert current_point(view)[0] == pytest.approx(166.5)
    assert current_point(view)[1] == pytest.approx(explorer.sigma_slider.value)
    explorer.sigma_slider.value = 4.25
    assert current_point(view) == pytest.approx((166.5, 4.25))
    explorer.mu_slider.value = 170.0
    assert current_point(view) == pytest.approx((170.0, 4.25))
    assert not view.grid_note.get_visible()


def test_moving_the_sliders_never_recomputes_the_contours(explorer, monkeypatch):
    view = explorer.view
    contours = view.contours

    def forbidden(*args, **kwargs):
        raise AssertionError("contours recomputed on a slider move")

    monkeypatch.setattr(view.ax_nll, "contour", forbidden)
    monkeypatch.setattr(view.model, "nll", lambda x, **p: (
        forbidden() if np.ndim(p.get("mu")) else Gaussian.nll(view.model, x, **p)))
    for mu, sigma in [(166.0, 2.0), (169.0, 3.0), (171.0, 6.0)]:
        explorer.mu_slider.value, explorer.sigma_slider.value = mu, sigma
    assert explorer.errors.outputs == ()
    assert view.contours is contours


# -------------------------------------------------------------- the controls
def test_readout_widget_shows_the_values(explorer):
    explorer.mu_slider.value, explorer.sigma_slider.value = 168.0, 2.5
    html = explorer.readout.value
    nll = Gaussian().nll(H, mu=168.0, sigma=2.5)
    assert f"{nll:.4f}" in html and f"{-nll:.4f}" in html
    assert f"{np.exp(-nll):.3e}" in html                      # L = prod of stems, e.g. 4.0e-11
    assert f"{MU_HAT:.3f}" in html and f"{SIGMA_HAT:.3f}" in html
    assert "168.000" in html and "2.500" in html


def test_slider_ranges_frame_the_mle_and_sigma_stays_positive(explorer):
    mu_s, s_s = explorer.mu_slider, explorer.sigma_slider
    assert mu_s.min == pytest.approx(MU_HAT - 3 * SIGMA_HAT)
    assert mu_s.max == pytest.approx(MU_HAT + 3 * SIGMA_HAT)
    assert s_s.min == pytest.approx(0.3 * SIGMA_HAT) and s_s.min > 0
    assert s_s.max == pytest.approx(3 * SIGMA_HAT)
    s_s.value = 0.0                                           # ipywidgets clamps to min
    assert s_s.value == pytest.approx(0.3 * SIGMA_HAT)
    assert explorer.view.readout["sigma"] > 0 and explorer.errors.outputs == ()
    assert explorer.main_slider is mu_s


def test_go_to_mle_button_moves_both_sliders(explorer):
    explorer.mle_button.click()
    view = explorer.view
    assert (explorer.mu_slider.value, explorer.sigma_slider.value) == pytest.approx(
        (MU_HAT, SIGMA_HAT))
    assert current_point(view) == pytest.approx((MU_HAT, SIGMA_HAT))
    assert view.readout["nll"] == pytest.approx(view.nll_min)
    np.testing.assert_allclose(view.curve.get_ydata(), view.mle_curve.get_ydata(), rtol=1e-12)


def test_starts_away_from_the_mle_and_honours_a_given_start():
    e = GaussianExplorer(H, mu=167.0, sigma=3.0)
    try:
        assert (e.mu_slider.value, e.sigma_slider.value) == (167.0, 3.0)
        assert current_point(e.view) == (167.0, 3.0)
    finally:
        e.close()
    e = GaussianExplorer(H)
    try:
        assert abs(e.mu_slider.value - MU_HAT) > 0.5 and abs(e.sigma_slider.value - SIGMA_HAT) > 0.5
    finally:
        e.close()


# ------------------------------------------------------------------ the edges
def test_tiny_sigma_draws_off_scale_with_a_note_not_a_traceback():
    view = GaussianView(H, mu=168.0, sigma=2.5, show_readout=True)
    try:
        top = view.limits["density"][1]
        view.update(mu=H[4], sigma=0.05)                      # stem at x_4 is ~8 high
        heights = Gaussian().density(H, mu=H[4], sigma=0.05)
        assert heights[4] > top
        seg = stem_segments(view)
        assert seg[4, 1, 1] == top                            # clamped to the top edge ...
        np.testing.assert_array_equal(view.tops_off.get_xdata(), [H[4]])
        np.testing.assert_array_equal(view.tops_off.get_ydata(), [top])    # ... with an arrow
        on = np.arange(H.size) != 4
        np.testing.assert_array_equal(seg[on, 1, 1], heights[on])
        np.testing.assert_array_equal(view.readout["stem_heights"], heights)
        assert view.density_note.get_visible() and "off scale" in view.density_note.get_text()
        assert view.grid_note.get_visible()                   # sigma below the grid
        assert current_point(view)[1] == view.limits["sigma"][0]
        view.update(mu=H[4], sigma=1e-300)                    # density overflows to +inf
        assert view.readout["nll"] == np.inf and view.readout["likelihood"] == 0.0
        assert "+inf" in view.readout_line()
        assert stem_segments(view)[4, 1, 1] == top
        view.update(mu=168.0, sigma=2.5)                      # back on scale: notes go
        assert not view.density_note.get_visible() and not view.grid_note.get_visible()
        assert view.tops_off.get_xdata().size == 0
    finally:
        view.close()


def test_bad_values_are_refused_with_a_clear_message():
    view = GaussianView(H)
    try:
        with pytest.raises(ValueError, match="sigma must be > 0"):
            view.update(sigma=0.0)
        with pytest.raises(TypeError, match="mu=.*sigma="):
            view.update()
    finally:
        view.close()
    with pytest.raises(ValueError, match="sigma_range must start above 0"):
        GaussianView(H, sigma_range=(-1.0, 5.0))
    with pytest.raises(ValueError, match="two different values"):
        GaussianView([3.0, 3.0, 3.0])


def test_new_data_replace_the_contours_and_the_mle():
    view = GaussianView(H, show_readout=False)
    try:
        other = np.array([1.0, 2.0, 4.0, 7.0])
        view.set_data(other, mu=3.0, sigma=2.0)
        assert len(view.ax_nll.collections) == 1             # the old contours are gone
        assert view.mle_point.get_xdata()[0] == pytest.approx(3.5)
        assert view.mle_point.get_ydata()[0] == pytest.approx(np.std(other))
        np.testing.assert_array_equal(stem_segments(view)[:, 1, 1],
                                      Gaussian().density(other, mu=3.0, sigma=2.0))
    finally:
        view.close()


# -------------------------------------------------- widget plumbing and speed
def test_both_sliders_and_the_button_only_blit(explorer, monkeypatch):
    mu, sigma = explorer.mu_slider, explorer.sigma_slider
    moves = [(mu, 166.0), (sigma, 2.0), (mu, 167.0), (sigma, 3.0), explorer.go_to_mle]
    assert draws_after(explorer, monkeypatch, moves) == {"draw": 0, "blit": 5}


@pytest.mark.parametrize("slider, value", [("mu_slider", 170.5), ("sigma_slider", 5.5)])
def test_pixels_change_when_a_slider_moves(explorer, slider, value):
    before = explorer.view.to_rgba()
    getattr(explorer, slider).value = value
    after = explorer.view.to_rgba()
    assert (before != after).any()
