"""Headless tests of GradientDescentView and GradientDescentExplorer.

Each test moves a control and reads the artists back, comparing them with
runs of ``mlekit.optim.gradient_descent`` / ``sgd`` made here independently.
"""

from __future__ import annotations


import numpy as np
import pytest

import mlekit as mk
from mlekit.optim import descend, divergence_bound, gradient_descent, sgd
from mlekit.plotting import GradientDescentView
from mlekit.surfaces import LineFitMSE, NonConvex1D, Quadratic1D, QuadraticBowl2D
from mlekit.widgets import GradientDescentExplorer
from explorer_helpers import count_draws, xy

X, T = mk.datasets.toy_regression()


@pytest.fixture
def explorer():
    e = GradientDescentExplorer()
    yield e
    e.close()


def reference_run(e):
    """gradient_descent run here, with the explorer's current settings."""
    s = e.surface
    return gradient_descent(s.grad, e.start, e.lr_slider.value, e.steps, loss=s.loss,
                            max_abs=divergence_bound(s))


# ------------------------------------------------------------------ the path
@pytest.mark.parametrize("problem", ["1d", "1d-nonconvex", "2d", "regression"])
def test_path_points_are_gradient_descents_params(problem):
    e = GradientDescentExplorer(problem=problem, steps=40)
    try:
        e.lr_slider.value = 0.6 * e.lr_slider.value
        ref = reference_run(e)
        np.testing.assert_array_equal(e.trajectory.params, ref.params)
        xs, ys = xy(e.view.path)
        if e.surface.ndim == 1:
            np.testing.assert_array_equal(xs, ref.params)
            np.testing.assert_allclose(ys, ref.losses, rtol=1e-12)
        else:
            np.testing.assert_array_equal(xs, ref.params[:, 0])
            np.testing.assert_array_equal(ys, ref.params[:, 1])
        lx, ly = xy(e.view.loss_done)
        np.testing.assert_array_equal(lx, np.arange(41))
        np.testing.assert_allclose(ly, ref.losses, rtol=1e-12)
    finally:
        e.close()


@pytest.mark.parametrize("problem", ["1d", "2d"])
@pytest.mark.parametrize("k", [0, 1, 7, 30])
def test_markers_at_step_k_sit_at_params_k_and_losses_k(problem, k):
    e = GradientDescentExplorer(problem=problem, steps=30)
    try:
        e.step_slider.value = k
        ref = reference_run(e)
        cx, cy = (a[0] for a in xy(e.view.current))
        if problem == "1d":
            assert (cx, cy) == (pytest.approx(ref.params[k]), pytest.approx(ref.losses[k]))
        else:
            assert (cx, cy) == (pytest.approx(ref.params[k, 0]), pytest.approx(ref.params[k, 1]))
        lx, ly = (a[0] for a in xy(e.view.loss_point))
        assert lx == k and ly == pytest.approx(ref.losses[k])
        assert len(e.view.path.get_xdata()) == k + 1            # only the first k steps
        r = e.view.readout
        assert r["step"] == k and r["loss"] == pytest.approx(ref.losses[k])
        assert r["grad_norm"] == pytest.approx(np.linalg.norm(e.surface.grad(ref.params[k])))
    finally:
        e.close()


def test_readout_widget_shows_step_theta_loss_gradient_and_status(explorer):
    explorer.lr_slider.value = 0.25
    explorer.start_sliders[0].value = 3.0
    explorer.step_slider.value = 1                 # θ1 = 3 - 0.25 * 2 * 3 = 1.5, J = 2.25
    html = explorer.readout.value
    for text in ("step", "1 / 60", "θ", "1.5000", "2.2500", "‖∇J‖", "3.0000", "still descending"):
        assert text in html, text
    explorer.step_slider.value = 60
    assert "at the minimum" in explorer.readout.value


# ----------------------------------------------------------------- divergence
def test_too_large_lr_on_the_quadratic_reports_divergence_and_draws_only_finite_points(explorer):
    explorer.lr_slider.value = 1.5                 # stable only for lr < 1
    traj = explorer.trajectory
    assert traj.diverged and traj.n_steps < explorer.steps
    explorer.step_slider.value = explorer.steps    # asks for more steps than the run has
    xs, ys = xy(explorer.view.path)
    assert np.all(np.isfinite(xs)) and np.all(np.isfinite(ys))
    np.testing.assert_array_equal(xs, traj.params)
    k = traj.n_steps
    note = explorer.view.note
    assert note.get_visible() and note.get_text() == f"diverged at step {k + 1}: lr too large"
    assert f"diverged at step {k + 1}: lr too large" in explorer.readout.value
    assert explorer.view.readout["step"] == k
    # the marker sits on the last finite step, clamped to the axes with an arrow
    ly = explorer.view.loss_point.get_ydata()[0]
    assert ly == explorer.view.ax_loss.get_ylim()[1]
    assert explorer.view.loss_point.get_marker() == "^"
    assert explorer.errors.outputs == ()
    explorer.lr_slider.value = 0.1                 # back to a good lr: note gone
    assert not explorer.view.note.get_visible() and not explorer.trajectory.diverged


