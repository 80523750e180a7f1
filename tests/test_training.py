"""mlekit.training (lesson 11) against independent references: scipy, brute-force loops,
finite differences, and mlekit.optim.sgd run on the flattened parameters."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special, stats

import mlekit as mk
from mlekit import training as T
from mlekit.gradcheck import numerical_gradient


def blobs(n=30, k=3, rng=0):
    gen = np.random.default_rng(rng)
    centres = gen.normal(0, 3, (k, 4))
    y = np.repeat(np.arange(k), n)
    return centres[y] + gen.normal(0, 1, (n * k, 4)), y


# ------------------------------------------------------------------ data
def test_complete_cases_drops_exactly_the_rows_with_a_missing_measurement():
    table = mk.datasets.penguins(dropna=False)
    cols = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
    x, y, classes, dropped = T.complete_cases(table, cols, "species")
    bad = [i for i in range(len(table["species"]))
           if any(np.isnan(table[c][i]) for c in cols)]
    assert dropped.tolist() == bad and x.shape == (len(table["species"]) - len(bad), 4)
    assert classes == ("Adelie", "Chinstrap", "Gentoo")
    assert [classes[v] for v in y] == [s for i, s in enumerate(table["species"]) if i not in bad]


@pytest.mark.parametrize("fractions", [(0.7, 0.3), (0.6, 0.15, 0.25), (0.5, 0.5)])
def test_stratified_split_keeps_every_class_within_one_sample(fractions):
    labels = np.repeat([0, 1, 2, 3], [7, 31, 50, 3])
    parts = T.stratified_split(labels, fractions, rng=3)
    together = np.sort(np.concatenate(parts))
    assert np.array_equal(together, np.arange(labels.size))        # disjoint and complete
    for part, f in zip(parts, fractions):
        for c in range(4):                                           # brute-force count per class
            count = sum(1 for i in part if labels[i] == c)
            assert abs(count - f * np.sum(labels == c)) < 1
    again = T.stratified_split(labels, fractions, rng=3)
    assert all(np.array_equal(a, b) for a, b in zip(parts, again))
    other = T.stratified_split(labels, fractions, rng=4)
    assert not np.array_equal(parts[0], other[0])


def test_stratified_split_refuses_bad_fractions():
    with pytest.raises(ValueError, match="fractions must be two or more positive"):
        T.stratified_split([0, 1, 0, 1], (0.7, 0.4))
    with pytest.raises(ValueError, match="labels must be"):
        T.stratified_split([0, 1.5], (0.5, 0.5))


def test_standardizer_matches_scipy_zscore_and_uses_training_statistics_only():
    gen = np.random.default_rng(0)
    a, b = gen.normal(5, 2, (20, 3)), gen.normal(9, 4, (7, 3))
    s = T.Standardizer().fit(a)
    np.testing.assert_allclose(s.transform(a), stats.zscore(a, axis=0))
    np.testing.assert_allclose(s.transform(b), (b - a.mean(0)) / a.std(0))
    with pytest.raises(ValueError, match="3 columns"):
        s.transform(b[:, :2])
    with pytest.raises(RuntimeError, match="fitted"):
        T.Standardizer().transform(a)


def test_one_hot_and_proportions():
    np.testing.assert_array_equal(T.one_hot([1, 0, 2], 3), [[0, 1, 0], [1, 0, 0], [0, 0, 1]])
    np.testing.assert_allclose(T.class_proportions([0, 0, 1, 2], 3), [0.5, 0.25, 0.25])


# ------------------------------------------------------------------ scores
def test_categorical_nll_and_accuracy_match_scipy_and_a_loop():
    gen = np.random.default_rng(1)
    logits, y = gen.normal(size=(40, 3)), gen.integers(0, 3, 40)
    p = special.softmax(logits, axis=1)
    want = -np.mean(special.log_softmax(logits, axis=1)[np.arange(40), y])
    assert np.isclose(T.categorical_nll(p, y), want)
    assert np.isclose(T.categorical_nll(p, y, reduction="sum"), 40 * want)
    assert T.accuracy(p, y) == sum(int(np.argmax(p[i]) == y[i]) for i in range(40)) / 40
    assert T.categorical_nll([[1.0, 0.0]], [1]) == np.inf
    with pytest.raises(ValueError, match="sum to 1"):
        T.categorical_nll([[0.5, 0.6]], [0])


def test_reliability_matches_a_brute_force_binning():
    gen = np.random.default_rng(2)
    p = special.softmax(gen.normal(0, 2, (200, 3)), axis=1)
    y = gen.integers(0, 3, 200)
    r = T.reliability(p, y, bins=10)
    conf, right = p.max(1), (p.argmax(1) == y)
    ece = 0.0
    for k in range(10):
        lo, hi = k / 10, (k + 1) / 10
        inside = [i for i in range(200) if lo <= conf[i] < hi or (k == 9 and conf[i] == 1.0)]
        assert r.counts[k] == len(inside)
        if inside:
            assert np.isclose(r.confidence[k], np.mean(conf[inside]))
            assert np.isclose(r.accuracy[k], np.mean(right[inside]))
            ece += len(inside) / 200 * abs(np.mean(right[inside]) - np.mean(conf[inside]))
        else:
            assert np.isnan(r.confidence[k])
    assert np.isclose(r.ece, ece)


def test_sampled_labels_follow_the_predicted_probabilities():
    p = np.array([[0.2, 0.5, 0.3], [0.9, 0.05, 0.05]])
    draws = T.sample_labels(p, rng=0, size=20000)
    for row, probs in zip(draws, p):
        counts = np.bincount(row, minlength=3)
        assert stats.chisquare(counts, 20000 * probs).pvalue > 1e-3
    assert np.array_equal(T.sample_labels(p, rng=5), T.sample_labels(p, rng=5))


# ------------------------------------------------------------------ gradients
def test_softmax_mse_delta_is_the_finite_difference_gradient():
    gen = np.random.default_rng(3)
    z, t = gen.normal(size=(5, 3)), T.one_hot(gen.integers(0, 3, 5), 3)
    J = lambda zz: float(np.sum((t - special.softmax(zz, axis=1)) ** 2) / 5)   # noqa: E731
    np.testing.assert_allclose(T.softmax_mse_delta(special.softmax(z, axis=1), t),
                               numerical_gradient(J, z), atol=1e-8)


@pytest.mark.parametrize("model", [
    T.SoftmaxRegression(4, 3, rng=1), T.SoftmaxRegression(4, 3, loss="mse", rng=1),
    T.TwoLayerNetMSE(4, 5, 3, rng=1), mk.nn.TwoLayerNet(4, 5, 3, output="softmax", rng=1)])
def test_backward_matches_finite_differences(model):
    x, y = blobs(4, rng=2)
    if isinstance(model, mk.nn.TwoLayerNet):
        model.params["b1"] = model.params["b1"] + 0.1         # away from ReLU kinks at 0
    _, cache = model.forward(x)
    grads = model.backward(cache, y)
    for k, p in model.params.items():
        def J(v, k=k):
            saved = model.params[k]
            model.params[k] = v
            try:
                return model.loss(x, y)
            finally:
                model.params[k] = saved
        np.testing.assert_allclose(grads[k], numerical_gradient(J, p.copy()), atol=1e-7)


def test_mse_net_starts_from_the_ce_nets_weights_and_its_loss_is_the_squared_error():
    x, y = blobs(3)
    a, b = T.TwoLayerNetMSE(4, 6, 3, rng=7), mk.nn.TwoLayerNet(4, 6, 3, output="softmax", rng=7)
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params)
    assert np.isclose(a.loss(x, y), np.mean(np.sum((T.one_hot(y, 3) - b.predict(x)) ** 2, 1)))


# ------------------------------------------------------------------ training loop
@pytest.mark.parametrize("method", ["gd", "adam", "momentum"])
def test_train_takes_the_same_steps_as_optim_sgd_on_the_flat_parameters(method):
    x, y = blobs(10)
    model = T.SoftmaxRegression(4, 3, rng=0)
    theta0 = np.concatenate([model.params["W"].ravel(), model.params["b"]])

    def grad(theta, xb, tb):
        m = T.SoftmaxRegression(4, 3)
        m.params = {"W": theta[:12].reshape(4, 3), "b": theta[12:]}
        g = m.backward(m.forward(xb)[1], tb)
        return np.concatenate([g["W"].ravel(), g["b"]])

    ref = mk.optim.sgd(grad, theta0, (x, y.astype(float)), lr=0.05, epochs=4, batch_size=7,
                       rng=11, rule=method)
    T.train(model, (x, y), method=method, lr=0.05, epochs=4, batch_size=7, rng=11)
    got = np.concatenate([model.params["W"].ravel(), model.params["b"]])
    np.testing.assert_allclose(got, ref.final, rtol=1e-10, atol=1e-12)


def test_early_stopping_restores_the_best_epoch_and_records_every_epoch():
    x, y = blobs(15, rng=4)
    tr, va = T.stratified_split(y, (0.6, 0.4), rng=0)
    rows = []
    net = mk.nn.TwoLayerNet(4, 16, 3, output="softmax", rng=0)
    h = T.train(net, (x[tr], y[tr]), (x[va], y[va]), lr=0.05, epochs=300, batch_size=8,
                patience=5, rng=0, callback=rows.append)
    assert h.stop_reason == "early_stopping" and "best at epoch" in h.message
    assert h.best_epoch == T.early_stopping_epoch(h.val_nll, patience=5)
    assert len(h.val_nll) - 1 - h.best_epoch == 5
    assert np.isclose(T.categorical_nll(net.predict(x[va]), y[va]), h.val_nll[h.best_epoch])
    assert [r["epoch"] for r in rows] == list(h.epochs)
    assert np.isclose(rows[3]["val_nll"], h.val_nll[3])
    assert np.isclose(h.train_nll[0], T.categorical_nll(
        mk.nn.TwoLayerNet(4, 16, 3, output="softmax", rng=0).predict(x[tr]), y[tr]))


def test_train_is_deterministic_and_refuses_bad_input():
    x, y = blobs(5)
    runs = [T.train(T.SoftmaxRegression(4, 3, rng=0), (x, y), (x, y), epochs=5, rng=2).val_nll
            for _ in range(2)]
    assert runs[0] == runs[1]
    with pytest.raises(TypeError, match="validation set"):
        T.train(T.SoftmaxRegression(4, 3), (x, y), patience=3)
    with pytest.raises(ValueError, match="lr must be > 0"):
        T.train(T.SoftmaxRegression(4, 3), (x, y), lr=0)
    with pytest.raises(ValueError, match="one label per row"):
        T.train(T.SoftmaxRegression(4, 3), (x, y[:-1]))


def test_early_stopping_epoch_and_epochs_to_accuracy_by_hand():
    curve = [1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.6]
    assert T.early_stopping_epoch(curve, patience=3) == 2
    assert T.early_stopping_epoch(curve, patience=4) == 6
    assert T.early_stopping_epoch(curve) == 6
    assert T.epochs_to_accuracy([0.1, 0.5, 0.9], 0.95) is None
