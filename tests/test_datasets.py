"""Tests for mlekit.datasets: the fixed course data and the seeded toy sets."""

from __future__ import annotations

import numpy as np
import pytest

from mlekit import datasets

HEIGHTS = [164.95, 165.35, 165.76, 166.16, 167.78, 168.99, 169.80, 170.20, 171.82, 172.63]
PENGUIN_COLUMNS = ["species", "island", "bill_length_mm", "bill_depth_mm",
                   "flipper_length_mm", "body_mass_g", "sex", "year"]
PENGUIN_NUMERIC = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "year"]


# ------------------------------------------------------------- fixed data
def test_phone_survey_is_seven_ones_and_three_zeros():
    x = datasets.phone_survey()
    assert x.shape == (10,)
    assert set(x.tolist()) == {0, 1}
    assert int(np.sum(x == 1)) == 7
    assert int(np.sum(x == 0)) == 3


def test_heights_are_the_notes_sample():
    h = datasets.heights()
    assert h.shape == (10,)
    assert h.dtype == float
    np.testing.assert_allclose(h, HEIGHTS, rtol=0, atol=1e-12)
    np.testing.assert_allclose(h.mean(), 168.344, rtol=1e-12)     # the Gaussian MLE of mu


@pytest.mark.parametrize("loader", [datasets.phone_survey, datasets.heights])
def test_fixed_data_is_a_fresh_copy_every_call(loader):
    # a student editing the returned array must not change the next call
    first = loader()
    expected = first.copy()
    first[:] = 0
    np.testing.assert_array_equal(loader(), expected)


# ---------------------------------------------------------- toy_regression
def test_toy_regression_shapes_and_range():
    x, t = datasets.toy_regression(25, x_range=(-1.0, 3.0), rng=1)
    assert x.shape == t.shape == (25,)
    assert np.all((x >= -1.0) & (x <= 3.0))
    assert np.all(np.isfinite(t))


def test_toy_regression_is_reproducible_for_a_seed():
    a, b = datasets.toy_regression(30, rng=7), datasets.toy_regression(30, rng=7)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    d0, d1 = datasets.toy_regression(), datasets.toy_regression()       # default seed
    np.testing.assert_array_equal(d0[1], d1[1])


def test_toy_regression_differs_across_seeds():
    a, b = datasets.toy_regression(30, rng=7), datasets.toy_regression(30, rng=8)
    assert not np.allclose(a[0], b[0])
    assert not np.allclose(a[1], b[1])


@pytest.mark.parametrize("n, slope, intercept, atol", [(30, 2.0, 1.0, 0.8), (2000, -1.5, 4.0, 0.2)])
def test_toy_regression_least_squares_recovers_the_line(n, slope, intercept, atol):
    x, t = datasets.toy_regression(n, slope=slope, intercept=intercept, noise=0.5, rng=3)
    w, b = np.linalg.lstsq(np.column_stack([x, np.ones(n)]), t, rcond=None)[0]
    np.testing.assert_allclose([w, b], [slope, intercept], atol=atol)


def test_toy_regression_noise_sets_the_residual_spread():
    x, t = datasets.toy_regression(5000, slope=2.0, intercept=1.0, noise=0.3, rng=0)
    np.testing.assert_allclose(np.std(t - (2.0 * x + 1.0)), 0.3, rtol=0.05)


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(n=0), ValueError, "n must be an integer >= 1"),
    (dict(noise=0.0), ValueError, "noise must be > 0"),
    (dict(x_range=(5, 0)), ValueError, "x_range must be a pair"),
    (dict(rng="seed"), TypeError, "rng must be None, an int seed or a numpy Generator"),
])
def test_toy_regression_rejects_bad_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        datasets.toy_regression(**kwargs)


# ------------------------------------------------------ toy_classification
@pytest.mark.parametrize("n, n_classes", [(100, 2), (60, 3), (7, 4)])
def test_toy_classification_shapes_and_labels(n, n_classes):
    X, y = datasets.toy_classification(n, n_classes=n_classes, rng=0)
    assert X.shape == (n, 2)
    assert y.shape == (n,)
    assert y.dtype.kind == "i"
    assert set(y.tolist()) <= set(range(n_classes))
    counts = np.bincount(y, minlength=n_classes)
    assert counts.max() - counts.min() <= 1                       # split as evenly as possible


