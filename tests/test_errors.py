"""Boundary validation of every public mlekit function: what a bad input raises.

mlekit's errors share one shape (see ``mlekit/_validation.py``)::

    <argument> must <what was expected>, got <what arrived>. <How to fix it.>

Every row of ``CASES`` calls one public function with one bad input and
states the exception type, the argument named at the start of the message,
the expectation after "must" and the description after "got". Three more
checks run over all rows: no message is a bare numpy/Python internal one
(validation ran before numpy failed), every message ends with a fix sentence,
and this docstring lists every row. Last, the documented non-exceptions:
data that are impossible under p = 0 or p = 1 give an NLL of inf, with no
exception, no NaN and no RuntimeWarning.

Bad inputs tried (row ids of CASES)
-----------------------------------
Probabilities outside [0, 1]:
  bernoulli-p-above-1 (nll p=1.3), bernoulli-p-grid-negative (nll p=[0.5, -0.1]),
  bernoulli-fixed-p-2 (Bernoulli(p=2)), binomial-p-above-1 (nll p=1.5),
  binomial-p-negative (nll p=-0.1),
  categorical-p-outside-unit (p=[1.5, -0.5]), bce-p-hat-above-1 (p_hat=[1.2]),
  bce-t-above-1 (t=[2]), bce-grad-p-hat-negative (p_hat=[-0.1]),
  bce-logits-t-above-1 (t=[1.5]), self-information-p-above-1 (p=1.5),
  entropy-entry-above-1 (p=[0.5, 1.5]), kl-p-negative (p=[-0.5, 1.5]),
  net-sigmoid-target-above-1 (TwoLayerNet sigmoid head, t=2)
Probability vectors not summing to 1:
  categorical-p-sum-not-1 ([0.5, 0.6]), categorical-n-classes-p-sum-not-1 (n_classes=3),
  ce-y-hat-sum-not-1, ce-soft-target-sum-not-1,
  entropy-sum-not-1, info-ce-q-sum-not-1, kl-q-sum-not-1
Wrong number of classes / entries:
  categorical-p-wrong-length (n_classes=3, p of length 2), categorical-fixed-p-wrong-length,
  categorical-n-classes-1, entropy-scalar (a 0-D "distribution")
Scales <= 0:
  gaussian-sigma-0, gaussian-fixed-sigma-negative, gaussian-sigma-grid-negative,
  laplace-b-0, laplace-b-negative, laplace-fixed-b-negative, gaussian-sample-sigma-0
Non-binary Bernoulli data:
  bernoulli-data-2, bernoulli-data-half, bernoulli-mle-data-negative, bernoulli-data-2d,
  gaussian-data-2d
Binomial counts:
  binomial-count-negative, binomial-count-above-n, binomial-count-non-integer,
  binomial-n-0, binomial-n-float
Labels out of range / not integers:
  categorical-label-above-k, categorical-label-non-integer, categorical-label-negative,
  categorical-label-beyond-p, categorical-n-classes-label-negative, ce-label-out-of-range, ce-label-non-integer,
  ce-logits-label-negative, ce-target-wrong-shape, net-softmax-label-out-of-range,
  net-softmax-label-non-integer, net-softmax-label-negative
Mismatched shapes:
  mse-shape, mse-grad-shape, sse-shape, sse-grad-shape, mae-shape, mae-grad-shape,
  bce-shape, bce-grad-shape, bce-logits-shape, bce-logits-grad-shape,
  ce-grad-target-shape, ce-logits-grad-target-shape, softmax-grad-output-shape,
  log-softmax-grad-output-shape, relative-error-shape, kl-outcomes-differ,
  kl-leading-axes-differ, info-ce-leading-axes-differ, sgd-data-lengths-differ,
  net-target-shape
Empty data:
  mse-empty, bernoulli-empty, gaussian-mle-empty, softmax-empty, entropy-empty,
  ce-empty, gd-theta0-empty, sgd-data-empty, numgrad-x-empty
NaN and inf:
  gaussian-data-nan, gaussian-mu-inf, mse-inf, bce-logits-nan, softmax-minus-inf,
  logsumexp-nan, bernoulli-p-nan, gd-theta0-nan, gd-lr-nan, value-nan,
  relative-error-nan, sigmoid-inf, net-input-nan, toy-regression-slope-inf
None, strings and other wrong types (TypeError):
  bernoulli-data-none, gaussian-data-string, bernoulli-data-digit-string,
  gaussian-data-text-list, bernoulli-data-numeric-strings, gaussian-mu-string, bernoulli-p-none,
  mse-none, mse-mixed-list, mse-ragged, softmax-string, entropy-none,
  self-information-string, gd-theta0-string, gd-lr-string, gd-steps-string,
  gd-steps-float, value-string, value-plus-string, value-times-none,
  value-plus-array, value-pow-value, relative-error-none, numgrad-x-string,
  toy-regression-n-string, penguins-dropna-string, relu-none, net-input-string,
  toy-classification-spread-string, leaky-relu-slope-string
Model keywords:
  model-unknown-keyword, model-unknown-keyword-two-params, model-unknown-keyword-loglik,
  model-missing-parameter, model-missing-parameter-grad, model-fixed-parameter-passed,
  model-fixed-parameter-array, gaussian-mle-no-spread, laplace-mle-no-spread
reduction not in {"mean", "sum"}:
  reduction-<loss> for mse, mse_grad, sse, sse_grad, mae, mae_grad,
  binary_cross_entropy(_grad), binary_cross_entropy_with_logits(_grad),
  cross_entropy(_grad), cross_entropy_with_logits(_grad) (reduction="avg"),
  nll-reduction-total, nll-grad-reduction-none
unit not in {"nats", "bits"}:
  unit-self-information, unit-entropy, unit-cross-entropy, unit-kl, unit-int
softmax family:
  softmax-scalar (0-D logits), logsumexp-axis-out-of-range, softmax-axis-out-of-range
optim:
  gd-grad-int, gd-grad-string, sgd-grad-none, gd-lr-0, gd-lr-negative, sgd-lr-0,
  gd-steps-negative, gd-steps-true, sgd-epochs-0, gd-grad-shape-scalar,
  gd-grad-shape-vector, gd-grad-returns-string, gd-grad-returns-none,
  sgd-batch-size-above-n, sgd-batch-size-0, gd-domain-reversed, gd-domain-short,
  gd-domain-string, gd-start-outside-domain, gd-start-on-domain-edge, gd-loss-int,
  gd-loss-returns-array, gd-loss-infinite-at-start, gd-loss-returns-string,
  gd-tol-string, gd-max-abs-none, sgd-rng-string, minibatches-batch-size-0,
  minibatches-no-arrays
nn:
  net-hidden-unknown, net-output-unknown, net-loss-ce-identity,
  net-loss-bce-softmax, net-loss-mse-softmax, net-softmax-one-output, net-n-in-0,
  net-n-hidden-float, net-features-too-many, net-features-1d-too-many, net-input-3d,
  net-rng-string, net-step-unknown-key
gradcheck:
  numgrad-f-int, numgrad-eps-0, numgrad-f-returns-array, numgrad-f-returns-string,
  numgrad-f-returns-none
datasets:
  toy-regression-n-0, toy-regression-n-negative, toy-classification-n-0,
  toy-regression-noise-0, toy-regression-noise-negative, toy-regression-noise-array,
  toy-classification-spread-0, toy-classification-spread-array,
  toy-classification-one-class, toy-regression-x-range-reversed,
  toy-regression-x-range-infinite, toy-regression-x-range-three,
  toy-regression-x-range-scalar, toy-regression-x-range-string, toy-regression-rng-string
autodiff:
  value-log-0, value-log-negative, value-divide-by-0, value-divide-by-value-0,
  value-number-over-0, value-pow-negative-of-0, value-sqrt-negative, value-exp-overflow
sample():
  sample-n-0, sample-n-negative, sample-n-float, sample-n-string, sample-n-true,
  sample-rng-string, sample-rng-float, sample-rng-true, sample-rng-negative,
  sample-rng-legacy, sample-p-grid
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytest

from mlekit import datasets, gradcheck, information, losses, models, nn, optim
from mlekit.autodiff import Value

X = [1, 1, 1, 1, 1, 1, 1, 0, 0, 0]          # the phone survey: 7 Android, 3 iOS
H = [164.95, 165.35, 165.76]                 # a few heights


def zero_grad(theta):
    return 0.0 * theta


def _net(**kw):
    return nn.TwoLayerNet(2, 3, rng=0, **kw)


def _softmax_net():
    return nn.TwoLayerNet(2, 3, 3, output="softmax", rng=0)


@dataclass(frozen=True)
class Case:
    """One bad call and what its error must say."""

    id: str
    call: Callable[[], object]
    exc: type | tuple[type, ...]
    arg: str          # the message starts with "<arg> must "
    expected: str     # ... "<expected>" follows "must" ...
    got: str          # ... and ", got <got>" (or ", got <kind> (<got>") comes after it

    def pattern(self) -> str:
        return (f"^{re.escape(self.arg)} must {re.escape(self.expected)}.*, got "
                rf"(?:[^,(]*\()?{re.escape(self.got)}")


VE, TE = ValueError, TypeError
EITHER = (ValueError, TypeError)

CASES = [
    # ---------------------------------------------------- probabilities outside [0, 1]
    Case("bernoulli-p-above-1", lambda: models.Bernoulli().nll(X, p=1.3),
         VE, "p", "lie in [0, 1]", "1.3"),
    Case("bernoulli-p-grid-negative", lambda: models.Bernoulli().nll(X, p=[0.5, -0.1]),
         VE, "p", "lie in [0, 1]", "-0.1 at index 1"),
    Case("bernoulli-fixed-p-2", lambda: models.Bernoulli(p=2),
         VE, "p", "lie in [0, 1]", "2"),
    Case("binomial-p-above-1", lambda: models.Binomial(10).nll([3], p=1.5),
         VE, "p", "lie in [0, 1]", "1.5"),
    Case("binomial-p-negative", lambda: models.Binomial(3).nll([1], p=-0.1),
         VE, "p", "lie in [0, 1]", "-0.1"),
    Case("categorical-p-outside-unit", lambda: models.Categorical().nll([0], p=[1.5, -0.5]),
         VE, "p", "lie in [0, 1]", "1.5 at index 0"),
    Case("bce-p-hat-above-1", lambda: losses.binary_cross_entropy([1], [1.2]),
         VE, "p_hat", "lie in [0, 1]", "1.2 at index 0"),
    Case("bce-t-above-1", lambda: losses.binary_cross_entropy([2], [0.5]),
         VE, "t", "lie in [0, 1]", "2 at index 0"),
    Case("bce-grad-p-hat-negative", lambda: losses.binary_cross_entropy_grad([1], [-0.1]),
         VE, "p_hat", "lie in [0, 1]", "-0.1 at index 0"),
    Case("bce-logits-t-above-1", lambda: losses.binary_cross_entropy_with_logits([1.5], [0.0]),
         VE, "t", "lie in [0, 1]", "1.5 at index 0"),
    Case("self-information-p-above-1", lambda: information.self_information(1.5),
         VE, "p", "lie in [0, 1]", "1.5"),
    Case("entropy-entry-above-1", lambda: information.entropy([0.5, 1.5]),
         VE, "p", "lie in [0, 1]", "1.5 at index 1"),
    Case("kl-p-negative", lambda: information.kl_divergence([-0.5, 1.5], [0.5, 0.5]),
         VE, "p", "lie in [0, 1]", "-0.5 at index 0"),
    Case("net-sigmoid-target-above-1", lambda: _net(output="sigmoid").loss([[1.0, 2.0]], [2.0]),
         VE, "t", "lie in [0, 1]", "2 at index (0, 0)"),
    # -------------------------------------------------- probability vectors not summing to 1
    Case("categorical-p-sum-not-1", lambda: models.Categorical().nll([0], p=[0.5, 0.6]),
         VE, "p", "sum to 1 along its last axis", "a sum of 1.1"),
    Case("categorical-n-classes-p-sum-not-1",
         lambda: models.Categorical(n_classes=3).nll([0, 1], p=[0.2, 0.3, 0.6]),
         VE, "p", "sum to 1 along its last axis", "a sum of 1.1"),
    Case("ce-y-hat-sum-not-1", lambda: losses.cross_entropy([0], [[0.5, 0.6]]),
         VE, "y_hat", "sum to 1 along its last axis", "a sum of 1.1"),
    Case("ce-soft-target-sum-not-1", lambda: losses.cross_entropy([[0.5, 0.6]], [[0.5, 0.5]]),
         VE, "t", "sum to 1 along its last axis", "a sum of 1.1"),
    Case("entropy-sum-not-1", lambda: information.entropy([0.5, 0.6]),
         VE, "p", "sum to 1 along its last axis", "a sum of 1.1"),
    Case("info-ce-q-sum-not-1", lambda: information.cross_entropy([0.5, 0.5], [0.2, 0.2]),
         VE, "q", "sum to 1 along its last axis", "a sum of 0.4"),
    Case("kl-q-sum-not-1", lambda: information.kl_divergence([0.5, 0.5], [0.9, 0.9]),
         VE, "q", "sum to 1 along its last axis", "a sum of 1.8"),
    # ------------------------------------------------------- wrong number of classes
    Case("categorical-p-wrong-length",
         lambda: models.Categorical(n_classes=3).nll([0], p=[0.5, 0.5]),
         VE, "p", "have 3 entries along its last axis", "2"),
    Case("categorical-fixed-p-wrong-length", lambda: models.Categorical(n_classes=3, p=[0.5, 0.5]),
         VE, "p", "have 3 entries along its last axis", "2"),
    Case("categorical-n-classes-1", lambda: models.Categorical(n_classes=1),
         VE, "n_classes", "be an integer >= 2", "1"),
    Case("entropy-scalar", lambda: information.entropy(1.0),
         VE, "p", "be a vector of class probabilities", "1"),
    # ------------------------------------------------------------------- scales <= 0
    Case("gaussian-sigma-0", lambda: models.Gaussian().nll(H, mu=165.0, sigma=0.0),
         VE, "sigma", "be > 0", "0"),
    Case("gaussian-fixed-sigma-negative", lambda: models.Gaussian(sigma=-1.0),
         VE, "sigma", "be > 0", "-1"),
    Case("gaussian-sigma-grid-negative",
         lambda: models.Gaussian().nll(H, mu=165.0, sigma=[1.0, -2.0]),
         VE, "sigma", "be > 0", "-2 at index 1"),
    Case("laplace-b-0", lambda: models.Laplace().nll(H, mu=165.0, b=0),
         VE, "b", "be > 0", "0"),
    Case("laplace-b-negative", lambda: models.Laplace().nll([1.0], mu=0.0, b=-1.0),
         VE, "b", "be > 0", "-1"),
    Case("laplace-fixed-b-negative", lambda: models.Laplace(b=-0.5),
         VE, "b", "be > 0", "-0.5"),
    Case("gaussian-sample-sigma-0", lambda: models.Gaussian().sample(3, mu=0.0, sigma=0.0),
         VE, "sigma", "be > 0", "0"),
    # ------------------------------------------------------- non-binary Bernoulli data
    Case("bernoulli-data-2", lambda: models.Bernoulli().nll([1, 0, 2], p=0.5),
         VE, "x", "contain only 0 and 1", "2 at index 2"),
    Case("bernoulli-data-half", lambda: models.Bernoulli().nll([0.5], p=0.5),
         VE, "x", "contain only 0 and 1", "0.5 at index 0"),
    Case("bernoulli-mle-data-negative", lambda: models.Bernoulli().mle([1, -1]),
         VE, "x", "contain only 0 and 1", "-1 at index 1"),
    Case("bernoulli-data-2d", lambda: models.Bernoulli().nll([[1, 0]], p=0.5),
         VE, "x", "be 0-D or 1-D", "a 2-D input of shape (1, 2)"),
    Case("gaussian-data-2d", lambda: models.Gaussian().nll([[1.0, 2.0]], mu=0.0, sigma=1.0),
         VE, "x", "be 0-D or 1-D", "a 2-D input of shape (1, 2)"),
    # ------------------------------------------------------------------ Binomial counts
    Case("binomial-count-negative", lambda: models.Binomial(10).nll([-1], p=0.5),
         VE, "x", "be whole numbers in [0, 10]", "-1 at index 0"),
    Case("binomial-count-above-n", lambda: models.Binomial(10).nll([3, 11], p=0.5),
         VE, "x", "be whole numbers in [0, 10]", "11 at index 1"),
    Case("binomial-count-non-integer", lambda: models.Binomial(10).nll([2.5], p=0.5),
         VE, "x", "be whole numbers in [0, 10]", "2.5 at index 0"),
    Case("binomial-n-0", lambda: models.Binomial(0),
         VE, "n", "be an integer >= 1", "0"),
    Case("binomial-n-float", lambda: models.Binomial(2.5),
         TE, "n", "be an integer", "2.5"),
    # ------------------------------------------------------ labels out of range / non-integer
    Case("categorical-label-above-k",
         lambda: models.Categorical(n_classes=3).nll([0, 3], p=[0.2, 0.3, 0.5]),
         VE, "x", "be integer class labels in [0, 2]", "3 at index 1"),
    Case("categorical-label-non-integer",
         lambda: models.Categorical().nll([0, 1.5], p=[0.5, 0.5]),
         VE, "x", "be non-negative integer class labels", "1.5 at index 1"),
    Case("categorical-label-negative", lambda: models.Categorical().nll([-1], p=[0.5, 0.5]),
         VE, "x", "be non-negative integer class labels", "-1 at index 0"),
    Case("categorical-label-beyond-p", lambda: models.Categorical().nll([2], p=[0.5, 0.5]),
         VE, "x", "be integer class labels in [0, 1]", "2 at index 0"),
    Case("categorical-n-classes-label-negative",
         lambda: models.Categorical(n_classes=3).nll([-1, 0], p=[0.2, 0.3, 0.5]),
         VE, "x", "be integer class labels in [0, 2]", "-1 at index 0"),
    Case("ce-label-out-of-range", lambda: losses.cross_entropy([2], [[0.5, 0.5]]),
         VE, "t", "be integer class labels in [0, 1]", "2 at index 0"),
    Case("ce-label-non-integer", lambda: losses.cross_entropy([0.5], [[0.5, 0.5]]),
         VE, "t", "be integer class labels in [0, 1]", "0.5 at index 0"),
    Case("ce-logits-label-negative", lambda: losses.cross_entropy_with_logits([-1], [[1.0, 2.0]]),
         VE, "t", "be integer class labels in [0, 1]", "-1 at index 0"),
    Case("ce-target-wrong-shape",
         lambda: losses.cross_entropy([0, 1, 0], [[0.5, 0.5], [0.5, 0.5]]),
         VE, "t", "be integer labels of shape (2,) or one-hot rows of shape (2, 2)",
         "shape (3,)"),
    Case("net-softmax-label-out-of-range", lambda: _softmax_net().loss([[1.0, 2.0]], [3]),
         VE, "t", "be integer class labels in [0, 2]", "3 at index 0"),
    Case("net-softmax-label-non-integer", lambda: _softmax_net().loss([[1.0, 2.0]], [1.5]),
         VE, "t", "be integer class labels in [0, 2]", "1.5 at index 0"),
    Case("net-softmax-label-negative", lambda: _softmax_net().loss([[1.0, 2.0]], [-1]),
         VE, "t", "be integer class labels in [0, 2]", "-1 at index 0"),
    # ---------------------------------------------------------------- mismatched shapes
    *[Case(f"{name.replace('_', '-')}-shape", (lambda f=getattr(losses, name): f([1.0, 2.0],
                                                                              [1.0, 2.0, 3.0])),
           VE, "y_hat and t", "have the same shape", "(3,) and (2,)")
      for name in ("mse", "sse", "mae")],
    *[Case(f"{name.replace('_', '-')}-shape", (lambda f=getattr(losses, name): f([1.0, 2.0],
                                                                              [1.0, 2.0, 3.0])),
           VE, "y_hat and t", "have the same shape", "(3,) and (2,)")
      for name in ("mse_grad", "sse_grad", "mae_grad")],
    Case("bce-shape", lambda: losses.binary_cross_entropy([1], [0.5, 0.5]),
         VE, "p_hat and t", "have the same shape", "(2,) and (1,)"),
    Case("bce-grad-shape", lambda: losses.binary_cross_entropy_grad([1], [0.5, 0.5]),
         VE, "p_hat and t", "have the same shape", "(2,) and (1,)"),
    Case("bce-logits-shape", lambda: losses.binary_cross_entropy_with_logits([1], [0.0, 0.0]),
         VE, "logits and t", "have the same shape", "(2,) and (1,)"),
    Case("bce-logits-grad-shape",
         lambda: losses.binary_cross_entropy_with_logits_grad([1], [0.0, 0.0]),
         VE, "logits and t", "have the same shape", "(2,) and (1,)"),
    Case("ce-grad-target-shape", lambda: losses.cross_entropy_grad([0, 1], [[0.5, 0.5]]),
         VE, "t", "be integer labels of shape (1,) or one-hot rows of shape (1, 2)",
         "shape (2,)"),
    Case("ce-logits-grad-target-shape",
         lambda: losses.cross_entropy_with_logits_grad([[1.0, 0.0, 0.0]], [[0.0, 0.0]]),
         VE, "t", "be integer labels of shape (1,) or one-hot rows of shape (1, 2)",
         "shape (1, 3)"),
    Case("softmax-grad-output-shape",
         lambda: losses.softmax_grad([0.0, 0.0], grad_output=[1.0, 0.0, 0.0]),
         VE, "grad_output and logits", "have the same shape", "(3,) and (2,)"),
    Case("log-softmax-grad-output-shape",
         lambda: losses.log_softmax_grad([0.0, 0.0], grad_output=[1.0]),
         VE, "grad_output and logits", "have the same shape", "(1,) and (2,)"),
    Case("relative-error-shape", lambda: gradcheck.relative_error([1.0, 2.0], [1.0]),
         VE, "a and b", "have the same shape", "(2,) and (1,)"),
    Case("kl-outcomes-differ",
         lambda: information.kl_divergence([0.5, 0.5], [0.2, 0.3, 0.5]),
         VE, "p and q", "have the same number of outcomes (last axis)", "2 and 3"),
    # leading (batch) axes that do not broadcast must be caught too, not left to numpy
    Case("kl-leading-axes-differ",
         lambda: information.kl_divergence(np.full((2, 2), 0.5), np.full((3, 2), 0.5)),
         EITHER, "p and q", "", ""),
    Case("info-ce-leading-axes-differ",
         lambda: information.cross_entropy(np.full((2, 2), 0.5), np.full((3, 2), 0.5)),
         EITHER, "p and q", "", ""),
    Case("sgd-data-lengths-differ",
         lambda: optim.sgd(lambda th, x, t: 0.0, 0.0, (np.arange(3.0), np.arange(4.0))),
         VE, "data", "be arrays with the same number of samples (first axis)",
         "[(3,), (4,)]"),
    Case("net-target-shape", lambda: _net().loss([[1.0, 2.0]], [1.0, 2.0]),
         VE, "t", "have shape (1, 1) to match the network output", "shape (2,)"),
    # -------------------------------------------------------------------------- empty
    Case("mse-empty", lambda: losses.mse([], []),
         VE, "y_hat", "contain at least one value", "an empty array"),
    Case("bernoulli-empty", lambda: models.Bernoulli().nll([], p=0.5),
         VE, "x", "contain at least one value", "an empty array"),
    Case("gaussian-mle-empty", lambda: models.Gaussian().mle([]),
         VE, "x", "contain at least one value", "an empty array"),
    Case("softmax-empty", lambda: losses.softmax([]),
         VE, "logits", "contain at least one value", "an empty array"),
    Case("entropy-empty", lambda: information.entropy([]),
         VE, "p", "contain at least one value", "an empty array"),
    Case("ce-empty", lambda: losses.cross_entropy([], []),
         VE, "y_hat", "contain at least one value", "an empty array"),
    Case("gd-theta0-empty", lambda: optim.gradient_descent(zero_grad, []),
         VE, "theta0", "contain at least one value", "an empty array"),
    Case("sgd-data-empty", lambda: optim.sgd(lambda th, x: 0.0, 0.0, []),
         VE, "data[0]", "contain at least one value", "an empty array"),
    Case("numgrad-x-empty", lambda: gradcheck.numerical_gradient(lambda w: 0.0, []),
         VE, "x", "contain at least one value", "an empty array"),
    # ---------------------------------------------------------------------- NaN and inf
    Case("gaussian-data-nan", lambda: models.Gaussian().nll([1.0, np.nan], mu=0.0, sigma=1.0),
         VE, "x", "contain only finite numbers", "nan at index 1"),
    Case("gaussian-mu-inf", lambda: models.Gaussian().nll([1.0], mu=np.inf, sigma=1.0),
         VE, "mu", "contain only finite numbers", "inf"),
    Case("mse-inf", lambda: losses.mse([0.0], [np.inf]),
         VE, "y_hat", "contain only finite numbers", "inf at index 0"),
    Case("bce-logits-nan", lambda: losses.binary_cross_entropy_with_logits([1.0], [np.nan]),
         VE, "logits", "contain only finite numbers", "nan at index 0"),
    Case("softmax-minus-inf", lambda: losses.softmax([1.0, -np.inf]),
         VE, "logits", "contain only finite numbers", "-inf at index 1"),
    Case("logsumexp-nan", lambda: losses.logsumexp([np.nan]),
         VE, "logits", "contain only finite numbers", "nan at index 0"),
    Case("bernoulli-p-nan", lambda: models.Bernoulli().nll(X, p=np.nan),
         VE, "p", "contain only finite numbers", "nan"),
    Case("gd-theta0-nan", lambda: optim.gradient_descent(zero_grad, np.nan),
         VE, "theta0", "contain only finite numbers", "nan"),
    Case("gd-lr-nan", lambda: optim.gradient_descent(zero_grad, 0.0, lr=np.nan),
         VE, "lr", "contain only finite numbers", "nan"),
    Case("value-nan", lambda: Value(np.nan),
         VE, "data", "contain only finite numbers", "nan"),
    Case("relative-error-nan", lambda: gradcheck.relative_error([np.nan], [1.0]),
         VE, "a", "contain only finite numbers", "nan at index 0"),
    Case("sigmoid-inf", lambda: nn.sigmoid([np.inf]),
         VE, "z", "contain only finite numbers", "inf at index 0"),
    Case("net-input-nan", lambda: _net().forward([[1.0, np.nan]]),
         VE, "x", "contain only finite numbers", "nan at index (0, 1)"),
    Case("toy-regression-slope-inf", lambda: datasets.toy_regression(5, slope=np.inf),
         VE, "slope", "contain only finite numbers", "inf"),
    # ----------------------------------------------------------- None, strings, wrong types
    Case("bernoulli-data-none", lambda: models.Bernoulli().nll(None, p=0.5),
         TE, "x", "be a number or an array of numbers", "None"),
    Case("gaussian-data-string", lambda: models.Gaussian().nll("abc", mu=0.0, sigma=1.0),
         TE, "x", "be a number or an array of numbers", "the string 'abc'"),
    Case("bernoulli-data-digit-string", lambda: models.Bernoulli().nll("1011", p=0.5),
         TE, "x", "be a number or an array of numbers", "the string '1011'"),
    Case("gaussian-data-text-list", lambda: models.Gaussian().nll(["a", "b"], mu=0.0, sigma=1.0),
         TE, "x", "be a number or an array of numbers", "a list of length 2"),
    Case("bernoulli-data-numeric-strings", lambda: models.Bernoulli().nll(["1", "0", "1"], p=0.5),
         TE, "x", "be a number or an array of numbers", "a list of length 3"),
    Case("gaussian-mu-string", lambda: models.Gaussian().nll([1.0], mu="zero", sigma=1.0),
         TE, "mu", "be a number or an array of numbers", "the string 'zero'"),
    Case("bernoulli-p-none", lambda: models.Bernoulli().nll(X, p=None),
         TE, "p", "be a number or an array of numbers", "None"),
    Case("mse-none", lambda: losses.mse([1.0], None),
         TE, "y_hat", "be a number or an array of numbers", "None"),
    Case("mse-mixed-list", lambda: losses.mse([1, "a"], [1.0, 2.0]),
         TE, "t", "be a number or an array of numbers", "a list of length 2"),
    Case("mse-ragged", lambda: losses.mse([1.0, 2.0], [[1.0, 2.0], [3.0]]),
         TE, "y_hat", "be a number or an array of numbers", "a list of length 2"),
    Case("softmax-string", lambda: losses.softmax("abc"),
         TE, "logits", "be a number or an array of numbers", "the string 'abc'"),
    Case("entropy-none", lambda: information.entropy(None),
         TE, "p", "be a number or an array of numbers", "None"),
    Case("self-information-string", lambda: information.self_information("half"),
         TE, "p", "be a number or an array of numbers", "the string 'half'"),
    Case("gd-theta0-string", lambda: optim.gradient_descent(zero_grad, "a"),
         TE, "theta0", "be a number or an array of numbers", "the string 'a'"),
    Case("gd-lr-string", lambda: optim.gradient_descent(zero_grad, 0.0, lr="fast"),
         TE, "lr", "be a number or an array of numbers", "the string 'fast'"),
    Case("gd-steps-string", lambda: optim.gradient_descent(zero_grad, 0.0, steps="10"),
         TE, "steps", "be an integer", "the string '10'"),
    Case("gd-steps-float", lambda: optim.gradient_descent(zero_grad, 0.0, steps=2.5),
         TE, "steps", "be an integer", "2.5"),
    Case("value-string", lambda: Value("a"),
         TE, "data", "be a number or an array of numbers", "the string 'a'"),
    Case("value-plus-string", lambda: Value(1.0) + "a",
         TE, "the other operand", "be a Value or a real number", "the string 'a'"),
    Case("value-times-none", lambda: Value(1.0) * None,
         TE, "the other operand", "be a Value or a real number", "None"),
    Case("value-plus-array", lambda: Value(1.0) + np.array([2.0, 3.0]),
         TE, "the other operand", "be a Value or a real number", "an array of shape (2,)"),
    Case("value-pow-value", lambda: Value(2.0) ** Value(2.0),
         TE, "the exponent", "be a plain number", "an object of type Value"),
    Case("relative-error-none", lambda: gradcheck.relative_error(None, [1.0]),
         TE, "a", "be a number or an array of numbers", "None"),
    Case("numgrad-x-string", lambda: gradcheck.numerical_gradient(lambda w: 0.0, "x"),
         TE, "x", "be a number or an array of numbers", "the string 'x'"),
    Case("toy-regression-n-string", lambda: datasets.toy_regression("5"),
         TE, "n", "be an integer", "the string '5'"),
    Case("penguins-dropna-string", lambda: datasets.penguins(dropna="yes"),
         TE, "dropna", "be True or False", "the string 'yes'"),
    Case("relu-none", lambda: nn.relu(None),
         TE, "z", "be a number or an array of numbers", "None"),
    Case("net-input-string", lambda: _net().forward("abc"),
         TE, "x", "be a number or an array of numbers", "the string 'abc'"),
    Case("toy-classification-spread-string",
         lambda: datasets.toy_classification(10, spread="wide"),
         TE, "spread", "be a number or an array of numbers", "the string 'wide'"),
    Case("leaky-relu-slope-string", lambda: nn.leaky_relu([1.0], slope="a"),
         TE, "slope", "be a number or an array of numbers", "the string 'a'"),
    # ------------------------------------------------------------------ model keywords
    Case("model-unknown-keyword", lambda: models.Bernoulli().nll(X, q=0.5),
         TE, "nll() keyword 'q'", "be one of ('p',)", "q=0.5"),
    Case("model-unknown-keyword-two-params",
         lambda: models.Gaussian().nll([1.0], mu=0.0, sigma=1.0, s=2.0),
         TE, "nll() keyword 's'", "be one of ('mu', 'sigma')", "s=2"),
    Case("model-unknown-keyword-loglik", lambda: models.Bernoulli().log_likelihood([1], q=0.5),
         TE, "log_likelihood() keyword 'q'", "be one of ('p',)", "q=0.5"),
    Case("model-missing-parameter", lambda: models.Bernoulli().nll(X),
         TE, "nll()", "be given the parameter p", "no value for it"),
    Case("model-missing-parameter-grad", lambda: models.Bernoulli().nll_grad([1, 0]),
         TE, "nll_grad()", "be given the parameter p", "no value for it"),
    Case("model-fixed-parameter-passed",
         lambda: models.Gaussian(sigma=1.0).nll(H, mu=165.0, sigma=2.0),
         TE, "sigma", "not be passed: it is fixed for this model", "sigma=2"),
    Case("model-fixed-parameter-array", lambda: models.Gaussian(mu=[1.0, 2.0]),
         VE, "mu", "be a single number when fixed", "[1, 2]"),
    Case("gaussian-mle-no-spread", lambda: models.Gaussian().mle([3.0, 3.0, 3.0]),
         VE, "x", "contain at least two different values to estimate sigma",
         "3 identical value(s)"),
    Case("laplace-mle-no-spread", lambda: models.Laplace().mle([1.0]),
         VE, "x", "contain at least two different values to estimate b",
         "1 identical value(s)"),
    # ------------------------------------------------------------------------ reduction
    *[Case(f"reduction-{name}", (lambda f=getattr(losses, name), args=args: f(*args,
                                                                             reduction="avg")),
           VE, "reduction", 'be "mean", "sum" or "none"', "the string 'avg'")
      for name, args in [
          ("mse", ([1.0], [0.0])), ("mse_grad", ([1.0], [0.0])),
          ("sse", ([1.0], [0.0])), ("sse_grad", ([1.0], [0.0])),
          ("mae", ([1.0], [0.0])), ("mae_grad", ([1.0], [0.0])),
          ("binary_cross_entropy", ([0.5], [1.0])),
          ("binary_cross_entropy_grad", ([0.5], [1.0])),
          ("binary_cross_entropy_with_logits", ([0.0], [1.0])),
          ("binary_cross_entropy_with_logits_grad", ([0.0], [1.0])),
          ("cross_entropy", ([[0.5, 0.5]], [0])), ("cross_entropy_grad", ([[0.5, 0.5]], [0])),
          ("cross_entropy_with_logits", ([[0.0, 0.0]], [0])),
          ("cross_entropy_with_logits_grad", ([[0.0, 0.0]], [0])),
      ]],
    Case("nll-reduction-total", lambda: models.Bernoulli().nll(X, p=0.5, reduction="total"),
         VE, "reduction", 'be "mean", "sum" or "none"', "the string 'total'"),
    Case("nll-grad-reduction-none", lambda: models.Bernoulli().nll_grad(X, p=0.5, reduction=None),
         EITHER, "reduction", 'be "mean" or "sum"', "None"),
    # ----------------------------------------------------------------------------- unit
    Case("unit-self-information", lambda: information.self_information(0.5, unit="bytes"),
         VE, "unit", 'be "nats" or "bits"', "the string 'bytes'"),
    Case("unit-entropy", lambda: information.entropy([0.5, 0.5], unit="log2"),
         VE, "unit", 'be "nats" or "bits"', "the string 'log2'"),
    Case("unit-cross-entropy", lambda: information.cross_entropy([0.5, 0.5], [0.5, 0.5],
                                                                 unit="nat"),
         VE, "unit", 'be "nats" or "bits"', "the string 'nat'"),
    Case("unit-kl", lambda: information.kl_divergence([0.5, 0.5], [0.5, 0.5], unit="Bits"),
         VE, "unit", 'be "nats" or "bits"', "the string 'Bits'"),
    # a non-string unit or reduction is the wrong kind of object: either error type is fine
    Case("unit-int", lambda: information.entropy([0.5, 0.5], unit=2),
         EITHER, "unit", 'be "nats" or "bits"', "2"),
    # -------------------------------------------------------------------- softmax family
    Case("softmax-scalar", lambda: losses.softmax(3.0),
         VE, "logits", "have at least one axis (one score per class)", "3"),
    Case("logsumexp-axis-out-of-range", lambda: losses.logsumexp([1.0, 2.0], axis=5),
         EITHER, "axis", "", "5"),
    Case("softmax-axis-out-of-range", lambda: losses.softmax([[1.0, 2.0]], axis=2),
         EITHER, "axis", "", "2"),
    # ---------------------------------------------------------------------------- optim
    Case("gd-grad-int", lambda: optim.gradient_descent(3, 0.0),
         TE, "grad", "be a function grad(theta) -> array", "3"),
    Case("gd-grad-string", lambda: optim.gradient_descent("f", 0.0),
         TE, "grad", "be a function grad(theta) -> array", "the string 'f'"),
    Case("sgd-grad-none", lambda: optim.sgd(None, 0.0, [1.0, 2.0]),
         TE, "grad", "be a function grad(theta, *batch) -> array", "None"),
    Case("gd-lr-0", lambda: optim.gradient_descent(zero_grad, 0.0, lr=0.0),
         VE, "lr", "be > 0", "0"),
    Case("gd-lr-negative", lambda: optim.gradient_descent(zero_grad, 0.0, lr=-0.1),
         VE, "lr", "be > 0", "-0.1"),
    Case("sgd-lr-0", lambda: optim.sgd(lambda th, x: 0.0, 0.0, [1.0, 2.0], lr=0),
         VE, "lr", "be > 0", "0"),
    Case("gd-steps-negative", lambda: optim.gradient_descent(zero_grad, 0.0, steps=-1),
         VE, "steps", "be an integer >= 0", "-1"),
    # True is a bool, not a step count (check_int means to reject bools)
    Case("gd-steps-true", lambda: optim.gradient_descent(zero_grad, 0.0, steps=True),
         TE, "steps", "be an integer", "True"),
    Case("sgd-epochs-0", lambda: optim.sgd(lambda th, x: 0.0, 0.0, [1.0, 2.0], epochs=0),
         VE, "epochs", "be an integer >= 1", "0"),
    Case("gd-grad-shape-scalar",
         lambda: optim.gradient_descent(lambda th: np.array([1.0, 2.0]), 0.0),
         VE, "grad(theta)", "return an array of the same shape as theta ()", "shape (2,)"),
    Case("gd-grad-shape-vector", lambda: optim.gradient_descent(lambda th: 1.0, [0.0, 0.0]),
         VE, "grad(theta)", "return an array of the same shape as theta (2,)", "shape ()"),
    Case("gd-grad-returns-string", lambda: optim.gradient_descent(lambda th: "abc", 0.0),
         TE, "grad(theta)", "return numbers", "the string 'abc'"),
    # a grad function that forgets `return` must not look like a divergence
    Case("gd-grad-returns-none", lambda: optim.gradient_descent(lambda th: None, 0.5),
         TE, "grad(theta)", "return numbers", "None"),
    Case("sgd-batch-size-above-n",
         lambda: optim.sgd(lambda th, x: 0.0, 0.0, [1.0, 2.0, 3.0], batch_size=5),
         VE, "batch_size", "be at most the number of samples (3)", "5"),
    Case("sgd-batch-size-0", lambda: optim.sgd(lambda th, x: 0.0, 0.0, [1.0, 2.0], batch_size=0),
         VE, "batch_size", "be an integer >= 1", "0"),
    Case("gd-domain-reversed", lambda: optim.gradient_descent(zero_grad, 0.5, domain=(1, 0)),
         VE, "domain", "be a pair (low, high) with low < high", "(1, 0)"),
    Case("gd-domain-short", lambda: optim.gradient_descent(zero_grad, 0.5, domain=(0,)),
         VE, "domain", "be a pair (low, high) with low < high", "(0,)"),
    Case("gd-domain-string", lambda: optim.gradient_descent(zero_grad, 0.5, domain="01"),
         VE, "domain", "be a pair (low, high) with low < high", "the string '01'"),
    Case("gd-start-outside-domain",
         lambda: optim.gradient_descent(zero_grad, 1.5, domain=(0, 1)),
         VE, "theta0", "lie inside the domain (0, 1)", "1.5"),
    Case("gd-start-on-domain-edge",
         lambda: optim.gradient_descent(zero_grad, 0.0, domain=(0, 1)),
         VE, "theta0", "lie inside the domain (0, 1)", "0"),
    Case("gd-loss-int", lambda: optim.gradient_descent(zero_grad, 0.0, loss=5),
         TE, "loss", "be a function loss(theta, ...) -> float", "5"),
    Case("gd-loss-returns-array",
         lambda: optim.gradient_descent(zero_grad, 0.0, loss=lambda th: np.zeros(2)),
         TE, "loss(theta)", "return a single number", "an array of shape (2,)"),
    Case("gd-loss-infinite-at-start",
         lambda: optim.gradient_descent(zero_grad, 0.0, loss=lambda th: np.inf),
         VE, "theta0", "give a finite starting loss", "loss = inf"),
    Case("gd-loss-returns-string",
         lambda: optim.gradient_descent(zero_grad, 0.0, loss=lambda th: "abc"),
         TE, "loss(theta)", "return a single number", "the string 'abc'"),
    Case("gd-tol-string", lambda: optim.gradient_descent(zero_grad, 0.0, tol="small"),
         TE, "tol", "be a number or an array of numbers", "the string 'small'"),
    Case("gd-max-abs-none", lambda: optim.gradient_descent(zero_grad, 0.0, max_abs=None),
         TE, "max_abs", "be a number or an array of numbers", "None"),
    Case("sgd-rng-string", lambda: optim.sgd(lambda th, x: 0.0, 0.0, [1.0, 2.0], rng="seed"),
         TE, "rng", "be None, an int seed or a numpy Generator", "the string 'seed'"),
    Case("minibatches-batch-size-0",
         lambda: list(optim.minibatches(np.arange(3.0), batch_size=0)),
         VE, "batch_size", "be an integer >= 1", "0"),
    Case("minibatches-no-arrays", lambda: list(optim.minibatches(batch_size=2)),
         VE, "data", "hold at least one array", "an empty tuple"),
    # ------------------------------------------------------------------------------- nn
    Case("net-hidden-unknown", lambda: _net(hidden="softplus"),
         VE, "hidden", "be one of ['identity', 'leaky_relu', 'relu', 'sigmoid', 'tanh']",
         "the string 'softplus'"),
    Case("net-output-unknown", lambda: _net(output="linear"),
         VE, "output", "be one of ['identity', 'sigmoid', 'softmax']", "the string 'linear'"),
    Case("net-loss-ce-identity", lambda: _net(loss="ce"),
         VE, "loss", "be one of ('mse',) for output='identity'", "the string 'ce'"),
    Case("net-loss-bce-softmax", lambda: nn.TwoLayerNet(2, 3, 3, output="softmax", loss="bce"),
         VE, "loss", "be one of ('ce',) for output='softmax'", "the string 'bce'"),
    Case("net-loss-mse-softmax", lambda: nn.TwoLayerNet(2, 3, 3, output="softmax", loss="mse"),
         VE, "loss", "be one of ('ce',) for output='softmax'", "the string 'mse'"),
    Case("net-softmax-one-output", lambda: nn.TwoLayerNet(2, 3, 1, output="softmax"),
         VE, "n_out", "be >= 2 for a softmax head", "1"),
    Case("net-n-in-0", lambda: nn.TwoLayerNet(0, 3),
         VE, "n_in", "be an integer >= 1", "0"),
    Case("net-n-hidden-float", lambda: nn.TwoLayerNet(2, 1.5),
         TE, "n_hidden", "be an integer", "1.5"),
    Case("net-features-too-many", lambda: _net().forward([[1.0, 2.0, 3.0]]),
         VE, "x", "have n_in = 2 features per row", "shape (1, 3)"),
    Case("net-features-1d-too-many", lambda: _net().predict([1.0, 2.0, 3.0]),
         VE, "x", "have n_in = 2 features per row", "shape (1, 3)"),
    Case("net-input-3d", lambda: _net().forward(np.zeros((1, 1, 2))),
         VE, "x", "be 1-D or 2-D", "a 3-D input of shape (1, 1, 2)"),
    Case("net-rng-string", lambda: nn.TwoLayerNet(2, 3, rng="seed"),
         TE, "rng", "be None, an int seed or a numpy Generator", "the string 'seed'"),
    Case("net-step-unknown-key", lambda: _net().step({"W3": np.zeros((2, 3))}, lr=0.1),
         VE, "grads['W3']", "match a parameter of this network and its shape", "shape (2, 3)"),
    # ------------------------------------------------------------------------ gradcheck
    Case("numgrad-f-int", lambda: gradcheck.numerical_gradient(3, 1.0),
         TE, "f", "be a function f(x) -> float", "3"),
    Case("numgrad-eps-0", lambda: gradcheck.numerical_gradient(lambda w: w**2, 1.0, eps=0.0),
         VE, "eps", "be > 0", "0"),
    Case("numgrad-f-returns-array",
         lambda: gradcheck.numerical_gradient(lambda w: np.array([w, w]), 1.0),
         TE, "f(x)", "return a single number", "an array of shape (2,)"),
    Case("numgrad-f-returns-string", lambda: gradcheck.numerical_gradient(lambda w: "abc", 1.0),
         TE, "f(x)", "return a single number", "the string 'abc'"),
    # an f that forgets `return` must not give a silent NaN gradient
    Case("numgrad-f-returns-none", lambda: gradcheck.numerical_gradient(lambda w: None, 1.0),
         TE, "f(x)", "return a single number", "None"),
    # ------------------------------------------------------------------------- datasets
    Case("toy-regression-n-0", lambda: datasets.toy_regression(0),
         VE, "n", "be an integer >= 1", "0"),
    Case("toy-regression-n-negative", lambda: datasets.toy_regression(-5),
         VE, "n", "be an integer >= 1", "-5"),
    Case("toy-classification-n-0", lambda: datasets.toy_classification(0),
         VE, "n", "be an integer >= 1", "0"),
    Case("toy-regression-noise-0", lambda: datasets.toy_regression(5, noise=0.0),
         VE, "noise", "be > 0", "0"),
    Case("toy-regression-noise-negative", lambda: datasets.toy_regression(5, noise=-1.0),
         VE, "noise", "be > 0", "-1"),
    # noise is one standard deviation: an array must get mlekit's message, not numpy's
    Case("toy-regression-noise-array", lambda: datasets.toy_regression(5, noise=[1.0, 2.0]),
         EITHER, "noise", "be", ""),
    Case("toy-classification-spread-0", lambda: datasets.toy_classification(10, spread=0),
         VE, "spread", "be > 0", "0"),
    Case("toy-classification-spread-array",
         lambda: datasets.toy_classification(10, spread=[1.0, 2.0]),
         EITHER, "spread", "be", ""),
    Case("toy-classification-one-class", lambda: datasets.toy_classification(10, n_classes=1),
         VE, "n_classes", "be an integer >= 2", "1"),
    Case("toy-regression-x-range-reversed", lambda: datasets.toy_regression(5, x_range=(5, 0)),
         VE, "x_range", "be a pair of finite numbers (low, high) with low < high", "(5, 0)"),
    Case("toy-regression-x-range-infinite",
         lambda: datasets.toy_regression(5, x_range=(0, np.inf)),
         VE, "x_range", "be a pair of finite numbers (low, high) with low < high", "(0, inf)"),
    Case("toy-regression-x-range-three", lambda: datasets.toy_regression(5, x_range=(0, 1, 2)),
         VE, "x_range", "be a pair of finite numbers (low, high) with low < high", "(0, 1, 2)"),
    Case("toy-regression-x-range-scalar", lambda: datasets.toy_regression(5, x_range=5),
         VE, "x_range", "be a pair of finite numbers (low, high) with low < high", "5"),
    Case("toy-regression-x-range-string", lambda: datasets.toy_regression(5, x_range="0-5"),
         VE, "x_range", "be a pair of finite numbers (low, high) with low < high", "the string '0-5'"),
    Case("toy-regression-rng-string", lambda: datasets.toy_regression(5, rng="seed"),
         TE, "rng", "be None, an int seed or a numpy Generator", "the string 'seed'"),
    # ------------------------------------------------------------------------- autodiff
    # (division by zero and exp overflow keep Python's own ArithmeticError subclasses)
    Case("value-log-0", lambda: Value(0.0).log(),
         VE, "the input to log", "be > 0", "0"),
    Case("value-log-negative", lambda: Value(-1.0).log(),
         VE, "the input to log", "be > 0", "-1"),
    Case("value-divide-by-0", lambda: Value(1.0) / 0,
         ZeroDivisionError, "the divisor", "be non-zero", "0"),
    Case("value-divide-by-value-0", lambda: Value(1.0) / Value(0.0),
         ZeroDivisionError, "the divisor", "be non-zero", "0"),
    Case("value-number-over-0", lambda: 1.0 / Value(0.0),
         ZeroDivisionError, "the divisor", "be non-zero", "0"),
    Case("value-pow-negative-of-0", lambda: Value(0.0) ** -1,
         VE, "the base", "be non-zero for the power -1", "0"),
    Case("value-sqrt-negative", lambda: Value(-2.0) ** 0.5,
         VE, "the base", "be positive for the non-integer power 0.5", "-2"),
    Case("value-exp-overflow", lambda: Value(1000.0).exp(),
         OverflowError, "the input to exp", "be below about 709", "1000"),
    # --------------------------------------------------------------------------- sample()
    Case("sample-n-0", lambda: models.Bernoulli().sample(0, p=0.5),
         VE, "n", "be an integer >= 1", "0"),
    Case("sample-n-negative", lambda: models.Gaussian().sample(-3, mu=0.0, sigma=1.0),
         VE, "n", "be an integer >= 1", "-3"),
    Case("sample-n-float", lambda: models.Bernoulli().sample(2.5, p=0.5),
         TE, "n", "be an integer", "2.5"),
    Case("sample-n-string", lambda: models.Bernoulli().sample("10", p=0.5),
         TE, "n", "be an integer", "the string '10'"),
    # True is a bool, not a sample size (check_int means to reject bools)
    Case("sample-n-true", lambda: models.Bernoulli().sample(True, p=0.5),
         TE, "n", "be an integer", "True"),
    Case("sample-rng-string", lambda: models.Bernoulli().sample(3, p=0.5, rng="seed"),
         TE, "rng", "be None, an int seed or a numpy Generator", "the string 'seed'"),
    Case("sample-rng-float", lambda: models.Bernoulli().sample(3, p=0.5, rng=1.5),
         TE, "rng", "be None, an int seed or a numpy Generator", "1.5"),
    Case("sample-rng-true", lambda: models.Bernoulli().sample(3, p=0.5, rng=True),
         TE, "rng", "be None, an int seed or a numpy Generator", "True"),
    # numpy seeds must be >= 0; mlekit should say so before numpy does
    Case("sample-rng-negative", lambda: models.Bernoulli().sample(3, p=0.5, rng=-1),
         EITHER, "rng", "", "-1"),
    Case("sample-rng-legacy",
         lambda: models.Bernoulli().sample(3, p=0.5, rng=np.random.RandomState(0)),
         TE, "rng", "be None, an int seed or a numpy Generator",
         "an object of type RandomState"),
    Case("sample-p-grid", lambda: models.Bernoulli().sample(3, p=[0.2, 0.3]),
         VE, "p", "be a single value when sampling", "an array of shape (2,)"),
]

CASE_PARAMS = [pytest.param(case, id=case.id) for case in CASES]

# Messages that mean numpy or Python failed before mlekit's validation ran
NUMPY_INTERNAL_PHRASES = [
    "could not convert",
    "operands could not be broadcast",
    "is out of bounds for array",
    "only 0-dimensional arrays",
    "only length-1 arrays",
    "expected non-negative integer",
    "probabilities do not sum to 1",
    "cannot be interpreted as an integer",
    "truth value of an array",
    "unsupported operand type",
    "object is not callable",
    "numerical result out of range",
]


def _run(case: Case) -> BaseException | None:
    """Call the case and return the exception it raised (None if it returned)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            case.call()
    except Exception as exc:          # noqa: BLE001 - every exception is inspected
        return exc
    return None


