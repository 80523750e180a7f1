r"""Loss functions (손실 함수) and their gradients.

Every loss takes the **target first, then the prediction**, as the course
writes them (MSE(t, ŷ), CE(t, ŷ), H(p, q)) and as :mod:`mlekit.information`
and scikit-learn's metrics do: ``mse(t, y_hat)``, ``cross_entropy(t, y_hat)``,
``binary_cross_entropy_with_logits(t, logits)``. A call with the two swapped
is refused with a sentence saying so wherever the values show it (a
probability where a 0/1 label belongs, a label where a probability row
belongs).

Each loss comes with a ``*_grad`` function returning the gradient with
respect to the prediction (probabilities or logits), its second argument.

**Reductions.** Losses average over samples by default (``reduction="mean"``),
as training code does; ``"sum"`` adds them up, and ``"none"`` returns one loss
per sample (per entry for the regression losses and BCE). A ``*_grad`` with
``"none"`` gives each sample's derivative of its own loss, the same as
``"sum"``. The NLL methods of :mod:`mlekit.models` *sum* by default instead,
as a likelihood multiplies over all observations; both accept all three.

Names follow the notebooks: ``t`` is a target, ``y_hat`` a prediction,
``logits`` the raw scores before a sigmoid or softmax.

Where the stable route matters the module computes in log space:
``binary_cross_entropy_with_logits`` never forms ``sigmoid(z)``, and
``log_softmax`` / ``cross_entropy_with_logits`` subtract the maximum logit
before exponentiating, so logits of ±10⁴ give finite, exact losses.

Examples
--------
>>> from mlekit import losses
>>> float(losses.mse([0.0, 0.0], [1.0, 2.0]))         # targets, then predictions
2.5
>>> round(float(losses.cross_entropy([2], [[0.2, 0.1, 0.65, 0.05]])), 4)   # -log 0.65
0.4308
"""

from __future__ import annotations

import numpy as np

from . import _math
from . import _validation as V
from ._math import safe_div, scalar_or_array, xlogy

__all__ = [
    "mse", "mse_grad", "sse", "sse_grad", "mae", "mae_grad",
    "binary_cross_entropy", "binary_cross_entropy_grad",
    "binary_cross_entropy_with_logits", "binary_cross_entropy_with_logits_grad",
    "softmax", "softmax_grad", "log_softmax", "log_softmax_grad", "logsumexp", "logsumexp_grad",
    "cross_entropy", "cross_entropy_grad",
    "cross_entropy_with_logits", "cross_entropy_with_logits_grad",
]


# --------------------------------------------------------------------- helpers
def _pair(t, y_hat, name_a="y_hat", name_b="t"):
    """(prediction, target) as float arrays of one shape."""
    a = V.as_float_array(y_hat, name_a)
    b = V.as_float_array(t, name_b)
    V.check_same_shape(a, b, name_a, name_b)
    return a, b


def _reduce(per_sample, reduction):
    if reduction == "none":
        return scalar_or_array(per_sample + 0.0)
    return scalar_or_array(per_sample.mean() if reduction == "mean" else per_sample.sum())


def _scale(n, reduction):
    return 1.0 / n if reduction == "mean" else 1.0


# ------------------------------------------------------------- regression losses
def mse(t, y_hat, reduction="mean"):
    r"""Mean squared error (평균제곱오차).

    Parameters
    ----------
    t, y_hat : array_like
        Targets and predictions of the same shape.
    reduction : {"mean", "sum", "none"}
        ``"mean"`` averages over all entries (MSE); ``"sum"`` adds them (SSE);
        ``"none"`` returns each entry's squared error.

    Notes
    -----
    .. math:: \mathrm{MSE} = \frac{1}{N}\sum_i (\hat y_i - t_i)^2

    It is, up to an affine change, the NLL of a Gaussian noise model with
    fixed sigma, so both have the same minimiser.

    Examples
    --------
    >>> float(mse([0.0, 1.0], [1.0, 3.0]))
    2.5
    """
    V.check_reduction(reduction, allow_none=True)
    a, b = _pair(t, y_hat)
    return _reduce((a - b) ** 2, reduction)


def mse_grad(t, y_hat, reduction="mean"):
    r"""Gradient of :func:`mse` with respect to ``y_hat``: :math:`2(\hat y - t)/N`.

    Examples
    --------
    >>> mse_grad([0.0, 1.0], [1.0, 3.0])
    array([1., 2.])
    """
    V.check_reduction(reduction, allow_none=True)
    a, b = _pair(t, y_hat)
    return scalar_or_array(2.0 * (a - b) * _scale(a.size, reduction))


