# nbgrader for the class: one course, one exchange folder shared by the instructor and every
# student. jupyterhub_config.py points each student's server here (JUPYTER_CONFIG_PATH); on
# Zero to JupyterHub, values.yaml mounts it as /etc/jupyter/nbgrader_config.py.
#
# The instructor's course directory (source/, release/, submitted/, autograded/, gradebook.db)
# is their own: run nbgrader there with c.CourseDirectory.root set in its nbgrader_config.py.

import os

c = get_config()  # noqa: F821 (nbgrader's config loader defines get_config)

c.CourseDirectory.course_id = os.environ.get("MLEKIT_COURSE_ID", "mlekit")
c.Exchange.root = os.environ.get("MLEKIT_EXCHANGE", "/srv/nbgrader/exchange")
c.Exchange.path_includes_course = False

# A student's submissions are filed under their hub user name (nbgrader would use the Unix
# account name: jupyter-<name> on TLJH, and the same "jovyan" for everyone in a container
# without it). Instructors keep the default ("*": every student) for collect and autograde.
_user = os.environ.get("JUPYTERHUB_USER", "")
_instructors = {u.strip() for u in os.environ.get("MLEKIT_INSTRUCTORS", "instructor").split(",")}
if _user and _user not in _instructors:
    c.CourseDirectory.student_id = _user
