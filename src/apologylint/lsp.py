"""`apologylint lsp`: the editor server (Language Server Protocol over stdio, built on pygls 2).

People write canned responses, macros and templates in an editor; the server shows them the
findings there as they type, the way a code linter's do:

- diagnostics on open, on save, and while typing (debounced: the whole document is linted once
  the typing has paused, and a newer change cancels a lint still waiting), cleared on close;
- hover over a flagged span: the rule's documentation, as `apologylint explain` prints it;
- code actions: the fixes the findings carry, the same edits `--fix` applies (safe ones as
  preferred quick fixes, unsafe ones offered but not preferred, display-only ones never), and a
  "fix all safe" source action.

Each document is linted with the configuration nearest its file (`cli.common.Configs`, as the
lint command finds a file's; `--config` or the editor's `config` option for every document), and
its suppression comments are read in its syntax by the linter (`Extract.syntax`, `directives`).
A Linter is built per configuration on the first lint that needs it, and the pipeline loaded
then, in a single worker thread: one Linter is not thread-safe, and the event loop must stay
free to read the next keystroke.
Nothing that goes wrong in a lint is allowed to end the server: it becomes a `window/logMessage`
line (and, for a broken configuration, one `window/showMessage`).

Offsets: findings index the text that was linted; for plain text and Markdown that is the
document itself, for HTML, Jinja and mail it is extracted text that keeps a map back to the
document (`Extract`). LSP positions are a 0-based line and a character offset in the code units
the client and server agreed on (UTF-16 unless the client offers UTF-8 or UTF-32); lines end at
CRLF, CR or LF only (`Positions`), which is why the server neither uses `str.splitlines` nor
takes incremental changes: each change sends the whole document, which for a reply is small.
"""
from __future__ import annotations

import argparse
import asyncio
import bisect
import html as htmllib
import logging
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Literal

from lsprotocol import types as lsp
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pygls.lsp.server import LanguageServer

from . import __version__
from .models import Applicability, Finding, Severity

logger = logging.getLogger(__name__)

SOURCE = "apologylint"
#: the code action kind of "apply every safe fix" (editors run `source.fixAll` on save when asked)
FIX_ALL = "source.fixAll.apologylint"

_SEVERITY = {
    Severity.error: lsp.DiagnosticSeverity.Error,
    Severity.warning: lsp.DiagnosticSeverity.Warning,
    Severity.info: lsp.DiagnosticSeverity.Information,
}


# -- settings ---------------------------------------------------------------------------------------
class InitOptions(BaseModel):
    """What an editor may pass as `initializationOptions`; each key overrides the flag of the same
    name given to `apologylint lsp`. Validated strictly: a misspelt key is reported, not ignored."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    config: str | None = Field(None, description="settings file for every document (as --config)")
    isolated: bool | None = Field(None, description="read no configuration file (as --isolated)")
    model: str | None = None
    select: list[str] | None = None
    ignore: list[str] | None = None
    rules: list[str] | None = Field(None, description="extra rule files or folders (as --rules)")
    debounce_ms: int | None = Field(None, alias="debounceMs", ge=0, le=10_000)
    unsafe_fixes: bool | None = Field(None, alias="unsafeFixes", description="offer fixes that change what the reply says")

    @field_validator("select", "ignore", "rules", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v


@dataclass
class Settings:
    """How the server lints: the command-line flags, with the editor's options on top."""

    args: argparse.Namespace
    debounce: float = 0.3
    unsafe_fixes: bool = True

    def with_options(self, options: InitOptions) -> "Settings":
        args = argparse.Namespace(**vars(self.args))
        for key, attr in (("config", "config"), ("model", "model"), ("select", "select"), ("ignore", "ignore"), ("rules", "rule_paths")):
            value = getattr(options, key)
            if value is not None:
                setattr(args, attr, value)
        if options.isolated is not None:
            args.isolated = options.isolated
        if options.config is not None and not options.isolated:
            args.isolated = False  # the editor's file wins over a --isolated on the command line
        return Settings(
            args=args,
            debounce=self.debounce if options.debounce_ms is None else options.debounce_ms / 1000,
            unsafe_fixes=self.unsafe_fixes if options.unsafe_fixes is None else options.unsafe_fixes,
        )


