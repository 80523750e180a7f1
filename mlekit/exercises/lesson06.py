"""Checks for lesson 06, Bernoulli → binary cross entropy (이진 교차 엔트로피).

Each check compares the student's answer with :mod:`mlekit.losses` or
:mod:`mlekit.neuron` on several inputs (edge cases included), names the usual
slip when it recognises one, and never prints the reference value.

Examples
--------
>>> import numpy as np
>>> from mlekit.exercises import lesson06 as ex
>>> fb = ex.check_bce(lambda p, t: -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)))
✓ Correct: your BCE matches the mean Bernoulli NLL on every data set we tried, from one sample to 200.
>>> bool(fb)
True
"""

from __future__ import annotations

import math

import numpy as np

from .. import _math
from ..losses import binary_cross_entropy, binary_cross_entropy_with_logits_grad
from ..neuron import neuron_loss_grad, neuron_output
from ._core import (StudentError, as_number, as_returned_array, call_student, check, close,
                    close_arrays, close_typed, name_the_slip, reject_near_miss, reject_per_sample,
                    rounded_note)

__all__ = ["check_bce", "check_bce_grad_logit", "check_mse_error_signal"]

_LN10, _LN2 = math.log(10.0), math.log(2.0)

#: the five emails of the lesson
_EMAIL_Z = np.array([2.0, -1.0, 0.5, -3.0, 1.5])
_EMAIL_T = np.array([1, 0, 0, 0, 1])


def _as_float_array(result, where: str, shape) -> np.ndarray:
    """The student's array answer as floats of the expected shape, or a StudentError."""
    arr = as_returned_array(result, where, "a numpy array of numbers")
    if arr.shape != tuple(shape):
        if arr.size == 1 and int(np.prod(shape)) > 1:
            raise StudentError(f"{where} returned a single number; return one gradient per "
                               f"sample, an array of shape {tuple(shape)} like z.")
        raise StudentError(f"{where} returned an array of shape {arr.shape}; it should have "
                           f"the shape of z, {tuple(shape)}: one gradient per sample.")
    return arr


# ------------------------------------------------------------------ exercise 1
def _bce_cases():
    """(p_hat, t, description) triples; mixed labels first so most slips show at once."""
    rng = np.random.default_rng(6)
    many_p = rng.uniform(0.02, 0.98, 200)
    many_t = (rng.random(200) < 0.4).astype(np.int64)
    return [
        (_math.sigmoid(_EMAIL_Z), _EMAIL_T.copy(), "the five emails of the lesson"),
        (np.array([0.9, 0.2, 0.35, 0.6]), np.array([1, 0, 1, 0]), "4 samples"),
        (np.array([0.5]), np.array([1]), "one sample"),
        (np.array([0.9, 0.6, 0.99]), np.array([1, 1, 1]), "3 samples, all with t = 1"),
        (np.array([0.1, 0.3, 1e-6]), np.array([0, 0, 0]), "3 samples, all with t = 0"),
        (np.array([1 - 1e-6, 1e-6, 0.3, 0.7]), np.array([1, 0, 1, 0]),
         "4 samples with very confident predictions"),
        (many_p, many_t, "200 samples"),
    ]


def _terms(p, t):
    """log p and log(1 - p), weighted by the labels: the two halves of the BCE."""
    tf = t.astype(float)
    return tf * np.log(p), (1 - tf) * np.log(1 - p)


