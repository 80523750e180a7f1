"""The class load test: N students on one JupyterHub, on this machine (127.0.0.1 only).

    python -m tests.hub.load --students 24          # prints the table (and --json FILE)

(from the repository root, with the test environment: jupyterhub, nbgitpuller, npm).
``tests/hub/test_hub_load.py`` runs the same with 8 students under pytest.

What one round does, every student at the same time, each in a thread of their own:

1. the instructor makes the course repository: the self-study edition of
   ``course/`` (``mlekit student ... --edition self-study``), committed to a
   local git repository reached by a ``file://`` URL;
2. each student starts their server through the hub's REST API (timed: from the
   request to "ready"), follows the ``mlekit link`` link for lesson 04 (the
   hub's user-redirect, nbgitpuller's page, then its pull stream), and checks
   the file the link opens is there and JupyterLab serves it;
3. each student opens lesson 04 and lesson 09 in two kernels of their server
   at once and runs every cell (the kernel websocket, as JupyterLab does);
   only exercise cells may stop (the student has not answered yet); memory of
   the student's server + kernels is sampled after each lesson;
4. each student answers one exercise of lesson 04 (``p_hat``), runs its check
   and must see the ✓ feedback, and saves the notebook;
5. the instructor pushes an update that changes lesson 04 (its first cell) and
   lesson 00; every student follows the link again; the student's answer and
   the instructor's update must both be in their lesson 04 (nbgitpuller's
   merge), and lesson 00 must be the new one.

Failures are counted (any exception in a student's thread) and must be 0.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

if __package__ in (None, ""):                       # python tests/hub/load.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    __package__ = "tests.hub"
_TESTS = Path(__file__).resolve().parents[1]
if str(_TESTS) not in sys.path:                     # edition_helpers, as under pytest
    sys.path.insert(0, str(_TESTS))

from .harness import ROOT, Hub, Student, tree_memory  # noqa: E402

COURSE = ROOT / "course"
LESSONS = ("04_phone_survey.ipynb", "09_gradient_descent.ipynb")
ANSWER_ID = "ex04-2-p-hat"                 # the exercise every student answers
UPDATE_LINE = "*Course update: week 2 notes added.*"
STUDENT_MARK = "# my answer"
GB = 1024 ** 3
MB = 1024 ** 2


def git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                   timeout=120)


def make_course_repo(folder: Path) -> Path:
    """The course repository students pull: the self-study edition, one commit on main."""
    from mlekit.teaching.editions import write_edition

    repo = folder / "mlekit-course"
    write_edition(COURSE, repo, "self-study", log=lambda *a: None)
    git("init", "-q", "-b", "main", cwd=repo)
    git("config", "user.email", "instructor@example.org", cwd=repo)
    git("config", "user.name", "Instructor", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "Course for the class", cwd=repo)
    return repo


def push_update(repo: Path):
    """The instructor changes lesson 04's first cell and lesson 00, and commits."""
    import nbformat

    for name in ("04_phone_survey.ipynb", "00_start_here.ipynb"):
        nb = nbformat.read(repo / name, as_version=4)
        nb.cells[0].source = UPDATE_LINE + "\n\n" + nb.cells[0].source
        nbformat.write(nb, repo / name)
    git("commit", "-q", "-am", "Week 2 update", cwd=repo)


def cell_source(cell) -> str:
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def answer_source(grade_id: str = ANSWER_ID) -> str:
    """The instructor's solution to *grade_id*, markers removed: what a student types."""
    import nbformat

    nb = nbformat.read(COURSE / LESSONS[0], as_version=4)
    (cell,) = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
    lines = [line for line in cell.source.split("\n") if "### BEGIN SOLUTION" not in line
             and "### END SOLUTION" not in line]
    return STUDENT_MARK + "\n" + "\n".join(lines)


def _grade_index(nb: dict, grade_id: str) -> int:
    (index,) = [i for i, c in enumerate(nb["cells"])
                if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id]
    return index


def check_text(outputs) -> str:
    parts = []
    for out in outputs:
        if out["output_type"] == "stream":
            parts.append(out["text"])
        elif out["output_type"] in ("display_data", "execute_result"):
            parts.append(out.get("data", {}).get("text/plain", ""))
    return "".join(parts)