def parse_options(raw: Any) -> InitOptions:
    """`initializationOptions` as sent; some clients wrap them in {"apologylint": {...}}.
    Raises ValueError with one line naming the key."""
    if raw is None:
        return InitOptions()
    if isinstance(raw, dict) and set(raw) == {"apologylint"}:
        raw = raw["apologylint"]
    if not isinstance(raw, dict):
        raise ValueError("initializationOptions: expected an object")
    try:
        return InitOptions.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(map(str, err["loc"])) or "(options)"
        raise ValueError(f"initializationOptions.{where}: {err['msg']}") from None


# -- positions ----------------------------------------------------------------------------------------
_LINE_END = re.compile(r"\r\n|\r|\n")


def _units(encoding: str | None) -> Callable[[str], int]:
    """How many code units of the agreed position encoding a string takes."""
    if encoding == lsp.PositionEncodingKind.Utf8:
        return lambda s: len(s.encode("utf-8", "surrogatepass"))
    if encoding == lsp.PositionEncodingKind.Utf32:
        return len
    return lambda s: len(s.encode("utf-16-le", "surrogatepass")) // 2


class Positions:
    """Offsets into a text (code points, as Python and the findings count) to LSP positions and
    back. Lines end at CRLF, CR or LF, as the protocol says, and nowhere else (not at U+2028 or a
    form feed, where `str.splitlines` would break)."""

    def __init__(self, text: str, encoding: str | None = lsp.PositionEncodingKind.Utf16) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in _LINE_END.finditer(text)]
        self.count = _units(encoding)

    def _line_end(self, line: int) -> int:
        """Where the line's content ends (before its line break)."""
        if line + 1 >= len(self.starts):
            return len(self.text)
        nxt = self.starts[line + 1]
        return nxt - (2 if self.text[nxt - 2 : nxt] == "\r\n" else 1)

    def position(self, offset: int) -> lsp.Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        return lsp.Position(line=line, character=self.count(self.text[start : min(offset, self._line_end(line))]))

    def range(self, start: int, end: int) -> lsp.Range:
        return lsp.Range(start=self.position(start), end=self.position(end))

    def offset(self, pos: lsp.Position) -> int:
        """The offset of a client position; past the end of a line is its end (as the spec says)."""
        if pos.line >= len(self.starts):
            return len(self.text)
        i, end = self.starts[pos.line], self._line_end(pos.line)
        units = 0
        while i < end and units < pos.character:
            units += self.count(self.text[i])
            i += 1
        return i


# -- what gets linted -------------------------------------------------------------------------------
Kind = Literal["text", "html", "jinja", "jinja-html", "mail"]

_HTML_IDS = {"html", "xhtml"}
_JINJA_IDS = {"jinja", "jinja2", "j2", "twig", "django-txt", "nunjucks"}
_JINJA_HTML_IDS = {"jinja-html", "htmldjango", "django-html", "html.jinja", "html.j2"}
_MAIL_IDS = {"mail", "email", "eml"}


def kind_of(language_id: str | None, uri: str) -> Kind:
    """What the document is, by the editor's language id, else by its file name. Plain text and
    Markdown are read as text, as the command line reads .txt and .md."""
    lid = (language_id or "").lower()
    name = uri.rsplit("/", 1)[-1].lower()
    if lid in _JINJA_HTML_IDS or re.search(r"\.html?\.(j2|jinja2?)$", name):
        return "jinja-html"
    if lid in _JINJA_IDS or re.search(r"\.(j2|jinja2?)$", name):
        return "jinja"
    if lid in _HTML_IDS or re.search(r"\.html?$", name):
        return "html"
    if lid in _MAIL_IDS or name.endswith(".eml"):
        return "mail"
    return "text"


