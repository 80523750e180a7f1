"""A student's work folder: prepared by ``mlekit start``, and nothing in it is ever lost.

:func:`sync` writes an edition into a folder and keeps a manifest,
``.mlekit-edition.json``, with the SHA-256 of every file it wrote. On the
next run (say after an upgrade of mlekit) each file is judged by content,
never by its timestamp:

=======================================  ============================================
the file in the folder                   what happens
=======================================  ============================================
missing (new lesson, or deleted)         written
identical to the new version             nothing (it is recorded as current)
as written last time (not touched)       replaced by the new version
changed since it was written, or not     **kept, byte for byte**; if the new version
written by mlekit                        differs from what the student last received,
                                         it is written beside it as
                                         ``NN_name (mlekit X.Y.Z).ipynb``, and one line
                                         says so
=======================================  ============================================

Every file is written to a temporary name and moved into place, so an
interrupted run leaves whole files only. :func:`start` prepares the
self-study edition of the course that ships with mlekit and opens JupyterLab
at lesson 00.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..exercises._progress import EDITION_FILE, write_bytes_atomic

__all__ = ["MANIFEST", "SyncReport", "sync", "start", "DEFAULT_FOLDER"]

#: JupyterLab defaults that mlekit sets for this environment, in the folder JupyterLab reads
#: package defaults from (``overrides.d``; a user's own settings still win): a double click on
#: a read-only Markdown cell, such as the help under each check, does not open its source, so
#: no hint or solution shows by accident.
LAB_OVERRIDES = {"@jupyterlab/notebook-extension:tracker": {"showEditorForReadOnlyMarkdown": False}}
LAB_OVERRIDES_FILE = "mlekit.json"

MANIFEST = EDITION_FILE
MANIFEST_FORMAT = "mlekit-edition"
DEFAULT_FOLDER = "mlekit-course"
FIRST_LESSON = "00_start_here.ipynb"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_manifest(folder) -> dict:
    """The folder's manifest, or an empty one if it is missing or unreadable."""
    try:
        data = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        return {}
    if not isinstance(data.get("files"), dict):
        data["files"] = {}
    return data


@dataclass
class SyncReport:
    """What :func:`sync` did, file by file (relative paths)."""

    folder: Path
    added: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    kept: list = field(default_factory=list)          # (student's file, new version beside or None)

    @property
    def beside(self) -> list:
        return [new for _, new in self.kept if new]


def _beside_name(rel: str, version: str, files_here: Path, new_hash: str) -> tuple[str, bool]:
    """Where the new version of a kept file goes; (name, already there with this content)."""
    stem, dot, suffix = rel.rpartition(".")
    if not dot:
        stem, suffix = rel, ""
    for n in range(1, 100):
        label = f"mlekit {version}" if n == 1 else f"mlekit {version}, {n}"
        name = f"{stem} ({label}){dot}{suffix}"
        path = files_here / name
        if not path.exists():
            return name, False
        if _sha256(path.read_bytes()) == new_hash:
            return name, True
    raise RuntimeError(f"too many new versions of {rel} beside it; delete some")  # pragma: no cover


