"""Tests for mlekit.neuron: one sigmoid neuron, input x, target t, MSE vs BCE.

References: the formulas written out by hand with ``math`` (y = 1/(1+e^-z),
(y - t)^2, -[t log y + (1-t) log(1-y)]), the losses module on one sample,
central differences for the gradients, and the update rule replayed by hand
for the gradient-descent path.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlekit import losses
from mlekit.neuron import (LOSSES, neuron_gd_path, neuron_logit, neuron_loss, neuron_loss_grad,
                           neuron_output)
from mlekit.optim import Trajectory

POINTS = [(2.0, 2.0, 1.0, 0.0), (0.0, 0.0, 1.0, 0.0), (-1.28, -0.98, 1.0, 0.0),
          (0.6, 0.9, 1.0, 0.0), (1.5, -0.5, 2.0, 1.0), (-0.7, 0.3, -1.5, 0.25)]


def hand_y(w, b, x):
    return 1.0 / (1.0 + math.exp(-(w * x + b)))


def hand_mse(w, b, x, t):
    return (hand_y(w, b, x) - t) ** 2


def hand_bce(w, b, x, t):
    y = hand_y(w, b, x)
    return -(t * math.log(y) + (1 - t) * math.log(1 - y))


HAND = {"mse": hand_mse, "bce": hand_bce}


def central_diff(f, w, b, h=1e-6):
    # (f(θ + h e_i) - f(θ - h e_i)) / 2h for θ = (w, b)
    return ((f(w + h, b) - f(w - h, b)) / (2 * h), (f(w, b + h) - f(w, b - h)) / (2 * h))


# --------------------------------------------------------------------- values
@pytest.mark.parametrize("w, b, x, t", POINTS)
def test_output_and_losses_match_the_hand_formulas(w, b, x, t):
    assert float(neuron_logit(w, b, x=x)) == pytest.approx(w * x + b, rel=1e-15, abs=1e-15)
    assert float(neuron_output(w, b, x=x)) == pytest.approx(hand_y(w, b, x), rel=1e-14)
    for loss, hand in HAND.items():
        assert float(neuron_loss(w, b, x=x, t=t, loss=loss)) == pytest.approx(
            hand(w, b, x, t), rel=1e-12)


@pytest.mark.parametrize("w, b, x, t", POINTS)
def test_losses_agree_with_the_losses_module_on_one_sample(w, b, x, t):
    y, z = hand_y(w, b, x), w * x + b
    assert float(neuron_loss(w, b, x=x, t=t, loss="mse")) == pytest.approx(
        float(losses.mse([t], [y])), rel=1e-12)
    assert float(neuron_loss(w, b, x=x, t=t, loss="bce")) == pytest.approx(
        float(losses.binary_cross_entropy_with_logits([t], [z])), rel=1e-12)


def test_poor_start_values_from_the_notes():
    # w = b = 2, x = 1, t = 0: y = sigma(4) ~ 0.982 (saturated)
    y = 1 / (1 + math.exp(-4))
    assert float(neuron_output(2.0, 2.0)) == pytest.approx(y)
    assert float(neuron_loss(2.0, 2.0)) == pytest.approx(y ** 2)                 # default MSE
    assert float(neuron_loss(2.0, 2.0, loss="bce")) == pytest.approx(math.log1p(math.exp(4)))


def test_losses_broadcast_over_a_meshgrid_like_a_loop():
    ws, bs = np.linspace(-4, 4, 7), np.linspace(-3, 3, 5)
    W, B = np.meshgrid(ws, bs)
    for loss, hand in HAND.items():
        surface = neuron_loss(W, B, x=1.0, t=0.0, loss=loss)
        assert surface.shape == (5, 7)
        loop = [[hand(w, b, 1.0, 0.0) for w in ws] for b in bs]
        np.testing.assert_allclose(surface, loop, rtol=1e-12)
    gw, gb = neuron_loss_grad(W, B[:, :1], loss="bce")        # (5, 7) with (5, 1)
    assert gw.shape == gb.shape == (5, 7)


def test_bce_is_finite_and_exact_where_the_sigmoid_rounds_to_one():
    # y = sigma(50) rounds to 1.0, so -log(1 - y) would be inf; softplus(50) = 50 + log1p(e^-50)
    assert float(neuron_loss(25.0, 25.0, loss="bce")) == pytest.approx(50.0, rel=1e-15)
    assert float(neuron_loss(-500.0, 0.0, t=1.0, loss="bce")) == pytest.approx(500.0)
    assert np.isfinite(neuron_loss(1e4, 1e4, loss="bce"))
    gw, gb = neuron_loss_grad(1e4, 1e4, loss="mse")           # fully saturated: exactly 0
    assert gw == 0.0 and gb == 0.0


# ------------------------------------------------------------------ gradients
@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("w, b, x, t", POINTS)
def test_gradients_match_central_differences(w, b, x, t, loss):
    f = lambda w_, b_: float(neuron_loss(w_, b_, x=x, t=t, loss=loss))       # noqa: E731
    gw, gb = neuron_loss_grad(w, b, x=x, t=t, loss=loss)
    nw, nb = central_diff(f, w, b)
    assert float(gw) == pytest.approx(nw, rel=1e-6, abs=1e-9)
    assert float(gb) == pytest.approx(nb, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("w, b, x, t", POINTS)
def test_gradients_are_the_chain_rule_formulas(w, b, x, t):
    y = hand_y(w, b, x)
    gw, gb = neuron_loss_grad(w, b, x=x, t=t, loss="mse")
    assert (float(gw), float(gb)) == pytest.approx((2 * (y - t) * y * (1 - y) * x,
                                                    2 * (y - t) * y * (1 - y)), rel=1e-12)
    gw, gb = neuron_loss_grad(w, b, x=x, t=t, loss="bce")
    assert (float(gw), float(gb)) == pytest.approx(((y - t) * x, y - t), rel=1e-12, abs=1e-15)


def test_mse_gradient_vanishes_at_the_poor_start_but_bce_does_not():
    g_mse = np.hypot(*neuron_loss_grad(2.0, 2.0, loss="mse"))
    g_bce = np.hypot(*neuron_loss_grad(2.0, 2.0, loss="bce"))
    assert g_mse < 0.05 and g_bce > 1.35
    assert g_bce / g_mse > 25


# ------------------------------------------------------------------- GD path
@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("w0, b0, lr, steps, x, t",
                         [(2.0, 2.0, 0.15, 40, 1.0, 0.0), (0.0, 0.0, 0.5, 25, 1.0, 0.0),
                          (-1.0, 0.5, 0.3, 15, 2.0, 1.0)])
def test_gd_path_equals_repeated_manual_updates(w0, b0, lr, steps, x, t, loss):
    traj = neuron_gd_path(w0, b0, lr=lr, steps=steps, x=x, t=t, loss=loss)
    assert isinstance(traj, Trajectory) and not traj.diverged
    w, b = w0, b0
    expected, expected_loss = [(w, b)], [HAND[loss](w, b, x, t)]
    for _ in range(steps):
        y = hand_y(w, b, x)
        delta = 2 * (y - t) * y * (1 - y) if loss == "mse" else y - t    # dJ/dz
        w, b = w - lr * delta * x, b - lr * delta                      # θ ← θ − lr ∇J
        expected.append((w, b))
        expected_loss.append(HAND[loss](w, b, x, t))
    assert traj.params.shape == (steps + 1, 2)
    np.testing.assert_allclose(traj.params, expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(traj.losses, expected_loss, rtol=1e-10)


def test_gd_path_with_zero_steps_is_the_start():
    traj = neuron_gd_path(2.0, -1.0, lr=0.1, steps=0, loss="bce")
    assert traj.params.tolist() == [[2.0, -1.0]]


def test_bce_learns_much_faster_than_mse_from_the_poor_start():
    # the notes' claim: same start w = b = 2, same lr and number of steps
    for steps in (10, 30, 60):
        mse_run = neuron_gd_path(2.0, 2.0, lr=0.15, steps=steps, loss="mse")
        bce_run = neuron_gd_path(2.0, 2.0, lr=0.15, steps=steps, loss="bce")
        mse_drop = 1 - mse_run.losses[-1] / mse_run.losses[0]     # fraction of the loss removed
        bce_drop = 1 - bce_run.losses[-1] / bce_run.losses[0]
        assert mse_drop < 0.06 and bce_drop > 0.5, (steps, mse_drop, bce_drop)
        assert bce_drop > 10 * mse_drop
        # and in the common currency, the output y: BCE gets much closer to t = 0
        y_mse = float(neuron_output(*mse_run.params[-1]))
        y_bce = float(neuron_output(*bce_run.params[-1]))
        assert y_mse > 0.95 and y_bce < 0.8 * y_mse


def test_from_the_good_start_mse_is_not_stalled():
    # w = b = 0 (y = 0.5, sigma' = 1/4 at its largest): both losses make progress
    mse_run = neuron_gd_path(0.0, 0.0, lr=0.15, steps=60, loss="mse")
    assert mse_run.losses[-1] < 0.5 * mse_run.losses[0]


# ----------------------------------------------------------------- validation
def test_unknown_loss_is_refused_with_the_choices():
    with pytest.raises(ValueError, match=r'loss must be "mse" or "bce", got the string \'ce\''):
        neuron_loss(0.0, 0.0, loss="ce")
    with pytest.raises(TypeError, match="loss must be"):
        neuron_loss_grad(0.0, 0.0, loss=None)


def test_target_outside_zero_one_is_refused():
    with pytest.raises(ValueError, match=r"t must lie in \[0, 1\], got 1.5"):
        neuron_loss(0.0, 0.0, t=1.5)


def test_nan_weight_and_unbroadcastable_grids_are_refused():
    with pytest.raises(ValueError, match="w must contain only finite numbers"):
        neuron_output(float("nan"), 0.0)
    with pytest.raises(ValueError, match="w and b must broadcast to one shape"):
        neuron_loss(np.zeros(3), np.zeros(4))
    with pytest.raises(TypeError, match="x must be a single number"):
        neuron_loss(0.0, 0.0, x=[1.0, 2.0])


def test_gd_path_refuses_a_non_positive_learning_rate():
    with pytest.raises(ValueError, match="lr must be > 0"):
        neuron_gd_path(2.0, 2.0, lr=0.0, steps=5)
    with pytest.raises(ValueError, match="steps must be an integer >= 0"):
        neuron_gd_path(2.0, 2.0, lr=0.1, steps=-1)
