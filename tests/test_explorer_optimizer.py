"""Headless tests of OptimizerView and OptimizerExplorer.

The paths drawn are compared with reference loops written here from the
published update equations (plain numpy, no mlekit step rule): gradient
descent, Polyak's heavy ball, RMSProp (Tieleman & Hinton 2012) and Adam
(Kingma & Ba 2015, Algorithm 1), on gradients written out by hand from each
surface's formula (and checked against finite differences).
"""

from __future__ import annotations

import numpy as np
import pytest

from mlekit.gradcheck import numerical_gradient
from mlekit.optim import descend
from mlekit.plotting import OptimizerView
from mlekit.plotting.optimizer import FLOOR, METHODS
from mlekit.surfaces import QuadraticBowl2D, Rosenbrock, TwoMinima2D
from mlekit.widgets import OptimizerExplorer
from explorer_helpers import count_draws, xy


@pytest.fixture
def explorer():
    e = OptimizerExplorer.example()
    yield e
    e.close()


# ------------------------------------------------------------ references
def loss_by_hand(key, th):
    x, y = th
    if key == "ravine":
        return x * x + 100.0 * y * y                               # curvatures (1, 100)
    if key == "rosenbrock":
        return (1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2
    return (x * x - 1.0) ** 2 + 0.5 * x + (y - 0.5 * x) ** 2      # tilt 0.5, stiffness 1


def grad_by_hand(key, th):
    x, y = th
    if key == "ravine":
        return np.array([2.0 * x, 200.0 * y])
    if key == "rosenbrock":
        return np.array([-2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)])
    across = y - 0.5 * x
    return np.array([4.0 * x * (x * x - 1.0) + 0.5 - across, 2.0 * across])


@pytest.mark.parametrize("key", ["ravine", "rosenbrock", "two-minima"])
def test_hand_gradients_agree_with_finite_differences(key):
    rng = np.random.default_rng(1)
    for _ in range(5):
        th = rng.uniform(-1.5, 1.5, size=2)
        num = numerical_gradient(lambda t: loss_by_hand(key, t), th)
        np.testing.assert_allclose(grad_by_hand(key, th), num, rtol=1e-6, atol=1e-6)


def reference(key, method, theta0, lr, steps, beta=0.9, beta1=0.9, beta2=0.999, eps=1e-8):
    """The published update equations, one loop each."""
    th = np.array(theta0, dtype=float)
    v = np.zeros(2)
    m = np.zeros(2)
    s = np.zeros(2)
    out = [th.copy()]
    for t in range(1, steps + 1):
        g = grad_by_hand(key, th)
        if method == "gd":
            th = th - lr * g
        elif method == "momentum":                      # Polyak's heavy ball
            v = beta * v - lr * g
            th = th + v
        elif method == "rmsprop":                       # decay 0.9, the explorer's fixed value
            s = 0.9 * s + 0.1 * g * g
            th = th - lr * g / (np.sqrt(s) + eps)
        else:                                           # Adam, bias-corrected
            m = beta1 * m + (1 - beta1) * g
            s = beta2 * s + (1 - beta2) * g * g
            m_hat, s_hat = m / (1 - beta1 ** t), s / (1 - beta2 ** t)
            th = th - lr * m_hat / (np.sqrt(s_hat) + eps)
        out.append(th.copy())
    return np.array(out)


def reference_lr(e, method):
    return e.lr_slider.value if method in ("gd", "momentum") else e.lr_adaptive_slider.value


# ------------------------------------------------------------------ the paths
@pytest.mark.parametrize("key, beta, beta1, beta2", [("ravine", 0.9, 0.9, 0.999),
                                                     ("rosenbrock", 0.5, 0.8, 0.99),
                                                     ("two-minima", 0.95, 0.95, 0.9)])
