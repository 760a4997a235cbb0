"""The Jinja sandbox with limits: what a user template may cost, and the loader that reads it.

Jinja's `SandboxedEnvironment` keeps a template away from Python internals, but not from the
machine: nested `range(100000)` loops run for hours, `{{ 'x' * 10**9 }}` writes a gigabyte, a
macro that calls itself ends in RecursionError. A draft is a few paragraphs, so every render runs
on a budget (`TemplateLimits`) and stops, with a template error naming the template, when it

- builds a range longer than `max_range`, or iterates more than `max_iterations` times in all
  (each `{% for %}` is counted: the parse tree's loops are wrapped when a template compiles);
- builds a string or list longer than `max_output_chars` (`*`, `+`, `%`, a filter or method
  call, a width in a format string, an integer argument past that size);
- writes more than `max_output_chars` characters;
- nests calls (macros, `caller()`, recursive loops) deeper than `max_call_depth`;
- runs longer than `seconds`.

Template files themselves are read through `safeload` (1 MiB, UTF-8, named in the error).
"""
from __future__ import annotations

import contextlib
import contextvars
import functools
import math
import os
import posixpath
import re
import time
import types
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from jinja2 import FileSystemLoader, nodes, pass_context, pass_eval_context
from jinja2.exceptions import SecurityError, TemplateNotFound
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment
from jinja2.visitor import NodeTransformer
from pydantic import BaseModel, ConfigDict, Field

from .catalog import DraftError


class TemplateLimits(BaseModel):
    """What one render may cost. The defaults are a hundred times what the shipped templates use."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    max_range: int = Field(10_000, ge=0, description="the longest range() a template may build")
    max_iterations: int = Field(100_000, ge=0, description="loop iterations in one render, all loops together")
    max_output_chars: int = Field(100_000, ge=1, description="the longest text a render may write or build")
    max_call_depth: int = Field(40, ge=1, description="macro and call nesting")
    seconds: float = Field(2.0, ge=0, description="the time one render may take")


class TemplateLimitError(SecurityError):
    """A render that went past one of its TemplateLimits; `name` is the template it was in."""

    def __init__(self, message: str, name: str) -> None:
        super().__init__(message)
        self.name = name


@dataclass
class Budget:
    """The running cost of one render against its limits."""

    limits: TemplateLimits
    name: str
    deadline: float = 0.0
    iterations: int = 0
    depth: int = 0
    written: int = 0

    def __post_init__(self) -> None:
        self.deadline = time.monotonic() + self.limits.seconds

    def fail(self, what: str, where: str | None = None) -> None:
        raise TemplateLimitError(what, where or self.name)

    def tick(self, where: str | None = None) -> None:
        if time.monotonic() > self.deadline:
            self.fail(f"took longer than the limit of {self.limits.seconds:g} s", where)

    def size(self, n: int, what: str, where: str | None = None) -> None:
        if n > self.limits.max_output_chars:
            self.fail(f"{what} {n:,} long, over the limit of {self.limits.max_output_chars:,}", where)


_BUDGET: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("apologylint_template_budget", default=None)
_DEFAULT = TemplateLimits()


def _budget() -> Budget:
    """The budget of the render under way. Outside `budget()` (a template rendered straight from
    the environment) each check gets a fresh one: sizes are still bounded, time and totals not."""
    return _BUDGET.get() or Budget(_DEFAULT, "template")


@contextlib.contextmanager
def budget(limits: TemplateLimits, name: str) -> Iterator[Budget]:
    """One render's budget, named after its template; a render inside a render shares the outer one."""
    current = _BUDGET.get()
    if current is not None:
        yield current
        return
    token = _BUDGET.set(Budget(limits, name))
    try:
        yield _BUDGET.get()  # type: ignore[misc]
    finally:
        _BUDGET.reset(token)


def collect(pieces: Iterable[str]) -> str:
    """The output of a template stream, stopped as soon as it is longer than the limit."""
    b = _budget()
    out: list[str] = []
    n = 0
    for piece in pieces:
        n += len(piece)
        b.size(n, "output")
        out.append(piece)
    return "".join(out)


_PRINTF_WIDTH = re.compile(r"%[#0\- +]*(?:\(\w*\))?[#0\- +]*(?:\d{6,}|\d*\.\d{6,})")
_FORMAT_WIDTH = re.compile(r"\{[^{}]*:[^{}]*\d{6,}")


def _check_format(b: Budget, fmt: Any, where: str | None) -> None:
    if isinstance(fmt, str) and (_PRINTF_WIDTH.search(fmt) or _FORMAT_WIDTH.search(fmt)):
        b.fail(f"a width or precision in a format string is over the limit of {b.limits.max_output_chars:,} characters", where)


def _check_args(b: Budget, args: tuple, kwargs: dict, what: str, where: str | None) -> None:
    """An integer argument past the output limit is a width or a count no draft needs; a text
    argument past it is a string that doubled its way there (`d(s ~ s)`)."""
    for a in (*args, *kwargs.values()):
        if isinstance(a, int) and not isinstance(a, bool) and abs(a) > b.limits.max_output_chars:
            b.fail(f"{what}: an argument of {a:,} is over the limit of {b.limits.max_output_chars:,}", where)
        if isinstance(a, (str, list, tuple)):
            b.size(len(a), f"{what}: an argument", where)


def _check_result(b: Budget, value: Any, what: str, where: str | None) -> Any:
    if isinstance(value, (str, list, tuple)):
        b.size(len(value), what, where)
    return value