def _bce_slips(p, t, where: str) -> list:
    """(value, hint) of the usual slips in bce(p_hat, t) on this probe. No hint quotes a value."""
    want = float(binary_cross_entropy(t, p))
    pos, neg = _terms(p, t)
    tf = t.astype(float)
    n = p.size
    slips = [
        (-want, f"{where} is negative: that is the mean log-likelihood. BCE has a minus sign "
                "in front of the bracket, so that it is never negative."),
        (want / _LN10, f"{where}: you used log base 10 (np.log10). BCE uses the natural log, "
                       "np.log."),
        (want / _LN2, f"{where}: you used log base 2 (np.log2). BCE uses the natural log, "
                      "np.log."),
        (float(-np.mean(pos - neg)), f"{where}: check the signs inside the bracket. The two "
                                     "terms are added, and the minus sign goes in front of "
                                     "the whole bracket."),
        (float(-np.mean(neg - pos)), f"{where}: check the signs inside the bracket. The two "
                                     "terms are added, and the minus sign goes in front of "
                                     "the whole bracket."),
        (float(-np.mean(tf * np.log(1 - p) + (1 - tf) * np.log(p))),
         f"{where}: p_hat and 1 - p_hat are swapped. p_hat is the probability of t = 1, so "
         "its log goes with t, and the log of 1 - p_hat with 1 - t."),
        (float(-np.mean(np.log(p))), f"{where} does not depend on the labels: it charges "
                                     "every sample as if its label were 1. A label 0 costs "
                                     "the surprise of 1 - p_hat instead."),
        (float(-np.mean(np.log(1 - p))), f"{where} does not depend on the labels: it charges "
                                         "every sample as if its label were 0. A label 1 "
                                         "costs the surprise of p_hat instead."),
    ]
    if np.any(t == 0):
        slips.append((float(-np.mean(pos)), f"{where}: the samples with t = 0 cost nothing, so "
                      "the term for label 0 is missing. Each label 0 contributes the surprise "
                      "of 1 - p_hat."))
    if np.any(t == 1):
        slips.append((float(-np.mean(neg)), f"{where}: the samples with t = 1 cost nothing, so "
                      "the term for label 1 is missing. Each label 1 contributes the surprise "
                      "of p_hat."))
    if n > 1:
        slips.append((want * n, f"{where} is the sum over the samples. This exercise asks for "
                      "the mean: divide by the number of samples (np.mean instead of np.sum)."))
        slips.append((float(-np.mean(tf) * np.mean(np.log(p))
                            - np.mean(1 - tf) * np.mean(np.log(1 - p))),
                      f"{where}: you averaged t and log p_hat separately. Multiply t_i by "
                      "log p_hat_i sample by sample first, then take the mean."))
    return slips


def _diagnose_bce(got: float, p, t, where: str) -> str | None:
    """The hint for a recognised slip in bce(p_hat, t), or None. Never quotes the answer."""
    return name_the_slip(got, float(binary_cross_entropy(t, p)), _bce_slips(p, t, where))


@check(
    hints=(
        r"""Each sample's loss is the negative log-likelihood of its label under a Bernoulli
        model: $-\log \hat p_i$ if $t_i = 1$ and $-\log(1-\hat p_i)$ if $t_i = 0$. The
        bracket in the formula picks the right one, because one of $t_i$ and $1 - t_i$ is
        always 0.""",
        r"""Let numpy compute the bracket for all samples at once (`t * np.log(p_hat)` is an
        array), then average and flip the sign. Sanity checks: a prediction of 0.5 costs
        $\log 2$ per sample whatever the label, and binary cross entropy (이진 교차 엔트로피) is
        never negative.""",
    ),
    explanation=r"""
        For one sample the Bernoulli likelihood is $\hat p_i^{\,t_i}(1-\hat p_i)^{1-t_i}$,
        and its negative log is $-\big[t_i\log\hat p_i + (1-t_i)\log(1-\hat p_i)\big]$.
        Averaging over the $N$ samples gives the mean BCE:

        $$\mathrm{BCE} = -\frac{1}{N}\sum_i\big[t_i\log\hat p_i + (1-t_i)\log(1-\hat p_i)\big].$$

        It is the mean NLL of the labels, so minimising BCE is maximum likelihood for a
        yes/no model.
        """,
)
def check_bce(bce):
    """Check ``bce(p_hat, t)``, the mean binary cross entropy, for any arrays of probabilities."""
    cases = _bce_cases()
    for index, (p, t, described) in enumerate(cases):
        where = f"bce(p_hat, t) for {described}"
        result = call_student(bce, "bce", p.copy(), t.copy())
        reject_per_sample(result, -np.add(*_terms(p, t)), where, "loss per sample", "average them")
        got = as_number(result, where)
        want = float(binary_cross_entropy(t, p))
        if close(got, want):
            continue
        # a slip that cannot be told apart on this probe may be on a later one
        for p2, t2, described2 in cases[index:]:
            where2 = f"bce(p_hat, t) for {described2}"
            try:
                got2 = as_number(call_student(bce, "bce", p2.copy(), t2.copy()), where2)
            except StudentError:
                continue
            if (hint := _diagnose_bce(got2, p2, t2, where2)) is not None:
                raise StudentError(hint)
        raise StudentError(f"{where} returned {got:.4g}, which is not the mean "
                           "negative log-likelihood of the labels. Compute each sample's loss "
                           "from its own label with numpy, then average.")
    return ("Correct: your BCE matches the mean Bernoulli NLL on every data set we tried, from "
            "one sample to 200.")


