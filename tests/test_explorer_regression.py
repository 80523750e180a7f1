"""Headless tests of RegressionView and RegressionExplorer.

Each test moves a slider (or calls ``view.update``) and reads the artists
back, comparing with the math core and with independent references
(scipy.stats.norm, np.polyfit, scipy.stats.linregress, brute force).
"""

from __future__ import annotations


import numpy as np
import pytest
from scipy import stats

import mlekit as mk
from mlekit.plotting import RegressionView
from mlekit.widgets import RegressionExplorer
from explorer_helpers import draws_after

X, T = mk.datasets.toy_regression()
W_LS, B_LS = np.polyfit(X, T, 1)


@pytest.fixture
def explorer():
    e = RegressionExplorer(X, T)
    yield e
    e.close()


def move(explorer, w=None, b=None):
    if w is not None:
        explorer.slope_slider.value = w
    if b is not None:
        explorer.intercept_slider.value = b
    return explorer.slope_slider.value, explorer.intercept_slider.value


def gaussian_nll_scipy(w, b, sigma=1.0, x=X, t=T):
    return -stats.norm.logpdf(t, loc=w * x + b, scale=sigma).sum()


# ----------------------------------------------------------------- left panel
@pytest.mark.parametrize("w, b", [(2.0, 1.0), (0.5, 3.0), (-1.0, -2.0), (4.5, 5.0)])
def test_residual_segments_run_from_each_point_to_the_line(explorer, w, b):
    w, b = move(explorer, w, b)
    segments = explorer.view.residuals.get_segments()
    assert len(segments) == X.size
    for seg, xi, ti in zip(segments, X, T):
        (x0, y0), (x1, y1) = seg
        assert (x0, y0) == (xi, ti)                           # starts at the data point
        assert x1 == xi                                       # vertical
        lo, hi = explorer.view.ylim                           # ends on the line, or at the
        end = min(max(w * xi + b, lo), hi)                    # panel's edge when off scale
        assert y1 == pytest.approx(end, rel=1e-12, abs=1e-12)
    off = np.any((w * X + b > explorer.view.ylim[1]) | (w * X + b < explorer.view.ylim[0]))
    note = explorer.view.line_note
    assert note.get_visible() == bool(off)
    if off:
        assert "residuals off scale" in note.get_text()


def test_current_line_is_w_x_plus_b(explorer):
    w, b = move(explorer, 1.3, -0.7)
    xs, ys = (np.asarray(a, float) for a in explorer.view.line.get_data())
    np.testing.assert_allclose(ys, w * xs + b, rtol=1e-12)
    assert tuple(xs) == explorer.view.ax_data.get_xlim()      # spans the whole axis


@pytest.mark.parametrize("b", [-3.0, 0.0, 2.5, 4.5])
def test_dashed_and_dotted_lines_are_labelled_as_what_they_draw(explorer, b):
    """Legend labels match the drawn lines, each slope recomputed with numpy.linalg.lstsq."""
    _, b = move(explorer, b=b)
    view = explorer.view
    handles = dict(zip([t.get_text() for t in view.legend.get_texts()], view.legend.legend_handles))

    def style(line):
        return (line.get_linestyle(), line.get_color(), line.get_linewidth())

    ls_label = next(k for k in handles if "least-squares" in k)
    best_label = next(k for k in handles if "best slope for this $b$" in k)
    assert style(handles[ls_label]) != style(handles[best_label])
    # the least-squares line: the global fit over (w, b)
    (w_hat, b_hat), *_ = np.linalg.lstsq(np.c_[X, np.ones_like(X)], T, rcond=None)
    xs, ys = (np.asarray(a, float) for a in view.ls_line.get_data())
    assert style(view.ls_line) == style(handles[ls_label])
    assert (ys[1] - ys[0]) / (xs[1] - xs[0]) == pytest.approx(w_hat, rel=1e-9)
    # the vertical lines in the loss panels: the best slope with b held fixed
    (w_b,), *_ = np.linalg.lstsq(X[:, None], T - b, rcond=None)
    for kind, line in view.min_lines.items():
        assert style(line) == style(handles[best_label]), kind
        assert style(line) != style(handles[ls_label]), kind
        assert line.get_xdata()[0] == pytest.approx(w_b, rel=1e-9)
    if abs(b - B_LS) > 0.1:
        assert abs(w_b - w_hat) > 0.01             # they really differ: the labels matter


def test_least_squares_line_matches_an_independent_fit(explorer):
    ref = stats.linregress(X, T)
    view = explorer.view
    assert view.w_ls == pytest.approx(ref.slope, rel=1e-10)
    assert view.b_ls == pytest.approx(ref.intercept, rel=1e-10)
    xs, ys = (np.asarray(a, float) for a in view.ls_line.get_data())
    np.testing.assert_allclose(ys, ref.slope * xs + ref.intercept, rtol=1e-10)
    assert view.ls_line.get_linestyle() == "--"
    assert view.ls_line not in view._animated                  # static: in the background


