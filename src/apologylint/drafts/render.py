"""Rendering a scenario: the sandboxed Jinja environment, the seeded wording picker, and tidying.

Templates run in a `SandboxedEnvironment` with `StrictUndefined`, so a user template cannot reach
Python internals and a misspelt variable is an error, not an empty string; each render has a
budget of loops, size, call depth and time (sandbox.py), so it cannot hang or flood either. Templates whose name
ends in .html.j2 (or .html/.htm/.xml) autoescape; the HTML output of any draft goes through
`_html.html.j2`, so what a customer typed into a field is escaped there.

Wording: templates call `pick(key, option, option, ...)`. The choice is a hash of (seed, scenario,
key), so a seed always gives the same reply and different seeds vary each part independently.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import pathlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from .catalog import DraftError, DraftContext, Scenario, load_catalog, shipped_dir

if TYPE_CHECKING:  # pragma: no cover
    from .sandbox import TemplateLimits

PARTS_TEMPLATE = "_parts.j2"
HTML_TEMPLATE = "_html.html.j2"
#: the blocks every scenario template may fill; the rewrite renders some of them on their own
PART_BLOCKS = ("acknowledge", "apology", "ownership", "empathy", "fix", "next_step", "details", "amends", "follow_up", "thanks")

_NO_PREP = re.compile(
    r"^(on|by|before|after|until|till|within|in|at|from|this|next|tomorrow|today|tonight|later|early|end|"
    r"first thing|as soon|soon|shortly|over|during)\b",
    re.I,
)
_TIME = re.compile(r"^\d{1,2}([:.]\d{2})?\s*(am|pm|a\.m\.|p\.m\.)?(\s|$)", re.I)


def when(value: Any, prep: str = "on") -> str:
    """"Friday" -> "on Friday"; "tomorrow", "by Friday", "within 5 days" stay as they are; "3 pm" -> "at 3 pm"."""
    v = str(value).strip()
    if not v or _NO_PREP.match(v):
        return v
    if _TIME.match(v) and prep == "on":
        return f"at {v}"
    if v.lower().startswith("the end"):
        return f"by {v}"
    return f"{prep} {v}"


def capfirst(value: Any) -> str:
    v = str(value)
    return v[:1].upper() + v[1:]


_FIRST_STOP = re.compile(r"(?<=[^\s.!?])([.!?])(?=\s|$)")


def vocative(value: Any, name: Any) -> str:
    """Address a chat reply by name at the end of its first sentence: "I'm sorry it's late, Zoë." """
    v = " ".join(str(value).split())
    return _FIRST_STOP.sub(lambda m: f", {name}{m.group(1)}", v, count=1) if name else v


def _autoescape(name: str | None) -> bool:
    if not name:
        return False
    n = name.lower().removesuffix(".j2")
    return n.endswith((".html", ".htm", ".xml"))


@dataclass
class Trace:
    """Which wording each `pick` chose during one render: (key, index, number of options)."""

    picks: list[tuple[str, int, int]] = field(default_factory=list)


def make_picker(seed: int, scenario: str, trace: Trace | None = None) -> Callable[..., str]:
    def pick(key: str, *options: str) -> str:
        if not options:
            raise DraftError(f"pick('{key}') needs at least one wording")
        digest = hashlib.blake2b(f"{seed}\x00{scenario}\x00{key}".encode("utf-8", "surrogatepass"), digest_size=8).digest()
        i = int.from_bytes(digest, "big") % len(options)
        if trace is not None:
            trace.picks.append((key, i, len(options)))
        return options[i]

    return pick


def default_seed(scenario: str, context: DraftContext) -> int:
    """Without --seed, the wording follows from the context: stable for one case, varied across cases."""
    data = json.dumps(context.model_dump(), sort_keys=True, ensure_ascii=False)
    return int.from_bytes(hashlib.blake2b(f"{scenario}\x00{data}".encode("utf-8", "surrogatepass"), digest_size=4).digest(), "big")


_SPACE_BEFORE = re.compile(r"[ \t]+([,.;:!?)])")
_DOUBLE_PUNCT = re.compile(r"([,;:])\s*([.!?])")


def tidy(text: str) -> str:
    """Whitespace and punctuation left by optional parts that rendered empty: no double spaces, no
    space before a comma, no empty paragraphs, exactly one blank line between paragraphs."""
    paragraphs = []
    for para in re.split(r"\n\s*\n", text):
        lines = []
        for line in para.splitlines():
            line = " ".join(line.split())
            line = _SPACE_BEFORE.sub(r"\1", line)
            line = _DOUBLE_PUNCT.sub(r"\2", line)
            if line:
                lines.append(line)
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


class Renderer:
    """The scenario catalog and a Jinja environment over the template folders (user folders first)."""

    def __init__(self, template_dirs: Iterable[str | pathlib.Path] = (), limits: "TemplateLimits | None" = None) -> None:
        from jinja2 import StrictUndefined

        from .sandbox import BoundedEnvironment, BoundedLoader, TemplateLimits

        self.user_dirs = tuple(pathlib.Path(d) for d in template_dirs)
        self.limits = limits or TemplateLimits()
        self.catalog = load_catalog(self.user_dirs)
        self.env = BoundedEnvironment(
            loader=BoundedLoader([*self.user_dirs, shipped_dir()]),
            undefined=StrictUndefined,
            autoescape=_autoescape,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self.env.filters["when"] = when
        self.env.filters["capfirst"] = capfirst
        self.env.filters["vocative"] = vocative

    # -- scenarios ------------------------------------------------------------------------------
    def scenario(self, name: str) -> Scenario:
        try:
            return self.catalog[name]
        except KeyError:
            import difflib

            close = difflib.get_close_matches(name, self.catalog, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else " (see `apologylint draft --list`)"
            raise DraftError(f"unknown scenario '{name}'{hint}") from None

    def context(self, name: str, context: dict[str, Any] | DraftContext) -> DraftContext:
        sc = self.scenario(name)
        if isinstance(context, sc.model):
            return context
        if isinstance(context, DraftContext):
            context = context.model_dump(exclude_none=True)
        return sc.validate_context(dict(context))

    # -- rendering ------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _guarded(self, name: str) -> Iterator[None]:
        """One render on its budget; what a runaway template raises becomes a template error
        that names it (sandbox.py bounds most of it before Python has to)."""
        from .sandbox import budget

        try:
            with budget(self.limits, name):
                yield
        except DraftError:
            raise
        except RecursionError:
            raise DraftError(f"template error: {name}: calls nest too deeply (a macro that calls itself?)") from None
        except (ArithmeticError, LookupError, TypeError, ValueError, AttributeError, MemoryError) as exc:
            # what template code raises is the template's error, not an internal one
            raise DraftError(f"template error: {name}: {exc.__class__.__name__}: {' '.join(str(exc).split())}".rstrip(": ")) from None

    def _variables(self, sc: Scenario, ctx: DraftContext, seed: int, trace: Trace | None) -> dict[str, Any]:
        variables = {**ctx.model_dump(), "scenario": sc.name, "apologize": sc.apologize}
        variables["pick"] = make_picker(seed, sc.name, trace)
        variables["parts"] = self._template(PARTS_TEMPLATE).make_module(variables)
        return variables

    def _template(self, name: str):
        from jinja2 import TemplateError, TemplateNotFound

        try:
            return self.env.get_template(name)
        except TemplateNotFound as exc:
            raise DraftError(f"template '{exc.name}' not found in {', '.join(map(str, [*self.user_dirs, shipped_dir()]))}") from None
        except TemplateError as exc:
            raise DraftError(_template_error(exc, name)) from None

    def render(
        self,
        scenario: str,
        context: dict[str, Any] | DraftContext,
        *,
        seed: int | None = None,
        format: str = "text",
        trace: Trace | None = None,
    ) -> str:
        """The draft for a scenario and a context; `format` is "text" or "html"."""
        from jinja2 import TemplateError

        from .sandbox import collect

        sc = self.scenario(scenario)
        ctx = self.context(scenario, context)
        seed = default_seed(sc.name, ctx) if seed is None else seed
        try:
            with self._guarded(sc.template):
                tmpl = self._template(sc.template)
                text = tidy(collect(tmpl.generate(self._variables(sc, ctx, seed, trace))))
            if format == "html":
                paragraphs = [p.splitlines() for p in text.split("\n\n")]
                with self._guarded(HTML_TEMPLATE):
                    html = self._template(HTML_TEMPLATE)
                    return collect(html.generate(paragraphs=paragraphs, channel=ctx.channel, scenario=sc.name))
        except TemplateError as exc:
            raise DraftError(_template_error(exc, sc.template)) from None
        if format != "text":
            raise DraftError(f"unknown format '{format}' (text or html)")
        return text

    def render_macro(self, name: str, *args: Any, seed: int = 0) -> str:
        """One macro of _parts.j2 on its own, e.g. the rewrite's fallback empathy line."""
        from jinja2 import TemplateError

        try:
            with self._guarded(PARTS_TEMPLATE):
                module = self._template(PARTS_TEMPLATE).make_module({"pick": make_picker(seed, "parts")})
                macro = getattr(module, name, None)
                if macro is None:
                    raise DraftError(f"template error: {PARTS_TEMPLATE} has no macro '{name}'")
                return tidy(str(macro(*args)))
        except TemplateError as exc:
            raise DraftError(_template_error(exc, PARTS_TEMPLATE)) from None

    def render_part(self, scenario: str, context: dict[str, Any] | DraftContext, part: str, *, seed: int = 0) -> str:
        """One block of a scenario's template on its own (the rewrite inserts parts this way)."""
        from jinja2 import TemplateError

        sc = self.scenario(scenario)
        ctx = self.context(scenario, context)
        from .sandbox import collect

        try:
            with self._guarded(sc.template):
                tmpl = self._template(sc.template)
                block = tmpl.blocks.get(part)
                if block is None:
                    return ""
                out = collect(block(tmpl.new_context(self._variables(sc, ctx, seed, None))))
        except TemplateError as exc:
            raise DraftError(_template_error(exc, sc.template)) from None
        return tidy(out)


@lru_cache(maxsize=8)
def _renderer(dirs: tuple[pathlib.Path, ...], limits: "TemplateLimits | None") -> Renderer:
    return Renderer(dirs, limits)


def renderer(templates: Iterable[str | pathlib.Path] | None = None, limits: "TemplateLimits | None" = None) -> Renderer:
    """A (cached) Renderer over the shipped templates and any user template folders, searched first.

    `apologylint.drafts.renderer` is this function; it lives here so that the rest of the drafts
    package (the rewriter) can share the cache without importing the package's `__init__`."""
    return _renderer(tuple(pathlib.Path(d) for d in templates or ()), limits)


def _template_error(exc: Exception, template: str | None = None) -> str:
    """One line: "template error: late-delivery.j2:4: ..."; `template` names the one rendering
    when the error itself does not say (an undefined variable, a limit)."""
    where = ""
    name = getattr(exc, "filename", None) or getattr(exc, "name", None)
    if not name and template:
        name = template
    line = getattr(exc, "lineno", None)
    if name:
        where = f"{pathlib.Path(name).name}{f':{line}' if line else ''}: "
    msg = " ".join(str(exc).split()) or type(exc).__name__
    return f"template error: {where}{msg}"