# ------------------------------------------------------------------ exercise 2
def _grad_cases():
    rng = np.random.default_rng(60)
    return [
        (_EMAIL_Z.copy(), _EMAIL_T.copy(), "the five emails"),
        (np.array([0.0]), np.array([1]), "z = 0, t = 1"),
        (np.array([4.0]), np.array([0]), "the neuron's poor start z = 4, t = 0"),
        (np.array([-30.0, 30.0, 50.0, -50.0]), np.array([1, 0, 1, 0]),
         "saturated logits z = -30, 30, 50, -50"),
        (np.array([1000.0, -1000.0]), np.array([0, 1]), "z = 1000 and -1000"),
        (rng.uniform(-6, 6, 50), (rng.random(50) < 0.5).astype(np.int64), "50 random samples"),
    ]


def _diagnose_grad(got, z, t, where: str) -> str | None:
    """The hint for a recognised slip in bce_grad_logit(z, t), or None."""
    s = _math.sigmoid(z)
    want = s - t
    if not np.all(np.isfinite(got)):
        return (f"{where} contains inf or nan. Compute sigma(z) without overflow, for "
                "example with mk.nn.sigmoid(z), and avoid dividing by sigma(z) or 1 - sigma(z).")
    if close_arrays(got, -want, scale=1.0):
        return (f"{where} has the wrong sign. When y_hat is above the label, raising z raises "
                "the loss, so the gradient must be positive there: it is prediction minus "
                "label, not label minus prediction.")
    if close_arrays(got, want * s * (1 - s), scale=1.0):
        return (f"{where}: you multiplied by the sigmoid's derivative sigma(z)(1 - sigma(z)). "
                "In dJ/dz = dJ/dy_hat * dy_hat/dz that factor cancels against the denominator "
                "of dJ/dy_hat; nothing is left to multiply.")
    if close_arrays(got, 2 * want * s * (1 - s), scale=1.0):
        return (f"{where} is the error signal of the squared error (y_hat - t)^2, not of BCE. "
                "Differentiate the per-sample BCE instead.")
    if close_arrays(got, z - t, scale=1.0):
        return (f"{where}: you used the logit z itself as the prediction. The prediction is "
                "y_hat = sigma(z); apply the sigmoid first.")
    if z.size > 1 and close_arrays(got, want / z.size, scale=1.0):
        return (f"{where} is divided by the number of samples: that is the gradient of the mean "
                "BCE. This exercise wants the per-sample gradients, without averaging.")
    with np.errstate(all="ignore"):
        wrt_prob = -t / s + (1 - t) / (1 - s)
    if np.all(np.isfinite(wrt_prob)) and close_arrays(got, wrt_prob, scale=1.0):
        return (f"{where} is the derivative with respect to y_hat, not z. Multiply by "
                "dy_hat/dz = sigma(z)(1 - sigma(z)) and simplify.")
    return None


@check(
    hints=(
        r"""Go through $\hat p = \sigma(z)$ with the chain rule (연쇄 법칙):
        $\frac{\partial\,\mathrm{BCE}_i}{\partial z_i} =
        \frac{\partial\,\mathrm{BCE}_i}{\partial \hat p_i}\cdot\frac{d\hat p_i}{dz_i}$, and
        the lesson gave the sigmoid's derivative in terms of its own output.""",
        r"""Write $\frac{\partial\,\mathrm{BCE}_i}{\partial \hat p_i}$ as one fraction over
        $\hat p_i(1-\hat p_i)$: that denominator cancels against the sigmoid's derivative,
        and what is left is very simple. Compute it with `mk.nn.sigmoid`, which is stable; a
        plain `np.exp` overflows at $z = \pm 1000$.""",
    ),
    explanation=r"""
        $$\frac{\partial}{\partial \hat p}\Big(-\big[t\log\hat p + (1-t)\log(1-\hat p)\big]\Big) = -\frac{t}{\hat p} + \frac{1-t}{1-\hat p} = \frac{\hat p - t}{\hat p(1-\hat p)}, \qquad \frac{d\hat p}{dz} = \hat p(1-\hat p).$$

        Their product is $\frac{\partial\,\mathrm{BCE}}{\partial z} = \sigma(z) - t$:
        prediction minus label. No $\sigma'$ is left in it, so the gradient stays large when
        a prediction is badly wrong; with MSE the factor $\sigma'$ stays and makes the
        gradient vanish (기울기 소실).
        """,
)
def check_bce_grad_logit(bce_grad_logit):
    """Check ``bce_grad_logit(z, t)``, the per-sample gradient of BCE with respect to the logits."""
    for z, t, described in _grad_cases():
        where = f"bce_grad_logit(z, t) for {described}"
        result = call_student(bce_grad_logit, "bce_grad_logit", z.copy(), t.copy())
        got = _as_float_array(result, where, z.shape)
        want = np.asarray(binary_cross_entropy_with_logits_grad(t, z, reduction="sum"),
                          dtype=float).reshape(z.shape)
        if np.all(np.isfinite(got)) and close_arrays(got, want, scale=1.0):
            continue
        raise StudentError(_diagnose_grad(got, z, t, where) or (
            f"{where} is not the derivative of the per-sample BCE with respect to z. Use the "
            "chain rule through y_hat = sigma(z) and simplify."))
    return ("Correct: the gradient with respect to the logit is prediction minus label, and yours "
            "stays finite even at z = 1000.")


