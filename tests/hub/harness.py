"""A real JupyterHub on 127.0.0.1 for the classroom tests, and a student's client for it.

- :func:`ensure_proxy` installs configurable-http-proxy from npm into a cache
  folder (``~/.cache/mlekit/chp``, or ``$MLEKIT_CHP_DIR``) once;
- :class:`Hub` starts ``jupyterhub`` with ``binder/hub/jupyterhub_config.py``
  (loaded as it ships) plus the test's overrides: the dummy authenticator with
  a password, ``SimpleLocalProcessSpawner`` (every student's server is a
  process of this user with its own home in the temp folder), free loopback
  ports, an admin service token; :meth:`Hub.stop` stops every server, the
  hub and the proxy, and checks no process of theirs is left;
- :class:`Student` talks to the hub as a browser would (REST API with the
  student's own token): start the server, follow the nbgitpuller link (the
  hub's redirect, nbgitpuller's page, then the event stream its page opens),
  open a notebook's session and run cells in its kernel over the kernel
  websocket (the protocol JupyterLab speaks), read and save files;
- :func:`tree_memory` measures a process and its children (psutil, else /proc).

Nothing here reaches beyond 127.0.0.1; every wait is bounded.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

ROOT = Path(__file__).resolve().parents[2]
HUB_CONFIG = ROOT / "binder" / "hub" / "jupyterhub_config.py"
PASSWORD = "class-password-" + uuid.uuid4().hex[:8]
CHP_VERSION = "4"


class Unavailable(RuntimeError):
    """A tool the hub test needs (npm, jupyterhub, nbgitpuller) is missing."""


def required() -> bool:
    """True in CI or with MLEKIT_REQUIRE_BROWSER=1: a missing tool is an error, not a skip."""
    return os.environ.get("MLEKIT_REQUIRE_BROWSER", "") not in ("", "0") or \
        os.environ.get("CI", "") not in ("", "0", "false")


def ensure_proxy() -> Path:
    """The configurable-http-proxy program, installed with npm into a cache folder if missing."""
    found = shutil.which("configurable-http-proxy")
    if found:
        return Path(found)
    prefix = Path(os.environ.get("MLEKIT_CHP_DIR",
                                 Path.home() / ".cache" / "mlekit" / "chp"))
    program = prefix / "node_modules" / ".bin" / "configurable-http-proxy"
    if program.exists():
        return program
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise Unavailable("npm/node are not installed (apt-get install nodejs npm), so "
                          "configurable-http-proxy cannot be installed")
    prefix.mkdir(parents=True, exist_ok=True)
    run = subprocess.run([npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund",
                          "--loglevel=error", f"configurable-http-proxy@{CHP_VERSION}"],
                         capture_output=True, text=True, timeout=600)
    if run.returncode != 0 or not program.exists():
        raise Unavailable(f"npm install configurable-http-proxy failed: {run.stderr[-800:]}")
    return program


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


# --- memory ---------------------------------------------------------------------------------

def _proc_rss(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in bytes from /proc; PSS falls back to RSS."""
    rss = pss = 0
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) * 1024
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1]) * 1024
    return rss, pss or rss


def _children(pid: int) -> list[int]:
    try:
        import psutil

        return [p.pid for p in psutil.Process(pid).children(recursive=True)]
    except ImportError:
        kids, frontier = [], [pid]
        while frontier:
            parent = frontier.pop()
            with contextlib.suppress(OSError):
                for task in Path(f"/proc/{parent}/task").iterdir():
                    text = (task / "children").read_text().split()
                    kids.extend(int(t) for t in text)
                    frontier.extend(int(t) for t in text)
        return kids
    except Exception:            # the process ended
        return []


def tree_memory(pid: int) -> dict:
    """Memory of process *pid* and all its descendants: ``{"rss", "pss", "processes"}`` (bytes)."""
    pids = [pid, *_children(pid)]
    rss = pss = 0
    for p in pids:
        r, s = _proc_rss(p)
        rss, pss = rss + r, pss + s
    return {"rss": rss, "pss": pss, "processes": len(pids)}


def _environ(pid: int) -> dict:
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return {}
    return dict(item.split("=", 1) for item in raw.decode(errors="replace").split("\0")
                if "=" in item)


# --- the hub --------------------------------------------------------------------------------