def sse(t, y_hat, reduction="sum"):
    r"""Sum of squared errors (오차제곱합).

    The same per-entry loss as :func:`mse` with ``reduction="sum"`` as the
    default; ``sse(..., reduction="mean")`` equals ``mse(...)``.

    Notes
    -----
    .. math:: \mathrm{SSE} = \sum_i (\hat y_i - t_i)^2

    Examples
    --------
    >>> float(sse([0.0, 1.0], [1.0, 3.0]))
    5.0
    """
    return mse(t, y_hat, reduction=reduction)


def sse_grad(t, y_hat, reduction="sum"):
    r"""Gradient of :func:`sse` with respect to ``y_hat``: :math:`2(\hat y - t)`.

    Examples
    --------
    >>> sse_grad([0.0, 1.0], [1.0, 3.0])
    array([2., 4.])
    """
    return mse_grad(t, y_hat, reduction=reduction)


def mae(t, y_hat, reduction="mean"):
    r"""Mean absolute error (평균절대오차).

    Notes
    -----
    .. math:: \mathrm{MAE} = \frac{1}{N}\sum_i |\hat y_i - t_i|

    The NLL of a Laplace noise model with fixed scale, up to an affine
    change; a constant prediction minimising it is the median of t.

    Examples
    --------
    >>> float(mae([0.0, 1.0], [1.0, 3.0]))
    1.5
    """
    V.check_reduction(reduction, allow_none=True)
    a, b = _pair(t, y_hat)
    return _reduce(np.abs(a - b), reduction)


def mae_grad(t, y_hat, reduction="mean"):
    r"""(Sub)gradient of :func:`mae`: :math:`\operatorname{sign}(\hat y - t)/N` (0 where equal).

    Examples
    --------
    >>> mae_grad([0.0, 4.0, 2.0], [1.0, 3.0, 2.0], reduction="sum")
    array([ 1., -1.,  0.])
    """
    V.check_reduction(reduction, allow_none=True)
    a, b = _pair(t, y_hat)
    return scalar_or_array(np.sign(a - b) * _scale(a.size, reduction))


# ----------------------------------------------------------- binary cross entropy
def _looks_swapped(t, pred) -> bool:
    """Soft "targets" next to hard 0/1 "predictions": the arguments are in the old order."""
    t = np.asarray(t, dtype=float)
    pred = np.asarray(pred, dtype=float)
    hard = np.isin(pred, (0.0, 1.0))
    return bool(pred.size and hard.all() and not np.isin(t, (0.0, 1.0)).all())


def _bce_args(t, p_hat):
    p = V.check_probability(p_hat, "p_hat")
    tt = V.check_probability(t, "t")
    V.check_same_shape(p, tt, "p_hat", "t")
    if _looks_swapped(tt, p):
        V.fail("t", "hold the 0/1 labels (the target comes first: binary_cross_entropy(t, "
               "p_hat))", "probabilities strictly between 0 and 1, next to a p_hat of only 0s "
               "and 1s", "Swap the two arguments: target first, then the prediction.")
    return p, tt


def binary_cross_entropy(t, p_hat, reduction="mean"):
    r"""Binary cross entropy (이진 교차 엔트로피) of predicted probabilities.

    Parameters
    ----------
    t : array_like
        Targets in [0, 1] (usually 0 or 1).
    p_hat : array_like
        Predicted probabilities of class 1, each in [0, 1], same shape.
    reduction : {"mean", "sum", "none"}

    Notes
    -----
    .. math:: \mathrm{BCE} = -\frac{1}{N}\sum_i \big[t_i\log\hat p_i + (1-t_i)\log(1-\hat p_i)\big]

    The per-sample NLL of a Bernoulli model with ``p = p_hat``. A
    confident wrong prediction (``p_hat = 0`` for ``t = 1``) costs ``inf``;
    no clipping is done silently. Use
    :func:`binary_cross_entropy_with_logits` to stay finite.

    Examples
    --------
    >>> round(float(binary_cross_entropy([1], [0.7])), 4)   # -log 0.7
    0.3567
    """
    V.check_reduction(reduction, allow_none=True)
    p, tt = _bce_args(t, p_hat)
    return _reduce(-(xlogy(tt, p) + xlogy(1.0 - tt, 1.0 - p)), reduction)


