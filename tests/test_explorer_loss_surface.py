"""Headless tests of LossSurfaceView and LossSurfaceExplorer.

Each test moves a control (or calls the view) and reads the artists back,
comparing with mlekit.neuron at that point: the current point and its
gradient arrows, the gradient-descent paths, the loss-per-step lines and the
readout.
"""

from __future__ import annotations


import numpy as np
import pytest

from mlekit.neuron import neuron_gd_path, neuron_loss, neuron_loss_grad, neuron_output
from mlekit.plotting import LossSurfaceView
from mlekit.plotting.format import fmt_number as _fmt
from mlekit.widgets import LossSurfaceExplorer
from mlekit.widgets.loss_surface import CUSTOM, PRESETS
from explorer_helpers import count_draws, draws_after, xy

LOSSES = ("mse", "bce")
POOR, GOOD = "poor start: w = b = 2", "good start: w = b = 0"


@pytest.fixture
def explorer():
    e = LossSurfaceExplorer()
    yield e
    e.close()


def path_length(view, loss):
    ws, bs = xy(view.paths[loss])
    return float(np.sum(np.hypot(np.diff(ws), np.diff(bs))))


# ----------------------------------------------------------- current point
@pytest.mark.parametrize("w, b", [(2.0, 2.0), (0.0, 0.0), (-1.28, -0.98), (3.5, -2.25)])
def test_sliders_move_markers_and_arrows_to_the_neuron_modules_values(explorer, w, b):
    explorer.w_slider.value = w
    explorer.b_slider.value = b
    view = explorer.view
    for loss in LOSSES:
        assert xy(view.current[loss]) == (pytest.approx([w]), pytest.approx([b]))
        gw, gb = neuron_loss_grad(w, b, x=1.0, t=0.0, loss=loss)
        # FancyArrow with the head included: its first vertex is the tip (w, b) - s ∇J
        tip = view.arrows[loss].get_xy()[0]
        s = view.arrow_scale
        np.testing.assert_allclose(tip, [w - s * gw, b - s * gb], atol=1e-12)
        assert view.readout[loss] == pytest.approx(float(neuron_loss(w, b, loss=loss)), rel=1e-14)
        assert view.readout[f"{loss}_grad"] == pytest.approx((float(gw), float(gb)), rel=1e-14)
    assert view.readout["y"] == pytest.approx(float(neuron_output(w, b)), rel=1e-14)


def test_arrow_scale_is_one_nice_number_shared_by_both_maps(explorer):
    s = explorer.view.arrow_scale
    assert s == 2.0                          # largest gradient ≈ √2 -> 2√2 ≈ 35 % of the map
    labels = [t.get_text() for t in explorer.view.key.get_legend().get_texts()]
    assert r"$-2\,\nabla J$ at current" in labels


def test_mse_arrow_has_all_but_vanished_at_the_poor_start(explorer):
    explorer.w_slider.value, explorer.b_slider.value = 2.0, 2.0
    view = explorer.view

    def arrow_length(loss):
        verts = view.arrows[loss].get_xy()
        return float(np.hypot(*(verts[0] - [2.0, 2.0])))
    assert arrow_length("mse") < 0.1 < 2.0 < arrow_length("bce")


def test_readout_widget_shows_the_current_values_and_the_runs(explorer):
    explorer.w_slider.value = -1.0
    explorer.b_slider.value = 0.5
    html = explorer.readout.value
    w, b = -1.0, 0.5
    for value in (neuron_output(w, b), neuron_loss(w, b, loss="mse"),
                  neuron_loss(w, b, loss="bce"), *neuron_loss_grad(w, b, loss="mse"),
                  *neuron_loss_grad(w, b, loss="bce")):
        assert _fmt(float(value)) in html
    for loss in LOSSES:
        run = neuron_gd_path(2.0, 2.0, lr=0.15, steps=60, loss=loss)
        assert _fmt(float(run.losses[-1])) in html
        assert _fmt(float(neuron_output(*run.params[-1]))) in html
    assert "MSE after 60" in html and "BCE after 60" in html


# ----------------------------------------------------------------- the paths
def test_drawn_paths_and_loss_lines_equal_neuron_gd_path(explorer):
    view = explorer.view
    for loss in LOSSES:
        run = neuron_gd_path(2.0, 2.0, lr=0.15, steps=60, x=1.0, t=0.0, loss=loss)
        ws, bs = xy(view.paths[loss])
        np.testing.assert_allclose(ws, run.params[:, 0], rtol=1e-14)
        np.testing.assert_allclose(bs, run.params[:, 1], rtol=1e-14)
        assert xy(view.starts[loss]) == ([2.0], [2.0])
        np.testing.assert_allclose(np.ravel(xy(view.ends[loss])), run.params[-1], rtol=1e-14)
        ks, rel = xy(view.loss_lines[loss])
        np.testing.assert_array_equal(ks, np.arange(61))
        np.testing.assert_allclose(rel, run.losses / run.losses[0], rtol=1e-14)


