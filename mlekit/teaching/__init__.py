"""Instructor and student tooling: the editions of the course, a student's folder, progress.

- :mod:`~mlekit.teaching.handout` scrubs one notebook as nbgrader does
  (solutions become stubs, hidden tests go);
- :mod:`~mlekit.teaching.selfstudy` adds hints and worked solutions, opened on
  request, under every check;
- :mod:`~mlekit.teaching.editions` builds a whole edition from ``course/``;
- :mod:`~mlekit.teaching.workspace` writes it into a folder without ever
  overwriting a file someone changed (``mlekit start``);
- :mod:`~mlekit.teaching.progress` shows what a student has passed;
- :mod:`~mlekit.teaching.grading` grades submissions without nbgrader.

Imports run one way: teaching uses :mod:`mlekit.exercises`, never the reverse.
"""

from __future__ import annotations

from .editions import EDITIONS, build_edition, course_source, write_edition
from .progress import progress
from .workspace import start, sync

__all__ = ["EDITIONS", "build_edition", "course_source", "write_edition", "progress", "start",
           "sync"]