def binary_cross_entropy_grad(t, p_hat, reduction="mean"):
    r"""Gradient of :func:`binary_cross_entropy` with respect to ``p_hat``.

    Notes
    -----
    .. math:: \frac{\partial}{\partial \hat p_i} = \frac{1}{N}\Big(-\frac{t_i}{\hat p_i} + \frac{1-t_i}{1-\hat p_i}\Big)

    Examples
    --------
    >>> binary_cross_entropy_grad([1], [0.5], reduction="sum")
    array([-2.])
    """
    V.check_reduction(reduction, allow_none=True)
    p, tt = _bce_args(t, p_hat)
    g = -safe_div(tt, p) + safe_div(1.0 - tt, 1.0 - p)
    return scalar_or_array(g * _scale(p.size, reduction))


def _logit_args(t, logits):
    z = V.as_float_array(logits, "logits")
    try:
        tt = V.check_probability(t, "t")
    except ValueError as exc:          # often logits passed first: say the order
        raise ValueError(f"{str(exc)[:-1]}, and the target comes first: "
                         "binary_cross_entropy_with_logits(t, logits).") from None
    V.check_same_shape(z, tt, "logits", "t")
    return z, tt


def binary_cross_entropy_with_logits(t, logits, reduction="mean"):
    r"""Binary cross entropy of ``sigmoid(logits)``, computed stably from the logits.

    Notes
    -----
    With :math:`\operatorname{softplus}(z) = \log(1+e^{z})`,

    .. math:: -\big[t\log\sigma(z) + (1-t)\log(1-\sigma(z))\big] = \operatorname{softplus}(z) - t z,

    evaluated as :math:`\max(z,0) - tz + \log(1+e^{-|z|})`, which is finite
    for every finite z (e.g. ±1000).

    Examples
    --------
    >>> float(binary_cross_entropy_with_logits([0.0, 1.0], [1000.0, -1000.0], reduction="sum"))
    2000.0
    """
    V.check_reduction(reduction, allow_none=True)
    z, tt = _logit_args(t, logits)
    return _reduce(_math.softplus(z) - tt * z, reduction)


def binary_cross_entropy_with_logits_grad(t, logits, reduction="mean"):
    r"""Gradient with respect to the logits: :math:`(\sigma(z) - t)/N`.

    The sigmoid's own derivative cancels, which is why cross entropy keeps
    learning where a saturated sigmoid under MSE stalls.

    Examples
    --------
    >>> binary_cross_entropy_with_logits_grad([1.0], [0.0])
    array([-0.5])
    """
    V.check_reduction(reduction, allow_none=True)
    z, tt = _logit_args(t, logits)
    return scalar_or_array((_math.sigmoid(z) - tt) * _scale(z.size, reduction))


# ----------------------------------------------------------------- softmax family
def _logits(z):
    z = V.as_float_array(z, "logits")
    if z.ndim == 0:
        V.fail("logits", "have at least one axis (one score per class)", V.describe(z),
               "Pass a vector of scores, e.g. [2.0, 1.0, 0.1].")
    return z


def _axis(z, axis):
    if axis is None:                  # all entries, as in scipy.special
        return None
    axis = V.check_int(axis, "axis")
    if not -z.ndim <= axis < z.ndim:
        V.fail("axis", f"be in [{-z.ndim}, {z.ndim - 1}] for logits of shape {z.shape}",
               str(axis), "Use axis=-1 for the class axis.")
    return axis


def logsumexp(logits, axis=-1, keepdims=False):
    r"""``log(sum(exp(logits)))`` along *axis*, without overflow.

    Notes
    -----
    .. math:: \operatorname{logsumexp}(z) = m + \log\sum_k e^{z_k - m}, \quad m = \max_k z_k

    Examples
    --------
    >>> float(logsumexp([10000.0, 10000.0]))   # 10000 + log 2
    10000.69314718056
    """
    z = _logits(logits)
    return scalar_or_array(_math.logsumexp(z, axis=_axis(z, axis), keepdims=keepdims))


def logsumexp_grad(logits, axis=-1):
    r"""Gradient of :func:`logsumexp`: the softmax of the logits.

    Examples
    --------
    >>> logsumexp_grad([0.0, 0.0])
    array([0.5, 0.5])
    """
    z = _logits(logits)
    return _math.softmax(z, axis=_axis(z, axis))