def test_from_the_poor_start_the_mse_path_stalls_and_the_bce_path_runs(explorer):
    view = explorer.view
    assert explorer.preset.value == POOR
    mse, bce = path_length(view, "mse"), path_length(view, "bce")
    assert mse < 0.25 * bce and bce > 4.0, (mse, bce)
    # and in the loss panel: MSE keeps > 90 % of its loss, BCE keeps < 5 %
    assert xy(view.loss_lines["mse"])[1][-1] > 0.9
    assert xy(view.loss_lines["bce"])[1][-1] < 0.05


def test_from_the_good_start_both_paths_move(explorer):
    explorer.preset.value = GOOD
    view = explorer.view
    assert (explorer.start_w_slider.value, explorer.start_b_slider.value) == (0.0, 0.0)
    assert xy(view.starts["mse"]) == ([0.0], [0.0])
    assert path_length(view, "mse") > 0.5
    assert 0.2 < path_length(view, "mse") / path_length(view, "bce") < 1.0


def test_start_lr_and_steps_controls_rerun_gradient_descent(explorer):
    explorer.start_w_slider.value = 1.0
    explorer.start_b_slider.value = 3.0
    explorer.lr_slider.value = 0.5
    explorer.steps_slider.value = 25
    view = explorer.view
    for loss in LOSSES:
        run = neuron_gd_path(1.0, 3.0, lr=0.5, steps=25, loss=loss)
        np.testing.assert_allclose(np.column_stack(xy(view.paths[loss])), run.params, rtol=1e-14)
        np.testing.assert_allclose(xy(view.loss_lines[loss])[1], run.losses / run.losses[0],
                                   rtol=1e-14)
    assert view.axes["steps"].get_xlim() == (0.0, 25.0)
    assert explorer.preset.value == CUSTOM
    assert "MSE after 25" in explorer.readout.value


def test_preset_moves_both_start_sliders_and_reruns_once(explorer, monkeypatch):
    explorer.start_w_slider.value = -1.0
    assert explorer.preset.value == CUSTOM
    calls = []
    real = explorer.view.set_path
    monkeypatch.setattr(explorer.view, "set_path", lambda **kw: (calls.append(kw), real(**kw)))
    explorer.preset.value = POOR
    assert calls == [{"start": PRESETS[POOR]}]
    assert explorer.view.start == (2.0, 2.0)


def test_surfaces_are_the_neuron_losses_on_the_grid():
    view = LossSurfaceView(n_grid=21)
    try:
        W, B = np.meshgrid(view.ws, view.bs)
        for loss in LOSSES:
            np.testing.assert_allclose(view.surfaces[loss], neuron_loss(W, B, loss=loss),
                                       rtol=1e-15)
        assert view.ws[0] == -4.0 and view.bs[-1] == 4.0
    finally:
        view.close()


def test_other_inputs_and_targets_reach_the_math():
    view = LossSurfaceView(x=2.0, t=1.0, start=(0.5, -1.0), lr=0.3, steps=10)
    try:
        view.update(w=0.25, b=0.75)
        assert view.readout["bce"] == pytest.approx(
            float(neuron_loss(0.25, 0.75, x=2.0, t=1.0, loss="bce")))
        run = neuron_gd_path(0.5, -1.0, lr=0.3, steps=10, x=2.0, t=1.0, loss="mse")
        np.testing.assert_allclose(np.column_stack(xy(view.paths["mse"])), run.params)
        assert "t=1" in view.fig.get_suptitle().replace(" ", "")
    finally:
        view.close()


# ------------------------------------------------------------------ edges
def test_current_point_off_the_map_is_clamped_with_a_note():
    view = LossSurfaceView()
    try:
        view.update(w=10.0, b=-0.5)
        assert view.readout["w"] == 10.0                           # the math uses the true w
        assert view.readout["mse"] == pytest.approx(float(neuron_loss(10.0, -0.5)))
        assert xy(view.current["mse"]) == ([4.0], [-0.5])          # drawn at the edge
        assert view.notes["bce"].get_visible()
        assert "off the map" in view.notes["bce"].get_text()
        view.update(w=1.0)
        assert not view.notes["bce"].get_visible()
    finally:
        view.close()


