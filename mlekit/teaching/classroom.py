"""A class on a JupyterHub: the nbgitpuller link that hands out the course.

An instructor publishes the self-study edition as a git repository (the
lessons at its top level: ``mlekit student course/ out/ --edition
self-study``, then ``git init`` in ``out/`` and push). A student clicks a
link such as::

    https://hub.example.org/hub/user-redirect/git-pull?repo=...&urlpath=lab%2Ftree%2F...

JupyterHub logs the student in and starts their server; nbgitpuller clones
the repository (or, on a later click, fetches it and merges it with the
student's own changes, never overwriting them); JupyterLab opens the lesson.

:func:`nbgitpuller_link` builds that link the way nbgitpuller's own link
generator does (the query written by the WHATWG ``URLSearchParams``
serializer: ``repo``, then ``urlpath``, then ``branch``); :func:`course_link`
adds the course's knowledge (which file lesson NN is, which folder
nbgitpuller clones into). ``mlekit link`` prints :func:`course_link`.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .. import _validation as V
from .editions import course_source, lesson_notebooks

__all__ = ["nbgitpuller_link", "course_link", "clone_folder", "lesson_file", "form_encode"]

# URLSearchParams leaves ASCII letters, digits and *-._ as they are, writes a space
# as +, and percent-encodes every other byte of the UTF-8 text (upper-case hex).
_KEEP = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789*-._")
_REF_BAD = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]|\.\.|@\{|//")


def form_encode(text: str) -> str:
    """*text* encoded as ``application/x-www-form-urlencoded`` (what ``URLSearchParams`` writes).

    Examples
    --------
    >>> form_encode("lab/tree/my course/00_start_here.ipynb")
    'lab%2Ftree%2Fmy+course%2F00_start_here.ipynb'
    >>> form_encode("~x")
    '%7Ex'
    """
    out = []
    for byte in text.encode("utf-8"):
        if byte in _KEEP:
            out.append(chr(byte))
        elif byte == 0x20:
            out.append("+")
        else:
            out.append(f"%{byte:02X}")
    return "".join(out)


def _shown(value) -> str:
    """A URL as an error message shows it: whole (up to 100 characters), quoted."""
    if isinstance(value, str):
        return f"the string {value if len(value) <= 100 else value[:97] + '...'!r}"
    return V.describe(value)


def _check_url(value, name: str, schemes: tuple[str, ...], example: str):
    fix = f"Pass the full address, for example {name} {example}."
    if not isinstance(value, str):
        V.fail(name, "be a URL (text)", _shown(value), fix, TypeError)
    if not value or value != value.strip() or any(c.isspace() for c in value):
        V.fail(name, "be a URL without spaces", _shown(value), fix)
    try:
        parts = urlsplit(value)
        parts.port                                     # raises on a port that is not a number
    except ValueError:
        V.fail(name, "be a well-formed URL", _shown(value), fix)
    shown = [f"{s}://" for s in schemes]
    want = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]
    if parts.scheme.lower() not in schemes:
        V.fail(name, f"start with {want}", _shown(value), fix)
    if parts.scheme.lower() != "file" and not parts.hostname:
        V.fail(name, "name a host", _shown(value), fix)
    if parts.scheme.lower() == "file" and parts.netloc not in ("", "localhost"):
        V.fail(name, "be an absolute file:// URL", _shown(value),
               "Write file:///absolute/path/to/repo (three slashes).")
    return parts


def _check_hub(hub):
    parts = _check_url(hub, "--hub", ("http", "https"), "https://hub.example.org")
    if parts.username is not None or parts.password is not None:
        V.fail("--hub", "be an address without a user name or password", _shown(hub),
               "Students log in on the hub itself; give only https://host[:port][/path].")
    if parts.query or parts.fragment:
        V.fail("--hub", "be the hub's address without ?query or #fragment", _shown(hub),
               "Give only the address students type to reach the hub.")
    segments = [s for s in parts.path.split("/") if s]
    if "hub" in segments or "user" in segments:
        V.fail("--hub", "be the hub's root address, not one of its pages", _shown(hub),
               "Drop /hub/... or /user/... from the end, e.g. https://hub.example.org.")
    return parts


def clone_folder(repo: str) -> str:
    """The folder nbgitpuller clones *repo* into: the last part of the URL, as it is.

    nbgitpuller's default ``targetPath`` is the repository URL's last path
    segment; a ``.git`` ending is kept (unlike ``git clone``).

    Examples
    --------
    >>> clone_folder("https://github.com/example/mlekit-course")
    'mlekit-course'
    >>> clone_folder("https://example.org/git/course.git/")
    'course.git'
    """
    _check_url(repo, "--repo", ("http", "https", "file"), "https://github.com/you/course")
    folder = repo.rstrip("/").split("/")[-1]
    if not urlsplit(repo).path.strip("/") or folder in (".", ".."):
        V.fail("--repo", "end in the repository's name", _shown(repo),
               "Use the repository's own address, e.g. https://github.com/you/mlekit-course.")
    return folder


def lesson_file(lesson, source=None) -> str:
    """The notebook of lesson *lesson* (``4``, ``"04"`` or ``"04_phone_survey"``).

    The lessons are those of the course that ships with this mlekit (or the
    folder *source*).

    Examples
    --------
    >>> lesson_file("4")
    '04_phone_survey.ipynb'
    >>> lesson_file("99")
    Traceback (most recent call last):
    ...
    ValueError: --lesson must name a lesson of the course (00 to ...), got the string '99'. Pass a lesson number such as --lesson 04.
    """
    names = [p.name for p in lesson_notebooks(source if source is not None else course_source())]
    numbers = [n[:2] for n in names]
    span = f"{numbers[0]} to {numbers[-1]}" if numbers else "none found"
    fix = "Pass a lesson number such as --lesson 04."
    text = str(lesson).strip() if isinstance(lesson, (str, int)) and not isinstance(
        lesson, bool) else None
    if text is None:
        V.fail("--lesson", "be a lesson number", V.describe(lesson), fix, TypeError)
    stem = text[:-6] if text.endswith(".ipynb") else text
    for name in names:
        if stem == name[:-6] or (stem.isdigit() and len(stem) <= 2 and stem.zfill(2) == name[:2]):
            return name
    V.fail("--lesson", f"name a lesson of the course ({span})", V.describe(lesson), fix)


def _check_branch(branch):
    fix = "Pass the branch name as git shows it, e.g. --branch main."
    if not isinstance(branch, str):
        V.fail("--branch", "be a branch name (text)", V.describe(branch), fix, TypeError)
    if (not branch or _REF_BAD.search(branch) or branch.startswith(("-", "/", "."))
            or branch.endswith(("/", ".", ".lock"))):
        V.fail("--branch", "be a valid git branch name", V.describe(branch), fix)
    return branch


def nbgitpuller_link(hub: str, repo: str, *, urlpath: str | None = None,
                     branch: str | None = None, target_path: str | None = None) -> str:
    """The nbgitpuller link that pulls *repo* on *hub* and then opens *urlpath*.

    Built as nbgitpuller's link generator builds it: the hub's address with a
    ``/`` added if missing, then ``hub/user-redirect/git-pull``, then the
    query ``repo``, ``urlpath``, ``branch``, ``targetPath`` (each only when
    given), form-encoded.

    Examples
    --------
    >>> nbgitpuller_link("https://hub.example.org", "https://github.com/me/course",
    ...                  urlpath="lab/tree/course/04_phone_survey.ipynb", branch="main")
    'https://hub.example.org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fme%2Fcourse&urlpath=lab%2Ftree%2Fcourse%2F04_phone_survey.ipynb&branch=main'
    """
    parts = _check_hub(hub)
    _check_url(repo, "--repo", ("http", "https", "file"), "https://github.com/you/course")
    if branch is not None:
        _check_branch(branch)
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    scheme, host = parts.scheme.lower(), parts.hostname       # hostname is lower-case
    host = f"[{host}]" if ":" in host else host
    if parts.port is not None and parts.port != {"http": 80, "https": 443}[scheme]:
        host += f":{parts.port}"
    base = f"{scheme}://{host}{path}hub/user-redirect/git-pull"
    query = [("repo", repo), ("urlpath", urlpath), ("branch", branch),
             ("targetPath", target_path)]
    return base + "?" + "&".join(f"{form_encode(k)}={form_encode(v)}" for k, v in query if v)


def course_link(hub: str, repo: str, branch: str | None = None, lesson=None) -> str:
    """The link that hands out the course repository *repo* on *hub*, opening lesson *lesson*.

    Without *lesson* the link opens lesson 00. *repo* holds the self-study
    edition with the lessons at its top level; JupyterLab opens
    ``lab/tree/<clone folder>/<lesson notebook>``.

    Examples
    --------
    >>> course_link("https://hub.example.org", "https://github.com/me/mlekit-course",
    ...             branch="main", lesson="09")
    'https://hub.example.org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fme%2Fmlekit-course&urlpath=lab%2Ftree%2Fmlekit-course%2F09_gradient_descent.ipynb&branch=main'
    """
    _check_hub(hub)
    folder = clone_folder(repo)
    if branch is not None:
        _check_branch(branch)
    notebook = lesson_file("00" if lesson is None else lesson)
    return nbgitpuller_link(hub, repo, urlpath=f"lab/tree/{folder}/{notebook}", branch=branch)