def softmax(logits, axis=-1):
    r"""Softmax (소프트맥스): turn scores into probabilities that sum to 1.

    Notes
    -----
    .. math:: \operatorname{softmax}(z)_k = \frac{e^{z_k}}{\sum_j e^{z_j}} = e^{z_k - \operatorname{logsumexp}(z)}

    Examples
    --------
    >>> softmax([0.0, 0.0, 0.0, 0.0])
    array([0.25, 0.25, 0.25, 0.25])
    >>> softmax([1e4, 0.0])
    array([1., 0.])
    """
    z = _logits(logits)
    return _math.softmax(z, axis=_axis(z, axis))


def log_softmax(logits, axis=-1):
    r"""Log of :func:`softmax`, computed as ``logits - logsumexp(logits)``.

    Examples
    --------
    >>> log_softmax([1e4, 0.0])
    array([     0., -10000.])
    """
    z = _logits(logits)
    return _math.log_softmax(z, axis=_axis(z, axis))


def _vjp_or_jacobian(logits, axis, grad_output, jacobian, vjp):
    """Softmax of *logits* along *axis*, then its Jacobian or vector-Jacobian product.

    The work is done with the class axis moved last; a vector-Jacobian product
    comes back in the logits' own layout, a Jacobian with its two class axes last.
    """
    z = _logits(logits)
    axis = _axis(z, axis)
    if axis is None:
        V.fail("axis", "name one class axis (an int)", "None",
               "Use axis=-1, the default, for the last axis.")
    s = np.moveaxis(_math.softmax(z, axis=axis), axis, -1)
    if grad_output is None:
        return jacobian(s)
    g = V.as_float_array(grad_output, "grad_output")
    V.check_same_shape(g, z, "grad_output", "logits")
    return np.moveaxis(vjp(s, np.moveaxis(g, axis, -1)), -1, axis)


def softmax_grad(logits, grad_output=None, axis=-1):
    r"""Jacobian of :func:`softmax` along *axis* (as in :func:`softmax`), or its product with ``grad_output``.

    Notes
    -----
    .. math:: \frac{\partial s_i}{\partial z_j} = s_i(\delta_{ij} - s_j)

    With ``grad_output = g`` it returns the vector-Jacobian product
    :math:`s \odot (g - g^\top s)`, what backpropagation needs.

    Examples
    --------
    >>> softmax_grad([0.0, 0.0])
    array([[ 0.25, -0.25],
           [-0.25,  0.25]])
    >>> softmax_grad([[0.0, 5.0], [0.0, 5.0]], grad_output=[[1.0, 0.0], [0.0, 0.0]], axis=0)
    array([[ 0.25,  0.  ],
           [-0.25,  0.  ]])
    """
    return _vjp_or_jacobian(
        logits, axis, grad_output,
        lambda s: s[..., :, None] * (np.eye(s.shape[-1]) - s[..., None, :]),
        lambda s, g: s * (g - np.sum(g * s, axis=-1, keepdims=True)),
    )


def log_softmax_grad(logits, grad_output=None, axis=-1):
    r"""Jacobian of :func:`log_softmax` along *axis*, or its product with ``grad_output``.

    Notes
    -----
    .. math:: \frac{\partial \log s_i}{\partial z_j} = \delta_{ij} - s_j

    Examples
    --------
    >>> log_softmax_grad([0.0, 0.0], grad_output=[1.0, 0.0])
    array([ 0.5, -0.5])
    """
    return _vjp_or_jacobian(
        logits, axis, grad_output,
        lambda s: np.eye(s.shape[-1]) - s[..., None, :],
        lambda s, g: g - s * np.sum(g, axis=-1, keepdims=True),
    )


# ------------------------------------------------------------------ cross entropy
def _ce_targets(t, n_classes, lead_shape, first_name):
    """Return targets as probability rows of shape lead_shape + (K,)."""
    t_arr = V.as_float_array(t, "t")
    if t_arr.shape == lead_shape + (n_classes,):
        return V.check_prob_vector(t_arr, "t")
    if t_arr.shape == lead_shape:
        labels = V.check_labels(t_arr, "t", n_classes)
        return np.eye(n_classes)[labels]
    V.fail("t", f"be integer labels of shape {lead_shape} or one-hot rows of shape "
                f"{lead_shape + (n_classes,)} to match {first_name}",
           f"shape {t_arr.shape}", "Pass one label (or one one-hot row) per sample.")


def _ce_args(t, y_hat):
    _refuse_swapped_ce(t, y_hat, "y_hat")
    p = V.check_prob_vector(y_hat, "y_hat")
    return p, _ce_targets(t, p.shape[-1], p.shape[:-1], "y_hat")


