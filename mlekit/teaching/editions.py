"""The three editions of the course, all made from the instructor notebooks.

=============  ==========================================  ===================================
edition        what it is                                  how it is made
=============  ==========================================  ===================================
instructor     ``course/``: solutions, hidden tests,       written by hand; nbval runs it
               stored outputs; nbgrader's source format
handout        blanks, no solutions, no hidden tests, no   ``mlekit student SRC OUT``
               outputs: what an instructor hands out
               for grading
self-study     the handout plus, under every check, hints  ``mlekit start`` (for a student),
               and the worked solution in collapsed        ``mlekit student SRC OUT
               blocks; checks record progress              --edition self-study``
=============  ==========================================  ===================================

:func:`build_edition` makes an edition in memory (relative path -> bytes,
deterministic, so a rebuild of the same course is byte-identical) and
:func:`write_edition` writes it with :func:`mlekit.teaching.workspace.sync`,
which never overwrites a file someone changed. :func:`course_source` finds the
instructor notebooks that ship with this mlekit (package data in a wheel,
``course/`` in a checkout).
"""

from __future__ import annotations

from pathlib import Path

from .. import _validation as V
from .handout import handout_notebook
from .selfstudy import self_study_notebook

__all__ = ["EDITIONS", "course_source", "lesson_notebooks", "edition_notebook",
           "build_edition", "write_edition"]

EDITIONS = ("handout", "self-study")


def _check_edition(edition) -> str:
    return V.check_choice(edition, "edition", EDITIONS,
                          'Use "handout" (blanks, for grading) or "self-study" (blanks with '
                          "hints and solutions on request).", exc=ValueError)
_SKIP_PARTS = (".ipynb_checkpoints", "__pycache__")
_SKIP_NAMES = ("conftest.py",)
LESSON_GLOB = "[0-9][0-9]_*.ipynb"


def course_source() -> Path:
    """The folder of instructor notebooks that ships with this mlekit.

    An installed wheel carries them as package data (``mlekit/_course``); an
    editable install of a checkout reads the checkout's ``course/``.
    """
    package = Path(__file__).resolve().parent.parent
    for folder in (package / "_course", package.parent / "course"):
        if any(folder.glob(LESSON_GLOB)):
            return folder
    raise FileNotFoundError(
        f"mlekit's course notebooks are missing: neither {package / '_course'} nor "
        f"{package.parent / 'course'} holds any. Reinstall mlekit (pip install mlekit).")


def lesson_notebooks(folder) -> list[Path]:
    """The lesson notebooks ``NN_name.ipynb`` directly in *folder*, in order."""
    return sorted(p for p in Path(folder).glob(LESSON_GLOB) if " (" not in p.name)


def edition_notebook(nb, edition: str, name: str = "notebook"):
    """The *edition* ("handout" or "self-study") of one nbformat notebook."""
    if _check_edition(edition) == "handout":
        out = handout_notebook(nb, name)
    else:
        out = self_study_notebook(nb, name)
    # outputs are cleared, so the saved widget state describes nothing any more
    out.metadata.pop("widgets", None)
    return out


def _files(src: Path):
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if any(part in _SKIP_PARTS for part in rel.parts) or path.is_dir():
            continue
        if path.name in _SKIP_NAMES:
            continue
        yield rel, path


def build_edition(src_dir, edition: str, *, log=None) -> dict[str, bytes]:
    """Every file of the *edition* of the course in *src_dir*: ``{relative path: bytes}``.

    Notebooks are converted; other files (data, images) are copied as they are.
    Unbalanced or misspelt nbgrader markers raise
    :class:`~mlekit.teaching.handout.MarkerError`, so no solution can leak.
    """
    import nbformat

    _check_edition(edition)
    src = Path(src_dir)
    if not src.is_dir():
        raise FileNotFoundError(f"{src} is not a folder of notebooks")
    files = list(_files(src))
    notebooks = [rel for rel, _ in files if rel.suffix == ".ipynb"]
    if not notebooks:
        raise FileNotFoundError(f"{src} holds no notebooks")
    out, done = {}, 0
    for rel, path in files:
        if rel.suffix == ".ipynb":
            nb = nbformat.read(path, as_version=4)
            converted = edition_notebook(nb, edition, rel.as_posix())
            out[rel.as_posix()] = (nbformat.writes(converted) + "\n").encode("utf-8")
            done += 1
            if log:
                log(f"[{done}/{len(notebooks)}] {rel}")
        else:
            out[rel.as_posix()] = path.read_bytes()
    return out


def write_edition(src_dir, out_dir, edition: str = "handout", *, log=print):
    """Build the *edition* of *src_dir* and write it to *out_dir*; return the sync report.

    *out_dir* must not be *src_dir* or inside it. A file in *out_dir* that was
    changed since it was written is kept and the new version is written beside
    it (see :func:`mlekit.teaching.workspace.sync`).
    """
    from .workspace import sync

    src, out = Path(src_dir).resolve(), Path(out_dir).resolve()
    if out == src or src in out.parents:
        raise ValueError(f"the output folder {out} must not be the source folder or inside it "
                         "(the solutions are there)")
    files = build_edition(src, edition, log=log)
    return sync(files, out, edition=edition, log=log)