@dataclass
class Extract:
    """The text that gets linted, and where each of its characters is in the document
    (`starts[i]`, `ends[i]`; None when the text is the document itself), with the comment syntax
    its suppression comments are read in (suppress.SYNTAXES) and the directives read outside it
    (a mail buffer's X-Apologylint-Disable header)."""

    text: str
    in_reply_to: str | None = None
    starts: list[int] | None = None
    ends: list[int] | None = None
    source: str = ""
    syntax: str = "text"
    directives: list = field(default_factory=list)

    def span(self, a: int, b: int) -> tuple[int, int]:
        """Document offsets of the linted text's [a, b)."""
        if self.starts is None or self.ends is None:
            return a, b
        n = len(self.text)
        a, b = max(0, min(a, n)), max(0, min(b, n))
        if b <= a:
            s = self.starts[a] if a < n else (self.ends[n - 1] if n else 0)
            return s, s
        return self.starts[a], self.ends[b - 1]

    def verbatim(self, a: int, b: int) -> bool:
        """Whether the linted [a, b) is exactly the document's text there: an edit of it touches no
        markup, no entity and no template tag."""
        s, e = self.span(a, b)
        return self.source[s:e] == self.text[a:b]


class _Builder:
    """Assembles an Extract piece by piece."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.out: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def keep(self, a: int, b: int) -> None:
        """The document's own characters [a, b)."""
        self.out.append(self.source[a:b])
        self.starts.extend(range(a, b))
        self.ends.extend(range(a + 1, b + 1))

    def put(self, text: str, a: int, b: int) -> None:
        """Characters that stand for the document's [a, b) (an entity, a placeholder, a break)."""
        self.out.append(text)
        self.starts.extend([a] * len(text))
        self.ends.extend([b] * len(text))

    def build(self, in_reply_to: str | None = None, syntax: str = "text", directives: list | None = None) -> Extract:
        return Extract("".join(self.out), in_reply_to, self.starts, self.ends, self.source, syntax, directives or [])


#: elements whose tags break a line where a browser would
_BLOCK = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "fieldset", "figcaption", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
    "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}
_JINJA = r"\{#.*?#\}|\{%.*?%\}|\{\{(?P<expr>.*?)\}\}"
_HTML = (
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<!.*?>|<\?.*?\?>"
    r"|<(?P<raw>script|style|head|title|template)\b.*?</(?P=raw)\s*>"
    r"|</?(?P<tag>[A-Za-z][A-Za-z0-9-]*)\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>"
    r"|&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
)
_MARKUP = {
    "jinja": re.compile(_JINJA, re.DOTALL),
    "html": re.compile(_HTML, re.DOTALL | re.IGNORECASE),
    "jinja-html": re.compile(_JINJA + "|" + _HTML, re.DOTALL | re.IGNORECASE),
}


def _placeholder(expr: str) -> str:
    """What a `{{ ... }}` reads as: its variable's last name ("{{ customer.first_name | title }}"
    reads "first_name"), so that "Hi {{ name }}," still parses as a greeting."""
    names = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", expr.split("|", 1)[0])
    return names[-1] if names else "X"


def _markup(source: str, kind: Kind) -> Extract:
    """The text of an HTML page or a Jinja template, markup set aside: tags go (a block tag leaves
    a line break), entities are decoded, script and style go, a `{{ variable }}` reads as its
    name; whitespace runs read as one space, as a browser shows them.

    Suppression comments stay, as they are in the document, for the linter to read and blank
    (`apologylint.suppress`): `<!-- apologylint: ... -->` in HTML, `{# apologylint: ... #}` in a
    Jinja template (an HTML one too, as the command line reads an .html.j2 file)."""
    from .suppress import is_directive

    b = _Builder(source)
    pos = 0
    html = kind != "jinja"
    syntax = "html" if kind == "html" else "jinja"

    def text(a: int, e: int) -> None:
        if not html:
            b.keep(a, e)
            return
        for m in re.finditer(r"\s+|\S+", source[a:e]):
            s, t = a + m.start(), a + m.end()
            if source[s].isspace():
                b.put(" ", s, t)
            else:
                b.keep(s, t)

    for m in _MARKUP[kind].finditer(source):
        text(pos, m.start())
        token = m.group(0)
        if token.startswith(("<!--", "{#")) and is_directive(token, syntax):
            b.keep(m.start(), m.end())
        elif m.groupdict().get("expr") is not None:
            b.put(_placeholder(m.group("expr")), m.start(), m.end())
        elif token.startswith("&"):
            b.put(htmllib.unescape(token), m.start(), m.end())
        elif m.groupdict().get("tag") and m.group("tag").lower() in _BLOCK:
            b.put("\n", m.start(), m.end())
        pos = m.end()
    text(pos, len(source))
    return b.build(syntax=syntax)


