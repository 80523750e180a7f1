"""The classroom kit on a real JupyterHub (issue 17): hub configuration and the load test.

``python -m tests.hub.load --students 24`` runs the load test outside pytest and prints its table.
"""