# ---------------------------------------------------------------- the losses
@pytest.mark.parametrize("w, b", [(2.0, 1.0), (0.0, 4.0), (3.3, -1.5)])
def test_readout_values_match_the_math_core_and_scipy(explorer, w, b):
    w, b = move(explorer, w, b)
    r = explorer.view.readout
    y_hat = w * X + b
    assert (r["w"], r["b"]) == (w, b)
    assert r["mse"] == pytest.approx(mk.losses.mse(T, y_hat), rel=1e-12)
    assert r["sse"] == pytest.approx(mk.losses.sse(T, y_hat), rel=1e-12)
    assert r["mse"] == pytest.approx(np.mean((T - y_hat) ** 2), rel=1e-12)
    assert r["nll"] == pytest.approx(gaussian_nll_scipy(w, b), rel=1e-12)


@pytest.mark.parametrize("sigma", [0.3, 1.0, 2.5])
def test_nll_is_the_sse_identity_and_scipy_for_any_sigma(sigma):
    view = RegressionView(X, T, sigma=sigma, w=1.7, b=0.4)
    try:
        r, n = view.readout, X.size
        y_hat = 1.7 * X + 0.4
        by_model = -mk.models.Gaussian(sigma=sigma).log_density(T, mu=y_hat).sum()
        by_identity = (mk.losses.sse(T, y_hat) / (2 * sigma**2)
                       + 0.5 * n * np.log(2 * np.pi * sigma**2))
        assert r["nll"] == pytest.approx(by_model, rel=1e-12)
        assert r["nll"] == pytest.approx(by_identity, rel=1e-12)
        assert r["nll"] == pytest.approx(gaussian_nll_scipy(1.7, 0.4, sigma), rel=1e-12)
        assert f"{sigma:g}" in view.ax_nll.get_title()
    finally:
        view.close()


def test_markers_sit_on_the_loss_values_or_off_scale(explorer):
    for w, b in [(2.0, 1.0), (-1.2, 6.3), (5.3, -3.9), (1.0, 1.2)]:
        w, b = move(explorer, w, b)
        view = explorer.view
        for kind in ("mse", "nll"):
            value = view.readout[kind]
            px, py = (float(a[0]) for a in view.points[kind].get_data())
            assert px == w and view.cursors[kind].get_xdata()[0] == w
            lo, hi = view.limits[kind]
            if lo <= value <= hi:
                assert py == pytest.approx(value, rel=1e-12)
                assert view.points[kind].get_marker() == "o"
                assert not view.notes[kind].get_visible()
            else:
                assert py in (lo, hi) and view.points[kind].get_marker() in ("^", "v")
                assert "off scale" in view.notes[kind].get_text()
                assert view.notes[kind].get_visible()


def test_slice_curves_are_the_losses_over_the_slope_grid(explorer):
    _, b = move(explorer, b=2.5)
    view = explorer.view
    grid = view.curves["mse"].get_xdata()
    np.testing.assert_array_equal(grid, view.curves["nll"].get_xdata())
    mse = [mk.losses.mse(T, w * X + b) for w in grid]
    nll = [gaussian_nll_scipy(w, b) for w in grid]
    np.testing.assert_allclose(view.curves["mse"].get_ydata(), mse, rtol=1e-12)
    np.testing.assert_allclose(view.curves["nll"].get_ydata(), nll, rtol=1e-12)


def test_intercept_move_reshapes_the_curves_but_not_the_limits(explorer):
    view = explorer.view
    limits = (view.ax_mse.get_ylim(), view.ax_nll.get_ylim())
    before = view.curves["mse"].get_ydata().copy()
    move(explorer, b=4.0)
    after = view.curves["mse"].get_ydata()
    assert not np.allclose(before, after)
    assert (view.ax_mse.get_ylim(), view.ax_nll.get_ylim()) == limits
    before = after.copy()
    move(explorer, w=3.0)                         # a slope move leaves the slice alone
    np.testing.assert_array_equal(view.curves["mse"].get_ydata(), before)


def test_mse_and_nll_share_the_minimiser_and_it_is_the_polyfit_slope():
    view = RegressionView(X, T, b=B_LS)          # intercept exactly at its LS value
    try:
        grid = view.curves["mse"].get_xdata()
        i_mse = int(np.argmin(view.curves["mse"].get_ydata()))
        i_nll = int(np.argmin(view.curves["nll"].get_ydata()))
        assert i_mse == i_nll
        spacing = grid[1] - grid[0]
        assert abs(grid[i_mse] - W_LS) <= spacing / 2 + 1e-12
        for line in view.min_lines.values():      # the dashed line: the exact minimiser
            assert line.get_xdata()[0] == pytest.approx(W_LS, rel=1e-10)
        assert view.readout["w_star"] == pytest.approx(W_LS, rel=1e-10)
    finally:
        view.close()