_HEADER_LINE = re.compile(r"[A-Za-z0-9-]+:[ \t]|[ \t]+\S")


def _mail(source: str) -> Extract:
    """A message being written in a mail client's editor: the header block (when there is one),
    quoted history and the signature set aside as the command line sets them aside in an email,
    and the quoted customer message used as the context, as `apologylint msg.eml` uses it."""
    from .mail.quotes import customer_text, layout
    from .suppress import HEADER, header_directives

    lf = source.replace("\r\n", " \n").replace("\r", "\n")  # same length: offsets stay the document's
    body = 0
    lines = lf.split("\n")
    disable: list[str] = []  # X-Apologylint-Disable values, as an email's header is read
    if lines and re.match(r"[A-Za-z0-9-]+:[ \t]", lines[0]):
        at, ours = 0, False
        for line in lines:
            if not line.strip():
                body = at + len(line) + 1
                break
            if not _HEADER_LINE.match(line):
                disable = []  # no header block after all
                break
            if line[:1] in " \t":  # a folded header's next line
                if ours:
                    disable[-1] += " " + line.strip()
            else:
                name, _, value = line.partition(":")
                ours = name.strip().lower() == HEADER.lower()
                if ours:
                    disable.append(value.strip())
            at += len(line) + 1
    lay = layout(lf[body:])
    b = _Builder(source)
    for n, (s, e) in enumerate(lay.kept):
        if n:
            b.put("\n\n", body + s, body + s)  # a paragraph break where a block was set aside
        b.keep(body + s, body + e)
    # a body's comments are the customer's to see (syntax "none"); the header is the directive
    return b.build(customer_text(lay.quoted), syntax="none", directives=header_directives(disable) if body else [])


def syntax_of(language_id: str | None, uri: str) -> str:
    """The comment syntax of a plain-text document: Markdown's `<!-- -->` for a markdown
    document, else plain text (`# apologylint:` lines when the configuration's `hash-comments`
    is on), as the command line reads .md and .txt."""
    from .suppress import syntax_for

    if (language_id or "").lower() in ("markdown", "mdx", "rmd", "quarto"):
        return "markdown"
    name = uri.rsplit("/", 1)[-1].split("?", 1)[0]
    return "markdown" if syntax_for(name) == "markdown" else "text"


def extract(source: str, kind: Kind, syntax: str = "text") -> Extract:
    """What the linter reads of a document of this kind; `syntax` is that of a plain-text
    document's suppression comments (`syntax_of`); the other kinds have their own."""
    if kind == "text":
        return Extract(source, source=source, syntax=syntax)
    if kind == "mail":
        return _mail(source)
    return _markup(source, kind)


# -- findings in the document ---------------------------------------------------------------------
@dataclass
class Located:
    """A finding with its place in the document, and its fix's edits there (None when it has no
    fix, or when an edit would touch markup the linted text does not show)."""

    finding: Finding
    start: int
    end: int
    edits: list[tuple[int, int, str]] | None


def locate(ex: Extract, findings: list[Finding]) -> list[Located]:
    out = []
    for f in findings:
        start, end = ex.span(f.start, f.end)
        edits = None
        if f.fix is not None and all(ex.verbatim(e.start, e.end) for e in f.fix.edits):
            edits = [(*ex.span(e.start, e.end), e.replacement) for e in f.fix.edits]
        out.append(Located(f, start, end, edits))
    return out


def diagnostic(loc: Located, pos: Positions) -> lsp.Diagnostic:
    f = loc.finding
    return lsp.Diagnostic(
        range=pos.range(loc.start, loc.end),
        message=f.message,
        severity=_SEVERITY[f.severity],
        code=f.rule,
        source=SOURCE,
        data={"rule": f.rule, "start": loc.start, "end": loc.end},
    )