def bounded_range(*args: int) -> range:
    """range(), refused past `max_range` items (Jinja's own bound is 100,000 and an OverflowError)."""
    b = _budget()
    b.tick()
    rng = range(*args)
    if len(rng) > b.limits.max_range:
        b.fail(f"range of {len(rng):,} items is over the limit of {b.limits.max_range:,}")
    return rng


@pass_context
def _loop(context: Any, iterable: Any) -> Iterator[Any]:
    """What each `{% for %}` iterates over: the same items, counted against the budget."""
    b = _budget()
    where = context.name
    for item in iterable:
        b.iterations += 1
        if b.iterations > b.limits.max_iterations:
            b.fail(f"loops ran more than the limit of {b.limits.max_iterations:,} iterations", where)
        b.tick(where)
        yield item


@pass_eval_context
def _concat(eval_ctx: Any, *parts: Any) -> str:
    """The `~` operator, bounded: Jinja compiles it to a join that no sandbox hook sees."""
    from jinja2.runtime import markup_join, str_join

    b = _budget()
    out = (markup_join if eval_ctx.autoescape else str_join)(parts)
    b.size(len(out), "'~' would build a str")
    return out


LOOP = "_apologylint_loop"
CONCAT = "_apologylint_concat"
#: a result of `**` past this many bits is refused (Python will not even print an int of
#: more than 4,300 digits, about 14,000 bits)
MAX_INT_BITS = 10_000


class _Bound(NodeTransformer):
    """Wraps each loop's iterable in `_loop` and each `~` in `_concat`, as a template compiles."""

    def visit_For(self, node: nodes.For) -> nodes.For:
        self.generic_visit(node)
        node.iter = nodes.Call(nodes.Name(LOOP, "load", lineno=node.lineno), [node.iter], [], None, None, lineno=node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Call:
        self.generic_visit(node)
        return nodes.Call(nodes.Name(CONCAT, "load", lineno=node.lineno), list(node.nodes), [], None, None, lineno=node.lineno)


def _bounded_filter(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)  # keeps jinja_pass_arg: context/environment filters still get theirs
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        b = _budget()
        b.tick()
        _check_args(b, args, kwargs, f"filter '{name}'", None)
        if name == "format" and args:
            _check_format(b, args[0], None)
        return _check_result(b, fn(*args, **kwargs), f"the result of filter '{name}'", None)

    return wrapper


class BoundedEnvironment(SandboxedEnvironment):
    """The sandbox with every loop, call, operator and filter counted against the render's budget."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.globals["range"] = bounded_range
        self.globals[LOOP] = _loop
        self.globals[CONCAT] = _concat
        self.filters = {k: _bounded_filter(k, f) for k, f in self.filters.items()}

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        return _Bound().visit(super()._parse(source, name, filename))

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        b = _budget()
        b.tick(context.name)
        seq = (str, list, tuple)
        if operator == "*":
            for s, n in ((left, right), (right, left)):
                if isinstance(s, seq) and isinstance(n, int):
                    b.size(len(s) * max(n, 0), f"'*' would build a {type(s).__name__}", context.name)
        elif operator == "+" and isinstance(left, seq) and isinstance(right, seq):
            b.size(len(left) + len(right), f"'+' would build a {type(left).__name__}", context.name)
        elif operator == "**" and isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0:
            if right * math.log2(abs(left)) > MAX_INT_BITS:
                b.fail(f"{left} ** {right} is a number of more than {MAX_INT_BITS:,} bits", context.name)
        elif operator == "%":
            _check_format(b, left, context.name)
        return super().call_binop(context, operator, left, right)

    def getattr(self, obj: Any, attribute: str) -> Any:
        _budget().tick()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        _budget().tick()
        return super().getitem(obj, argument)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805  (Jinja's signature)
        b = _budget()
        where = getattr(__context, "name", None)
        b.tick(where)
        inner = getattr(__obj, "__wrapped__", __obj)
        if isinstance(inner, types.BuiltinMethodType) and isinstance(getattr(inner, "__self__", None), str):
            _check_args(b, args, kwargs, f"'{inner.__name__}'", where)
            if inner.__name__ in ("format", "format_map"):
                _check_format(b, inner.__self__, where)
        if b.depth >= b.limits.max_call_depth:
            b.fail(f"calls nest deeper than the limit of {b.limits.max_call_depth} (a macro that calls itself?)", where)
        b.depth += 1
        try:
            result = super().call(__context, __obj, *args, **kwargs)
        finally:
            b.depth -= 1
        return _check_result(b, result, "a call's result", where)


class BoundedLoader(FileSystemLoader):
    """FileSystemLoader reading through `safeload`: a template file over 1 MiB, not UTF-8 or not a
    regular file is an error that names it, not a traceback or a hang."""

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        from ..safeload import DataFileError, read_text

        pieces = split_template_path(template)
        for searchpath in self.searchpath:
            filename = posixpath.join(searchpath, *pieces)
            if os.path.lexists(filename) and not os.path.isdir(filename):
                break  # a FIFO or a device is found too, so that safeload names it as not a regular file
        else:
            raise TemplateNotFound(template)
        try:
            contents = read_text(filename)
        except DataFileError as exc:
            raise DraftError(f"template error: {exc}") from None
        mtime = os.path.getmtime(filename)

        def uptodate() -> bool:
            try:
                return os.path.getmtime(filename) == mtime
            except OSError:
                return False

        return contents, os.path.normpath(filename), uptodate