def sync(files: dict, folder, *, edition: str, version: str | None = None, log=print) -> SyncReport:
    """Write *files* (``{relative path: bytes}``) into *folder* without losing anything there.

    See the module docstring for the rules. Returns a :class:`SyncReport`;
    *log* receives one line per kept file and one summary line.
    """
    if version is None:
        from .. import __version__ as version
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(f"{folder} exists and is not a folder; choose another place")
    folder.mkdir(parents=True, exist_ok=True)
    manifest = read_manifest(folder)
    if manifest.get("edition") not in (None, edition):
        raise ValueError(f"{folder} holds the {manifest['edition']} edition; put the {edition} "
                         "edition in another folder")
    records = manifest.get("files", {})
    report = SyncReport(folder)
    for rel, data in files.items():
        path = folder / rel
        new_hash = _sha256(data)
        entry = records.get(rel) if isinstance(records.get(rel), dict) else {}
        if not path.exists():
            write_bytes_atomic(path, data)
            records[rel] = {"sha256": new_hash, "delivered": new_hash}
            report.added.append(rel)
            continue
        current = _sha256(path.read_bytes())
        if current == new_hash:
            records[rel] = {**entry, "sha256": new_hash, "delivered": new_hash}
            report.unchanged.append(rel)
        elif entry.get("sha256") == current:                  # as we wrote it: not touched
            write_bytes_atomic(path, data)
            records[rel] = {"sha256": new_hash, "delivered": new_hash}
            report.updated.append(rel)
        else:                                                  # the student's: keep it
            if entry.get("delivered") == new_hash:
                report.kept.append((rel, None))               # nothing new to deliver
                continue
            name, there = _beside_name(rel, version, folder, new_hash)
            if not there:
                write_bytes_atomic(folder / name, data)
            records[rel] = {**entry, "delivered": new_hash, "beside": name}
            report.kept.append((rel, name))
            log(f"kept your {rel} (you changed it); the new version is in '{name}'")
    lessons = sorted(rel for rel in files if "/" not in rel and rel.endswith(".ipynb"))
    manifest = {"format": MANIFEST_FORMAT, "version": 1, "edition": edition,
                "mlekit": version, "lessons": lessons, "files": records}
    write_bytes_atomic(folder / MANIFEST,
                  (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode("utf-8"))
    parts = []
    if report.added:
        parts.append(f"{len(report.added)} added")
    if report.updated:
        parts.append(f"{len(report.updated)} updated (you had not changed them)")
    if report.kept:
        parts.append(f"{len(report.kept)} kept as you changed them")
    summary = ", ".join(parts) if parts else "up to date"
    log(f"{folder}: the {edition} edition of mlekit {version}, {len(files)} files: {summary}")
    return report


def lab_overrides_path() -> Path:
    """Where this environment's JupyterLab reads package defaults from."""
    return Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.d" / \
        LAB_OVERRIDES_FILE


def ensure_lab_settings() -> bool:
    """Write :data:`LAB_OVERRIDES` for this environment's JupyterLab; False if not writable."""
    path = lab_overrides_path()
    data = (json.dumps(LAB_OVERRIDES, indent=1, sort_keys=True) + "\n").encode("utf-8")
    try:
        if path.is_file() and path.read_bytes() == data:
            return True
        write_bytes_atomic(path, data)
        return True
    except OSError:             # a system Python: the help still works, a double click shows it
        return False


def start(folder=None, *, lab: bool = True, lab_args=(), log=print) -> int:
    """Prepare the self-study edition in *folder* (default ``./mlekit-course``), then open it.

    With ``lab=False`` only prepare it and print its path (the last line).
    Returns the exit code (JupyterLab's, when it runs).
    """
    from .editions import build_edition, course_source

    folder = Path(folder if folder is not None else DEFAULT_FOLDER).expanduser().resolve()
    source = course_source().resolve()
    if folder == source or source in folder.parents:
        raise ValueError(f"{folder} is where mlekit keeps the instructor notebooks; "
                         "prepare the course somewhere else")
    sync(build_edition(source, "self-study"), folder, edition="self-study", log=log)
    ensure_lab_settings()
    if not lab:
        log(str(folder))
        return 0
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        log(f"The course is ready in {folder}, but JupyterLab is not installed. Install it with "
            "pip install 'mlekit[lab]' and run mlekit start again, or open the folder in any "
            "Jupyter you have.")
        return 1
    log(f"opening JupyterLab at {FIRST_LESSON} in {folder} (stop it with Ctrl+C)")
    return _launch([sys.executable, "-m", "jupyterlab", FIRST_LESSON, *lab_args], folder)


def _launch(command: list, folder: Path) -> int:  # pragma: no cover - replaced in tests
    """Run JupyterLab in *folder*. On POSIX the process becomes JupyterLab (exec), so
    Ctrl+C and signals reach it directly and nothing is left running behind it."""
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "posix":
        os.chdir(folder)
        os.execv(command[0], command)
    try:
        return subprocess.call(command, cwd=folder)
    except KeyboardInterrupt:
        return 130