@pytest.mark.parametrize("b", [-3.0, 0.0, 4.5])
def test_shared_minimiser_for_any_fixed_intercept(explorer, b):
    _, b = move(explorer, b=b)
    view = explorer.view
    grid = view.curves["mse"].get_xdata()
    i_mse = int(np.argmin(view.curves["mse"].get_ydata()))
    assert i_mse == int(np.argmin(view.curves["nll"].get_ydata()))
    # brute force on a fine grid, independent of the view's lstsq
    fine = np.linspace(grid[0], grid[-1], 20001)
    sse = ((T[None, :] - fine[:, None] * X[None, :] - b) ** 2).sum(axis=1)
    w_best = fine[np.argmin(sse)]
    assert view.min_lines["mse"].get_xdata()[0] == pytest.approx(w_best, abs=1e-3)
    assert view.min_lines["nll"].get_xdata()[0] == view.min_lines["mse"].get_xdata()[0]
    assert abs(grid[i_mse] - w_best) <= (grid[1] - grid[0]) / 2 + 1e-3


# ---------------------------------------------------------------- the widget
def test_readout_widget_shows_values_and_the_shared_minimiser_sentence(explorer):
    w, b = move(explorer, 2.0, 1.0)
    html = explorer.readout.value
    y_hat = w * X + b
    for text in (f"{mk.losses.mse(T, y_hat):.4f}", f"{mk.losses.sse(T, y_hat):.4f}",
                 f"{gaussian_nll_scipy(w, b):.4f}", f"{W_LS:.4f}", f"{B_LS:.4f}",
                 "2.000", "1.000"):
        assert text in html
    assert "both curves bottom out at the same slope" in html and "w*(b)" in html


def test_fit_button_moves_the_sliders_to_least_squares(explorer):
    explorer.fit_button.click()
    assert explorer.slope_slider.value == pytest.approx(W_LS, abs=explorer.slope_slider.step)
    assert explorer.intercept_slider.value == pytest.approx(B_LS,
                                                            abs=explorer.intercept_slider.step)
    r = explorer.view.readout
    assert (r["w"], r["b"]) == (explorer.slope_slider.value, explorer.intercept_slider.value)
    assert not explorer._has_error


def test_sliders_start_on_the_views_state_and_cover_the_fit(explorer):
    r = explorer.view.readout
    assert (r["w"], r["b"]) == (explorer.slope_slider.value, explorer.intercept_slider.value)
    assert explorer.slope_slider.min < W_LS < explorer.slope_slider.max
    assert explorer.intercept_slider.min < B_LS < explorer.intercept_slider.max
    assert explorer.main_slider is explorer.slope_slider


def test_example_uses_the_seeded_toy_data():
    e = RegressionExplorer.example()
    try:
        np.testing.assert_array_equal(e.view.x, X)
        np.testing.assert_array_equal(e.view.t, T)
        assert e.main_slider is e.slope_slider
    finally:
        e.close()


def test_edge_values_draw_off_scale_with_a_note_not_a_traceback():
    view = RegressionView(X, T)
    try:
        view.update(w=-50.0, b=-100.0)           # far outside every axis
        assert view.line_note.get_visible() and "off scale" in view.line_note.get_text()
        for kind in ("mse", "nll"):
            assert view.points[kind].get_ydata()[0] == view.limits[kind][1]
            assert view.points[kind].get_marker() == "^"
            assert view.notes[kind].get_visible()
        assert view.to_png()[:8] == b"\x89PNG\r\n\x1a\n"   # renders (no glyph warnings)
        view.update(w=2.0, b=1.0)
        assert not view.line_note.get_visible()
        assert not any(n.get_visible() for n in view.notes.values())
    finally:
        view.close()


@pytest.mark.parametrize("kwargs, match", [
    ({"sigma": 0.0}, "sigma must be > 0"),
    ({"sigma": -1.0}, "sigma must be > 0"),
])
def test_bad_sigma_is_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        RegressionView(X, T, **kwargs)


def test_bad_data_is_refused_with_a_fix():
    with pytest.raises(ValueError, match="at least two different values"):
        RegressionView([1.0, 1.0, 1.0], [0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="same shape"):
        RegressionView([0.0, 1.0, 2.0], [0.0, 1.0])
    with pytest.raises(ValueError, match="finite"):
        RegressionView([0.0, 1.0, 2.0], [0.0, np.nan, 2.0])
    with pytest.raises(TypeError, match="w=..."):
        view = RegressionView(X, T)
        try:
            view.update()
        finally:
            view.close()


def test_slope_intercept_and_fit_moves_only_blit(explorer, monkeypatch):
    # intercept moves reshape the loss curves: still a blit; the fit button draws one frame
    moves = [(explorer.slope_slider, w) for w in (0.5, 1.5, 2.5)]
    moves += [(explorer.intercept_slider, b) for b in (-1.0, 2.0)] + [explorer.fit]
    assert draws_after(explorer, monkeypatch, moves) == {"draw": 0, "blit": 6}


@pytest.mark.parametrize("slider, value", [("slope_slider", 3.5), ("intercept_slider", 4.0)])
def test_pixels_change_when_a_slider_moves(explorer, slider, value):
    before = explorer.view.to_rgba()
    setattr(getattr(explorer, slider), "value", value)
    after = explorer.view.to_rgba()
    changed = (before != after).any(axis=-1)
    assert changed.any()
    # both sides move: the line/residuals on the left, the markers on the right
    middle = changed.shape[1] // 2
    assert changed[:, :middle].any() and changed[:, middle:].any()
