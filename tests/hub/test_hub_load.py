"""A class of 8 on a real JupyterHub on 127.0.0.1: the load round and the nbgrader round.

What runs is described in :mod:`tests.hub.load` and :mod:`tests.hub.exchange`;
``python -m tests.hub.load --students 24`` is the benchmark with more students.
Needs jupyterhub and nbgitpuller (the test extra) and npm (to install
configurable-http-proxy into ``~/.cache/mlekit/chp``). A missing tool skips
these tests, except in CI or with ``MLEKIT_REQUIRE_BROWSER=1``, where it fails.
Run with ``-s`` to see the tables.
"""

from __future__ import annotations

import importlib.util

import pytest

from .harness import Unavailable, ensure_proxy, required

N_STUDENTS = 8


def _missing() -> str | None:
    for module in ("jupyterhub", "nbgitpuller", "websocket", "requests"):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed (pip install -e \".[test]\")"
    try:
        ensure_proxy()
    except Unavailable as exc:
        return str(exc)
    return None


@pytest.fixture(scope="module")
def class_round(tmp_path_factory):
    reason = _missing()
    if reason:
        if required():
            pytest.fail(f"the hub test must run here (CI or MLEKIT_REQUIRE_BROWSER=1), but {reason}")
        pytest.skip(f"hub test skipped: {reason}")
    from .load import run_round, table

    rnd = run_round(N_STUDENTS, tmp_path_factory.mktemp("class"), log=lambda *a: None)
    print("\n" + table(rnd.summary))
    print(f"wall time {rnd.wall:.0f} s")
    return rnd


def test_every_student_works_through_the_class_without_a_failure(class_round):
    rnd = class_round
    assert rnd.failures == [], "\n\n".join(rnd.failures)[:6000] + "\n" + rnd.hub_log[-3000:]
    s = rnd.summary
    assert s["failures"] == 0 and s["students"] == N_STUDENTS
    assert s["edits_survived"] == N_STUDENTS              # answer kept, update merged in
    for name, row in rnd.rows.items():
        assert row["feedback"].startswith("\u2713"), (name, row["feedback"])
        assert row["pull_lines"] >= 2                    # nbgitpuller's stream really ran
        assert row["lesson_cells_04"] > 10 and row["lesson_cells_09"] > 10
    # the numbers the sizing table is made of are real measurements
    assert 0 < s["start_p50_s"] <= s["start_max_s"] < 180
    assert 50 < s["mem_per_student_p50_mb"] <= s["mem_per_student_max_mb"] < 1024
    assert s["mem_after_04_p50_mb"] <= s["mem_after_09_p50_mb"] * 1.05
    assert s["total_peak_mb"] > N_STUDENTS * 0.8 * s["mem_per_student_p50_mb"]


def test_nothing_is_left_running(class_round):
    assert class_round.leftover == []
    assert class_round.hub.proc.poll() is not None


def test_nbgrader_exchange_round_gives_exactly_the_expected_scores(class_round):
    from .exchange import expected_scores, scores_table

    ex = class_round.exchange_round
    assert ex.failures == [], "\n\n".join(ex.failures)[:6000]
    expected = expected_scores(class_round.names)
    print("\n" + scores_table(ex.scores, expected) + f"\nnbgrader round: {ex.seconds:.0f} s")
    assert ex.scores == expected
    right = [n for n in class_round.names if expected[n][0] > 0]
    assert 0 < len(right) < N_STUDENTS                   # both kinds of answer were graded