# ---------------------------------------------------------------- one test per row
def test_case_ids_are_unique():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_bad_input_raises_clear_error(case):
    # the message names the argument, what was expected and what arrived
    with pytest.raises(case.exc, match=case.pattern()):
        case.call()


# -------------------------------------------------------- checks over every message
def _messages():
    out = {}
    for case in CASES:
        exc = _run(case)
        if exc is not None:
            out[case.id] = f"{type(exc).__name__}: {exc}"
    return out


def test_no_message_is_a_bare_numpy_error():
    # validation must run before numpy (or Python) fails with its own wording
    offenders = {cid: msg for cid, msg in _messages().items()
                 if any(phrase in msg.lower() for phrase in NUMPY_INTERNAL_PHRASES)}
    assert not offenders, "numpy-internal messages:\n" + "\n".join(
        f"  {cid}: {msg}" for cid, msg in offenders.items())


# "<arg> must <expected>, got <what arrived>. <Fix.>" - the fix is the last sentence
FIX_SENTENCE = re.compile(r" must .+?, got .+?\. (?P<fix>\S.*\.)$", re.DOTALL)


def test_every_message_ends_with_a_fix_sentence():
    offenders = {}
    for cid, msg in _messages().items():
        text = msg.split(": ", 1)[1]
        match = FIX_SENTENCE.search(text)
        if match is None or len(match.group("fix").split()) < 2:
            offenders[cid] = msg
    assert not offenders, "messages without a fix sentence:\n" + "\n".join(
        f"  {cid}: {msg}" for cid, msg in offenders.items())