def test_drawn_paths_follow_the_published_update_equations(key, beta, beta1, beta2):
    e = OptimizerExplorer(key, beta=beta, beta1=beta1, beta2=beta2, steps=40)
    try:
        for k in (1, 2, 7, 40):
            e.step_slider.value = k
            for method in METHODS:
                ref = reference(key, method, e.start, reference_lr(e, method), k, beta=beta,
                                beta1=beta1, beta2=beta2)
                xs, ys = xy(e.view.paths[method])
                np.testing.assert_allclose(np.c_[xs, ys], ref, rtol=1e-9, atol=1e-12,
                                           err_msg=f"{method} at step {k}")
                # the loss curve is J - J* of the same points, over all 40 steps
                full = reference(key, method, e.start, reference_lr(e, method), 40, beta=beta,
                                 beta1=beta1, beta2=beta2)
                gap = np.array([loss_by_hand(key, p) for p in full]) - \
                    e.surface.global_minimum.loss
                lx, ly = xy(e.view.loss_lines[method])
                np.testing.assert_array_equal(lx, np.arange(41))
                np.testing.assert_allclose(ly, np.maximum(gap, FLOOR), rtol=1e-7, atol=1e-12)
        assert e.errors.outputs == ()
    finally:
        e.close()


def test_other_learning_rates_and_starts_rerun_every_path(explorer):
    explorer.lr_slider.value = 0.004
    explorer.lr_adaptive_slider.value = 0.3
    explorer.start_dropdown.value = 1
    assert explorer.start.tolist() == [4.0, -2.5]
    explorer.step_slider.value = 25
    for method in METHODS:
        ref = reference("ravine", method, (4.0, -2.5), reference_lr(explorer, method), 25)
        np.testing.assert_allclose(explorer.view.paths[method].get_xydata(), ref, rtol=1e-9,
                                   atol=1e-12)


@pytest.mark.parametrize("k", [0, 1, 13, 150, 200])
def test_the_step_slider_puts_every_marker_on_its_trajectorys_point(explorer, k):
    explorer.step_slider.value = k
    view = explorer.view
    for method, traj in explorer.trajectories.items():
        j = min(k, traj.n_steps)
        cx, cy = (a[0] for a in xy(view.currents[method]))
        assert (cx, cy) == (pytest.approx(traj.params[j, 0]), pytest.approx(traj.params[j, 1]))
        lx, ly = (a[0] for a in xy(view.loss_points[method]))
        gap = traj.losses[j] - explorer.surface.global_minimum.loss
        assert lx == j and ly == pytest.approx(max(gap, FLOOR))
        r = view.readout["methods"][method]
        assert r["step"] == j and r["loss"] == pytest.approx(traj.losses[j])
        assert len(view.paths[method].get_xdata()) == j + 1
    assert list(view.step_line.get_xdata()) == [k, k]
    assert f"step {k}" in explorer.readout.value


def test_step_moves_and_new_runs_only_blit(explorer, monkeypatch):
    calls = count_draws(explorer.view.canvas, monkeypatch)
    for k in (5, 80, 140):
        explorer.step_slider.value = k
    explorer.lr_slider.value = 0.003
    explorer.beta_dropdown.value = 0.5
    explorer.beta2_dropdown.value = 0.99
    explorer.start_dropdown.value = 2
    assert calls == {"draw": 0, "blit": 7}
    explorer.surface_dropdown.value = "rosenbrock"          # new contours: one full redraw
    assert calls["draw"] == 1


def test_blitted_frames_equal_a_full_redraw_after_new_runs(explorer):
    """The cached layer of loss curves is rebuilt after new runs, never left stale."""
    for move in [("lr_slider", 0.02), ("step_slider", 40), ("beta_dropdown", 0.5),
                 ("step_slider", 120), ("lr_adaptive_slider", 0.01)]:
        name, value = move
        getattr(explorer, name).value = value
        blitted = explorer.view.to_rgba().astype(int)
        explorer.view.redraw()
        # equal up to antialiasing round-off (a stale curve would differ by ~255 levels)
        assert np.abs(blitted - explorer.view.to_rgba()).max() <= 8, move


def test_pixels_change_when_the_step_slider_moves(explorer):
    explorer.step_slider.value = 3
    before = explorer.view.to_rgba()
    explorer.step_slider.value = 90
    assert (explorer.view.to_rgba() != before).any()


# ------------------------------------------------------------ what the race shows
def test_gd_zig_zags_across_the_ravine_while_momentum_and_adam_get_lower(explorer):
    gd = explorer.trajectories["gd"]
    steep = np.diff(gd.params[:, 1])                    # θ2: curvature 100, the steep side
    flips = np.sum(np.sign(steep[1:]) != np.sign(steep[:-1]))
    assert flips >= 0.9 * (len(steep) - 1)             # every step crosses the ravine
    assert np.all(np.sign(np.diff(gd.params[:, 0])) == 1)   # θ1 only creeps forward
    final = {m: t.losses[-1] for m, t in explorer.trajectories.items()}
    assert final["momentum"] < 1e-3 * final["gd"] and final["adam"] < 1e-3 * final["gd"]
    assert not any(t.diverged for t in explorer.trajectories.values())