def hover_markdown(located: list[Located], rules: dict[str, Any]) -> str:
    """The findings under the cursor, each with its rule's documentation as `explain` renders it."""
    from .cli.explain import render

    parts = []
    for loc in located:
        f = loc.finding
        head = f"**{f.rule}** `{f.name}` ({f.category}, {f.severity}): {f.message}"
        rule = rules.get(f.rule)
        # explain's first line is "name (id)", which the head already says
        doc = render(rule).split("\n", 1)[-1].lstrip("\n") if rule is not None else ""
        parts.append(head + ("\n\n" + doc if doc else ""))
    return "\n\n---\n\n".join(parts)


# -- the server -------------------------------------------------------------------------------------
class LintFailure(Exception):
    """A lint that could not be made; the message is the one line for the editor's log."""

    def __init__(self, message: str, level: lsp.MessageType = lsp.MessageType.Warning) -> None:
        super().__init__(message)
        self.level = level


@dataclass
class DocState:
    """An open document: its pending lint, and the findings of the text last linted."""

    pending: asyncio.Task | None = None
    text: str | None = None
    located: list[Located] = field(default_factory=list)
    extract: Extract | None = None
    linter: Any = None  # the Linter of the document's configuration (its rules explain a hover)


class ApologyServer(LanguageServer):
    """The pygls server with apologylint's state: settings, the lazily built Linter, open documents."""

    def __init__(self, settings: Settings) -> None:
        super().__init__("apologylint", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Full)
        self.settings = settings
        self.docs: dict[str, DocState] = {}
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="apologylint-lint")
        self._configs: Any = None  # cli.common.Configs: discovery, and a Linter per configuration
        self.root: str | None = None  # the workspace folder: where a document without a path is configured from
        self._told: set[str] = set()  # each broken configuration is shown to the user once
        self._pending_notice: str | None = None  # said once the editor has finished initializing

    # -- messages to the editor ------------------------------------------------------------------
    def log(self, message: str, level: lsp.MessageType = lsp.MessageType.Info) -> None:
        self.window_log_message(lsp.LogMessageParams(type=level, message=message))

    def tell(self, message: str, level: lsp.MessageType = lsp.MessageType.Error) -> None:
        self.log(message, level)
        self.window_show_message(lsp.ShowMessageParams(type=level, message=message))

    # -- the linter (worker thread only) -----------------------------------------------------------
    def path_of(self, uri: str) -> str | None:
        """The file of a `file:` document; None for an unsaved one (untitled:, and the like)."""
        if not uri.startswith("file:"):
            return None
        from pygls.uris import to_fs_path

        return to_fs_path(uri)

    def linter_for(self, uri: str, *, compile: bool = True) -> Any:
        """The Linter for a document, with its configuration found as the command line finds a
        file's: the nearest `.apologylint.toml` or `pyproject.toml` with `[tool.apologylint]` at
        or above the document's folder (a document with no path: the workspace folder, else the
        server's working directory); `--config` or the editor's `config` option for every
        document instead; none with `--isolated`. The flags and the editor's options go on top.
        One Linter per distinct configuration, built on first use (they share the pipeline)."""
        from .cli.common import Configs
        from .nlp import ModelNotFound
        from .ruleset import RuleFileError
        from .safeload import DataFileError

        if self._configs is None:
            self._configs = Configs(self.settings.args)
        path = self.path_of(uri) or self.root
        try:
            linter = self._configs.linter(path)
            if compile:
                linter.compiled  # load the pipeline and compile the rules now
        except (ValueError, RuleFileError, ModelNotFound, DataFileError, OSError) as exc:
            raise LintFailure(f"apologylint: {exc}".splitlines()[0], lsp.MessageType.Error) from None
        return linter

    def served(self, linter: Any, ex: Extract, uri: str) -> Any:
        """The report of a warm `apologylint serve` (the document's configuration sent with
        it), or None when none answers (or --no-server): then this process loads the pipeline
        and lints. With a server, the editor's first diagnostics wait for no pipeline load, and
        the pipeline is in memory once for every editor window, the command line and the hook."""
        args = self.settings.args
        if getattr(args, "no_server", False):
            return None
        from .linter import LintInput
        from .server import lint_via_server

        item = LintInput(text=ex.text, in_reply_to=ex.in_reply_to, syntax=ex.syntax, path=self.path_of(uri), directives=ex.directives)
        got = lint_via_server(linter.config, [item], socket_path=getattr(args, "socket", None))
        return got[0] if got else None

    def forget_configuration(self) -> None:
        """A configuration file was saved: read the files again (and rebuild the Linters) on the
        next lint. Runs on the lint thread, so no lint sees half of it."""
        self._configs = None

    def lint_text(self, uri: str, source: str, kind: Kind, syntax: str = "text") -> tuple[Extract, list[Located], Any]:
        """The extract, the findings in the document and the Linter that made them. Suppression
        comments are honoured in the document's syntax (`Extract.syntax`) and `per-file-ignores`
        by its path, as the command line honours them for the file."""
        from .linter import TextTooLong

        ex = extract(source, kind, syntax)
        if not ex.text.strip():
            return ex, [], None
        linter = self.linter_for(uri, compile=False)  # the rules (for hovers), not yet the pipeline
        report = self.served(linter, ex, uri)
        if report is not None and report.error is not None:
            raise LintFailure(f"apologylint: {uri}: {report.error}")
        if report is None:
            linter = self.linter_for(uri)
            try:
                report = linter.lint(ex.text, ex.in_reply_to, syntax=ex.syntax, path=self.path_of(uri), directives=ex.directives)
            except TextTooLong as exc:
                raise LintFailure(f"apologylint: {uri}: {exc}") from None
        return ex, locate(ex, report.findings), linter

    # -- scheduling (event loop) -------------------------------------------------------------------
    def schedule(self, uri: str, delay: float) -> None:
        """Lint `uri` after `delay` seconds; a lint still waiting for the same document is cancelled."""
        state = self.docs.setdefault(uri, DocState())
        if state.pending is not None and not state.pending.done():
            state.pending.cancel()
        state.pending = asyncio.get_running_loop().create_task(self._lint_later(uri, delay))

    async def _lint_later(self, uri: str, delay: float) -> None:
        if delay > 0:
            await asyncio.sleep(delay)
        if uri not in self.docs:
            return
        doc = self.workspace.get_text_document(uri)
        source, version = doc.source, doc.version
        kind = kind_of(doc.language_id, uri)
        syntax = syntax_of(doc.language_id, uri)
        loop = asyncio.get_running_loop()
        linter = None
        try:
            ex, located, linter = await loop.run_in_executor(self._executor, self.lint_text, uri, source, kind, syntax)
        except asyncio.CancelledError:
            raise
        except LintFailure as exc:
            if exc.level == lsp.MessageType.Error and str(exc) not in self._told:
                self._told.add(str(exc))
                self.tell(str(exc))
            else:
                self.log(str(exc), exc.level)
            ex, located = None, []
        except Exception as exc:  # a bug of ours: one line in the editor's log, and the server goes on
            self.log(f"apologylint: internal error linting {uri}: {type(exc).__name__}: {exc}".splitlines()[0], lsp.MessageType.Error)
            ex, located = None, []  # the old findings would point into a text that is gone
        state = self.docs.get(uri)
        if state is None or self.workspace.get_text_document(uri).source != source:
            return  # closed, or changed: the newer lint publishes
        state.text, state.extract, state.located, state.linter = source, ex, located, linter
        pos = Positions(source, self.workspace.position_encoding)
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[diagnostic(loc, pos) for loc in located], version=version)
        )

    def close(self, uri: str) -> None:
        state = self.docs.pop(uri, None)
        if state is not None and state.pending is not None:
            state.pending.cancel()
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    # -- requests --------------------------------------------------------------------------------
    def current(self, uri: str) -> tuple[DocState, Positions] | None:
        """The document's findings, if they are of the text the editor has now."""
        state = self.docs.get(uri)
        if state is None or state.text is None:
            return None
        if self.workspace.get_text_document(uri).source != state.text:
            return None
        return state, Positions(state.text, self.workspace.position_encoding)

    def hover(self, params: lsp.HoverParams) -> lsp.Hover | None:
        found = self.current(params.text_document.uri)
        if found is None:
            return None
        state, pos = found
        at = pos.offset(params.position)
        under = [loc for loc in state.located if loc.start <= at < loc.end or loc.start == loc.end == at]
        if not under or state.linter is None:
            return None
        rules = {r.id: r for r in state.linter.rules}
        return lsp.Hover(
            contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=hover_markdown(under, rules)),
            range=pos.range(min(loc.start for loc in under), max(loc.end for loc in under)),
        )

    def code_actions(self, params: lsp.CodeActionParams) -> list[lsp.CodeAction] | None:
        uri = params.text_document.uri
        found = self.current(uri)
        if found is None:
            return None
        state, pos = found
        only = params.context.only
        a, b = pos.offset(params.range.start), pos.offset(params.range.end)

        def wanted(kind: str) -> bool:
            return not only or any(kind == k or kind.startswith(k + ".") for k in only)

        def edit(edits: list[tuple[int, int, str]]) -> lsp.WorkspaceEdit:
            return lsp.WorkspaceEdit(changes={uri: [lsp.TextEdit(range=pos.range(s, e), new_text=rep) for s, e, rep in edits]})

        actions: list[lsp.CodeAction] = []
        if wanted(lsp.CodeActionKind.QuickFix):
            for loc in state.located:
                fix = loc.finding.fix
                if fix is None or loc.edits is None or fix.applicability == Applicability.display_only:
                    continue
                if not (loc.start <= b and a <= loc.end):
                    continue
                safe = fix.applicability == Applicability.safe
                if not safe and not self.settings.unsafe_fixes:
                    continue
                title = f"{fix.message} ({loc.finding.rule})" if safe else f"{fix.message} ({loc.finding.rule}; unsafe: changes what the reply says)"
                actions.append(lsp.CodeAction(
                    title=title,
                    kind=lsp.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic(loc, pos)],
                    is_preferred=safe,
                    edit=edit(loc.edits),
                ))
        if wanted(FIX_ALL) and state.extract is not None:
            from .fixes import apply_edits

            fixable = [loc for loc in state.located if loc.edits is not None]
            _, chosen = apply_edits(state.extract.text, [loc.finding for loc in fixable])
            edits = [e for loc in fixable if any(loc.finding is c for c in chosen) for e in loc.edits or []]
            if edits:
                actions.append(lsp.CodeAction(title="Apply every safe apologylint fix", kind=FIX_ALL, edit=edit(sorted(edits))))
        return actions