class Round:
    """One load round; :meth:`run` fills :attr:`rows` (one per student) and :attr:`summary`."""

    def __init__(self, workdir: Path, n_students: int, *, log=print):
        self.workdir = Path(workdir)
        self.n = n_students
        self.log = log
        self.names = [f"student{i:02d}" for i in range(1, n_students + 1)]
        self.rows: dict[str, dict] = {}
        self.failures: list[str] = []
        self.peak_total = {"rss": 0, "pss": 0}
        self._sampling = threading.Event()

    # ---- set-up
    def start(self):
        from mlekit.teaching.classroom import course_link

        self.repo = make_course_repo(self.workdir)
        self.repo_url = self.repo.as_uri()
        self.exchange = self.workdir / "exchange"
        self.exchange.mkdir(mode=0o777)
        self.hub = Hub(self.workdir / "hub", course_repo=self.repo_url, exchange=self.exchange)
        (self.workdir / "hub").mkdir()
        self.t0 = time.perf_counter()
        self.cpu0 = os.times()
        self.hub.start()
        self.link = course_link(self.hub.url, self.repo_url, branch="main", lesson="04")
        self.tokens = self.hub.add_students(self.names)
        self.students = {n: Student(self.hub, n, t) for n, t in self.tokens.items()}
        self.sampler = threading.Thread(target=self._sample_total, daemon=True)
        self.sampler.start()
        return self

    def _sample_total(self):
        while not self._sampling.is_set():
            total = {"rss": 0, "pss": 0}
            pid = self.hub.proc.pid if self.hub.proc else None
            if pid:
                mem = tree_memory(pid)
                for k in total:
                    total[k] = mem[k]
            for k in total:
                self.peak_total[k] = max(self.peak_total[k], total[k])
            self._sampling.wait(1.0)

    def stop(self) -> list[int]:
        self._sampling.set()
        leftover = self.hub.stop()
        self.hub_log = self.hub.log(20000)
        self.wall = time.perf_counter() - self.t0
        # CPU of everything the hub ran (servers, kernels, git, the proxy), reaped by now
        now = os.times()
        self.cpu_s = (now.children_user - self.cpu0.children_user
                      + now.children_system - self.cpu0.children_system)
        return leftover

    # ---- one student's session
    def _lesson(self, student: Student, name: str, row: dict, kernels: dict):
        from edition_helpers import exercise_failures

        path = f"{self.repo.name}/{name}"
        nb = student.read_notebook(path)
        kernel = student.open_session(path)
        kernels[name] = kernel
        start = time.perf_counter()
        kernel.run_notebook(nb)
        row[f"run_{name[:2]}"] = time.perf_counter() - start
        counts = exercise_failures(nb, name)       # raises unless only exercise cells stopped
        row[f"lesson_cells_{name[:2]}"] = counts["lesson"]
        mem = student.memory()
        row[f"mem_after_{name[:2]}"] = mem["pss"]
        row[f"rss_after_{name[:2]}"] = mem["rss"]

    def _first_half(self, name: str):
        student, row = self.students[name], self.rows.setdefault(name, {})
        assert not student.login_with_password("not-the-password"), "a wrong password passed"
        assert student.login_with_password(), "the password login failed"
        row["start_s"] = student.start_server()
        events = student.follow_link(self.link)
        row["pull_lines"] = len(events)
        # the link opens lab/tree/<clone folder>/04_...: the file is there and Lab serves it
        urlpath = dict(parse_qsl(urlsplit(self.link).query))["urlpath"]
        assert urlpath == f"lab/tree/{self.repo.name}/{LESSONS[0]}", urlpath
        assert student.get(urlpath).status_code == 200
        kernels: dict = {}
        errors = []

        def lesson(lesson_name):
            try:
                self._lesson(student, lesson_name, row, kernels)
            except BaseException as exc:           # noqa: BLE001 - reported below
                errors.append((lesson_name, exc, traceback.format_exc()))

        threads = [threading.Thread(target=lesson, args=(n,)) for n in LESSONS]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise RuntimeError(f"{errors[0][0]}: {errors[0][2][-1500:]}")
        row["mem_peak"] = max(row[f"mem_after_{n[:2]}"] for n in LESSONS)
        row["rss_peak"] = max(row[f"rss_after_{n[:2]}"] for n in LESSONS)
        # answer one exercise in lesson 04, run its check, save
        path = f"{self.repo.name}/{LESSONS[0]}"
        nb = student.read_notebook(path)
        i = _grade_index(nb, ANSWER_ID)
        check = _grade_index(nb, ANSWER_ID + "-check")
        kernel = kernels[LESSONS[0]]
        answer = answer_source()
        assert kernel.execute(answer)["status"] == "ok"
        feedback = check_text(kernel.execute(cell_source(nb["cells"][check]))["outputs"])
        from mlekit.exercises._core import FAIL_MARK, PASS_MARK

        assert feedback.startswith(PASS_MARK) and FAIL_MARK not in feedback, feedback
        row["feedback"] = feedback.strip().splitlines()[0][:60]
        nb["cells"][i]["source"] = answer
        student.save_notebook(path, nb)
        for k in kernels.values():
            k.close()

    def _second_pull(self, name: str):
        student, row = self.students[name], self.rows[name]
        student.follow_link(self.link)
        nb = student.read_notebook(f"{self.repo.name}/{LESSONS[0]}")
        kept = cell_source(nb["cells"][_grade_index(nb, ANSWER_ID)])
        assert kept == answer_source(), f"{name}: the answer was lost:\n{kept}"
        assert cell_source(nb["cells"][0]).startswith(UPDATE_LINE), f"{name}: no update in 04"
        lesson0 = student.read_notebook(f"{self.repo.name}/00_start_here.ipynb")
        assert cell_source(lesson0["cells"][0]).startswith(UPDATE_LINE), f"{name}: no update in 00"
        row["edit_survived"] = True

    def _each(self, step):
        errors = {}

        def run(name):
            try:
                step(name)
            except BaseException as exc:           # noqa: BLE001 - counted as a failure
                errors[name] = f"{type(exc).__name__}: {exc}\n{traceback.format_exc()[-2000:]}"

        threads = [threading.Thread(target=run, args=(n,)) for n in self.names]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for name, err in sorted(errors.items()):
            self.failures.append(f"{name} ({step.__name__}): {err}")

    def run(self):
        self.log(f"hub at {self.hub.url}; {self.n} students; link: {self.link}")
        t = time.perf_counter()
        self._each(self._first_half)
        self.first_half_s = time.perf_counter() - t
        push_update(self.repo)
        self._each(self._second_pull)
        self.summary = self._summary()
        return self

    def _summary(self) -> dict:
        rows = [r for r in self.rows.values() if "mem_peak" in r]
        starts = sorted(r["start_s"] for r in self.rows.values() if "start_s" in r)
        mem = [r["mem_peak"] for r in rows]
        rss = [r["rss_peak"] for r in rows]
        hub_mem = tree_memory(self.hub.proc.pid)
        return {
            "students": self.n,
            "start_p50_s": statistics.median(starts) if starts else float("nan"),
            "start_max_s": max(starts) if starts else float("nan"),
            "mem_per_student_p50_mb": statistics.median(mem) / MB if mem else float("nan"),
            "mem_per_student_max_mb": max(mem) / MB if mem else float("nan"),
            "rss_per_student_max_mb": max(rss) / MB if rss else float("nan"),
            "mem_after_04_p50_mb": statistics.median(r["mem_after_04"] for r in rows) / MB
            if rows else float("nan"),
            "mem_after_09_p50_mb": statistics.median(r["mem_after_09"] for r in rows) / MB
            if rows else float("nan"),
            "total_peak_mb": self.peak_total["pss"] / MB,
            "total_peak_rss_mb": self.peak_total["rss"] / MB,
            "hub_and_proxy_now_mb": hub_mem["pss"] / MB,
            "lessons_s_p50": statistics.median(max(r["run_04"], r["run_09"]) for r in rows)
            if rows else float("nan"),
            "first_half_s": self.first_half_s,
            "edits_survived": sum(bool(r.get("edit_survived")) for r in self.rows.values()),
            "failures": len(self.failures),
        }