def test_path_leaving_the_map_ends_at_the_edge_with_a_note():
    view = LossSurfaceView(start=(1.0, 1.0), lr=2.0, steps=300, w_range=(-2, 2),
                           b_range=(-2, 2))
    try:
        end = view.runs["bce"].params[-1]
        assert end[0] < -2.0                                        # really off the map
        assert np.ravel(xy(view.ends["bce"])).tolist() == [-2.0, -2.0]
        assert "path leaves the map" in view.notes["bce"].get_text()
        assert view.notes["bce"].get_visible()
    finally:
        view.close()


def test_loss_rising_above_the_start_draws_off_scale_with_a_note():
    # x = 3, t = 0.5: the BCE curvature at z = 0 is (x^2 + 1)/4 = 2.5, so lr = 2 overshoots
    view = LossSurfaceView(x=3.0, t=0.5, start=(0.5, 0.5), lr=2.0, steps=20)
    try:
        rel = view.runs["bce"].losses / view.runs["bce"].losses[0]
        assert rel.max() > 1.05
        drawn = xy(view.loss_lines["bce"])[1]
        assert drawn.max() == view.steps_limits[1]
        np.testing.assert_allclose(drawn, np.minimum(rel, 1.05))
        assert view.steps_note.get_visible() and "BCE" in view.steps_note.get_text()
    finally:
        view.close()


def test_controls_cannot_choose_bad_values(explorer):
    assert explorer.lr_slider.min > 0
    explorer.lr_slider.value = 0.0
    assert explorer.lr_slider.value == pytest.approx(0.01)
    assert explorer.steps_slider.min >= 1
    assert (explorer.w_slider.min, explorer.w_slider.max) == (-4.0, 4.0)
    assert (explorer.start_b_slider.min, explorer.start_b_slider.max) == (-4.0, 4.0)


def test_bad_constructor_arguments_are_refused_with_a_fix():
    with pytest.raises(ValueError, match=r"start must be a pair \(w0, b0\) on the map"):
        LossSurfaceExplorer(w0=9.0, b0=0.0)
    with pytest.raises(ValueError, match=r"steps must lie in \[1, 300\]"):
        LossSurfaceExplorer(steps=500)
    with pytest.raises(ValueError, match=r"lr must lie in \[0.01, 2\]"):
        LossSurfaceExplorer(lr=5.0)
    with pytest.raises(ValueError, match=r"t must lie in \[0, 1\]"):
        LossSurfaceView(t=2.0)


# ------------------------------------------------------- explorer machinery


def test_w_and_b_moves_only_blit(explorer, monkeypatch):
    moves = [(explorer.w_slider, w) for w in (0.2, 0.3, 0.4)] + [(explorer.b_slider, -1.0)]
    assert draws_after(explorer, monkeypatch, moves) == {"draw": 0, "blit": 4}


def test_new_start_or_lr_blits_and_only_a_new_step_count_redraws(explorer, monkeypatch):
    calls = count_draws(explorer.view.canvas, monkeypatch)
    explorer.start_w_slider.value = 1.0
    explorer.lr_slider.value = 0.4
    explorer.preset.value = GOOD
    assert calls == {"draw": 0, "blit": 3}
    explorer.steps_slider.value = 100                  # the step axis' limits change
    assert calls["draw"] == 1


def test_pixels_change_when_the_slider_moves(explorer):
    before = explorer.view.to_rgba()
    explorer.w_slider.value = -2.0
    after = explorer.view.to_rgba()
    assert (before != after).any()


def test_pixels_change_when_the_start_moves_and_match_a_fresh_view(explorer):
    before = explorer.view.to_rgba()
    explorer.preset.value = GOOD
    after = explorer.view.to_rgba()
    assert (before != after).any()
    # the layered blit shows what a full redraw of the same state shows (up to
    # antialiasing: constrained layout moves the axes by ~1e-16 between draws)
    explorer.view.redraw()
    diff = np.abs(explorer.view.to_rgba().astype(int) - after.astype(int))
    assert diff.max() <= 16 and (diff > 0).mean() < 0.005


def test_every_axes_has_a_title_and_labels(explorer):
    view = explorer.view
    for name, ax in view.axes.items():
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel(), name


def test_example_is_the_default_with_the_w_slider_as_main():
    e = LossSurfaceExplorer.example()
    try:
        assert e.main_slider is e.w_slider
        assert e.view.start == (2.0, 2.0) and e.view.steps == 60
    finally:
        e.close()
