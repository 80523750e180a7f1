# JupyterHub for one class on one server: the mlekit course, handed out by nbgitpuller,
# assignments through nbgrader's exchange. Copy this file to /etc/jupyterhub/ (or
# /opt/tljh/config/jupyterhub_config.d/ on The Littlest JupyterHub) and start
#     jupyterhub -f /etc/jupyterhub/jupyterhub_config.py
# The hub and the students' servers use one environment made from binder/requirements.txt
# (the Binder pins) plus jupyterhub and nbgitpuller; INSTRUCTORS.md, "Teach a class", has the
# steps and the server size to ask for.
#
# Everything a class changes is read from the environment, so this file need not be edited:
#   MLEKIT_COURSE_REPO     the course repository (the self-study edition, lessons at its top)
#   MLEKIT_COURSE_BRANCH   its branch (default: main)
#   MLEKIT_INSTRUCTORS     comma-separated hub user names with admin rights (default: instructor)
#   MLEKIT_STUDENTS        comma-separated user names allowed to log in (default: every user
#                          the authenticator accepts)
#   MLEKIT_EXCHANGE        nbgrader's exchange folder, shared by all (default /srv/nbgrader/exchange)
#   MLEKIT_HUB_BIND_URL    where the hub listens (default http://:8000, behind a TLS proxy)
#   MLEKIT_MEM_LIMIT       memory per student's server (default 1G; enforced by SystemdSpawner,
#                          which TLJH uses, and by KubeSpawner; LocalProcessSpawner only records it)
#   MLEKIT_CPU_LIMIT       CPU cores per student's server (default 1)

import os
from urllib.parse import urlencode

c = get_config()  # noqa: F821 (JupyterHub's config loader defines get_config)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.environ.get("MLEKIT_COURSE_REPO", "https://github.com/mlekit/mlekit-course")
BRANCH = os.environ.get("MLEKIT_COURSE_BRANCH", "main")
INSTRUCTORS = {u.strip() for u in os.environ.get("MLEKIT_INSTRUCTORS", "instructor").split(",")
               if u.strip()}
STUDENTS = {u.strip() for u in os.environ.get("MLEKIT_STUDENTS", "").split(",") if u.strip()}
EXCHANGE = os.environ.get("MLEKIT_EXCHANGE", "/srv/nbgrader/exchange")

# --- the hub ------------------------------------------------------------------------------
c.JupyterHub.bind_url = os.environ.get("MLEKIT_HUB_BIND_URL", "http://:8000")
# Real TLS: put the hub behind nginx/Caddy (or TLJH's traefik with `tljh-config set https.enabled
# true`), or set c.JupyterHub.ssl_cert / c.JupyterHub.ssl_key here.

# --- who may log in -----------------------------------------------------------------------
# PAM: each student is a Unix account on this server (TLJH makes them: jupyter-<name>). For a
# university login use an OAuthenticator instead (pip install oauthenticator), e.g.
#   c.JupyterHub.authenticator_class = "github"   # or "generic-oauth", "google", ...
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.admin_users = INSTRUCTORS
if STUDENTS:
    c.Authenticator.allowed_users = STUDENTS | INSTRUCTORS
else:
    c.Authenticator.allow_all = True
# instructors may open a student's server (to help, or to look at a failing check)
c.JupyterHub.load_roles = [{
    "name": "instructor",
    "users": sorted(INSTRUCTORS),
    "scopes": ["admin:users", "admin:servers", "access:servers", "list:users"],
}]

# --- the students' servers ----------------------------------------------------------------
# one process per student under their own Unix account; on TLJH this is SystemdSpawner, which
# also enforces mem_limit / cpu_limit
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.mem_limit = os.environ.get("MLEKIT_MEM_LIMIT", "1G")
c.Spawner.cpu_limit = float(os.environ.get("MLEKIT_CPU_LIMIT", "1"))
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 180
# Logging in opens the course: nbgitpuller clones (first time) or merges (later) the course
# repository, never overwriting a student's change, then JupyterLab opens lesson 00 of the
# self-study edition. `mlekit link --hub ... --repo ... --lesson NN` prints the same for a lesson.
COURSE_FOLDER = REPO.rstrip("/").split("/")[-1]
c.Spawner.default_url = "/git-pull?" + urlencode({
    "repo": REPO, "branch": BRANCH,
    "urlpath": f"lab/tree/{COURSE_FOLDER}/00_start_here.ipynb",
})
# nbgrader in every server reads binder/hub/nbgrader_config.py (the course id and the exchange)
c.Spawner.environment = {
    "JUPYTER_CONFIG_PATH": HERE,
    "MLEKIT_EXCHANGE": EXCHANGE,
    "MLEKIT_INSTRUCTORS": ",".join(sorted(INSTRUCTORS)),
}

# --- housekeeping -------------------------------------------------------------------------
# Stop servers idle for an hour (their files stay): pip install jupyterhub-idle-culler, then
#   c.JupyterHub.services = [{"name": "idle-culler",
#                             "command": ["python3", "-m", "jupyterhub_idle_culler", "--timeout=3600"]}]
#   c.JupyterHub.load_roles.append({"name": "idle-culler", "services": ["idle-culler"],
#       "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]})
c.JupyterHub.cookie_max_age_days = 14