def make_server(settings: Settings) -> ApologyServer:
    """The server with its features registered."""
    server = ApologyServer(settings)

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: ApologyServer, params: lsp.InitializeParams) -> None:
        from .cli.common import build_config

        folders = params.workspace_folders or []
        root = folders[0].uri if folders else params.root_uri
        if root:
            ls.root = ls.path_of(root)
        try:
            settings = ls.settings.with_options(parse_options(params.initialization_options))
            if getattr(settings.args, "config", None) or getattr(settings.args, "isolated", False):
                build_config(settings.args)  # a missing or broken config file is said now, once
        except Exception as exc:  # ValueError, DataFileError: one line either way
            ls._pending_notice = f"apologylint: {exc}".splitlines()[0] + "; using the command line's settings"
        else:
            ls.settings = settings

    @server.feature(lsp.INITIALIZED)
    def initialized(ls: ApologyServer, params: lsp.InitializedParams) -> None:
        if ls._pending_notice:
            ls.tell(ls._pending_notice, lsp.MessageType.Warning)

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ApologyServer, params: lsp.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: ApologyServer, params: lsp.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, ls.settings.debounce)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: ApologyServer, params: lsp.DidSaveTextDocumentParams) -> None:
        from .discovery import CONFIG_FILES

        uri = params.text_document.uri
        if uri.rsplit("/", 1)[-1] in CONFIG_FILES:  # a configuration changed: every open document is linted again with it
            ls._executor.submit(ls.forget_configuration)
            for other in list(ls.docs):
                ls.schedule(other, 0)
        ls.schedule(uri, 0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ApologyServer, params: lsp.DidCloseTextDocumentParams) -> None:
        ls.close(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: ApologyServer, params: lsp.HoverParams) -> lsp.Hover | None:
        return ls.hover(params)

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=False),
    )
    def code_action(ls: ApologyServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction] | None:
        return ls.code_actions(params)

    return server


def serve(settings: Settings) -> int:
    """Run the server on standard input and output until the editor says exit."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print from a library must not corrupt the protocol stream
    server = make_server(settings)
    server.start_io(stdin, stdout)
    return 0
