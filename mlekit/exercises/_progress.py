"""The progress file: which exercises a student has passed, per lesson.

Every check calls :func:`record` after it has shown its feedback. Recording
happens only in a student edition, i.e. when the kernel's working folder (the
notebook's folder in JupyterLab) holds ``.mlekit-edition.json``, the manifest
that ``mlekit start`` and ``mlekit student`` write. The instructor notebooks
in ``course/`` therefore never write anything. ``MLEKIT_PROGRESS=off``
switches recording off everywhere (``mlekit grade`` does so for its kernels).

The file, ``.mlekit-progress.json`` in that folder, looks like::

    {"format": "mlekit-progress", "version": 1,
     "lessons": {"lesson04": {"check_p_hat": {"status": "passed", "attempts": 2,
                                              "first_passed": "2026-12-03T10:00:00+00:00",
                                              "last_checked": "2026-12-03T10:00:00+00:00"}}}}

Guarantees (each has a test in ``tests/test_progress.py``):

- **A check never breaks.** :func:`record` returns False instead of raising:
  a read-only folder, a full disk or a lock held too long cost the record,
  never the feedback.
- **Nothing is lost.** A read-modify-write happens under an exclusive lock
  (``.mlekit-progress.lock``), so two kernels checking at once both land; the
  new file is written to a temporary file and moved over the old one
  (:func:`os.replace`), so a crash leaves the old file or the new one, never
  half of one. Entries this version does not understand are kept as they are.
- **A file that is not ours is kept.** A corrupt or foreign
  ``.mlekit-progress.json`` is renamed to ``.mlekit-progress.unreadable-N.json``
  (its bytes untouched) and a fresh record starts beside it.

This module imports only the standard library.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import tempfile
import time
from pathlib import Path

__all__ = ["EDITION_FILE", "PROGRESS_FILE", "is_student_edition", "recording_enabled",
           "record", "load"]

EDITION_FILE = ".mlekit-edition.json"
PROGRESS_FILE = ".mlekit-progress.json"
LOCK_FILE = ".mlekit-progress.lock"
FORMAT, VERSION = "mlekit-progress", 1
#: seconds a check waits for another kernel's write before giving up on recording
LOCK_TIMEOUT = 2.0
_OFF = {"0", "off", "no", "false"}


def is_student_edition(folder) -> bool:
    """True if *folder* holds the manifest of a generated student edition."""
    return (Path(folder) / EDITION_FILE).is_file()


def recording_enabled(folder=None) -> bool:
    """Whether a check run with working folder *folder* (default: the current one) records."""
    if os.environ.get("MLEKIT_PROGRESS", "").strip().lower() in _OFF:
        return False
    try:
        return is_student_edition(Path.cwd() if folder is None else folder)
    except OSError:
        return False


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def _empty() -> dict:
    return {"format": FORMAT, "version": VERSION, "lessons": {}}


def _parse(raw: bytes):
    """The progress data in *raw*, or None if it is not a progress file of ours."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if (not isinstance(data, dict) or data.get("format") != FORMAT
            or not isinstance(data.get("lessons"), dict)):
        return None
    return data


@contextlib.contextmanager
def _locked(folder: Path, timeout: float):
    """Hold an exclusive lock on the folder's lock file; raise TimeoutError after *timeout* s."""
    fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                _lock(fd)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError("another kernel holds the progress lock") from None
                time.sleep(0.01)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(fd):
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd):
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(fd):
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd):
        fcntl.flock(fd, fcntl.LOCK_UN)


def _set_aside(path: Path) -> Path:
    """Rename an unreadable progress file out of the way, keeping its bytes."""
    for n in range(1, 1000):
        target = path.with_name(f".mlekit-progress.unreadable-{n}.json")
        if not target.exists():
            os.replace(path, target)
            return target
    raise OSError("too many unreadable progress files")     # pragma: no cover


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write *data* to *path* so that a reader sees the old file or the new one, never half.

    A temporary file in the same folder, fsynced, then ``os.replace``; it gets an
    ordinary new file's permissions (mkstemp would make it 0600). Shared with
    :mod:`mlekit.teaching.workspace`, which writes the student's notebooks this way.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _write_atomic(path: Path, data: dict) -> None:
    text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    write_bytes_atomic(path, text.encode("utf-8"))


def record(lesson: str, exercise: str, passed: bool, *, folder=None,
           timeout: float = LOCK_TIMEOUT) -> bool:
    """Record one check's result; return True if it was saved. Never raises.

    Parameters
    ----------
    lesson : str
        The lesson's key, the check module's name (``"lesson04"``).
    exercise : str
        The check's name (``"check_p_hat"``).
    passed : bool
        The check's outcome; the latest outcome is the exercise's status.
    folder : path, optional
        The edition folder; default the current working folder.
    """
    try:
        folder = Path.cwd() if folder is None else Path(folder)
        if not recording_enabled(folder):
            return False
        path = folder / PROGRESS_FILE
        with _locked(folder, timeout):
            data = None
            if path.exists():
                data = _parse(path.read_bytes())
                if data is None:
                    _set_aside(path)
            if data is None:
                data = _empty()
            lessons = data["lessons"]
            if not isinstance(lessons.get(lesson), dict):
                lessons[lesson] = {}
            old = lessons[lesson].get(exercise)
            entry = dict(old) if isinstance(old, dict) else {}
            now = _now()
            attempts = entry.get("attempts")
            entry["attempts"] = (attempts if isinstance(attempts, int) else 0) + 1
            entry["status"] = "passed" if passed else "failed"
            entry["last_checked"] = now
            if passed and not entry.get("first_passed"):
                entry["first_passed"] = now
            lessons[lesson][exercise] = entry
            _write_atomic(path, data)
        return True
    except Exception:      # a check must never fail because its record could not be saved
        return False


def load(folder) -> tuple[dict, list[str]]:
    """The recorded results in *folder*: ``({lesson: {exercise: entry}}, notes)``.

    Never raises; *notes* says in plain words why something could not be read.
    """
    folder = Path(folder)
    notes = []
    path = folder / PROGRESS_FILE
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}, notes
    except OSError as exc:
        return {}, [f"{PROGRESS_FILE} could not be read ({exc.strerror or exc})."]
    data = _parse(raw)
    if data is None:
        return {}, [f"{PROGRESS_FILE} is not a progress file of mlekit. The next check keeps "
                    "it, renamed to .mlekit-progress.unreadable-1.json, and starts a new one."]
    lessons = {key: {name: entry for name, entry in value.items() if isinstance(entry, dict)}
               for key, value in data["lessons"].items() if isinstance(value, dict)}
    return lessons, notes