def test_toy_classification_is_reproducible_and_seed_dependent():
    a, b = datasets.toy_classification(50, rng=4), datasets.toy_classification(50, rng=4)
    c = datasets.toy_classification(50, rng=5)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.allclose(a[0], c[0])


def test_toy_classification_blobs_sit_on_a_circle_of_radius_two():
    X, y = datasets.toy_classification(3000, n_classes=3, spread=0.5, rng=0)
    angles = 2 * np.pi * np.arange(3) / 3
    centres = 2.0 * np.column_stack([np.cos(angles), np.sin(angles)])
    for k in range(3):
        np.testing.assert_allclose(X[y == k].mean(axis=0), centres[k], atol=0.05)
        np.testing.assert_allclose(X[y == k].std(axis=0), 0.5, rtol=0.1)


def test_toy_classification_rejects_one_class():
    with pytest.raises(ValueError, match="n_classes must be an integer >= 2"):
        datasets.toy_classification(10, n_classes=1)


# ------------------------------------------------------------------ penguins
def test_penguins_row_counts():
    full = datasets.penguins(dropna=False)
    clean = datasets.penguins(dropna=True)
    assert all(len(col) == 344 for col in full.values())
    assert all(len(col) == 333 for col in clean.values())
    assert len(datasets.penguins()["species"]) == 333               # dropna=True by default


def test_penguins_columns():
    for dropna in (False, True):
        table = datasets.penguins(dropna=dropna)
        assert list(table) == PENGUIN_COLUMNS
        for col in PENGUIN_NUMERIC:
            assert table[col].dtype == float
        for col in ("species", "island", "sex"):
            assert table[col].dtype.kind == "U"


def test_penguins_species_and_islands():
    # counts from the palmerpenguins package (Horst et al. 2020)
    full = datasets.penguins(dropna=False)
    species, counts = np.unique(full["species"], return_counts=True)
    assert species.tolist() == ["Adelie", "Chinstrap", "Gentoo"]
    assert counts.tolist() == [152, 68, 124]
    assert sorted(set(full["island"].tolist())) == ["Biscoe", "Dream", "Torgersen"]
    clean = datasets.penguins(dropna=True)
    species, counts = np.unique(clean["species"], return_counts=True)
    assert counts.tolist() == [146, 68, 119]


def test_penguins_missing_values_marked_and_dropped():
    full = datasets.penguins(dropna=False)
    assert int(np.sum(full["sex"] == "")) == 11
    assert int(np.sum(np.isnan(full["body_mass_g"]))) == 2
    clean = datasets.penguins(dropna=True)
    for col in PENGUIN_NUMERIC:
        assert not np.any(np.isnan(clean[col]))
    assert sorted(set(clean["sex"].tolist())) == ["female", "male"]


@pytest.mark.parametrize("col, lo, hi", [
    ("body_mass_g", 2500, 6500),
    ("flipper_length_mm", 160, 240),
    ("bill_length_mm", 30, 60),
    ("bill_depth_mm", 13, 22),
    ("year", 2007, 2009),
])
def test_penguins_plausible_ranges(col, lo, hi):
    values = datasets.penguins(dropna=True)[col]
    assert np.all((values >= lo) & (values <= hi))


def test_penguins_gentoo_are_heaviest():
    t = datasets.penguins()
    mass = {s: t["body_mass_g"][t["species"] == s].mean() for s in ("Adelie", "Chinstrap", "Gentoo")}
    assert mass["Gentoo"] > mass["Adelie"] and mass["Gentoo"] > mass["Chinstrap"]
    np.testing.assert_allclose(mass["Gentoo"], 5092.4, atol=1.0)   # 5092.44 g after dropna


def test_penguins_rejects_non_bool_dropna():
    with pytest.raises(TypeError, match="dropna must be True or False"):
        datasets.penguins(dropna="yes")
