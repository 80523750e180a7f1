"""Shared helpers for the explorer tests (``tests/`` is on pytest's pythonpath)."""

from __future__ import annotations


def count_draws(canvas, monkeypatch) -> dict:
    """Count full ``canvas.draw()`` calls and ``canvas.blit()`` calls from now on.

    Both still do their real work, so pixels can be compared afterwards. Returns the
    live ``{"draw": n, "blit": m}`` dict; ``monkeypatch`` undoes the wrapping.
    """
    calls = {"draw": 0, "blit": 0}
    real_draw, real_blit = canvas.draw, canvas.blit

    def draw():
        calls["draw"] += 1
        return real_draw()

    def blit(bbox=None):
        calls["blit"] += 1
        return real_blit(bbox)

    monkeypatch.setattr(canvas, "draw", draw)
    monkeypatch.setattr(canvas, "blit", blit)
    return calls