@pytest.mark.parametrize("problem, lr", [("1d-nonconvex", 0.5), ("2d", 0.3),
                                         ("regression", 0.24)])
def test_divergence_on_every_problem_is_shown_not_crashed(problem, lr):
    e = GradientDescentExplorer(problem=problem)
    try:
        for mode in (["batch", "minibatch", "sgd"] if problem == "regression" else ["batch"]):
            e.mode_buttons.value = mode
            e.lr_slider.value = lr
            assert e.trajectory.diverged, mode
            assert e.view.note.get_visible() and "diverged at step" in e.readout.value
            assert np.all(np.isfinite(e.view.path.get_xydata()))
            assert e.errors.outputs == ()
    finally:
        e.close()


# ------------------------------------------------------------- regression modes
def test_regression_modes_take_different_paths_with_the_expected_steps_per_epoch():
    e = GradientDescentExplorer(problem="regression", steps=120)
    try:
        n = X.size
        paths = {}
        for mode, per_epoch in [("batch", 1), ("minibatch", 4), ("sgd", n)]:
            e.mode_buttons.value = mode
            traj = e.trajectory
            assert traj.n_steps == 120 and e.steps_per_epoch() == per_epoch
            assert np.all(np.bincount(traj.epochs)[:-1] == per_epoch)   # full epochs
            np.testing.assert_array_equal(e.view.path.get_xydata(), traj.params)
            paths[mode] = traj.params
        for a, b in [("batch", "minibatch"), ("batch", "sgd"), ("minibatch", "sgd")]:
            assert not np.allclose(paths[a], paths[b])
        # the minibatch path is sgd's, with the fixed seed
        s = e.surface
        ref = sgd(s.grad, e.start, (X, T), lr=e.lr_slider.value, epochs=30, batch_size=8,
                  rng=0, loss=s.loss)
        np.testing.assert_allclose(paths["minibatch"], ref.params, rtol=1e-12)
        e.mode_buttons.value = "sgd"
        assert "(30 steps each)" in e.readout.value
    finally:
        e.close()


def test_every_regression_mode_approaches_the_least_squares_solution():
    e = GradientDescentExplorer(problem="regression", steps=240)
    try:
        best, *_ = np.linalg.lstsq(np.c_[X, np.ones_like(X)], T, rcond=None)
        start_gap = np.linalg.norm(e.start - best)
        for mode in ("batch", "minibatch", "sgd"):
            e.mode_buttons.value = mode
            gaps = np.linalg.norm(e.trajectory.params - best, axis=1)
            assert np.median(gaps[-60:]) < 0.2 * start_gap, mode      # noisy, but close
        (star,) = e.view.minimum_markers                                # the least-squares star
        np.testing.assert_allclose([star.get_xdata()[0], star.get_ydata()[0]], best, rtol=1e-10)
    finally:
        e.close()


# ---------------------------------------------------------- non-convex starts
def test_nonconvex_starts_on_either_side_land_in_different_minima():
    e = GradientDescentExplorer(problem="1d-nonconvex", lr=0.02, steps=200)
    try:
        glob, local = NonConvex1D().minima
        e.start_sliders[0].value = 2.0
        assert e.trajectory.final == pytest.approx(local.theta, abs=1e-4)
        assert "a local minimum (not the global one)" in e.readout.value
        e.start_sliders[0].value = -0.5
        assert e.trajectory.final == pytest.approx(glob.theta, abs=1e-4)
        assert "the global minimum" in e.readout.value
        # and the curve drawn is the surface's loss with both minima marked
        gx, gy = xy(e.view.curve)
        np.testing.assert_allclose(gy, NonConvex1D().loss(gx))
        marked = sorted(float(m.get_xdata()[0]) for m in e.view.minimum_markers)
        np.testing.assert_allclose(marked, [glob.theta, local.theta])
    finally:
        e.close()


# ------------------------------------------------------------------ controls
def test_problem_dropdown_switches_panels_and_restores_settings(explorer):
    explorer.lr_slider.value = 0.3
    explorer.problem_dropdown.value = "2d"
    assert explorer.view.curve is None and explorer.start_sliders[1].layout.display == ""
    assert explorer.mode_buttons.layout.display == "none"
    assert explorer.lr_slider.value == pytest.approx(QuadraticBowl2D().default_lr)
    lo, hi = QuadraticBowl2D().window[0]                 # the window, with a 2 % margin
    assert explorer.view.ax_path.get_xlim() == pytest.approx((lo - 0.02 * (hi - lo),
                                                              hi + 0.02 * (hi - lo)))
    explorer.problem_dropdown.value = "regression"
    assert explorer.mode_buttons.layout.display == ""
    assert explorer.start_sliders[0].description == "start w"
    explorer.problem_dropdown.value = "1d"
    assert explorer.start_sliders[1].layout.display == "none"
    assert explorer.lr_slider.value == pytest.approx(0.3)          # remembered
    assert explorer.view.curve is not None
    assert explorer.errors.outputs == ()


