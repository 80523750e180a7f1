"""Benchmark (issue 15): an explorer's main slider, kernel round trip against the track player.

Run it on its own (it is not part of the test suite, whose file pattern is ``test_*.py``)::

    python -m pytest -p no:cacheprovider -s tests/browser/bench_burst.py

For every explorer, in JupyterLab + Chromium, both ways of showing a slider move:

* **kernel**: the explorer as it is displayed today; every move is a round trip to the
  kernel, which blits a frame and sends it back as a PNG (ipympl's canvas);
* **player**: the same explorer with :func:`mlekit.widgets.player.track_player`: the frames
  were recorded once, and ``jslink`` moves the player in the browser;

each measured twice in the same run: on the local server, and through
:class:`delay_proxy.DelayProxy`, which delays every chunk by 50 ms in each direction
(a 100 ms round trip, as on Binder). Per explorer, path and network:

* **single** p50 / p95: real key presses, one at a time, from the keydown to the first
  animation frame that shows the new figure (``press_main_slider``, as in the tests);
* **burst**: 60 keydown events 16.7 ms apart (60 Hz) from the slider's minimum: how many
  animation frames showed a new picture, and the time from the last press to the last
  new picture (the figure for the final value).

The goal: single p50 ≤ 20 ms, p95 ≤ 33 ms, burst ≥ 50 frames and last frame ≤ 33 ms after
the last press, through the proxy too. The table (and the ratios kernel / player) is
printed and written to ``test-artifacts/burst.txt``. ``MLEKIT_BURST_ONLY=GaussianExplorer,…``
limits the explorers.
"""

from __future__ import annotations

import os

import pytest
from delay_proxy import DelayProxy
from test_jupyterlab import (EXPLORERS, kernel_json, press_main_slider, run_clean_with_figure,
                             write_scratch_notebook)

from conftest import HERE, LAB_LOAD_TIMEOUT, Lab, percentile

PRESSES, INTERVAL_MS = 60, 1000 / 60
QUIET_MS, BURST_TIMEOUT_MS = 600, 60_000
DELAY_S = 0.05
ONLY = [name for name in os.environ.get("MLEKIT_BURST_ONLY", "").split(",") if name]
RESULTS: dict = {}


def _source(explorer: str, path: str) -> str:
    lines = ["import ipywidgets as w", "import mlekit as mk", "mk.plotting.use_course_style()",
             f"explorer = mk.widgets.{explorer}.example()",
             'explorer.main_slider.add_class("mlekit-main-slider")']
    if path == "player":
        lines += ["from mlekit.widgets.player import track_player",
                  "player = track_player(explorer)", "w.VBox([explorer.main_slider, player])"]
    else:
        lines += ["explorer"]
    return "\n".join(lines) + "\n"


def _open_lab(chromium, url: str, server) -> tuple:
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(120_000)
    lab = Lab(page, server)
    page.goto(f"{url}/lab?reset", timeout=LAB_LOAD_TIMEOUT * 3)
    page.wait_for_function("() => window.jupyterapp !== undefined", timeout=LAB_LOAD_TIMEOUT * 3)
    page.evaluate((HERE / "lab_helpers.js").read_text(encoding="utf-8"))
    lab.call("ready")
    return context, lab


@pytest.fixture(scope="module", params=["local", "proxy 50 ms"])
def network_lab(request, lab_server, chromium):
    if request.param == "local":
        context, lab = _open_lab(chromium, lab_server.url, lab_server)
        yield request.param, lab
        context.close()
        return
    with DelayProxy(lab_server.port, DELAY_S) as proxy:
        context, lab = _open_lab(chromium, f"http://127.0.0.1:{proxy.port}", lab_server)
        yield request.param, lab
        context.close()


def _burst(lab, path: str) -> dict:
    slider = kernel_json(lab, path, (
        "import json; s = explorer.main_slider; s.value = s.min; "
        "print(json.dumps(dict(min=s.min, max=s.max, step=s.step)))"))
    positions = round((slider["max"] - slider["min"]) / slider["step"])
    presses = min(PRESSES, positions)
    lab.call("settle", path, 6, 30_000)
    panel_id = lab.page.evaluate("() => window.jupyterapp.shell.currentWidget.id")
    result = lab.call("burst", path, ".mlekit-main-slider .noUi-handle", "ArrowRight", presses,
                      INTERVAL_MS, QUIET_MS, BURST_TIMEOUT_MS)
    final = kernel_json(lab, path, "import json; print(json.dumps(explorer.main_slider.value))")
    expected = slider["min"] + presses * slider["step"]
    result.update(presses=presses, final_ok=abs(final - expected) <= slider["step"] / 2,
                  final=final, expected=expected, panel=panel_id)
    return result


@pytest.mark.parametrize("path", ["kernel", "player"])
@pytest.mark.parametrize("explorer", ONLY or EXPLORERS)
def test_burst(network_lab, explorer, path):
    network, lab = network_lab
    nb = write_scratch_notebook(lab.server.root, f"burst_{path}_{explorer}.ipynb",
                                _source(explorer, path))
    try:
        run_clean_with_figure(lab, nb, f"{explorer} ({path}, {network})")
        _slider, _pos, samples, missed, _unchanged = press_main_slider(lab, nb)
        burst = _burst(lab, nb)
    finally:
        lab.close(nb)
    samples.sort()
    RESULTS[(explorer, network, path)] = dict(
        p50=percentile(samples, 50) if samples else float("nan"),
        p95=percentile(samples, 95) if samples else float("nan"),
        moves=len(samples), missed=len(missed), **burst)
    print(f"\n{explorer:<24} {path:<7} {network:<12} single p50 {RESULTS[(explorer, network, path)]['p50']:6.1f} "
          f"p95 {RESULTS[(explorer, network, path)]['p95']:6.1f} ms; burst {burst['frames']:3d} frames, "
          f"last frame {burst['lagMs'] if burst['lagMs'] is not None else float('nan'):6.1f} ms after "
          f"the last press (presses over {burst['spanMs']:.0f} ms)", flush=True)
    assert not missed, missed
    assert burst["final_ok"], f"the slider ended at {burst['final']}, expected {burst['expected']}"
    assert burst["settled"], "the figure never settled after the burst"


def _fmt(value) -> str:
    return "   n/a" if value is None or value != value else f"{value:6.1f}"


def pytest_sessionfinish_table() -> str:
    rows = [f"{'explorer':<24} {'network':<12} {'path':<7} {'p50 ms':>6} {'p95 ms':>6} "
            f"{'frames':>6} {'last ms':>7}   kernel/player: p50  frames"]
    for (explorer, network, path), r in sorted(RESULTS.items()):
        ratio = ""
        if path == "player" and (explorer, network, "kernel") in RESULTS:
            k = RESULTS[(explorer, network, "kernel")]
            ratio = (f"   {k['p50'] / r['p50']:5.1f}x   {r['frames'] / max(k['frames'], 1):5.1f}x"
                     if r["p50"] else "")
        rows.append(f"{explorer:<24} {network:<12} {path:<7} {_fmt(r['p50'])} {_fmt(r['p95'])} "
                    f"{r['frames']:6d} {_fmt(r['lagMs']):>7}{ratio}")
    return "\n".join(rows)


@pytest.fixture(scope="session", autouse=True)
def _table(browser_report):
    yield
    if RESULTS:
        table = pytest_sessionfinish_table()
        browser_report.artifact("burst.txt").write_text(table + "\n", encoding="utf-8")
        print("\n\n" + table)
