"""Small, fixed data sets used by the course. Nothing is downloaded.

Examples
--------
>>> from mlekit import datasets
>>> datasets.phone_survey()
array([1, 1, 1, 1, 1, 1, 1, 0, 0, 0])
>>> datasets.heights().mean().round(3)
np.float64(168.344)
"""

from __future__ import annotations

import csv
from importlib import resources

import numpy as np

from . import _validation as V

__all__ = ["phone_survey", "heights", "toy_regression", "toy_classification", "penguins", "digits"]


def phone_survey():
    """The phone survey: 10 people asked for their phone's operating system.

    Returns
    -------
    ndarray of int, shape (10,)
        1 = Android (7 people), 0 = iOS (3 people), in the order asked.

    Examples
    --------
    >>> int(phone_survey().sum()), phone_survey().size
    (7, 10)
    """
    return np.array([1, 1, 1, 1, 1, 1, 1, 0, 0, 0])


def heights():
    """The height sample of lessons 01 and 05: ten heights in centimetres.

    Returns
    -------
    ndarray of float, shape (10,)

    Examples
    --------
    >>> heights()[:3]
    array([164.95, 165.35, 165.76])
    """
    return np.array([164.95, 165.35, 165.76, 166.16, 167.78,
                     168.99, 169.80, 170.20, 171.82, 172.63])


def toy_regression(n=30, *, slope=2.0, intercept=1.0, noise=1.0, x_range=(0.0, 5.0), rng=0):
    r"""A seeded line-plus-Gaussian-noise regression set: :math:`t = wx + b + \varepsilon`.

    Parameters
    ----------
    n : int
        Number of points.
    slope, intercept : float
        The true line.
    noise : float
        Standard deviation of the Gaussian noise (> 0).
    x_range : (float, float)
        Inputs are drawn uniformly from this interval.
    rng : None, int or Generator
        Seed; the default 0 gives the same data every time.

    Returns
    -------
    x, t : ndarray, shape (n,)

    Examples
    --------
    >>> x, t = toy_regression(5)
    >>> x.shape, t.shape
    ((5,), (5,))
    """
    n = V.check_int(n, "n", minimum=1)
    slope, intercept = V.as_float(slope, "slope"), V.as_float(intercept, "intercept")
    noise = float(V.check_positive(V.as_float(noise, "noise"), "noise"))
    lo, hi = V.check_interval(x_range, "x_range", example="(0, 5)")
    gen = V.check_rng(rng)
    x = np.sort(gen.uniform(lo, hi, n))
    t = slope * x + intercept + gen.normal(0.0, noise, n)
    return x, t


def toy_classification(n=100, *, n_classes=2, spread=1.0, rng=0):
    """Seeded 2-D Gaussian blobs, one per class, on a circle of radius 2.

    Parameters
    ----------
    n : int
        Number of points (split as evenly as possible between classes).
    n_classes : int
        Number of classes (>= 2); labels are 0, ..., n_classes - 1.
    spread : float
        Standard deviation of each blob (> 0); larger means more overlap.
    rng : None, int or Generator

    Returns
    -------
    X : ndarray, shape (n, 2)
    y : ndarray of int, shape (n,)

    Examples
    --------
    >>> X, y = toy_classification(6, n_classes=3)
    >>> X.shape, sorted(set(y.tolist()))
    ((6, 2), [0, 1, 2])
    """
    n = V.check_int(n, "n", minimum=1)
    n_classes = V.check_int(n_classes, "n_classes", minimum=2)
    spread = float(V.check_positive(V.as_float(spread, "spread"), "spread"))
    gen = V.check_rng(rng)
    y = np.arange(n) % n_classes
    angles = 2 * np.pi * np.arange(n_classes) / n_classes
    centres = 2.0 * np.column_stack([np.cos(angles), np.sin(angles)])
    X = centres[y] + gen.normal(0.0, spread, (n, 2))
    order = gen.permutation(n)
    return X[order], y[order]


_PENGUIN_NUMERIC = ("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "year")


def penguins(dropna=True):
    """Palmer penguins: body measurements of 344 penguins of three species.

    The table ships inside mlekit (``mlekit/data/penguins.csv``) and is read
    with the standard library's csv module.

    Parameters
    ----------
    dropna : bool
        Drop the rows with any missing value (333 of 344 rows remain).

    Returns
    -------
    dict of str -> ndarray
        Columns ``species``, ``island``, ``sex`` (str; "" where missing) and
        ``bill_length_mm``, ``bill_depth_mm``, ``flipper_length_mm``,
        ``body_mass_g``, ``year`` (float; NaN where missing).

    Notes
    -----
    Data: Gorman KB, Williams TD, Fraser WR (2014), "Ecological sexual
    dimorphism and environmental variability within a community of Antarctic
    penguins (genus Pygoscelis)", PLoS ONE 9(3): e90081, collected at Palmer
    Station LTER; packaged by Horst AM, Hill AP, Gorman KB (2020),
    palmerpenguins. Licence: CC0 1.0 (public domain). See
    ``mlekit/data/README.md``.

    Examples
    --------
    >>> table = penguins()
    >>> len(table["species"]), sorted(set(table["species"].tolist()))
    (333, ['Adelie', 'Chinstrap', 'Gentoo'])
    >>> len(penguins(dropna=False)["species"])
    344
    """
    if not isinstance(dropna, (bool, np.bool_)):
        V.fail("dropna", "be True or False", V.describe(dropna), "Pass dropna=True or False.",
               TypeError)
    with resources.files("mlekit").joinpath("data/penguins.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    table = {}
    for col in rows[0]:
        values = [r[col] for r in rows]
        if col in _PENGUIN_NUMERIC:
            table[col] = np.array([np.nan if v == "NA" else float(v) for v in values])
        else:
            table[col] = np.array(["" if v == "NA" else v for v in values])
    if dropna:
        keep = np.ones(len(rows), dtype=bool)
        for col, arr in table.items():
            keep &= ~np.isnan(arr) if arr.dtype.kind == "f" else arr != ""
        table = {col: arr[keep] for col, arr in table.items()}
    return table


def digits():
    """The 8×8 handwritten digits: 1797 images of the digits 0–9, pixels scaled to [0, 1].

    The table ships inside mlekit (``mlekit/data/digits.csv``: 64 pixel counts
    0–16 and the digit per row) and is read with numpy.

    Returns
    -------
    images : ndarray of float, shape (1797, 64)
        Row-major 8×8 images, pixel count / 16, so 0 = white and 1 = fully inked;
        ``images[i].reshape(8, 8)`` is image *i*.
    labels : ndarray of int, shape (1797,)
        The digit each image shows.

    Notes
    -----
    Data: E. Alpaydin, C. Kaynak (1998), "Optical Recognition of Handwritten
    Digits", UCI Machine Learning Repository, https://doi.org/10.24432/C50P49
    (the test set, as distributed with scikit-learn). Licence: CC BY 4.0.
    See ``mlekit/data/README.md``.

    Examples
    --------
    >>> images, labels = digits()
    >>> images.shape, labels.shape, float(images.min()), float(images.max())
    ((1797, 64), (1797,), 0.0, 1.0)
    >>> labels[:10].tolist()
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    """
    with resources.files("mlekit").joinpath("data/digits.csv").open(encoding="utf-8") as fh:
        table = np.loadtxt(fh, delimiter=",", dtype=np.int64)
    return table[:, :64] / 16.0, table[:, 64].astype(np.intp)
