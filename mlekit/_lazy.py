"""Lazy attributes for a package: import a submodule on first use (PEP 562).

``mlekit.plotting`` and ``mlekit.widgets`` list their views and explorers in a
registry ``{class name: submodule}``; :func:`lazy_loader` turns it into the
module's ``__getattr__`` and ``__dir__``, so ``import mlekit.widgets`` stays
cheap and ``mlekit.widgets.SoftmaxExplorer`` imports only its own module.
"""

from __future__ import annotations

import importlib

__all__ = ["lazy_loader"]


def lazy_loader(package: str, registry: dict, namespace: dict):
    """``(__getattr__, __dir__)`` for *package*, importing ``registry[name]`` on first use.

    Examples
    --------
    >>> getattr_, dir_ = lazy_loader("json", {"JSONDecoder": "decoder"}, {})
    >>> getattr_("JSONDecoder").__name__
    'JSONDecoder'
    >>> "JSONDecoder" in dir_()
    True
    """

    def __getattr__(name):
        if name in registry:
            module = importlib.import_module(f".{registry[name]}", package)
            return getattr(module, name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__():
        return sorted(list(namespace) + list(registry))

    return __getattr__, __dir__
