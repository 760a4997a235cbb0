"""Named Python functions that rules and signals can call (`kind: python`, `function: NAME`).

Plugins register theirs through the `apologylint.functions` entry-point group, the way flake8
plugins do; the module that defines a function only has to be importable.

A function may come with a params model (a pydantic model, `extra="forbid"`): the `params` of
every rule or signal source that calls it are validated against it when the rule files load, so a
misspelt key, a wrong type or a missing word list fails then, with the file and the rule named,
and the function receives the validated values. A function registered without one gets its
`params` as they are written.
"""
from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

if TYPE_CHECKING:  # pragma: no cover
    from pydantic import BaseModel

FUNCTIONS: dict[str, Callable[..., Iterable[Any]]] = {}
#: the params model of each function (None: its params are passed as written)
PARAMS: dict[str, type[BaseModel] | None] = {}
_plugins_loaded = False


def function(
    name: str, params: type[BaseModel] | None = None
) -> Callable[[Callable[..., Iterable[Any]]], Callable[..., Iterable[Any]]]:
    """Register `fn(exchange, doc, **params) -> iterable of spaCy Spans` under `name`, with
    `params` the pydantic model its keyword arguments are validated against."""

    def deco(fn: Callable[..., Iterable[Any]]) -> Callable[..., Iterable[Any]]:
        if params is not None:
            _check_signature(name, fn, params)
        FUNCTIONS[name] = fn
        PARAMS[name] = params
        return fn

    return deco


def _check_signature(name: str, fn: Callable[..., Any], model: type[BaseModel]) -> None:
    """Every field of the model must be a keyword the function takes, and every keyword the
    function requires a field of the model: a mismatch is the function author's mistake, caught
    when the function is registered rather than when a rule calls it."""
    sig = inspect.signature(fn)
    takes = list(sig.parameters.values())[2:]  # after (exchange, doc)
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in takes):
        return
    names = {p.name for p in takes}
    unknown = sorted(set(model.model_fields) - names)
    missing = sorted(p.name for p in takes if p.default is inspect.Parameter.empty and p.name not in model.model_fields)
    if unknown or missing:
        raise TypeError(
            f"function '{name}': params model {model.__name__} does not fit {fn.__name__}()"
            + (f"; fields it does not take: {', '.join(unknown)}" if unknown else "")
            + (f"; parameters the model lacks: {', '.join(missing)}" if missing else "")
        )


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


def params_model(name: str) -> type[BaseModel] | None:
    """The params model of a registered function (KeyError when there is no such function)."""
    get(name)
    return PARAMS.get(name)


class UnknownParams(ValueError):
    """`params` that a function registered without a params model cannot take."""


def _check_keywords(name: str, fn: Callable[..., Any], params: Mapping[str, Any]) -> None:
    """Without a model, the function's own signature says which keywords it takes: a key it does
    not take is an error when the rule file loads, not a TypeError on the first message linted."""
    takes = list(inspect.signature(fn).parameters.values())[2:]  # after (exchange, doc)
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in takes):
        return
    names = [p.name for p in takes if p.kind is not inspect.Parameter.VAR_POSITIONAL]
    unknown = sorted(set(params) - set(names))
    missing = sorted(p.name for p in takes if p.default is inspect.Parameter.empty and p.kind is not inspect.Parameter.VAR_POSITIONAL and p.name not in params)
    if unknown:
        raise UnknownParams(f"params.{unknown[0]}: function {name} takes no such parameter (it takes {', '.join(names) or 'none'})")
    if missing:
        raise UnknownParams(f"params.{missing[0]}: function {name} needs this parameter")


def validate_params(name: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The keyword arguments to call `name` with: `params` validated against its model (raising
    pydantic's ValidationError), defaults filled in; without a model, checked against the
    function's signature (raising UnknownParams) and passed as written."""
    model = params_model(name)
    if model is None:
        _check_keywords(name, FUNCTIONS[name], params)
        return dict(params)
    validated = model.model_validate(dict(params))
    return {key: getattr(validated, key) for key in type(validated).model_fields}
