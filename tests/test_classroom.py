"""``mlekit link``: the nbgitpuller link, checked against nbgitpuller's own format.

nbgitpuller's link generator (its documentation's ``link_gen/link.js``)
builds the link with the browser's WHATWG ``URL``/``URLSearchParams``: the
hub's address with a ``/`` appended, ``hub/user-redirect/git-pull``, and the
query ``repo``, ``urlpath``, ``branch`` in that order. These tests

- parse every link back with :mod:`urllib.parse` and compare the fields;
- reproduce the start of the link in nbgitpuller's documentation (the
  generator screenshot, ``docs/_static/nbgitpuller-link-generator.png``)
  character for character;
- compare with what Node's own ``URL``/``URLSearchParams`` (the API the
  generator calls) write for the same inputs, tricky ones included (when
  ``node`` is installed);
- check every bad argument gets one sentence naming it.

The real round trip (a hub following the link, nbgitpuller cloning into the
folder the link opens) is in ``tests/hub/test_hub_load.py``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest

from mlekit import cli
from mlekit.teaching import classroom
from mlekit.teaching.editions import course_source, lesson_notebooks

HUB = "https://hub.example.org"
REPO = "https://github.com/someone/mlekit-course"


def fields(link):
    parts = urlsplit(link)
    return parts, dict(parse_qsl(parts.query, strict_parsing=True))


@pytest.mark.parametrize("path", lesson_notebooks(course_source()), ids=lambda p: p.name)
def test_every_lesson_link_parses_back_to_its_fields(path):
    link = classroom.course_link(HUB, REPO, branch="main", lesson=path.name[:2])
    parts, query = fields(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "hub.example.org",
                                                        "/hub/user-redirect/git-pull")
    assert query == {"repo": REPO, "branch": "main",
                     "urlpath": f"lab/tree/mlekit-course/{path.name}"}
    # nbgitpuller's generator order: repo, urlpath, branch
    assert [k for k, _ in parse_qsl(parts.query)] == ["repo", "urlpath", "branch"]


def test_lesson_may_be_given_as_number_padded_number_or_name():
    want = "lab/tree/mlekit-course/04_phone_survey.ipynb"
    for lesson in ("4", "04", 4, "04_phone_survey", "04_phone_survey.ipynb"):
        assert fields(classroom.course_link(HUB, REPO, lesson=lesson))[1]["urlpath"] == want
    # no lesson: lesson 00; no branch: no branch field (nbgitpuller pulls the default branch)
    _, query = fields(classroom.course_link(HUB, REPO))
    assert query == {"repo": REPO, "urlpath": "lab/tree/mlekit-course/00_start_here.ipynb"}


def test_the_documented_generator_example_is_reproduced():
    # nbgitpuller's docs show the generator filled with this hub, repository, branch and
    # file (classic notebook app: urlpath tree/<clone folder>/<file>); the visible start
    # of the generated link is copied here from that screenshot.
    shown = ("https://hub.jupytearth.org/hub/user-redirect/git-pull?repo=https%3A%2F%2F"
             "github.com%2Fjakevdp%2FPythonDataScienc")
    repo = "https://github.com/jakevdp/PythonDataScienceHandbook"
    folder = classroom.clone_folder(repo)
    link = classroom.nbgitpuller_link("https://hub.jupytearth.org/", repo, branch="master",
                                      urlpath=f"tree/{folder}/notebooks/Index.ipynb")
    assert link.startswith(shown)
    assert link == ("https://hub.jupytearth.org/hub/user-redirect/git-pull?repo=https%3A%2F%2F"
                    "github.com%2Fjakevdp%2FPythonDataScienceHandbook&urlpath=tree%2F"
                    "PythonDataScienceHandbook%2Fnotebooks%2FIndex.ipynb&branch=master")
    # the fields agree with the documented hand-written form of the same request
    # (nbgitpuller docs/contributing.md: ...git-pull?repo=https://github.com/data-8/textbook&branch=gh-pages)
    documented = parse_qs("repo=https://github.com/data-8/textbook&branch=gh-pages")
    ours = parse_qs(urlsplit(classroom.nbgitpuller_link(
        HUB, "https://github.com/data-8/textbook", branch="gh-pages")).query)
    assert ours == documented


def test_clone_folder_is_nbgitpuller_default_target_path():
    # nbgitpuller's UI handler: repo.rstrip('/').split('/')[-1], .git kept
    assert classroom.clone_folder("https://example.org/a/course.git") == "course.git"
    assert classroom.clone_folder("https://example.org/a/course/") == "course"
    assert classroom.clone_folder("file:///srv/git/mlekit-course") == "mlekit-course"


TRICKY = [
    (HUB, REPO, "lab/tree/mlekit-course/04_phone_survey.ipynb", "main"),
    ("https://Example.ORG:443/jupyter", "https://example.org/x/my%20course", "lab/tree/my course/a b.ipynb",
     "feature/week-1"),
    ("http://127.0.0.1:8000/", "file:///tmp/class/mlekit-course", "lab/tree/x/~y*(z)!'.ipynb", None),
    ("https://hub.example.org/base/path", "https://example.org/r?x=1&y=2#frag",
     "lab/tree/학습/04.ipynb", "v1.0+rc"),
]

# Node's URL and URLSearchParams, called as nbgitpuller's generator calls them
NODE_SCRIPT = r"""
const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = cases.map(([hub, repo, urlpath, branch]) => {
  const url = new URL(hub);
  url.searchParams.set('repo', repo);
  if (urlpath) url.searchParams.set('urlpath', urlpath);
  if (branch) url.searchParams.set('branch', branch);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  url.pathname += 'hub/user-redirect/git-pull';
  return url.toString();
});
process.stdout.write(JSON.stringify(out));
"""


def test_links_match_what_the_browser_url_api_writes():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: cannot compare with the WHATWG URL API")
    run = subprocess.run([node, "-e", NODE_SCRIPT], input=json.dumps(TRICKY),
                         capture_output=True, text=True, timeout=60, check=True)
    expected = json.loads(run.stdout)
    ours = [classroom.nbgitpuller_link(hub, repo, urlpath=urlpath, branch=branch)
            for hub, repo, urlpath, branch in TRICKY]
    assert ours == expected
    for (hub, repo, urlpath, branch), link in zip(TRICKY, ours):
        query = fields(link)[1]
        assert query["repo"] == repo and query["urlpath"] == urlpath
        assert query.get("branch") == branch


def test_cli_prints_the_link(capsys):
    assert cli.main(["link", "--hub", HUB, "--repo", REPO, "--branch", "main",
                     "--lesson", "09"]) == 0
    out = capsys.readouterr().out.strip()
    assert out == classroom.course_link(HUB, REPO, branch="main", lesson="09")
    assert fields(out)[1]["urlpath"] == "lab/tree/mlekit-course/09_gradient_descent.ipynb"


@pytest.mark.parametrize("args, message", [
    (["--hub", "hub.example.org", "--repo", REPO], r"--hub must start with http:// or https://"),
    (["--hub", "ftp://hub.example.org", "--repo", REPO], r"--hub must start with http"),
    (["--hub", "file:///srv/hub", "--repo", REPO], r"--hub must start with http"),
    (["--hub", "https://", "--repo", REPO], r"--hub must name a host"),
    (["--hub", "https://hub.example.org/hub/home", "--repo", REPO], r"--hub must be the hub's root"),
    (["--hub", "https://hub.example.org/user/alice/lab", "--repo", REPO], r"--hub must be the hub's root"),
    (["--hub", "https://hub.example.org/?next=x", "--repo", REPO], r"--hub must be the hub's address without"),
    (["--hub", "https://me:pw@hub.example.org", "--repo", REPO], r"--hub must be an address without a user"),
    (["--hub", "https://hub.example.org:http", "--repo", REPO], r"--hub must be a well-formed URL"),
    (["--hub", "https://hub example.org", "--repo", REPO], r"--hub must be a URL without spaces"),
    (["--hub", HUB, "--repo", "git@github.com:me/course"], r"--repo must start with http://, https:// or file://"),
    (["--hub", HUB, "--repo", "file://relative/path"], r"--repo must be an absolute file:// URL"),
    (["--hub", HUB, "--repo", "https://github.com"], r"--repo must end in the repository's name"),
    (["--hub", HUB, "--repo", REPO, "--lesson", "99"],
     r"--lesson must name a lesson of the course \(00 to %s\)"
     % lesson_notebooks(course_source())[-1].name[:2]),
    (["--hub", HUB, "--repo", REPO, "--lesson", "phone"], r"--lesson must name a lesson"),
    (["--hub", HUB, "--repo", REPO, "--branch", "a..b"], r"--branch must be a valid git branch name"),
    (["--hub", HUB, "--repo", REPO, "--branch=-x"], r"--branch must be a valid git branch name"),
    (["--hub", HUB, "--repo", REPO, "--branch", "my branch"], r"--branch must be a valid git branch name"),
])
def test_bad_arguments_get_one_sentence_and_exit_code_2(args, message, capsys):
    assert cli.main(["link", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mlekit link: ") and len(err.strip().splitlines()) == 1
    assert re.search(message, err), err
    assert ", got " in err and "Traceback" not in err


def test_the_python_api_rejects_non_text_with_type_error():
    with pytest.raises(TypeError, match="--hub must be a URL"):
        classroom.course_link(None, REPO)
    with pytest.raises(TypeError, match="--lesson must be a lesson number"):
        classroom.course_link(HUB, REPO, lesson=4.0)
    with pytest.raises(TypeError, match="--branch must be a branch name"):
        classroom.course_link(HUB, REPO, branch=3)
