"""Shared checks on executed student editions (workflow, Binder and edition tests).

An executed handout or self-study notebook must fail in exercise cells only:
a solution cell may raise NotImplementedError (a value answer's stub) and
nothing else; a check cell prints its message on stderr (a function answer's
stub is only called there) and never raises; every other cell runs clean.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import nbformat

from mlekit.exercises._core import FAIL_MARK
from mlekit.teaching.handout import BEGIN_HIDDEN, BEGIN_SOLUTION

COURSE = Path(__file__).resolve().parent.parent / "course"


def planted_course(dest: Path):
    """Copy course/ to *dest* with a unique marker line in every solution and hidden-test region.

    Returns ``(dest, solution_markers, hidden_markers)``: a student edition built from
    *dest* must contain none of the markers.
    """
    shutil.copytree(COURSE, dest, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    solution, hidden = set(), set()
    for path in dest.glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            out = []
            for line in cell.source.split("\n"):
                out.append(line)
                for begin, found in ((BEGIN_SOLUTION, solution), (BEGIN_HIDDEN, hidden)):
                    if begin in line:
                        marker = f"LEAK-{uuid.uuid4().hex}"
                        found.add(marker)
                        indent = line[: len(line) - len(line.lstrip())]
                        out.append(f"{indent}# {marker}")
            cell.source = "\n".join(out)
        nbformat.write(nb, path)
    return dest, solution, hidden


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def check_output_text(cell) -> str:
    """The plain text a check cell showed: stream text and rich outputs' text/plain."""
    parts = []
    for out in cell.get("outputs", []):
        if out["output_type"] == "stream":
            parts.append(out["text"])
        elif out["output_type"] in ("display_data", "execute_result"):
            parts.append(out.get("data", {}).get("text/plain", ""))
    return "".join(parts)


def exercise_failures(nb, name: str) -> dict:
    """Assert the executed notebook *nb* fails only in exercise cells; count them."""
    failures = {"solution": 0, "check": 0, "lesson": 0}
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        meta = nbgrader_meta(cell)
        outputs = cell.get("outputs", [])
        errors = [o for o in outputs if o["output_type"] == "error"]
        stderr = "".join(o["text"] for o in outputs
                         if o["output_type"] == "stream" and o["name"] == "stderr")
        where = f"{name} cell {index}:\n{''.join(cell['source'])[:200]}"
        if meta.get("solution"):
            # a value answer raises NotImplementedError here; a function answer raises
            # only when the check calls it
            assert [e["ename"] for e in errors] in ([], ["NotImplementedError"]), where
            assert not stderr.strip(), where
            failures["solution"] += 1
        elif meta.get("grade"):
            assert not errors, f"{where}\nraised {[e['ename'] for e in errors]} instead of a message"
            assert stderr.startswith(FAIL_MARK), f"{where}\nno check message on stderr"
            failures["check"] += 1
        else:
            assert not errors, f"{where}\nlesson cell raised {[e['ename'] for e in errors]}"
            assert not stderr.strip(), f"{where}\nlesson cell wrote to stderr: {stderr[:300]}"
            failures["lesson"] += 1
    return failures