def test_every_error_is_value_or_type_error_or_documented_arithmetic():
    # ValueError / TypeError everywhere; autodiff keeps ZeroDivisionError and OverflowError
    allowed = (ValueError, TypeError, ZeroDivisionError, OverflowError)
    wrong = {c.id: repr(e) for c in CASES if (e := _run(c)) is not None
             and not isinstance(e, allowed)}
    assert not wrong, wrong


def test_module_docstring_lists_every_bad_input():
    doc = __doc__
    # the reduction rows are listed once, as reduction-<loss>
    missing = [c.id for c in CASES if c.id not in doc and not c.id.startswith("reduction-")]
    assert not missing, f"add these rows to the module docstring: {missing}"
    # and the docstring names no row that does not exist
    listed = set(re.findall(r"\b[a-z0-9]+(?:-[a-z0-9]+)+\b", doc.split("-----\n", 1)[1]))
    ids = {c.id for c in CASES}
    stale = sorted(i for i in listed if i not in ids and not i.startswith("reduction-")
                   and i not in {"one-hot", "non-integer", "non-binary"})
    assert not stale, f"docstring names rows that do not exist: {stale}"


# ------------------------------------------------- documented non-exceptions: inf, not error
IMPOSSIBLE_DATA = [
    pytest.param(lambda r: models.Bernoulli().nll([1, 0], p=0.0, reduction=r), id="bernoulli-p0"),
    pytest.param(lambda r: models.Bernoulli().nll([1, 0], p=1.0, reduction=r), id="bernoulli-p1"),
    pytest.param(lambda r: models.Binomial(5).nll([2, 0], p=0.0, reduction=r), id="binomial-p0"),
    pytest.param(lambda r: models.Binomial(5).nll([5, 4], p=1.0, reduction=r), id="binomial-p1"),
    pytest.param(lambda r: models.Categorical().nll([0, 2], p=[0.5, 0.5, 0.0], reduction=r),
                 id="categorical-zero-class"),
    pytest.param(lambda r: losses.binary_cross_entropy([1, 1], [0.0, 0.5], reduction=r),
                 id="bce-p0-t1"),
    pytest.param(lambda r: losses.binary_cross_entropy([0, 1], [1.0, 0.5], reduction=r),
                 id="bce-p1-t0"),
    pytest.param(lambda r: losses.cross_entropy([1], [[1.0, 0.0]], reduction=r),
                 id="ce-zero-true-class"),
]


