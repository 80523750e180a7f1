"""The bundled 8×8 digits: shape, range, labels, against the raw file read independently."""

from __future__ import annotations

import csv
from importlib import resources

import numpy as np

from mlekit import datasets


def test_digits_matches_the_raw_csv_read_with_the_csv_module():
    images, labels = datasets.digits()
    with resources.files("mlekit").joinpath("data/digits.csv").open(encoding="utf-8") as fh:
        rows = [[int(v) for v in row] for row in csv.reader(fh)]
    raw = np.array(rows)
    assert raw.shape == (1797, 65)
    assert np.array_equal(images * 16, raw[:, :64])
    assert np.array_equal(labels, raw[:, 64])


def test_digits_shape_range_and_classes():
    images, labels = datasets.digits()
    assert images.shape == (1797, 64) and images.dtype == float
    assert images.min() == 0.0 and images.max() == 1.0
    assert labels.dtype.kind == "i" and sorted(set(labels.tolist())) == list(range(10))
    counts = np.bincount(labels)
    assert counts.sum() == 1797 and counts.min() >= 174 and counts.max() <= 183


def test_digits_is_listed_and_shipped_as_package_data():
    import tomllib
    from pathlib import Path

    assert "digits" in datasets.__all__
    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["mlekit.data"]
    assert any(Path("digits.csv").match(p) for p in patterns)
