r"""Lesson 11's workflow: training a classifier *is* maximum likelihood.

Collect data → define the function → train → predict / test, in numpy:

- :func:`complete_cases` picks feature columns and a label column from a table
  (e.g. :func:`mlekit.datasets.penguins` with ``dropna=False``) and drops the
  rows with a missing feature, saying which;
- :func:`stratified_split` splits indices so that every part keeps the class
  proportions (:func:`class_proportions`);
- :class:`Standardizer` is fitted on the training part only and then applied
  to every part;
- :class:`SoftmaxRegression` (no hidden layer) and :class:`mlekit.nn.TwoLayerNet`
  with a softmax head are trained by :func:`train`, a minibatch loop driving
  the step rules of :mod:`mlekit.step_rules` (SGD, Adam, ...) with early
  stopping on the validation NLL;
- :func:`categorical_nll`, :func:`accuracy` and :func:`reliability` score the
  predicted class probabilities, and :func:`sample_labels` draws labels from them.

:class:`TwoLayerNetMSE` is the same network trained by the squared error on
one-hot targets, for the comparison with cross entropy.

Examples
--------
>>> import numpy as np
>>> labels = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1, 1])
>>> train_idx, test_idx = stratified_split(labels, (0.5, 0.5), rng=0)
>>> class_proportions(labels[train_idx], 2), class_proportions(labels[test_idx], 2)
(array([0.4, 0.6]), array([0.4, 0.6]))
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np

from . import _math
from . import _validation as V
from .losses import cross_entropy
from .nn import TwoLayerNet
from .optim import minibatches
from .step_rules import make_rule

__all__ = ["complete_cases", "stratified_split", "class_proportions", "Standardizer", "one_hot",
           "accuracy", "categorical_nll", "reliability", "Reliability", "sample_labels",
           "softmax_mse_delta", "SoftmaxRegression", "TwoLayerNetMSE", "train", "History",
           "early_stopping_epoch", "epochs_to_accuracy"]


# ------------------------------------------------------------------ collect the data
def complete_cases(table, columns, label):
    """Features and integer labels from the rows of *table* with no missing feature.

    Parameters
    ----------
    table : dict of str -> ndarray
        Columns, as :func:`mlekit.datasets.penguins` returns them (NaN or "" where missing).
    columns : sequence of str
        Numeric feature columns.
    label : str
        The class column (strings).

    Returns
    -------
    x : ndarray, shape (n_kept, len(columns))
    labels : ndarray of int, shape (n_kept,)
        Class numbers, counting from 0 in the sorted order of *classes*.
    classes : tuple of str
    dropped : ndarray of int
        Row numbers of *table* that were dropped.

    Examples
    --------
    >>> import numpy as np
    >>> t = {"a": np.array([1.0, np.nan, 3.0]), "s": np.array(["x", "y", "x"])}
    >>> x, y, classes, dropped = complete_cases(t, ["a"], "s")
    >>> x.ravel().tolist(), y.tolist(), classes, dropped.tolist()
    ([1.0, 3.0], [0, 0], ('x',), [1])
    """
    if not isinstance(table, dict):
        V.fail("table", "be a dict of columns", V.describe(table),
               "Pass mlekit.datasets.penguins(dropna=False).", TypeError)
    names = [label, *columns]
    missing = [c for c in names if c not in table]
    if missing:
        V.fail("columns", f"name columns of the table ({sorted(table)})", repr(missing),
               "Check the spelling of the column names.")
    x = np.column_stack([np.asarray(table[c], dtype=float) for c in columns])
    lab = np.asarray(table[label]).astype(str)
    keep = np.all(np.isfinite(x), axis=1) & (lab != "")
    classes = tuple(sorted(set(lab[keep].tolist())))
    labels = np.array([classes.index(v) for v in lab[keep]], dtype=np.intp)
    return x[keep], labels, classes, np.flatnonzero(~keep)


def _labels(labels, name="labels", n_classes=None):
    arr = V.as_float_array(labels, name, ndim=1)
    return V.check_labels(arr, name, n_classes)


def stratified_split(labels, fractions=(0.7, 0.3), *, rng=None):
    r"""Split sample indices into parts that keep every class's proportion.

    Parameters
    ----------
    labels : array_like of int, shape (n,)
    fractions : sequence of float
        Two or more positive fractions summing to 1, e.g. (0.7, 0.3) or (0.6, 0.15, 0.25).
    rng : None, int or Generator
        Shuffles each class before it is cut.

    Returns
    -------
    tuple of ndarray of int
        One sorted index array per fraction; together they hold every index once.

    Notes
    -----
    Class :math:`c` with :math:`n_c` samples gives part :math:`j` either
    :math:`\lfloor f_j n_c \rfloor` or one more: the remainders go to the parts
    with the largest fractional parts (largest-remainder rounding), so every
    count is within 1 of :math:`f_j n_c`.

    Examples
    --------
    >>> import numpy as np
    >>> parts = stratified_split(np.repeat([0, 1, 2], [10, 20, 30]), (0.7, 0.3), rng=0)
    >>> [len(p) for p in parts]
    [42, 18]
    """
    labels = _labels(labels)
    f = V.as_float_array(fractions, "fractions", ndim=1)
    if f.size < 2 or np.any(f <= 0) or abs(f.sum() - 1.0) > 1e-9:
        V.fail("fractions", "be two or more positive fractions that sum to 1",
               V.describe(fractions), "For example fractions=(0.7, 0.3).")
    gen = V.check_rng(rng)
    parts = [[] for _ in f]
    for c in np.unique(labels):
        idx = gen.permutation(np.flatnonzero(labels == c))
        want = f * idx.size
        counts = np.floor(want).astype(int)
        extra = idx.size - counts.sum()
        counts[np.argsort(-(want - counts), kind="stable")[:extra]] += 1
        for part, piece in zip(parts, np.split(idx, np.cumsum(counts)[:-1])):
            part.append(piece)
    return tuple(np.sort(np.concatenate(p)).astype(np.intp) for p in parts)


def class_proportions(labels, n_classes):
    """The fraction of samples in each class, ``n_c / n``.

    Examples
    --------
    >>> class_proportions([0, 2, 2, 2], 3)
    array([0.25, 0.  , 0.75])
    """
    n_classes = V.check_int(n_classes, "n_classes", minimum=1)
    labels = _labels(labels, n_classes=n_classes)
    return np.bincount(labels, minlength=n_classes) / labels.size


class Standardizer:
    r"""Centre and scale every feature with the mean and standard deviation of the data it was fitted on.

    .. math:: x' = (x - \bar x_{\text{train}}) / s_{\text{train}}

    Fit it on the training part only: the validation and test parts must stay
    unseen, or their statistics would leak into training.
    A feature that is constant in the training part keeps scale 1.

    Examples
    --------
    >>> import numpy as np
    >>> s = Standardizer().fit([[1.0, 10.0], [3.0, 10.0]])
    >>> s.transform([[2.0, 10.0], [5.0, 12.0]])
    array([[0., 0.],
           [3., 2.]])
    """

    def __init__(self):
        self.mean_ = None
        self.scale_ = None

    def fit(self, x):
        """Learn the column means and standard deviations (ddof = 0) of *x*; return self."""
        x = V.as_float_array(x, "x", ndim=2)
        self.mean_ = x.mean(axis=0)
        sd = x.std(axis=0)
        self.scale_ = np.where(sd > 0, sd, 1.0)
        return self

    def transform(self, x):
        """``(x - mean_) / scale_``."""
        if self.mean_ is None:
            V.fail("Standardizer", "be fitted before transform", "an unfitted Standardizer",
                   "Call .fit(x_train) first.", RuntimeError)
        x = V.as_float_array(x, "x", ndim=2)
        if x.shape[1] != self.mean_.size:
            V.fail("x", f"have {self.mean_.size} columns, as the data it was fitted on",
                   f"shape {x.shape}", "Pass the same features in the same order.")
        return (x - self.mean_) / self.scale_

    def fit_transform(self, x):
        """``fit(x).transform(x)``."""
        return self.fit(x).transform(x)


def one_hot(labels, n_classes):
    """One-hot rows (원-핫 벡터): row i has a 1 in column ``labels[i]``.

    Examples
    --------
    >>> one_hot([2, 0], 3)
    array([[0., 0., 1.],
           [1., 0., 0.]])
    """
    n_classes = V.check_int(n_classes, "n_classes", minimum=1)
    return np.eye(n_classes)[_labels(labels, n_classes=n_classes)]


# ------------------------------------------------------------------ scores
def _probs_labels(probs, labels):
    p = V.check_prob_vector(V.as_float_array(probs, "probs", ndim=2), "probs")
    y = _labels(labels, n_classes=p.shape[1])
    if y.size != p.shape[0]:
        V.fail("labels", f"hold one label per row of probs ({p.shape[0]})", f"{y.size} labels",
               "Pass the labels of the same samples.")
    return p, y


def accuracy(probs, labels):
    """The fraction of samples whose most probable class is the true one.

    Examples
    --------
    >>> accuracy([[0.7, 0.3], [0.4, 0.6], [0.9, 0.1]], [0, 0, 0])
    0.6666666666666666
    """
    p, y = _probs_labels(probs, labels)
    return float(np.mean(np.argmax(p, axis=1) == y))


def categorical_nll(probs, labels, reduction="mean"):
    r"""The NLL of the labels under the predicted Categorical distributions: the cross entropy.

    .. math:: \mathrm{NLL} = -\frac{1}{N}\sum_{i=1}^{N} \log \hat y_{i, t_i}

    A true class with probability 0 gives ``inf``.

    Examples
    --------
    >>> import numpy as np
    >>> round(categorical_nll([[0.5, 0.5], [0.2, 0.8]], [0, 1]), 6)     # -(log 0.5 + log 0.8) / 2
    0.458145
    """
    p, y = _probs_labels(probs, labels)
    with np.errstate(divide="ignore"):
        out = cross_entropy(y, p, reduction=reduction)
    return float(out) if np.ndim(out) == 0 else out


@dataclass(frozen=True)
class Reliability:
    """Calibration bins of :func:`reliability`: per bin the mean confidence, the accuracy, the count.

    ``confidence`` and ``accuracy`` are NaN for an empty bin; ``ece`` is the
    expected calibration error, the count-weighted mean of |accuracy − confidence|.
    """

    edges: np.ndarray
    confidence: np.ndarray
    accuracy: np.ndarray
    counts: np.ndarray
    ece: float


def reliability(probs, labels, bins=10):
    r"""Reliability (calibration) bins of the top-class probability.

    Each sample's confidence is its largest predicted probability; samples are
    binned on [0, 1] into *bins* equal bins ``[e_k, e_{k+1})`` (the last one
    closed). A calibrated classifier is right in a fraction of each bin equal
    to its mean confidence there.

    Examples
    --------
    >>> r = reliability([[0.9, 0.1], [0.85, 0.15], [0.3, 0.7]], [0, 1, 1], bins=5)
    >>> r.counts.tolist(), float(r.accuracy[4]), float(r.accuracy[3])
    ([0, 0, 0, 1, 2], 0.5, 1.0)
    """
    p, y = _probs_labels(probs, labels)
    bins = V.check_int(bins, "bins", minimum=1)
    conf = p.max(axis=1)
    right = (np.argmax(p, axis=1) == y).astype(float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.searchsorted(edges, conf, side="right") - 1, 0, bins - 1)
    counts = np.bincount(idx, minlength=bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_conf = np.bincount(idx, conf, bins) / counts
        mean_acc = np.bincount(idx, right, bins) / counts
    full = counts > 0
    ece = float(np.sum(counts[full] * np.abs(mean_acc[full] - mean_conf[full])) / y.size)
    return Reliability(edges, mean_conf, mean_acc, counts, ece)


def sample_labels(probs, rng=None, size=None):
    """Draw a label from each row's Categorical distribution (``size`` draws per row if given).

    Examples
    --------
    >>> sample_labels([[0.0, 1.0], [1.0, 0.0]], rng=0).tolist()
    [1, 0]
    >>> sample_labels([[0.2, 0.8]], rng=0, size=5).shape
    (1, 5)
    """
    p = V.check_prob_vector(V.as_float_array(probs, "probs", ndim=2), "probs")
    gen = V.check_rng(rng)
    shape = (p.shape[0],) if size is None else (p.shape[0], V.check_int(size, "size", minimum=1))
    u = gen.random(shape)
    cdf = np.cumsum(p, axis=1)
    cdf[:, -1] = 1.0
    u2 = u.reshape(p.shape[0], -1)
    out = np.array([np.searchsorted(cdf[i], u2[i], side="right") for i in range(p.shape[0])])
    return np.minimum(out, p.shape[1] - 1).reshape(shape).astype(np.intp)


# ------------------------------------------------------------------ models
def softmax_mse_delta(y, t):
    r"""``dJ/dz`` for :math:`J = \frac{1}{N}\sum_i \lVert t_i - y_i\rVert^2`, :math:`y_i = \mathrm{softmax}(z_i)`.

    With :math:`g = \partial J/\partial y = -2(t - y)/N`, the softmax Jacobian
    :math:`\mathrm{diag}(y) - y y^\top` gives :math:`\delta = y \odot (g - (g\cdot y))`.
    Unlike cross entropy's :math:`(y - t)/N`, it carries a factor :math:`y`:
    a confidently wrong output (true class probability near 0) learns slowly.

    Examples
    --------
    >>> import numpy as np
    >>> softmax_mse_delta(np.array([[0.5, 0.5]]), np.array([[1.0, 0.0]]))
    array([[-0.5,  0.5]])
    """
    y, t = np.asarray(y, dtype=float), np.asarray(t, dtype=float)
    g = -2.0 * (t - y) / y.shape[0]
    return y * (g - np.sum(g * y, axis=1, keepdims=True))


class SoftmaxRegression:
    r"""Softmax regression: :math:`y = \mathrm{softmax}(xW + b)`, a network with no hidden layer.

    Same interface as :class:`mlekit.nn.TwoLayerNet` (``params``, ``forward``,
    ``backward``, ``loss``, ``predict``), trained by cross entropy
    (``loss="ce"``, :math:`\delta = (y - t)/N`) or by the squared error on
    one-hot targets (``loss="mse"``, :func:`softmax_mse_delta`).

    Examples
    --------
    >>> import numpy as np
    >>> m = SoftmaxRegression(2, 3, rng=0)
    >>> y, cache = m.forward(np.ones((4, 2)))
    >>> y.shape, sorted(m.backward(cache, [0, 1, 2, 0]))
    ((4, 3), ['W', 'b'])
    """

    def __init__(self, n_in, n_out, *, loss="ce", rng=None):
        self.n_in = V.check_int(n_in, "n_in", minimum=1)
        self.n_out = V.check_int(n_out, "n_out", minimum=2)
        self.loss_name = V.check_choice(loss, "loss", ("ce", "mse"),
                                        'Use loss="ce" (cross entropy) or "mse".')
        gen = V.check_rng(rng)
        self.params = {"W": gen.normal(0.0, np.sqrt(1.0 / self.n_in), (self.n_in, self.n_out)),
                       "b": np.zeros(self.n_out)}

    def __repr__(self):
        return f"SoftmaxRegression(n_in={self.n_in}, n_out={self.n_out}, loss={self.loss_name!r})"

    def _x(self, x):
        x = V.as_float_array(x, "x", ndim=(1, 2))
        x = x[None, :] if x.ndim == 1 else x
        if x.shape[1] != self.n_in:
            V.fail("x", f"have n_in = {self.n_in} features per row", f"shape {x.shape}",
                   "Pass an array of shape (n_samples, n_in).")
        return x

    def _t(self, t, n):
        arr = V.as_float_array(t, "t")
        if arr.shape == (n,):
            return one_hot(arr, self.n_out)
        if arr.shape == (n, self.n_out):
            return V.check_prob_vector(arr, "t")
        V.fail("t", f"be labels of shape ({n},) or one-hot rows of shape ({n}, {self.n_out})",
               f"shape {arr.shape}", "Pass one target per sample.")

    def forward(self, x):
        """``(y, cache)``: class probabilities and what the backward pass needs."""
        x = self._x(x)
        with np.errstate(over="ignore", invalid="ignore"):
            z = x @ self.params["W"] + self.params["b"]
        if not np.all(np.isfinite(z)):
            V.fail("the logits z", "stay finite", "inf or NaN", "The weights have diverged: "
                   "rebuild the model and train with a smaller learning rate.", FloatingPointError)
        y = _math.softmax(z)
        return y, {"x": x, "z": z, "y": y}

    def predict(self, x):
        """Class probabilities for inputs *x*."""
        return self.forward(x)[0]

    def loss(self, x, t):
        """The training loss J, averaged over samples (CE in log space, or MSE)."""
        y, cache = self.forward(x)
        t = self._t(t, y.shape[0])
        if self.loss_name == "mse":
            return float(np.sum((t - y) ** 2) / y.shape[0])
        return float(-np.sum(t * _math.log_softmax(cache["z"])) / y.shape[0])

    def backward(self, cache, t):
        """Gradients ``{"W", "b"}`` of J."""
        y = cache["y"]
        t = self._t(t, y.shape[0])
        delta = softmax_mse_delta(y, t) if self.loss_name == "mse" else (y - t) / y.shape[0]
        return {"W": cache["x"].T @ delta, "b": delta.sum(axis=0)}


class TwoLayerNetMSE(TwoLayerNet):
    """:class:`mlekit.nn.TwoLayerNet` with a softmax head trained by MSE on one-hot targets.

    With the same ``rng`` it starts from the same weights as
    ``TwoLayerNet(..., output="softmax")``; only the loss differs:
    :math:`J = \\frac{1}{N}\\sum\\lVert t - y\\rVert^2`, whose error signal is
    :func:`softmax_mse_delta`.

    Examples
    --------
    >>> import numpy as np
    >>> net = TwoLayerNetMSE(2, 3, 3, rng=0)
    >>> net.loss_name, net.output
    ('mse', 'softmax')
    >>> ce = TwoLayerNet(2, 3, 3, output="softmax", rng=0)
    >>> bool(np.array_equal(net.params["W1"], ce.params["W1"]))
    True
    """

    def __init__(self, n_in, n_hidden, n_out, *, hidden="relu", bias=True, rng=None):
        super().__init__(n_in, n_hidden, n_out, hidden=hidden, output="softmax", bias=bias, rng=rng)
        self.loss_name = "mse"

    def error_signals(self, cache, t):
        """δ² through the softmax Jacobian (:func:`softmax_mse_delta`), then δ¹ as usual."""
        y = cache["y"]
        t = self._t(t, y.shape[0])
        delta2 = softmax_mse_delta(y, t)
        from .nn import ACTIVATIONS
        delta1 = (delta2 @ self.params["W2"].T) * np.asarray(ACTIVATIONS[self.hidden][1](cache["z1"]))
        return {"delta2": delta2, "delta1": delta1}


# ------------------------------------------------------------------ train
@dataclass
class History:
    """Per-epoch scores of :func:`train` (index 0: before training).

    ``train_nll`` / ``val_nll`` are the categorical NLL (cross entropy) whatever
    loss was minimised; ``best_epoch`` is the epoch of the lowest validation
    NLL (the weights restored), ``stop_reason`` is ``"epochs"``,
    ``"early_stopping"`` or ``"diverged"``.
    """

    train_nll: list = field(default_factory=list)
    val_nll: list = field(default_factory=list)
    train_accuracy: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    best_epoch: int | None = None
    stop_reason: str = "epochs"
    message: str = ""

    @property
    def epochs(self) -> np.ndarray:
        """0, 1, ..., the last epoch recorded."""
        return np.arange(len(self.train_nll))

    def row(self, epoch) -> dict:
        """The scores of one epoch as a dict (what the callback receives)."""
        out = {"epoch": int(epoch), "train_nll": self.train_nll[epoch],
               "train_accuracy": self.train_accuracy[epoch]}
        if self.val_nll:
            out.update(val_nll=self.val_nll[epoch], val_accuracy=self.val_accuracy[epoch])
        return out


def _score(model, x, labels):
    p = model.predict(x)
    return categorical_nll(p, labels), accuracy(p, labels)


def train(model, data, validation=None, *, method="adam", lr=0.01, epochs=100, batch_size=32,
          patience=None, rng=None, callback=None, **hyper):
    r"""Train *model* by minibatch descent on its loss, scoring every epoch; early stopping on the validation NLL.

    Parameters
    ----------
    model : TwoLayerNet, TwoLayerNetMSE or SoftmaxRegression
        Changed in place (``model.params``).
    data : (x, labels)
        The training part; labels are integers 0 … K−1.
    validation : (x_val, labels_val), optional
        Scored after every epoch; its lowest NLL picks ``best_epoch``, whose
        weights are put back at the end.
    method : str or StepRule
        A step rule of :mod:`mlekit.step_rules` (``"gd"`` = plain SGD, ``"adam"``, ...);
        each parameter array keeps its own rule state. ``**hyper`` goes to the rule.
    lr, epochs, batch_size
        Learning rate, passes over the data, samples per minibatch.
    patience : int, optional
        Stop once the validation NLL has not improved for this many epochs.
    rng : None, int or Generator
        Shuffles the minibatches (the same way as :func:`mlekit.optim.sgd`).
    callback : callable, optional
        ``callback(row)`` after every epoch with :meth:`History.row` (e.g. a progress bar).

    Returns
    -------
    History

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = np.r_[rng.normal(-2, 1, (20, 2)), rng.normal(2, 1, (20, 2))]
    >>> y = np.repeat([0, 1], 20)
    >>> m = SoftmaxRegression(2, 2, rng=0)
    >>> h = train(m, (x, y), (x, y), lr=0.1, epochs=30, batch_size=8, patience=5, rng=0)
    >>> h.train_accuracy[h.best_epoch], h.val_nll[h.best_epoch] < h.val_nll[0]
    (1.0, True)
    """
    if not (hasattr(model, "params") and hasattr(model, "forward") and hasattr(model, "backward")):
        V.fail("model", "be a TwoLayerNet or SoftmaxRegression", V.describe(model),
               'For example TwoLayerNet(4, 8, 3, output="softmax").', TypeError)
    x, labels = _pair(data, "data")
    val = None if validation is None else _pair(validation, "validation")
    epochs = V.check_int(epochs, "epochs", minimum=1)
    batch_size = min(V.check_int(batch_size, "batch_size", minimum=1), x.shape[0])
    lr = V.as_float(lr, "lr")
    if not lr > 0:
        V.fail("lr", "be > 0", f"{lr:g}", "Use a small positive learning rate such as 0.01.")
    if patience is not None:
        patience = V.check_int(patience, "patience", minimum=1)
        if val is None:
            V.fail("patience", "come with a validation set", "validation=None",
                   "Pass validation=(x_val, labels_val).", TypeError)
    if callback is not None:
        V.check_callable(callback, "callback", "callback(row)")
    rule = make_rule(method, **hyper)
    gen = V.check_rng(rng)
    states = {k: rule.init(p) for k, p in model.params.items()}
    hist = History()
    best_params = None

    def record(epoch):
        nonlocal best_params
        nll, acc = _score(model, x, labels)
        hist.train_nll.append(nll)
        hist.train_accuracy.append(acc)
        if val is not None:
            vnll, vacc = _score(model, *val)
            hist.val_nll.append(vnll)
            hist.val_accuracy.append(vacc)
            if hist.best_epoch is None or vnll < hist.val_nll[hist.best_epoch]:
                hist.best_epoch, best_params = epoch, copy.deepcopy(model.params)
        if callback is not None:
            callback(hist.row(epoch))

    record(0)
    for epoch in range(1, epochs + 1):
        try:
            for xb, tb in minibatches(x, labels, batch_size=batch_size, shuffle=True, rng=gen):
                _, cache = model.forward(xb)
                grads = model.backward(cache, tb)
                for k, g in grads.items():
                    model.params[k], states[k] = rule.step(model.params[k], g, states[k], lr)
            record(epoch)
        except FloatingPointError:
            hist.stop_reason = "diverged"
            hist.message = (f"diverged in epoch {epoch}: the weights became inf or NaN. "
                            f"{rule.divergence_hint}.")
            break
        if patience is not None and epoch - hist.best_epoch >= patience:
            hist.stop_reason = "early_stopping"
            hist.message = (f"early stopping after epoch {epoch}: the validation NLL has not "
                            f"improved for {patience} epochs (best at epoch {hist.best_epoch}).")
            break
    if best_params is not None:
        model.params = best_params
    return hist


def _pair(data, name):
    if not (isinstance(data, (tuple, list)) and len(data) == 2):
        V.fail(name, "be a pair (x, labels)", V.describe(data), f"Pass {name}=(x, labels).",
               TypeError)
    x = V.as_float_array(data[0], f"{name}[0]", ndim=2)
    labels = _labels(data[1], f"{name}[1]")
    if labels.size != x.shape[0]:
        V.fail(name, "hold one label per row of x", f"{x.shape[0]} rows and {labels.size} labels",
               "Split x and the labels with the same indices.")
    return x, labels


def early_stopping_epoch(val_losses, patience=None):
    """The epoch early stopping keeps: the first lowest validation loss seen before it stops.

    With *patience*, the run stops once the loss has not improved for that many
    epochs; later epochs are never seen. Epochs count from 0 (before training).

    Examples
    --------
    >>> early_stopping_epoch([1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.6], patience=3)
    2
    >>> early_stopping_epoch([1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.6])
    6
    """
    losses = V.as_float_array(val_losses, "val_losses", ndim=1)
    best = 0
    for epoch in range(1, losses.size):
        if losses[epoch] < losses[best]:
            best = epoch
        if patience is not None and epoch - best >= V.check_int(patience, "patience", minimum=1):
            break
    return best


def epochs_to_accuracy(accuracies, level):
    """The first epoch whose accuracy reaches *level*, or None if none does.

    Examples
    --------
    >>> epochs_to_accuracy([0.3, 0.6, 0.92, 0.95], 0.9)
    2
    """
    acc = V.as_float_array(accuracies, "accuracies", ndim=1)
    hit = np.flatnonzero(acc >= V.as_float(level, "level"))
    return int(hit[0]) if hit.size else None
