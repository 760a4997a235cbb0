"""Named Python functions that rules and signals can call (`kind: python`, `function: NAME`).

Plugins register theirs through the `apologylint.functions` entry-point group, the way flake8
plugins do; the module that defines a function only has to be importable.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

FUNCTIONS: dict[str, Callable[..., Iterable[Any]]] = {}
_plugins_loaded = False


def function(name: str) -> Callable[[Callable[..., Iterable[Any]]], Callable[..., Iterable[Any]]]:
    """Register `fn(exchange, **params) -> iterable of spaCy Spans` under `name`."""

    def deco(fn: Callable[..., Iterable[Any]]) -> Callable[..., Iterable[Any]]:
        FUNCTIONS[name] = fn
        return fn

    return deco


def get(name: str) -> Callable[..., Iterable[Any]]:
    global _plugins_loaded
    if name not in FUNCTIONS and not _plugins_loaded:
        _plugins_loaded = True
        from importlib.metadata import entry_points

        for ep in entry_points(group="apologylint.functions"):
            ep.load()
    if name not in FUNCTIONS:
        raise KeyError(f"no function named '{name}' is registered (known: {', '.join(sorted(FUNCTIONS))})")
    return FUNCTIONS[name]