def test_on_two_minima_momentum_crosses_the_saddle_and_gd_stays_in_the_shallow_well():
    e = OptimizerExplorer("two-minima")
    try:
        glob, local = e.surface.minima
        runs = e.trajectories
        np.testing.assert_allclose(runs["gd"].final, local.theta, atol=1e-3)
        np.testing.assert_allclose(runs["momentum"].final, glob.theta, atol=1e-3)
        status = {m: r["status"] for m, r in e.view.readout["methods"].items()}
        assert status["gd"] == "stuck at local min" and status["momentum"] == "at the global min"
        assert "stuck at local min" in e.readout.value
        # the minima and the saddle are marked where the surface says they are
        marks = [(m.get_xdata()[0], m.get_ydata()[0]) for m in e.view.minimum_markers]
        np.testing.assert_allclose(marks, [glob.theta, local.theta])
        sx, sy = xy(e.view.saddle_marker)
        np.testing.assert_allclose([sx[0], sy[0]], e.surface.saddle.theta)
    finally:
        e.close()


# ----------------------------------------------------------------- divergence
def all_drawn_finite(view):
    return all(np.all(np.isfinite(np.asarray(a.get_xydata(), float)))
               for m in METHODS for a in (view.paths[m], view.currents[m], view.ends[m],
                                           view.loss_lines[m], view.loss_points[m]))


@pytest.mark.parametrize("key, lr", [("ravine", 0.05), ("rosenbrock", 0.01), ("two-minima", 1.0)])
def test_a_diverging_learning_rate_is_flagged_and_draws_nothing_infinite(key, lr):
    e = OptimizerExplorer(key)
    try:
        e.lr_slider.value = lr
        gd = e.trajectories["gd"]
        assert gd.diverged and gd.stop_reason == "diverged" and gd.n_steps < e.steps
        n = gd.n_steps
        e.step_slider.value = e.steps
        view = e.view
        assert all_drawn_finite(view)
        assert view.readout["methods"]["gd"]["status"] == f"diverged at step {n + 1}"
        assert view.readout["methods"]["gd"]["diverged_at"] == n + 1
        assert f"diverged at step {n + 1}" in e.readout.value
        assert f"GD diverged at step {n + 1}" in view.divergence_note.get_text()
        assert view.divergence_note.get_visible() and view.ends["gd"].get_visible()
        assert len(view.paths["gd"].get_xdata()) <= n + 1 or view.path_note.get_visible()
        # the cross sits on the last finite step (clamped to the map, with a note, if off it)
        (x0, x1), (y0, y1) = sorted(view.ax_path.get_xlim()), sorted(view.ax_path.get_ylim())
        last = gd.params[-1]
        ex, ey = (a[0] for a in xy(view.ends["gd"]))
        assert (ex, ey) == (pytest.approx(np.clip(last[0], x0, x1)),
                            pytest.approx(np.clip(last[1], y0, y1)))
        if not (x0 <= last[0] <= x1 and y0 <= last[1] <= y1):
            assert view.path_note.get_visible()
        # the loss curves are whole runs: a note says when one is clamped to the axes
        lo, hi = view.ax_loss.get_ylim()
        gaps = np.concatenate([t.losses - e.surface.global_minimum.loss
                               for t in e.trajectories.values()])
        assert lo == FLOOR
        assert view.loss_note.get_visible() == bool(np.any(gaps > hi))
        assert view.floor_note.get_visible() == bool(np.any(gaps < FLOOR))
        for m in METHODS:
            drawn = xy(view.loss_lines[m])[1]
            assert np.all(drawn <= hi) and np.all(drawn >= lo)
        e.step_slider.value = 0                    # before the blow-up: "diverges at"
        assert view.readout["methods"]["gd"]["status"] == f"diverges at step {n + 1}"
        assert not view.ends["gd"].get_visible()
        assert e.errors.outputs == ()
        e.lr_slider.value = 10 ** e.lr_slider.min    # a tiny rate: nothing diverges
        assert not view.divergence_note.get_visible()
        assert not any(t.diverged for t in e.trajectories.values())
    finally:
        e.close()