@pytest.mark.parametrize("reduction", ["sum", "mean"])
@pytest.mark.parametrize("nll", IMPOSSIBLE_DATA)
def test_impossible_data_gives_inf_without_warning(nll, reduction):
    with warnings.catch_warnings():
        warnings.simplefilter("error")            # a RuntimeWarning would fail the test
        value = nll(reduction)
    assert np.isposinf(value)


def test_nll_grid_with_endpoints_is_inf_at_the_ends_and_never_nan():
    grid = np.linspace(0.0, 1.0, 11)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nll = models.Bernoulli().nll(X, p=grid)
        lik = models.Bernoulli().likelihood(X, p=grid)
        grad = models.Bernoulli().nll_grad(X, p=grid)["p"]
    assert np.isposinf(nll[0]) and np.isposinf(nll[-1])
    assert np.all(np.isfinite(nll[1:-1]))
    assert lik[0] == 0.0 and lik[-1] == 0.0
    assert not np.any(np.isnan(grad))


def test_log_density_and_information_of_impossible_events_are_infinite():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isneginf(models.Bernoulli().log_density([0], p=1.0)[0])
        assert np.isneginf(models.Categorical().log_density([1], p=[1.0, 0.0])[0])
        assert np.isposinf(information.self_information(0.0))
        assert np.isposinf(information.cross_entropy([0.5, 0.5], [1.0, 0.0]))
        assert np.isposinf(information.kl_divergence([0.5, 0.5], [1.0, 0.0]))
        # and 0 log 0 = 0: an outcome p rules out costs nothing
        assert information.entropy([1.0, 0.0]) == 0.0


# ------------------------------------------- accepted inputs must not fail later or give NaN
def test_categorical_sample_accepts_every_p_that_validation_accepts():
    # check_prob_vector allows |sum - 1| <= 1e-6; sampling must not then fail inside numpy
    p = [0.5, 0.5 + 5e-7]
    models.Categorical().nll([0, 1], p=p)                     # accepted here ...
    draws = models.Categorical().sample(5, p=p, rng=0)       # ... so accepted here too
    assert draws.shape == (5,)


def test_gaussian_nll_at_a_tiny_sigma_is_finite_not_nan():
    # sigma = 1e-200 is a valid scale; with x == mu the NLL is 0.5 log(2 pi) + log(sigma)
    sigma = 1e-200
    with np.errstate(all="ignore"):
        nll = models.Gaussian().nll([1.0], mu=1.0, sigma=sigma)
    np.testing.assert_allclose(nll, 0.5 * np.log(2 * np.pi) + np.log(sigma), rtol=1e-12)