class Hub:
    """A JupyterHub process on 127.0.0.1, configured from ``binder/hub/jupyterhub_config.py``."""

    def __init__(self, workdir: Path, *, course_repo: str, exchange: Path,
                 instructors=("instructor",)):
        self.workdir = Path(workdir)
        self.course_repo = course_repo
        self.exchange = Path(exchange)
        self.instructors = tuple(instructors)
        self.port, self.hub_port, self.api_port = free_port(), free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = uuid.uuid4().hex
        self.proc: subprocess.Popen | None = None
        self.log_path = self.workdir / "jupyterhub.log"

    # ---- lifecycle
    def start(self, timeout: float = 90):
        import requests

        chp = ensure_proxy()
        bin_dir = Path(sys.executable).parent
        singleuser = bin_dir / "jupyterhub-singleuser"
        if not singleuser.exists():
            raise Unavailable(f"{singleuser} is missing: pip install jupyterhub")
        homes = self.workdir / "homes"
        homes.mkdir(parents=True, exist_ok=True)
        config = self.workdir / "jupyterhub_config.py"
        config.write_text("\n".join([
            "c = get_config()",
            f"load_subconfig({str(HUB_CONFIG)!r})     # the file an instructor copies",
            "# the test's stand-ins for PAM and for one Unix account per student",
            "c.JupyterHub.authenticator_class = 'dummy'",
            f"c.DummyAuthenticator.password = {PASSWORD!r}",
            "c.JupyterHub.spawner_class = 'simple'",
            f"c.SimpleLocalProcessSpawner.home_dir_template = {str(homes / '{username}')!r}",
            f"c.Spawner.cmd = [{str(singleuser)!r}]",
            "c.Spawner.env_keep = ['PATH', 'LANG', 'LC_ALL', 'VIRTUAL_ENV']",
            "c.Spawner.args = ['--ServerApp.open_browser=False'"
            + (", '--ServerApp.allow_root=True']" if os.getuid() == 0 else "]"),
            # loopback only, free ports, state in the temp folder
            f"c.JupyterHub.bind_url = 'http://127.0.0.1:{self.port}'",
            "c.JupyterHub.hub_ip = '127.0.0.1'",
            f"c.JupyterHub.hub_port = {self.hub_port}",
            f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{self.api_port}'",
            f"c.ConfigurableHTTPProxy.command = [{str(chp)!r}]",
            f"c.JupyterHub.db_url = 'sqlite:///{self.workdir / 'jupyterhub.sqlite'}'",
            f"c.JupyterHub.cookie_secret_file = {str(self.workdir / 'cookie_secret')!r}",
            "c.JupyterHub.cleanup_servers = True",
            "c.JupyterHub.cleanup_proxy = True",
            "c.JupyterHub.concurrent_spawn_limit = 0",
            "c.JupyterHub.active_server_limit = 0",
            f"c.JupyterHub.services = [{{'name': 'class-admin', 'api_token': {self.token!r}}}]",
            "c.JupyterHub.load_roles.append({'name': 'admin', 'services': ['class-admin']})",
            "",
        ]))
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("JUPYTER", "MLEKIT_", "MPLBACKEND", "PYTHONPATH"))}
        env.update(PATH=f"{bin_dir}{os.pathsep}{chp.parent}{os.pathsep}{env.get('PATH', '')}",
                   MLEKIT_COURSE_REPO=self.course_repo, MLEKIT_COURSE_BRANCH="main",
                   MLEKIT_INSTRUCTORS=",".join(self.instructors),
                   MLEKIT_EXCHANGE=str(self.exchange), MLEKIT_MEM_LIMIT="1G")
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([str(bin_dir / "jupyterhub"), "-f", str(config)],
                                     cwd=self.workdir, env=env, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        session = requests.Session()

        def up():
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyterhub exited ({self.proc.returncode}):\n{self.log()}")
            with contextlib.suppress(requests.RequestException):
                return session.get(f"{self.url}/hub/api/", timeout=2).status_code == 200
            return False

        wait_for(up, timeout, "the hub to answer")
        return self

    def log(self, tail: int = 4000) -> str:
        with contextlib.suppress(OSError):
            return self.log_path.read_text(errors="replace")[-tail:]
        return ""

    def processes(self) -> list[int]:
        """The hub, its proxy, every server and kernel: all descendants of our hub process."""
        if self.proc is None:
            return []
        return [self.proc.pid, *_children(self.proc.pid)]

    def server_pid(self, name: str) -> int | None:
        """The pid of *name*'s single-user server (a child of the hub)."""
        for pid in _children(self.proc.pid):
            env = _environ(pid)
            if env.get("JUPYTERHUB_USER") == name and "JUPYTERHUB_API_TOKEN" in env:
                with contextlib.suppress(OSError):
                    cmd = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
                    if "jupyterhub-singleuser" in cmd:
                        return pid
        return None

    def stop(self, timeout: float = 60) -> list[int]:
        """Stop servers, hub and proxy; return the pids still alive afterwards (should be [])."""
        if self.proc is None:
            return []
        tracked = set(self.processes())
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)     # the hub stops servers and the proxy
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        deadline = time.monotonic() + 15
        alive = [p for p in tracked if _alive(p)]
        while alive and time.monotonic() < deadline:
            time.sleep(0.2)
            alive = [p for p in tracked if _alive(p)]
        leftover = list(alive)
        for pid in alive:                              # never leave anything behind
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._log.close()
        return leftover

    # ---- the admin side (the instructor's hub API token)
    def api(self, method: str, path: str, **kwargs):
        import requests

        r = requests.request(method, f"{self.url}/hub/api{path}", timeout=60,
                             headers={"Authorization": f"token {self.token}"}, **kwargs)
        r.raise_for_status()
        return r.json() if r.content else None

    def add_students(self, names) -> dict[str, str]:
        """Create the users and one API token each: ``{name: token}``."""
        self.api("POST", "/users", json={"usernames": list(names)})
        return {name: self.api("POST", f"/users/{name}/tokens",
                               json={"note": "class load test", "expires_in": 3600})["token"]
                for name in names}


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


