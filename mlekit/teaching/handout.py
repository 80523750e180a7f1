"""The handout edition of one notebook: nbgrader's scrubbing, without nbgrader.

The notebooks in ``course/`` are the instructor versions: exercise cells hold
their solutions between nbgrader's markers, and autograded test cells may
hold hidden tests. A handout copy

- replaces each ``### BEGIN SOLUTION`` … ``### END SOLUTION`` region with
  ``# YOUR CODE HERE`` and ``raise NotImplementedError()`` (``YOUR ANSWER
  HERE`` in Markdown), keeping the indentation, as nbgrader does;
- deletes each ``### BEGIN HIDDEN TESTS`` … ``### END HIDDEN TESTS`` region;
- clears every output and execution count;
- keeps everything else, cell metadata included.

Unbalanced markers are an error, so a typo can never leak a solution.

:mod:`mlekit.teaching.editions` applies this to a whole folder
(``mlekit student SRC_DIR OUT_DIR``); the self-study edition starts from it.
"""

from __future__ import annotations

import copy
import re

__all__ = ["scrub_source", "handout_notebook", "solution_text", "MarkerError",
           "BEGIN_SOLUTION", "END_SOLUTION", "BEGIN_HIDDEN", "END_HIDDEN"]

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


def handout_notebook(nb, name: str = "notebook"):
    """Return the handout copy of an nbformat notebook (the input is not changed)."""
    nb = copy.deepcopy(nb)
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        cell.source = scrub_source(cell.source, cell.cell_type,
                                   solution_cell=bool(meta.get("solution")),
                                   where=f"{name}, cell {index}")
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.get("metadata", {}).pop("execution", None)      # run timings of the instructor's run
    return nb


_PLACEHOLDER = re.compile(r"^\s*(\w+)\s*=\s*None\b.*#\s*your answer", re.I)


def solution_text(source: str, where: str = "cell") -> str:
    """The instructor's cell as the student would complete it: markers dropped, solution kept.

    Hidden tests are removed; the lines around the solution region (a
    function's ``def`` line, say) stay as they are, except a
    ``name = None   # your answer`` placeholder that the solution assigns.

    Examples
    --------
    >>> print(solution_text("def f(p):\\n    ### BEGIN SOLUTION\\n    return 2 * p\\n"
    ...                     "    ### END SOLUTION"))
    def f(p):
        return 2 * p
    """
    lines = _replace_regions(source.split("\n"), BEGIN_HIDDEN, END_HIDDEN, (), where)
    scrub_source("\n".join(lines), where=where)          # the same marker checks as the handout
    kept = [line for line in lines if BEGIN_SOLUTION not in line and END_SOLUTION not in line]
    inside, assigned = False, set()
    for line in lines:
        if BEGIN_SOLUTION in line or END_SOLUTION in line:
            inside = BEGIN_SOLUTION in line
        elif inside:
            assigned.update(re.findall(r"^\s*(\w+)\s*=", line))
    kept = [line for line in kept
            if not ((m := _PLACEHOLDER.match(line)) and m.group(1) in assigned)]
    return "\n".join(kept).strip("\n")