def _refuse_swapped_ce(t, pred, pred_name):
    """Labels where the prediction belongs and rows where the labels belong: the old order."""
    try:
        t_arr = np.asarray(t, dtype=float)
        p_arr = np.asarray(pred, dtype=float)
    except (TypeError, ValueError):
        return                                    # the validators below explain it
    if t_arr.ndim == p_arr.ndim + 1 and t_arr.ndim >= 1 and np.all(p_arr == np.round(p_arr)):
        fn = "cross_entropy(t, y_hat)" if pred_name == "y_hat" else "cross_entropy_with_logits(t, logits)"
        V.fail(pred_name, f"come second, after the targets ({fn})",
               f"whole numbers of shape {p_arr.shape}, next to rows of shape {t_arr.shape} "
               "where the labels belong", "Swap the two arguments: target first.")


def _n_rows(p):
    return int(np.prod(p.shape[:-1])) if p.ndim > 1 else 1


def cross_entropy(t, y_hat, reduction="mean"):
    r"""Cross entropy (교차 엔트로피) between targets and predicted class probabilities.

    Parameters
    ----------
    t : array_like
        Integer labels of shape (N,) (or a scalar for one sample), or one-hot
        / probability rows of the same shape as ``y_hat``.
    y_hat : array_like, shape (N, K) or (K,)
        Predicted probabilities; each row sums to 1.
    reduction : {"mean", "sum", "none"}
        Average or sum over the N samples, or one loss per sample.

    Notes
    -----
    .. math:: \mathrm{CE} = -\frac{1}{N}\sum_{i=1}^{N} t_i^\top \log \hat y_i

    With a one-hot target only the log-probability of the true class
    survives: the per-sample NLL of a Categorical model.

    Examples
    --------
    >>> y_hat = [0.2, 0.1, 0.65, 0.05]
    >>> round(float(cross_entropy(2, y_hat)), 4)
    0.4308
    >>> round(float(cross_entropy([0, 0, 1, 0], y_hat)), 4)
    0.4308
    """
    V.check_reduction(reduction, allow_none=True)
    p, tt = _ce_args(t, y_hat)
    return _reduce(np.atleast_1d(-np.sum(xlogy(tt, p), axis=-1)), reduction)


def cross_entropy_grad(t, y_hat, reduction="mean"):
    r"""Gradient of :func:`cross_entropy` with respect to ``y_hat``: :math:`-t/(N\hat y)`.

    Examples
    --------
    >>> cross_entropy_grad(0, [0.5, 0.5])
    array([-2.,  0.])
    """
    V.check_reduction(reduction, allow_none=True)
    p, tt = _ce_args(t, y_hat)
    return -safe_div(tt, p) * _scale(_n_rows(p), reduction) + 0.0   # + 0.0: no -0.0 entries


def _ce_logit_args(t, logits):
    _refuse_swapped_ce(t, logits, "logits")
    z = _logits(logits)
    return z, _ce_targets(t, z.shape[-1], z.shape[:-1], "logits")


def cross_entropy_with_logits(t, logits, reduction="mean"):
    r"""Cross entropy of ``softmax(logits)``, computed stably through :func:`log_softmax`.

    Notes
    -----
    .. math:: \mathrm{CE} = -\frac{1}{N}\sum_i t_i^\top \big(z_i - \operatorname{logsumexp}(z_i)\big)

    Examples
    --------
    >>> float(cross_entropy_with_logits([1], [[1e4, 0.0]]))
    10000.0
    """
    V.check_reduction(reduction, allow_none=True)
    z, tt = _ce_logit_args(t, logits)
    logp = _math.log_softmax(z)
    # logp is finite for finite logits, so t * logp needs no 0 log 0 care
    return _reduce(np.atleast_1d(-np.sum(tt * logp, axis=-1)), reduction)


def cross_entropy_with_logits_grad(t, logits, reduction="mean"):
    r"""Gradient with respect to the logits: :math:`(\operatorname{softmax}(z) - t)/N`.

    Examples
    --------
    >>> cross_entropy_with_logits_grad(1, [0.0, 0.0])
    array([ 0.5, -0.5])
    """
    V.check_reduction(reduction, allow_none=True)
    z, tt = _ce_logit_args(t, logits)
    return (_math.softmax(z) - tt) * _scale(_n_rows(z), reduction)
