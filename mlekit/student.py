"""Make student copies of the course notebooks, without nbgrader.

The notebooks in ``course/`` are the instructor versions: exercise cells hold
their solutions between nbgrader's markers, and autograded test cells may
hold hidden tests. A student copy

- replaces each ``### BEGIN SOLUTION`` … ``### END SOLUTION`` region with
  ``# YOUR CODE HERE`` and ``raise NotImplementedError()`` (``YOUR ANSWER
  HERE`` in Markdown), keeping the indentation, as nbgrader does;
- deletes each ``### BEGIN HIDDEN TESTS`` … ``### END HIDDEN TESTS`` region;
- clears every output and execution count;
- keeps everything else, cell metadata included.

Unbalanced markers are an error, so a typo can never leak a solution.

Command line: ``mlekit student SRC_DIR OUT_DIR``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

__all__ = ["scrub_source", "student_notebook", "make_student_copies", "MarkerError"]

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"

_CODE_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
_MARKDOWN_STUB = ("YOUR ANSWER HERE",)


class MarkerError(ValueError):
    """A BEGIN marker without its END (or the reverse) in a notebook cell."""


def _replace_regions(lines, begin, end, stub, where):
    out, inside, indent = [], False, ""
    for number, line in enumerate(lines, 1):
        if begin in line:
            if inside:
                raise MarkerError(f"{where}: line {number} opens {begin!r} inside another one.")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out.extend(indent + s for s in stub)
            continue
        if end in line:
            if not inside:
                raise MarkerError(f"{where}: line {number} has {end!r} without {begin!r}.")
            inside = False
            continue
        if not inside:
            out.append(line)
    if inside:
        raise MarkerError(f"{where}: {begin!r} is never closed by {end!r}.")
    return out


def scrub_source(source: str, cell_type: str = "code", *, solution_cell: bool = False,
                 where: str = "cell") -> str:
    """Return *source* with solutions stubbed and hidden tests removed.

    Examples
    --------
    >>> print(scrub_source("def f(p):\\n    ### BEGIN SOLUTION\\n    return 2 * p\\n"
    ...                    "    ### END SOLUTION"))
    def f(p):
        # YOUR CODE HERE
        raise NotImplementedError()
    """
    lines = source.split("\n")
    stub = _CODE_STUB if cell_type == "code" else _MARKDOWN_STUB
    has_solution = any(BEGIN_SOLUTION in line for line in lines)
    if solution_cell and not has_solution:
        return "\n".join(stub)          # nbgrader: an unmarked solution cell is replaced whole
    lines = _replace_regions(lines, BEGIN_SOLUTION, END_SOLUTION, stub, where)
    lines = _replace_regions(lines, BEGIN_HIDDEN, END_HIDDEN, (), where)
    if re.search(r"(BEGIN|END) (SOLUTION|HIDDEN TESTS)", "\n".join(lines)):
        raise MarkerError(f"{where}: a solution or hidden-test marker is misspelt "
                          "(use exactly '### BEGIN SOLUTION' and so on).")
    return "\n".join(lines)


def student_notebook(nb, name: str = "notebook"):
    """Return a student copy of an nbformat notebook (the input is not changed)."""
    import copy

    nb = copy.deepcopy(nb)
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        cell.source = scrub_source(cell.source, cell.cell_type,
                                   solution_cell=bool(meta.get("solution")),
                                   where=f"{name}, cell {index}")
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb


def make_student_copies(src_dir, out_dir, *, log=print) -> list[Path]:
    """Write a student copy of every notebook in *src_dir* to *out_dir*; copy other files.

    Returns the notebooks written.
    """
    try:
        import nbformat
    except ImportError:  # pragma: no cover - depends on the environment
        raise SystemExit('mlekit student needs nbformat: pip install -e ".[lab]"') from None
    src, out = Path(src_dir), Path(out_dir)
    if not src.is_dir():
        raise SystemExit(f"mlekit student: {src} is not a folder")
    if out.resolve() == src.resolve() or src.resolve() in out.resolve().parents:
        raise SystemExit("mlekit student: OUT_DIR must not be SRC_DIR or inside it "
                         "(that would overwrite the solutions)")
    notebooks = sorted(p for p in src.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if not notebooks:
        raise SystemExit(f"mlekit student: no notebooks in {src}")
    written = []
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if any(part in (".ipynb_checkpoints", "__pycache__") for part in rel.parts):
            continue
        target = out / rel
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif path.suffix == ".ipynb":
            target.parent.mkdir(parents=True, exist_ok=True)
            nb = nbformat.read(path, as_version=4)
            nbformat.write(student_notebook(nb, str(rel)), target)
            written.append(target)
            log(f"[{len(written)}/{len(notebooks)}] {rel} -> {target}")
        elif path.name != "conftest.py":
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    return written
