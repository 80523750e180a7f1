"""Benchmark: the kernel-side cost of one live frame for every explorer.

Run it with::

    python -m mlekit.bench            # all explorers, 200 moves each
    python -m mlekit.bench --moves 50 --only LikelihoodExplorer

For each explorer the benchmark moves its main slider 200 times, headless,
and times one frame: the state update, the Agg render of the moving
artists onto the cached background, and the PNG diff that ipympl sends to
JupyterLab. The canvas is set up as a live JupyterLab frontend leaves it
(``syncing_data_url = False``: the frontend has said "initialized", so no
data-URL copy of each frame is made).

In the same run it times the same explorer redrawn the naive way (each move
followed by a full ``canvas.draw()``, which re-renders every axis, label and
curve and sends the frame) and prints the ratio. Targets on a 2-core machine:
p50 <= 16.7 ms (one 60 Hz frame), p95 <= 33 ms, and >= 5x faster than the full
redraw. ``--check`` exits with status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time

import numpy as np

TARGET_P50_MS = 1000 / 60
TARGET_P95_MS = 33.0
TARGET_SPEEDUP = 5.0

#: explorer class names, in course order (each has example() and main_slider)
EXPLORERS = (
    "LikelihoodExplorer",
    "GaussianExplorer",
    "RegressionExplorer",
    "LossSurfaceExplorer",
    "SoftmaxExplorer",
    "InformationExplorer",
    "GradientDescentExplorer",
    "OptimizerExplorer",
    "BackpropExplorer",
)


def _slider_values(slider, moves):
    """*moves* slider positions sweeping back and forth over the slider's range."""
    lo, hi, step = float(slider.min), float(slider.max), float(slider.step)
    sweep = np.linspace(lo, hi, max(moves // 2, 2))
    values = np.concatenate([sweep, sweep[::-1]])
    values = np.resize(values, moves)
    if step > 0:
        values = lo + np.round((values - lo) / step) * step
    values = np.clip(values, lo, hi)
    # consecutive equal values would not fire a change: nudge them apart
    for i in range(1, len(values)):
        if values[i] == values[i - 1]:
            values[i] = values[i] - step if values[i] - step >= lo else values[i] + step
    return [float(v) for v in values]


def _time_moves(explorer, values, warmup=5):
    slider = explorer.main_slider
    frames = []
    canvas = explorer.view.canvas
    original_send = canvas.send

    def counting_send(content, buffers=None):
        frames.append(sum(len(b) for b in buffers or ()))
        return original_send(content, buffers=buffers)

    canvas.send = counting_send
    for v in values[:warmup]:
        slider.value = v
    frames.clear()
    times = []
    gc.collect()
    for v in values:
        start = time.perf_counter()
        slider.value = v
        times.append(time.perf_counter() - start)
    canvas.send = original_send
    if explorer._has_error:
        raise RuntimeError(f"{type(explorer).__name__} reported an error while benchmarking: "
                           f"{explorer.errors.outputs}")
    return np.array(times) * 1000.0, (float(np.median(frames)) if frames else 0.0)


def bench_one(cls, moves=200):
    """Return a dict of timings for explorer class *cls*."""
    explorer = cls.example()
    try:
        explorer.view.canvas.syncing_data_url = False     # as after the frontend's "initialized"
        values = _slider_values(explorer.main_slider, moves)
        blit_ms, frame_bytes = _time_moves(explorer, values)
        view = explorer.view
        view.refresh = view.redraw      # the naive way: every move re-renders the whole figure
        full_ms, full_bytes = _time_moves(explorer, values[: max(20, moves // 4)])
    finally:
        explorer.close()
    return {
        "name": cls.__name__,
        "p50": float(np.percentile(blit_ms, 50)),
        "p95": float(np.percentile(blit_ms, 95)),
        "full_p50": float(np.percentile(full_ms, 50)),
        "full_p95": float(np.percentile(full_ms, 95)),
        "speedup": float(np.percentile(full_ms, 50) / np.percentile(blit_ms, 50)),
        "frame_kb": frame_bytes / 1024,
        "full_kb": full_bytes / 1024,
        "moves": len(blit_ms),
    }


def run(names=None, moves=200, out=sys.stdout):
    """Benchmark the explorers named in *names* (default: all); return the result rows."""
    from . import widgets     # explorers draw on their own canvases: no pyplot backend needed

    rows = []
    names = names or EXPLORERS
    print(f"mlekit.bench: {moves} slider moves per explorer; ms per frame "
          "(update + Agg render + PNG diff)", file=out)
    header = (f"{'explorer':<24} {'blit p50':>9} {'p95':>7} {'full p50':>9} {'p95':>7} "
              f"{'speed-up':>9} {'frame KB':>9}")
    print(header, file=out)
    print("-" * len(header), file=out)
    for i, name in enumerate(names, 1):
        try:
            cls = getattr(widgets, name)
        except (AttributeError, ImportError):
            cls = None
        if cls is None:
            print(f"{name:<24} (not available in this version)", file=out)
            continue
        row = bench_one(cls, moves)
        rows.append(row)
        ok = (row["p50"] <= TARGET_P50_MS and row["p95"] <= TARGET_P95_MS
              and row["speedup"] >= TARGET_SPEEDUP)
        print(f"{row['name']:<24} {row['p50']:9.2f} {row['p95']:7.2f} {row['full_p50']:9.1f} "
              f"{row['full_p95']:7.1f} {row['speedup']:8.1f}x {row['frame_kb']:9.1f}"
              f"{'' if ok else '   <- misses a target'}", file=out, flush=True)
    print(f"targets: p50 <= {TARGET_P50_MS:.1f} ms, p95 <= {TARGET_P95_MS:.0f} ms, "
          f"speed-up >= {TARGET_SPEEDUP:.0f}x over a full canvas.draw() per move "
          f"(measured in this run)", file=out)
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mlekit.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--moves", type=int, default=200, help="slider moves per explorer")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="explorer class names")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    rows = run(args.only, args.moves)
    missed = [r["name"] for r in rows if not (r["p50"] <= TARGET_P50_MS and
                                               r["p95"] <= TARGET_P95_MS and
                                               r["speedup"] >= TARGET_SPEEDUP)]
    if missed:
        print("missed a target: " + ", ".join(missed))
    return 1 if (args.check and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