def table(summary: dict) -> str:
    s = summary
    lines = [
        "class load test (one machine, 127.0.0.1; PSS = memory a process really uses, shared "
        "pages split)",
        "| students | server start p50 / max | per student peak (server + 2 kernels) p50 / max "
        "| total peak (hub, proxy, all servers, kernels) | failures |",
        "|---:|---:|---:|---:|---:|",
        f"| {s['students']} | {s['start_p50_s']:.1f} s / {s['start_max_s']:.1f} s "
        f"| {s['mem_per_student_p50_mb']:.0f} MB / {s['mem_per_student_max_mb']:.0f} MB PSS "
        f"({s['rss_per_student_max_mb']:.0f} MB RSS max) "
        f"| {s['total_peak_mb']:.0f} MB PSS ({s['total_peak_rss_mb']:.0f} MB RSS) "
        f"| {s['failures']} |",
        f"after lesson 04: {s['mem_after_04_p50_mb']:.0f} MB, after 04 + 09: "
        f"{s['mem_after_09_p50_mb']:.0f} MB per student (p50, PSS); both lessons ran in "
        f"{s['lessons_s_p50']:.1f} s (p50, concurrently); whole first phase "
        f"{s['first_half_s']:.1f} s; edits kept after the second pull: "
        f"{s['edits_survived']}/{s['students']}",
    ]
    return "\n".join(lines)


