"""The ``mlekit`` command line.

``mlekit start [DIR] [--no-lab] [-- JUPYTERLAB_ARGS ...]``
    Prepare the self-study edition of the course in DIR (default
    ``./mlekit-course``) and open JupyterLab at lesson 00 there. Run it again
    at any time, also after upgrading mlekit: new lessons are added, lessons
    you have not touched are updated, and a lesson you changed is never
    overwritten (the new version is written beside it).

``mlekit progress [DIR]``
    Print which exercises you have passed, per lesson, with points.

``mlekit execute PATH ...``
    Re-execute notebooks top to bottom in a fresh kernel of this Python and
    save them with their new outputs (what nbval then compares). Prints the
    time each notebook took. The kernel starts without ``MPLBACKEND``, as a
    student's does (``MPLBACKEND=Agg`` in your shell would drop figures).

``mlekit student SRC_DIR OUT_DIR [--edition handout|self-study]``
    Write student copies of the notebooks in SRC_DIR: the handout (solutions
    replaced by stubs, hidden tests removed, outputs cleared) or the
    self-study edition (the handout plus hints and worked solutions opened
    on request). No nbgrader needed.

``mlekit link --hub URL --repo URL [--branch NAME] [--lesson NN]``
    Print the nbgitpuller link that hands the course out on a JupyterHub:
    a click logs the student in, pulls the course repository REPO (the
    self-study edition, lessons at its top level) into their server without
    overwriting their changes, and opens lesson NN (default 00) in
    JupyterLab. See INSTRUCTORS.md, "Teach a class".

``mlekit grade INSTRUCTOR_DIR SUBMISSION_DIR ... [--csv FILE]``
    Run each submitted notebook with the instructor's test cells (hidden
    tests included) and report the points per exercise. No nbgrader needed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def _notebooks(paths):
    found = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.glob("*.ipynb")
                                if ".ipynb_checkpoints" not in p.parts))
        elif path.suffix == ".ipynb" and path.exists():
            found.append(path)
        else:
            raise SystemExit(f"mlekit: {raw} is not a notebook or a folder of notebooks")
    if not found:
        raise SystemExit("mlekit: no notebooks found in " + ", ".join(map(str, paths)))
    return found


def execute(paths, timeout=600) -> int:
    """Execute each notebook in place; return the number that failed.

    The kernel gets this process's environment without ``MPLBACKEND``: with
    ``MPLBACKEND=Agg`` (a developer's shell, a test) every ``plt.show()`` would
    store nothing and the explorers' figures would change size.
    """
    import os

    try:
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError
    except ImportError:  # pragma: no cover - depends on the environment
        raise SystemExit('mlekit execute needs nbclient: pip install -e ".[test]"')
    failed = 0
    notebooks = _notebooks(paths)
    for i, path in enumerate(notebooks, 1):
        print(f"[{i}/{len(notebooks)}] {path} ...", end=" ", flush=True)
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        start = time.perf_counter()
        kernel_env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
        try:
            client.execute(env=kernel_env)
        except CellExecutionError as exc:
            failed += 1
            print(f"FAILED after {time.perf_counter() - start:.1f} s")
            # the failing cell's source and the end of its traceback
            print("\n".join(str(exc).strip().splitlines()[-25:]), file=sys.stderr)
            continue
        nbformat.write(nb, path)
        print(f"ok in {time.perf_counter() - start:.1f} s")
    return failed


def _default_course_folder() -> Path:
    """For ``mlekit progress`` without DIR: this folder if it is a course, else ./mlekit-course."""
    from .exercises._progress import is_student_edition
    from .teaching.workspace import DEFAULT_FOLDER

    here = Path.cwd()
    if is_student_edition(here) or not (here / DEFAULT_FOLDER).is_dir():
        return here
    return here / DEFAULT_FOLDER


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="mlekit", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_start = sub.add_parser("start", help="prepare your copy of the course and open JupyterLab",
                             description="Prepare the self-study edition of the course in DIR "
                             "and open JupyterLab at lesson 00. Never overwrites a lesson you "
                             "changed. Arguments after -- go to JupyterLab.")
    p_start.add_argument("folder", nargs="?", default=None, metavar="DIR",
                         help="where to put the course (default: ./mlekit-course)")
    p_start.add_argument("--no-lab", action="store_true",
                         help="only prepare the folder and print its path")
    p_progress = sub.add_parser("progress", help="show the exercises you have passed",
                                description="Print the exercises passed and points per lesson.")
    p_progress.add_argument("folder", nargs="?", default=None, metavar="DIR",
                            help="your course folder (default: this folder if it is one, "
                            "else ./mlekit-course)")
    p_exec = sub.add_parser("execute", help="re-execute notebooks in place, saving fresh outputs")
    p_exec.add_argument("paths", nargs="+", help="notebooks or folders of notebooks")
    p_exec.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell")
    p_student = sub.add_parser("student", help="write student copies without solutions")
    p_student.add_argument("src_dir", help="folder of instructor notebooks (e.g. course)")
    p_student.add_argument("out_dir", help="folder to write the student copies to")
    p_student.add_argument("--edition", choices=("handout", "self-study"), default="handout",
                           help="handout (default): blanks only; self-study: blanks plus "
                           "hints and solutions opened on request")
    p_grade = sub.add_parser("grade", help="autograde submitted notebooks without nbgrader")
    p_grade.add_argument("instructor_dir", help="folder of instructor notebooks (e.g. course)")
    p_grade.add_argument("submissions", nargs="+", help="one folder of notebooks per student")
    p_grade.add_argument("--csv", dest="csv_path", help="also write the scores to this CSV file")
    p_link = sub.add_parser("link", help="print the nbgitpuller link that hands out the course",
                            description="Print the nbgitpuller link for a JupyterHub: it pulls "
                            "the course repository into each student's server (never "
                            "overwriting their changes) and opens a lesson in JupyterLab.")
    p_link.add_argument("--hub", required=True, metavar="URL",
                        help="the hub's address, e.g. https://hub.example.org")
    p_link.add_argument("--repo", required=True, metavar="URL",
                        help="the course repository (self-study edition), http(s):// or file://")
    p_link.add_argument("--branch", default=None, metavar="NAME",
                        help="the branch to pull (default: the repository's default branch)")
    p_link.add_argument("--lesson", default=None, metavar="NN",
                        help="the lesson to open, e.g. 04 (default: 00)")
    argv = list(sys.argv[1:] if argv is None else argv)
    lab_args = []
    if argv[:1] == ["start"] and "--" in argv:          # mlekit start [DIR] -- --port 9999
        cut = argv.index("--")
        argv, lab_args = argv[:cut], argv[cut + 1:]
    args = parser.parse_args(argv)
    args.lab_args = lab_args
    try:
        return _run(args)
    except (ValueError, FileNotFoundError, NotADirectoryError) as exc:
        print(f"mlekit {args.command}: {exc}", file=sys.stderr)
        return 2


def _run(args) -> int:
    if args.command == "start":
        from .teaching.workspace import start

        return start(args.folder, lab=not args.no_lab, lab_args=args.lab_args)
    if args.command == "progress":
        from .teaching.progress import progress

        print(progress(args.folder if args.folder is not None else _default_course_folder()))
        return 0
    if args.command == "grade":
        from .teaching.grading import main as grade_main

        return grade_main(args.instructor_dir, args.submissions, args.csv_path)
    if args.command == "execute":
        return 1 if execute(args.paths, args.timeout) else 0
    if args.command == "link":
        from .teaching.classroom import course_link

        print(course_link(args.hub, args.repo, branch=args.branch, lesson=args.lesson))
        return 0
    if args.command == "student":
        from .teaching.editions import write_edition

        write_edition(args.src_dir, args.out_dir, args.edition)
        return 0
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