def test_sliders_cannot_choose_bad_values(explorer):
    assert explorer.lr_slider.value > 0 and explorer.lr_slider.base ** explorer.lr_slider.min > 0
    explorer.step_slider.value = -5                # clamps to 0
    assert explorer.step_slider.value == 0
    explorer.start_sliders[0].value = 1e9          # clamps to the window
    assert explorer.start_sliders[0].value == Quadratic1D().window[0][1]


def test_play_drives_the_step_slider_and_rewinds_at_the_end(explorer):
    explorer.play.value = 4
    assert explorer.step_slider.value == 4 and explorer.view.readout["step"] == 4
    assert explorer.play.max == explorer.step_slider.max == explorer.steps
    explorer.play.value = explorer.play.max
    explorer.play.playing = True                   # pressing ▶ at the end starts over
    assert explorer.step_slider.value == 0


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match=r'problem must be "1d", "1d-nonconvex", "2d" or "regression", got .*For example'):
        GradientDescentExplorer(problem="3d")
    with pytest.raises(ValueError, match='mode must be "batch", "minibatch" or "sgd"'):
        GradientDescentExplorer(problem="regression", mode="full")
    with pytest.raises(ValueError, match="theta0 must be two numbers"):
        GradientDescentExplorer(problem="2d", theta0=1.0)
    with pytest.raises(ValueError, match="lr must be > 0"):
        GradientDescentExplorer(lr=0.0)
    with pytest.raises(ValueError, match=r"batch_size must be at most the number of samples \(30\)"):
        GradientDescentExplorer(batch_size=31)


# ---------------------------------------------------------------- the view alone
def test_view_works_headless_with_an_sgd_run():
    J = LineFitMSE(X, T)
    traj = sgd(J.grad, J.default_start, J.data, lr=0.02, epochs=2, batch_size=1, rng=0,
               loss=J.loss)
    view = GradientDescentView(J, traj, step=10)
    try:
        assert view.readout["epoch"] == 0 and view.readout["step"] == 10
        np.testing.assert_array_equal(view.path.get_xydata(), traj.params[:11])
        with pytest.raises(ValueError, match="trajectory must hold parameters of shape"):
            view.set_trajectory(descend(Quadratic1D()))
        with pytest.raises(TypeError, match="surface must be a loss surface"):
            view.set_problem("1d")
    finally:
        view.close()


# ------------------------------------------------------------ drawing and speed


def test_new_lr_blits_and_only_rescaled_loss_axes_redraw(explorer, monkeypatch):
    calls = count_draws(explorer.view.canvas, monkeypatch)
    for lr in (0.12, 0.15, 0.2):                   # same start: the loss axis still fits
        explorer.lr_slider.value = lr
    assert calls == {"draw": 0, "blit": 3}
    before = explorer.view.ax_loss.get_ylim()
    explorer.start_sliders[0].value = 0.5          # J0 = 0.25 instead of 9: rescale once
    assert calls["draw"] == 1 and explorer.view.ax_loss.get_ylim() != before


def test_contours_are_computed_once_per_problem(explorer, monkeypatch):
    bowl = explorer.surfaces["2d"]
    grid_calls = []
    real_loss = bowl.loss
    monkeypatch.setattr(bowl, "loss", lambda theta, *a: (
        grid_calls.append(np.shape(theta)) if np.ndim(theta) > 2 else None, real_loss(theta))[1])
    for problem in ("2d", "1d", "2d"):
        explorer.problem_dropdown.value = problem
    for k in (3, 4, 5):
        explorer.step_slider.value = k
    explorer.lr_slider.value = 0.05
    assert grid_calls == [(161, 161, 2)]
    levels = explorer.view._grids[bowl][3]
    gx, gy, values = explorer.view._grids[bowl][:3]
    np.testing.assert_allclose(values, real_loss(np.stack([gx, gy], axis=-1)))
    assert np.all(np.diff(levels) > 0)


def test_pixels_change_when_the_step_slider_moves(explorer):
    explorer.step_slider.value = 2
    before = explorer.view.to_rgba()
    explorer.step_slider.value = 20
    after = explorer.view.to_rgba()
    assert (before != after).any()


def test_example_is_the_default_problem_with_the_step_slider():
    e = GradientDescentExplorer.example()
    try:
        assert e.problem == "1d" and e.main_slider is e.step_slider
        assert isinstance(e.surface, Quadratic1D)
    finally:
        e.close()