# ------------------------------------------------------------------ exercise 3
@check(
    hints=(
        r"""Run the forward pass at the new start first: $z = wx + b$, then $y = \sigma(z)$.
        The error signal (오차 신호) is the derivative of the loss with respect to $z$, which
        takes two links of the chain.""",
        r"""The two links are $\frac{dJ}{dy}$ for $J = (y - t)^2$ and $\frac{dy}{dz}$ for
        the sigmoid. Here $z$ is large, so $y$ is very close to 1: expect the sigmoid's
        slope, and with it your answer, to be tiny compared with $\delta_{\mathrm{BCE}} = y
        - t$.""",
    ),
    explanation=r"""
        At $w = b = 3$: $z = 3 \cdot 1 + 3 = 6$ and $y = \sigma(6) \approx 0.9975$. Then
        $\frac{dJ}{dy} = 2(y - t) \approx 1.995$ and $\frac{dy}{dz} = y(1-y) \approx
        0.00247$, so

        $$\delta_{\mathrm{MSE}} = 2(y-t)\,y(1-y) \approx 0.00492,$$

        about 200 times smaller than $\delta_{\mathrm{BCE}} = y - t \approx 0.9975$. That
        factor $\sigma'(z)$ is the vanishing gradient (기울기 소실) that makes MSE learn so
        slowly from a bad start.
        """,
)
def check_mse_error_signal(delta_mse, *, w=3.0, b=3.0, x=1.0, t=0.0):
    """Check ``delta_mse``, dJ/dz of the squared error for the one neuron at (w, b)."""
    got = as_number(delta_mse, "delta_mse")
    z = w * x + b
    y = float(neuron_output(w, b, x=x))
    slope = y * (1 - y)                                    # sigma'(z)
    want = float(neuron_loss_grad(w, b, x=x, t=t, loss="mse")[1])   # dJ/db = dJ/dz
    if close_typed(got, want):
        bce = y - t
        return (f"Correct{rounded_note(got, want)}: at w = {w:g}, b = {b:g} the MSE error signal is about "
                f"{bce / want:.0f} times smaller than BCE's y - t. That is the vanishing "
                "gradient.")
    if close_typed(got, -want):
        raise StudentError(f"delta_mse has the wrong sign. y is above the target t = {t:g}, so "
                           "the loss falls when z falls: dJ/dz is positive.")
    if close_typed(got, want / 2):
        raise StudentError("delta_mse is missing a factor 2: differentiate the square fully, "
                           "its exponent comes down as a factor.")
    if close_typed(got, y - t):
        raise StudentError("delta_mse is the error signal of BCE, y - t. For the squared error "
                           "the chain rule keeps the sigmoid's derivative: "
                           "dJ/dz = dJ/dy * dy/dz.")
    if close_typed(got, 2 * (y - t)):
        raise StudentError("delta_mse is dJ/dy only. The error signal is dJ/dz: multiply by "
                           "dy/dz, the sigmoid's slope at z.")
    if close_typed(got, slope):
        raise StudentError("delta_mse is the sigmoid's derivative sigma'(z) alone. Multiply it "
                           "by dJ/dy, the derivative of the squared error with respect to y.")
    if close_typed(got, (y - t) ** 2):
        raise StudentError("delta_mse is the loss (y - t)^2 itself. The error signal is its "
                           "derivative with respect to z.")
    for z_wrong, what in ((w * x, f"w x = {w * x:g} (the bias is missing)"),
                          (b, f"b = {b:g} (the weight term is missing)")):
        if z_wrong != z:
            y_w = float(_math.sigmoid(np.asarray(z_wrong)))
            wrong = 2 * (y_w - t) * y_w * (1 - y_w)
            if close_typed(got, wrong) or close_typed(got, wrong / 2):
                raise StudentError(f"delta_mse was computed at z = {what}. The neuron's input "
                                   f"is z = w x + b = {z:g}.")
    reject_near_miss(got, want, "delta_mse")
    raise StudentError(f"delta_mse = {got:.4g} is not dJ/dz for J = (y - t)^2 at w = {w:g}, "
                       f"b = {b:g}. Compute z = w x + b and y = sigma(z), then chain the two "
                       "derivatives dJ/dy and dy/dz.")
