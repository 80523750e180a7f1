"""The command line (`mlekit execute`) and the benchmark's plumbing.

The benchmark's speed is not asserted here (speed is measured by running
``python -m mlekit.bench``, not by timed tests); these tests check that it
measures what it says: real slider moves that change the figure, both paths.
"""

from __future__ import annotations

import io
import json

import nbformat
import numpy as np
import pytest
from ipywidgets import FloatSlider

from mlekit import bench, cli


def _notebook(path, *sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)
    return path


def test_execute_saves_fresh_outputs_in_place(tmp_path, capsys):
    path = _notebook(tmp_path / "a.ipynb", "print(6 * 7)", "import mlekit\nmlekit.models.Bernoulli().mle([1, 1, 0, 1])")
    assert cli.main(["execute", str(path)]) == 0
    nb = json.loads(path.read_text())
    outputs = [c["outputs"] for c in nb["cells"]]
    assert "".join(outputs[0][0]["text"]) == "42\n"
    assert "".join(outputs[1][0]["data"]["text/plain"]) == "{'p': 0.75}"
    assert [c["execution_count"] for c in nb["cells"]] == [1, 2]
    assert "[1/1]" in capsys.readouterr().out


def test_execute_reports_a_failing_notebook_and_leaves_it_unchanged(tmp_path, capsys):
    path = _notebook(tmp_path / "bad.ipynb", "raise ValueError('planted failure')")
    before = path.read_text()
    assert cli.main(["execute", str(tmp_path)]) == 1
    assert path.read_text() == before
    assert "FAILED" in capsys.readouterr().out


def test_execute_rejects_a_path_that_is_not_a_notebook(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(SystemExit, match="not a notebook"):
        cli.main(["execute", str(tmp_path / "notes.txt")])
    with pytest.raises(SystemExit, match="no notebooks found"):
        cli.main(["execute", str(tmp_path)])


def test_slider_values_sweep_the_range_without_repeats():
    slider = FloatSlider(min=0.01, max=0.99, step=0.005, value=0.5)
    values = bench._slider_values(slider, 200)
    assert len(values) == 200
    assert min(values) == pytest.approx(0.01) and max(values) == pytest.approx(0.99)
    assert all(a != b for a, b in zip(values, values[1:]))     # every move fires a change
    on_grid = (np.array(values) - 0.01) / 0.005
    np.testing.assert_allclose(on_grid, np.round(on_grid), atol=1e-9)


def test_bench_times_both_paths_and_prints_a_table():
    out = io.StringIO()
    rows = bench.run(["LikelihoodExplorer"], moves=12, out=out)
    (row,) = rows
    assert row["name"] == "LikelihoodExplorer" and row["moves"] == 12
    for key in ("p50", "p95", "full_p50", "full_p95", "speedup"):
        assert np.isfinite(row[key]) and row[key] > 0
    assert row["p95"] >= row["p50"] and row["full_p95"] >= row["full_p50"]
    assert row["frame_kb"] > 0          # moves really produced PNG frames for the frontend
    text = out.getvalue()
    assert "LikelihoodExplorer" in text and "targets:" in text


def test_bench_skips_unknown_names_with_a_note():
    out = io.StringIO()
    assert bench.run(["NoSuchExplorer"], moves=4, out=out) == []
    assert "not available" in out.getvalue()