def run_round(n_students: int, workdir: Path | None = None, log=print,
              nbgrader: bool = True) -> Round:
    """Set up, run and tear down one round (and the nbgrader round on the same hub);
    the Round keeps rows, summary, failures (and ``exchange``, an ExchangeRound)."""
    with tempfile.TemporaryDirectory(prefix="mlekit-hub-") as tmp:
        rnd = Round(Path(workdir or tmp), n_students, log=log)
        try:
            rnd.start()
            rnd.run()
            if nbgrader:
                from .exchange import ExchangeRound

                t = time.perf_counter()
                rnd.exchange_round = ExchangeRound(rnd).run()
                rnd.exchange_round.seconds = time.perf_counter() - t
        finally:
            if hasattr(rnd, "hub"):
                rnd.leftover = rnd.stop()
        return rnd


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.hub.load", description=__doc__.split(
        "\n\n")[0])
    parser.add_argument("--students", type=int, default=24)
    parser.add_argument("--json", dest="json_path", help="also write the summary here")
    parser.add_argument("--workdir", help="keep the hub's folder here (default: a temp folder)")
    parser.add_argument("--no-nbgrader", action="store_true",
                        help="skip the nbgrader exchange round")
    args = parser.parse_args(argv)
    rnd = run_round(args.students, Path(args.workdir) if args.workdir else None,
                    nbgrader=not args.no_nbgrader)
    print(table(rnd.summary))
    failures = list(rnd.failures)
    ex = getattr(rnd, "exchange_round", None)
    if ex is not None:
        from .exchange import expected_scores, scores_table

        expected = expected_scores(rnd.names)
        print(scores_table(ex.scores, expected))
        print(f"nbgrader round: {ex.seconds:.0f} s; scores as expected: {ex.scores == expected}")
        failures += ex.failures + ([] if ex.scores == expected else ["nbgrader scores differ"])
    rnd.failures = failures
    print(f"wall time {rnd.wall:.0f} s; CPU used by the hub and everything it ran: "
          f"{rnd.cpu_s:.0f} core-seconds ({rnd.cpu_s / rnd.n:.1f} per student); "
          f"processes left behind: {len(rnd.leftover)}")
    for failure in rnd.failures:
        print("FAILED", failure, file=sys.stderr)
    if rnd.failures:
        print("--- end of the hub's log\n" + rnd.hub_log[-6000:], file=sys.stderr)
    if args.json_path:
        Path(args.json_path).write_text(json.dumps({"summary": rnd.summary, "rows": rnd.rows},
                                                   indent=1, default=str))
    return 1 if rnd.failures or rnd.leftover else 0


if __name__ == "__main__":
    sys.exit(main())
