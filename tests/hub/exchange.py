"""An nbgrader round through the exchange, on the class hub of :mod:`tests.hub.load`.

The instructor (this process, as from a terminal on the hub machine) releases
lesson 04 as assignment ``lesson04``; every student, from a kernel of their
own server (where ``binder/hub/nbgrader_config.py`` is in force), fetches it,
fills one answer (``p_hat``: right for odd-numbered students, a wrong formula
for even-numbered ones) through the contents API, as JupyterLab saves, and
submits; the instructor collects and autogrades. :func:`expected_scores` says
what each student must get, from the notebook's nbgrader points alone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import traceback

from .harness import HUB_CONFIG
from .load import ANSWER_ID, COURSE, LESSONS, answer_source

ASSIGNMENT = "lesson04"
NOTEBOOK = LESSONS[0]
WRONG_ANSWER = "def p_hat(k, n):\n    return n / k   # my answer (upside down)\n"

STUDENT_CODE = r"""
import json, subprocess, sys
r = subprocess.run([sys.executable, "-m", "nbgrader", {args}], capture_output=True, text=True)
print(json.dumps([r.returncode, r.stdout[-1500:], r.stderr[-1500:]]))
"""


def answers_right(name: str) -> bool:
    return int(name[-2:]) % 2 == 1


def points() -> dict[str, float]:
    """The nbgrader points of every graded cell of the assignment, by grade id."""
    import nbformat

    nb = nbformat.read(COURSE / NOTEBOOK, as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: float(c.metadata["nbgrader"]["points"])
            for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")}


def expected_scores(names) -> dict[str, tuple[float, float]]:
    """``{student: (score, max score)}``: only the answered exercise's check earns points."""
    pts = points()
    total = sum(pts.values())
    return {n: (pts[ANSWER_ID + "-check"] if answers_right(n) else 0.0, total) for n in names}


class ExchangeRound:
    def __init__(self, rnd):
        self.rnd = rnd
        self.course = rnd.workdir / "instructor-course"
        self.failures: list[str] = []
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("JUPYTER", "MLEKIT_", "MPLBACKEND"))}
        self.env.update(
            PATH=os.path.dirname(sys.executable) + os.pathsep + self.env.get("PATH", ""),
            JUPYTER_CONFIG_PATH=str(HUB_CONFIG.parent),       # the shipped nbgrader_config.py
            MLEKIT_EXCHANGE=str(rnd.exchange), MLEKIT_PROGRESS="off")

    def nbgrader(self, *args):
        run = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=self.course,
                             env=self.env, capture_output=True, text=True, timeout=900)
        if run.returncode != 0:
            raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{run.stdout[-2000:]}\n"
                               f"{run.stderr[-3000:]}")
        return run

    def release(self):
        source = self.course / "source" / ASSIGNMENT
        source.mkdir(parents=True)
        shutil.copy(COURSE / NOTEBOOK, source / NOTEBOOK)
        (self.course / "nbgrader_config.py").write_text(
            "c = get_config()\n"
            f"c.CourseDirectory.root = {str(self.course)!r}\n")
        self.nbgrader("generate_assignment", ASSIGNMENT, "--force")
        self.nbgrader("release_assignment", ASSIGNMENT, "--force")

    def _student(self, name: str):
        from .harness import Kernel

        student = self.rnd.students[name]
        r = student.http.post(f"{student.base}/api/kernels", json={"name": "python3"},
                              timeout=120)
        r.raise_for_status()
        kernel = Kernel(student, r.json()["id"])
        try:
            def nbgrader(*args):
                code = STUDENT_CODE.format(args=", ".join(repr(a) for a in args))
                out = "".join(o.get("text", "") for o in kernel.execute(code)["outputs"]
                              if o["output_type"] == "stream" and o["name"] == "stdout")
                rc, stdout, stderr = json.loads(out.strip().splitlines()[-1])
                if rc != 0:
                    raise RuntimeError(f"{name}: nbgrader {args} failed:\n{stdout}\n{stderr}")

            nbgrader("fetch_assignment", ASSIGNMENT)
            path = f"{ASSIGNMENT}/{NOTEBOOK}"
            nb = student.read_notebook(path)
            (cell,) = [c for c in nb["cells"]
                       if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == ANSWER_ID]
            cell["source"] = answer_source() if answers_right(name) else WRONG_ANSWER
            student.save_notebook(path, nb)
            nbgrader("submit", ASSIGNMENT)
        finally:
            kernel.close()
            student.http.delete(f"{student.base}/api/kernels/{kernel.id}", timeout=60)

    def students(self):
        errors = {}

        def run(name):
            try:
                self._student(name)
            except BaseException as exc:           # noqa: BLE001 - counted as a failure
                errors[name] = f"{exc}\n{traceback.format_exc()[-1500:]}"

        threads = [threading.Thread(target=run, args=(n,)) for n in self.rnd.names]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.failures += [f"{n}: {e}" for n, e in sorted(errors.items())]

    def grade(self) -> dict[str, tuple[float, float]]:
        self.nbgrader("collect", ASSIGNMENT)
        submitted = sorted(p.parent.name for p in
                           (self.course / "submitted").glob(f"*/{ASSIGNMENT}"))
        if submitted != sorted(self.rnd.names):
            raise RuntimeError(f"collected {submitted}, expected {self.rnd.names}")
        self.nbgrader("autograde", ASSIGNMENT, "--create", "--force")
        from nbgrader.api import Gradebook

        scores = {}
        with Gradebook(f"sqlite:///{self.course / 'gradebook.db'}", course_id="mlekit") as gb:
            for name in self.rnd.names:
                sub = gb.find_submission(ASSIGNMENT, name)
                scores[name] = (float(sub.score), float(sub.max_score))
        return scores

    def run(self):
        self.release()
        self.students()
        self.scores = self.grade() if not self.failures else {}
        return self


def scores_table(scores, expected) -> str:
    lines = ["nbgrader through the exchange (assignment lesson04, one answer filled)",
             "| student | answer | score | expected |", "|---|---|---:|---:|"]
    for name in sorted(expected):
        got = scores.get(name, (float("nan"), float("nan")))
        want = expected[name]
        lines.append(f"| {name} | {'right' if answers_right(name) else 'wrong'} "
                     f"| {got[0]:g} / {got[1]:g} | {want[0]:g} / {want[1]:g} |")
    return "\n".join(lines)