# --- a student --------------------------------------------------------------------------------

def http_session():
    """A requests Session that, like a browser, resends a request once when a kept-alive
    connection turns out to have been closed by the proxy before any answer (Node's
    default keep-alive timeout is 5 s; under load a reused connection can race it)."""
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    session = requests.Session()
    retry = Retry(total=3, connect=3, read=2, status=0, other=0, allowed_methods=None,
                  backoff_factor=0.2, raise_on_status=False)
    session.mount("http://", HTTPAdapter(max_retries=retry))
    return session


class Student:
    """One student, using the hub only through HTTP(S) and websockets, with their own token."""

    def __init__(self, hub: Hub, name: str, token: str):
        self.hub, self.name, self.token = hub, name, token
        self.http = http_session()
        self.http.headers["Authorization"] = f"token {token}"
        self.base = f"{hub.url}/user/{name}"
        self.browser = None                 # a requests.Session with the hub's cookies

    def login_with_password(self, password: str = PASSWORD) -> bool:
        """Log in through the hub's login form, as a browser does; keep the cookies in
        :attr:`browser` (used to click links). True if the hub accepted the password."""
        s = http_session()
        s.get(f"{self.hub.url}/hub/login", timeout=30)
        r = s.post(f"{self.hub.url}/hub/login?next=%2Fhub%2Fhome",
                   data={"username": self.name, "password": password,
                         "_xsrf": s.cookies.get("_xsrf", "")},
                   timeout=30, allow_redirects=False)
        ok = r.status_code == 302 and any(c.name == "jupyterhub-hub-login" for c in s.cookies)
        if ok:
            self.browser = s
        return ok

    def start_server(self, timeout: float = 180) -> float:
        """Ask the hub for this student's server; return the seconds until it is ready."""
        start = time.perf_counter()
        r = self.http.post(f"{self.hub.url}/hub/api/users/{self.name}/server", timeout=60)
        if r.status_code not in (201, 202):
            raise RuntimeError(f"{self.name}: server start refused: {r.status_code} {r.text}")

        def ready():
            info = self.http.get(f"{self.hub.url}/hub/api/users/{self.name}", timeout=30).json()
            server = info.get("servers", {}).get("", {})
            if not server.get("pending") and not server.get("ready") and server.get("stopped"):
                raise RuntimeError(f"{self.name}: server stopped while starting")
            return server.get("ready")

        wait_for(ready, timeout, f"{self.name}'s server", interval=0.25)
        return time.perf_counter() - start

    def follow_link(self, link: str, timeout: float = 180) -> list[dict]:
        """Click an nbgitpuller link: the hub redirects to this student's git-pull page;
        then pull as that page does (its event stream); return the events."""
        # a browser: the hub's login cookie; the hub sends the click on to the student's
        # server, which logs the student in with the hub's OAuth (redirects followed)
        r = self.browser.get(link, timeout=60)
        r.raise_for_status()
        if self.name not in r.text or "git-pull" not in r.text:
            raise RuntimeError(f"{self.name}: the git-pull page is not what nbgitpuller shows")
        landed = urlsplit(r.url)
        if landed.path != f"/user/{self.name}/git-pull":
            raise RuntimeError(f"{self.name}: the link landed on {r.url}")
        query = dict(parse_qsl(landed.query))
        # the page's script asks the API with repo, targetpath and branch
        target = query.get("targetPath") or query["repo"].rstrip("/").split("/")[-1]
        params = {"repo": query["repo"], "targetpath": target}
        if "branch" in query:
            params["branch"] = query["branch"]
        events = []
        with self.http.get(f"{self.base}/git-pull/api", params=params, stream=True,
                           timeout=timeout) as stream:
            stream.raise_for_status()
            for line in stream.iter_lines(decode_unicode=True):
                if line and line.startswith("data:"):
                    event = json.loads(line[5:])
                    events.append(event)
                    if event.get("phase") in ("finished", "error"):
                        break
        if not events or events[-1].get("phase") != "finished":
            raise RuntimeError(f"{self.name}: git pull did not finish: {events[-3:]}")
        return events

    def get(self, path: str, **kwargs):
        r = self.http.get(f"{self.base}/{path}", timeout=60, **kwargs)
        r.raise_for_status()
        return r

    def read_notebook(self, path: str) -> dict:
        return self.get(f"api/contents/{quote(path)}", params={"content": 1}).json()["content"]

    def save_notebook(self, path: str, nb: dict):
        r = self.http.put(f"{self.base}/api/contents/{quote(path)}", timeout=60,
                          json={"type": "notebook", "format": "json", "content": nb})
        r.raise_for_status()

    def open_session(self, path: str) -> "Kernel":
        """Open *path* as JupyterLab does: a session whose kernel runs in the notebook's folder."""
        r = self.http.post(f"{self.base}/api/sessions", timeout=120, json={
            "path": path, "type": "notebook", "name": Path(path).name,
            "kernel": {"name": "python3"}})
        r.raise_for_status()
        return Kernel(self, r.json()["kernel"]["id"])

    def kernel_pids(self) -> list[int]:
        pid = self.hub.server_pid(self.name)
        return _children(pid) if pid else []

    def memory(self) -> dict:
        """RSS/PSS of this student's server and kernels, in bytes."""
        pid = self.hub.server_pid(self.name)
        return tree_memory(pid) if pid else {"rss": 0, "pss": 0, "processes": 0}