# ------------------------------------------------------------------ controls
def test_surface_dropdown_switches_and_restores_each_surfaces_settings(explorer):
    explorer.lr_slider.value = 0.002
    explorer.start_dropdown.value = 2
    explorer.surface_dropdown.value = "rosenbrock"
    assert isinstance(explorer.surface, Rosenbrock)
    assert explorer.lr_slider.value == pytest.approx(0.0015)
    assert explorer.start.tolist() == [-1.2, 1.0]
    assert [label for label, _ in explorer.start_dropdown.options][0] == "(-1.2, 1)"
    lo, hi = Rosenbrock().window[0]
    assert explorer.view.ax_path.get_xlim() == pytest.approx((lo - 0.02 * (hi - lo),
                                                              hi + 0.02 * (hi - lo)))
    explorer.surface_dropdown.value = "ravine"
    assert explorer.lr_slider.value == pytest.approx(0.002)
    assert explorer.start.tolist() == [-2.0, 2.8]
    assert explorer.surface.curvatures == (1.0, 100.0)
    assert explorer.errors.outputs == ()


def test_constructor_settings_reach_the_runs():
    e = OptimizerExplorer("ravine", theta0=(2.0, 1.0), lr=0.005, lr_adaptive=0.2, beta=0.5,
                          beta1=0.8, beta2=0.99, steps=30)
    try:
        assert e.start.tolist() == [2.0, 1.0] and e.step_slider.max == 30
        for method, traj in e.trajectories.items():
            ref = descend(e.surface, (2.0, 1.0), 0.005 if method in ("gd", "momentum") else 0.2,
                          30, method=method, **e.hyper(method))
            np.testing.assert_array_equal(traj.params, ref.params)
        assert e.hyper("momentum") == {"beta": 0.5}
        assert e.hyper("adam") == {"beta1": 0.8, "beta2": 0.99}
    finally:
        e.close()


def test_play_drives_the_step_slider_and_rewinds_at_the_end(explorer):
    explorer.play.value = 4
    assert explorer.step_slider.value == 4 and explorer.view.readout["step"] == 4
    explorer.play.value = explorer.play.max
    explorer.play.playing = True
    assert explorer.step_slider.value == 0


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match=r'model must be "ravine", "rosenbrock" or "two-minima"'):
        OptimizerExplorer("3d")
    with pytest.raises(ValueError, match=r"beta must be 0.0, 0.5, 0.8, 0.9, 0.95 or 0.99, got 0.7"):
        OptimizerExplorer(beta=0.7)
    with pytest.raises(ValueError, match=r"beta2 must be 0.9, 0.99 or 0.999"):
        OptimizerExplorer(beta2=0.5)
    with pytest.raises(ValueError, match="theta0 must be two numbers"):
        OptimizerExplorer(theta0=1.0)
    with pytest.raises(ValueError, match="lr must be > 0"):
        OptimizerExplorer(lr=0.0)
    with pytest.raises(ValueError, match=r"lr must lie in \[0.0001, 0.1\], got 0.5"):
        OptimizerExplorer(lr=0.5)
    with pytest.raises(ValueError, match=r"lr_adaptive must lie in \[0.001, 1\]"):
        OptimizerExplorer(lr_adaptive=3.0)
    with pytest.raises(ValueError, match="steps must be an integer >= 1"):
        OptimizerExplorer(steps=0)


def test_the_view_alone_refuses_bad_input_and_defaults_to_descend():
    J = TwoMinima2D()
    view = OptimizerView(J)
    try:
        ref = descend(J, method="adam")
        np.testing.assert_array_equal(view.trajectories["adam"].params, ref.params)
        with pytest.raises(TypeError, match="trajectories must be a dict with one Trajectory"):
            view.set_trajectories({"gd": ref})
        with pytest.raises(TypeError, match=r"trajectories\['gd'\] must be a Trajectory"):
            view.set_trajectories({m: (ref if m != "gd" else [1, 2]) for m in METHODS})
        with pytest.raises(TypeError, match="surface must be a 2-D loss surface"):
            view.set_problem("ravine")
        with pytest.raises(TypeError, match="update\\(\\) must be given step"):
            view.update()
    finally:
        view.close()


def test_example_is_the_ravine_with_the_step_slider():
    e = OptimizerExplorer.example()
    try:
        assert e.key == "ravine" and e.main_slider is e.step_slider
        assert isinstance(e.surface, QuadraticBowl2D) and e.surface.condition_number == 100.0
    finally:
        e.close()
