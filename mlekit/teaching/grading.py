"""Grade submitted notebooks without nbgrader.

For each submitted notebook, the autograded (test) cells are replaced by the
instructor's versions, hidden tests included, matched by nbgrader
``grade_id``, exactly as ``nbgrader autograde`` does; then the notebook runs
top to bottom in a fresh kernel with errors allowed. A test cell earns its
points when it raises no error and writes nothing to stderr (a check that
fails prints its hint to stderr). Solution cells are never trusted to be
graded on their own.

Command line::

    mlekit grade course/ submissions/alice/ submissions/bob/ --csv grades.csv
"""

from __future__ import annotations

import contextlib
import csv
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ._totals import sum_of

__all__ = ["ItemScore", "NotebookScore", "grade_notebook", "grade_submissions"]


@dataclass
class ItemScore:
    """One autograded cell: its grade id, points earned and possible, and why."""

    grade_id: str
    score: float
    max_score: float
    reason: str = ""


@dataclass
class NotebookScore:
    """All graded items of one submitted notebook."""

    student: str
    notebook: str
    items: list = field(default_factory=list)

    score = sum_of("items", "score", "Points earned over all graded items.")
    max_score = sum_of("items", "max_score", "Points possible over all graded items.")


def _meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def _tests_by_id(instructor_nb):
    return {_meta(c)["grade_id"]: c for c in instructor_nb.cells
            if _meta(c).get("grade") and c.cell_type == "code"}


@contextlib.contextmanager
def _progress_off():
    """Kernels started inside inherit MLEKIT_PROGRESS=off (see mlekit.exercises._progress)."""
    old = os.environ.get("MLEKIT_PROGRESS")
    os.environ["MLEKIT_PROGRESS"] = "off"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("MLEKIT_PROGRESS", None)
        else:
            os.environ["MLEKIT_PROGRESS"] = old


def grade_notebook(instructor_path, submission_path, *, student="", timeout=120):
    """Run *submission_path* with the instructor's test cells and score each one."""
    import nbformat
    from nbclient import NotebookClient

    instructor = nbformat.read(instructor_path, as_version=4)
    tests = _tests_by_id(instructor)
    sub = nbformat.read(submission_path, as_version=4)
    seen = set()
    for cell in sub.cells:
        gid = _meta(cell).get("grade_id")
        if gid in tests and _meta(cell).get("grade"):
            cell.source = tests[gid].source            # restore locked test + hidden tests
            cell.metadata = tests[gid].metadata
            seen.add(gid)
    result = NotebookScore(student, Path(submission_path).name)
    for gid in tests.keys() - seen:                  # a deleted test cell earns nothing
        result.items.append(ItemScore(gid, 0.0, float(_meta(tests[gid])["points"]),
                                      "test cell missing from the submission"))
    with _progress_off():      # grading a copy must not write to the student's progress file
        NotebookClient(sub, timeout=timeout, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(Path(submission_path).parent)}}
                       ).execute()
    for cell in sub.cells:
        meta = _meta(cell)
        if not (meta.get("grade") and meta.get("grade_id") in seen):
            continue
        points = float(meta["points"])
        errors = [o for o in cell.outputs if o.output_type == "error"]
        stderr = "".join(o.get("text", "") for o in cell.outputs
                         if o.output_type == "stream" and o.name == "stderr")
        if errors:
            reason = f"{errors[0].ename}: {errors[0].evalue}"[:200]
            result.items.append(ItemScore(meta["grade_id"], 0.0, points, reason))
        elif stderr.strip():
            result.items.append(ItemScore(meta["grade_id"], 0.0, points,
                                          stderr.strip().splitlines()[0][:200]))
        else:
            result.items.append(ItemScore(meta["grade_id"], points, points, "passed"))
    result.items.sort(key=lambda i: i.grade_id)
    return result


def grade_submissions(instructor_dir, submission_dirs, *, csv_path=None, log=print):
    """Grade every notebook in each submission folder against *instructor_dir*."""
    instructor_dir = Path(instructor_dir)
    rows = []
    for sub_dir in map(Path, submission_dirs):
        notebooks = sorted(p for p in sub_dir.glob("*.ipynb")
                           if (instructor_dir / p.name).exists())
        if not notebooks:
            log(f"{sub_dir}: no notebooks matching {instructor_dir}")
        for path in notebooks:
            start = time.perf_counter()
            score = grade_notebook(instructor_dir / path.name, path, student=sub_dir.name)
            rows.append(score)
            log(f"{sub_dir.name:>16} {path.name:<36} {score.score:5.1f} / {score.max_score:<5.1f}"
                f" ({time.perf_counter() - start:.1f} s)")
            for item in score.items:
                if item.score < item.max_score:
                    log(f"{'':>18}{item.grade_id}: {item.reason}")
    if csv_path:
        with open(csv_path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["student", "notebook", "grade_id", "score", "max_score", "reason"])
            for nb in rows:
                for item in nb.items:
                    writer.writerow([nb.student, nb.notebook, item.grade_id, item.score,
                                     item.max_score, item.reason])
        log(f"wrote {csv_path}")
    return rows


def main(instructor_dir, submission_dirs, csv_path=None) -> int:  # pragma: no cover - CLI glue
    rows = grade_submissions(instructor_dir, submission_dirs, csv_path=csv_path)
    return 0 if rows else (print("no notebooks graded", file=sys.stderr) or 1)