class Kernel:
    """A kernel of a student's server, driven over its websocket (Jupyter messaging protocol)."""

    def __init__(self, student: Student, kernel_id: str):
        import websocket

        self.student, self.id = student, kernel_id
        self.session = uuid.uuid4().hex
        url = (student.base.replace("http://", "ws://", 1)
               + f"/api/kernels/{kernel_id}/channels?session_id={self.session}")
        self.ws = websocket.create_connection(
            url, header=[f"Authorization: token {student.token}"], timeout=120)
        self.lock = threading.Lock()

    def execute(self, code: str, timeout: float = 120) -> dict:
        """Run *code*; return ``{"outputs": [nbformat outputs], "status": "ok"|"error"}``."""
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "username": self.student.name, "session": self.session,
                       "msg_type": "execute_request", "version": "5.3",
                       "date": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True,
                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": False},
        }))
        outputs, status, idle = [], None, False
        deadline = time.monotonic() + timeout
        while status is None or not idle:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.student.name}: cell did not finish in {timeout} s")
            msg = json.loads(self.ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if msg["channel"] == "shell" and kind == "execute_reply":
                status = content["status"]
            elif kind == "status" and content.get("execution_state") == "idle":
                idle = True
            elif kind == "stream":
                outputs.append({"output_type": "stream", "name": content["name"],
                                "text": content["text"]})
            elif kind in ("display_data", "execute_result"):
                out = {"output_type": kind, "data": content["data"],
                       "metadata": content.get("metadata", {})}
                if kind == "execute_result":
                    out["execution_count"] = content.get("execution_count")
                outputs.append(out)
            elif kind == "error":
                outputs.append({"output_type": "error", "ename": content["ename"],
                                "evalue": content["evalue"],
                                "traceback": content.get("traceback", [])})
        return {"outputs": outputs, "status": status}

    def run_notebook(self, nb: dict) -> dict:
        """Run every code cell of *nb* (an nbformat dict) in order, as "Run All" without
        stopping at an error; store the outputs in *nb*; return it."""
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            cell["outputs"] = self.execute(source)["outputs"]
        return nb

    def close(self):
        with contextlib.suppress(Exception):
            self.ws.close()
