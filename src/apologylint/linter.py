"""The Linter: one pipeline and one compiled rule set, many messages.

`lint_many` streams texts through `nlp.pipe`, which is where batch speed comes from; `lint` is the
same path for one message.
"""
from __future__ import annotations

import itertools
from typing import Iterable, Iterator, Sequence, Union

from pydantic import BaseModel, ConfigDict, Field

from .config import Config
from .fixes import make_fix
from .models import Counts, CustomerEvidence, CustomerReadingModel, Finding, MoveEvidence, Readability, Report, SentenceMoves, Severity
from .recovery import recover
from .ruleset import META_TUNABLE, TUNABLE, RuleFileError, load_all, matches, selected
from .text import LineIndex, content_bounds, normalize



class LintInput(BaseModel):
    """One text to lint with what the linter should know about where it came from: its path (for
    `per-file-ignores`), the comment syntax its suppression comments are written in, and
    directives read elsewhere (an email's `X-Apologylint-Disable` header, HTML comments)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    text: str
    in_reply_to: str | None = None
    path: str | None = Field(None, description="the file the text came from; `per-file-ignores` match it")
    syntax: str | None = Field(None, description="suppress.SYNTAXES; None: the syntax given to lint_many")
    directives: list = Field(default_factory=list, description="suppress.Directive objects read outside the text")


Item = Union[str, tuple[str, "str | None"], LintInput]


class _Placeholders(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(template: str, values: dict) -> str:
    v = dict(values)
    if "match" in v:
        m = " ".join(str(v["match"]).split())
        v["match"] = m if len(m) <= 60 else m[:57] + "..."
    return template.format_map(_Placeholders(v))


class TextTooLong(ValueError):
    """A text past `MAX_CHARS`; parsing it would take minutes, and no reply is that long."""


MAX_CHARS = 200_000


def _too_long(text: str, in_reply_to: str | None) -> str | None:
    for what, value in (("text", text), ("in_reply_to", in_reply_to)):
        if value is not None and len(value) > MAX_CHARS:
            return f"{what} is {len(value):,} characters; apologylint lints replies up to {MAX_CHARS:,}"
    return None


class Linter:
    """Holds the spaCy pipeline and the compiled rules; thread-compatible, not thread-safe."""

    def __init__(self, config: Config | dict | None = None) -> None:
        if config is None:
            config = Config()
        elif isinstance(config, dict):
            config = Config.model_validate(config)
        self.config = config
        rules, signals = load_all(tuple(config.rule_paths))
        for what, keys in (("select/ignore", [*config.select, *config.extend_select, *config.ignore]),
                           *((f"per-file-ignores '{glob}'", keys) for glob, keys in config.per_file_ignores.items())):
            for key in keys:
                if not any(matches(r, key) for r in rules):
                    raise RuleFileError(f"configuration: {what}: '{key}' matches no rule id, name, prefix or category")
        for key in config.rules:
            if not any(key.upper() == r.id or key == r.name for r in rules):
                raise RuleFileError(f"configuration: rules.{key}: no rule has this id or name")
        self.rules = [self._configured(r) for r in rules]
        self.active = [r for r in self.rules if r.enabled and self._runs(r)]
        self._all_rules = self.rules
        self._by_id = {r.id: r for r in self.rules}
        self.signals = signals
        self._compiled = None
        self._nlp = None

    def _runs(self, rule) -> bool:
        """Whether an enabled rule runs: selected by `select` and `ignore`, except the built-in
        rules of suppression (rules/meta.yaml), whose findings are about the comments, not the
        reply: an invalid comment (AL001) is always reported, an unused one (AL000) when
        `report-unused-suppressions` asks for it."""
        from . import suppress

        if rule.id == suppress.INVALID_ID:
            return True
        if rule.id == suppress.UNUSED_ID:
            return self.config.report_unused_suppressions
        return selected(rule, self.config.effective_select, self.config.ignore)

    def _severity(self, rule_id: str) -> Severity:
        """A built-in rule's severity as configured (`[rules.AL990] severity = ...`)."""
        rule = self._by_id.get(rule_id)
        return rule.severity if rule is not None else Severity.warning

    def _configured(self, rule):
        """The rule with the configuration's overrides (by id and by name, merged) applied."""
        overrides = {}
        for key, value in self.config.rules.items():
            if key.upper() == rule.id or key == rule.name:
                overrides.update(value)
        if not overrides:
            return rule
        from pydantic import ValidationError

        tunable = META_TUNABLE if rule.kind == "builtin" else TUNABLE
        fixed = sorted(set(overrides) - tunable)
        if fixed:
            raise RuleFileError(f"configuration: rule {rule.id}: cannot change {', '.join(fixed)} (tunable: {', '.join(sorted(tunable))})")
        try:
            tuned = type(rule).model_validate({**rule.model_dump(), **overrides})
        except ValidationError as exc:
            err = exc.errors()[0]
            raise RuleFileError(f"configuration: rule {rule.id}: {'.'.join(map(str, err['loc']))}: {err['msg']}") from None
        tuned._source = rule._source
        return tuned

    # -- the pipeline, loaded on first use ------------------------------------------------------
    @property
    def nlp(self):
        if self._nlp is None:
            from . import nlp as nlp_mod

            self._nlp = nlp_mod.load(self.config.model)
        return self._nlp

    @property
    def compiled(self):
        if self._compiled is None:
            from .detectors import Compiled

            self._compiled = Compiled(self.nlp, self.active, self.signals)
        return self._compiled

    # -- linting -------------------------------------------------------------------------------
    def lint(self, text: str, in_reply_to: str | None = None, *, syntax: str | None = "text", path: str | None = None,
             directives: Sequence = ()) -> Report:
        """The report on one reply; raises TextTooLong for a text no reply could be. The keywords
        are those of `LintInput` (see `lint_many`)."""
        item = LintInput(text=text, in_reply_to=in_reply_to, path=path, syntax=syntax, directives=list(directives))
        report = next(self.lint_many([item]))
        if report.error is not None:
            raise TextTooLong(report.error)
        return report

    def lint_many(self, items: Iterable[Item], *, syntax: str | None = "text", n_process: int = 1) -> Iterator[Report]:
        """Reports in input order; items are texts, (text, in_reply_to) pairs or `LintInput`s.

        `n_process` > 1 lints in that many worker processes, each with its own Linter of this
        configuration (on Linux forked from this one, so the loaded pipeline is shared until
        written to), a batch of `batch_size` messages at a time, in input order.

        Suppression comments in each text are honoured in the comment syntax `syntax` names
        ("text", the default: `# apologylint: ...` lines, only when the configuration has
        `hash_comments`; "markdown" and "html": `<!-- apologylint: ... -->`; "jinja":
        `{# apologylint: ... #}`; "none": no comment is a directive), or the one a `LintInput`
        names. They are blanked before the text is parsed, so they are never read as prose and
        every offset, line and column is that of the text given. A `LintInput`'s `path` applies
        the configuration's `per-file-ignores`.

        An item that cannot be linted (too long) gets a report of its own with `error` set and no
        findings, in its place: one bad input never costs the others theirs.
        """
        from . import suppress

        if n_process > 1:
            yield from self._lint_parallel(items, syntax=syntax, n_process=n_process)
            return
        self.compiled  # compile (and load the pipeline) before the first batch
        inputs = (
            LintInput(text=it) if isinstance(it, str)
            else it if isinstance(it, LintInput)
            else LintInput(text=it[0], in_reply_to=it[1])
            for it in items
        )
        batch_size = self.config.batch_size
        while True:
            chunk = list(itertools.islice(inputs, batch_size))
            if not chunk:
                return
            errors = [_too_long(it.text, it.in_reply_to) for it in chunk]
            prepared = [
                suppress.prepare(it.text, it.syntax or syntax, hash_comments=self.config.hash_comments) if err is None else None
                for it, err in zip(chunk, errors)
            ]
            fine = [(p.text, it.in_reply_to) for it, p, err in zip(chunk, prepared, errors) if err is None]
            exchanges = iter(self._exchanges(fine)) if fine else iter(())
            for it, prep, err in zip(chunk, prepared, errors):
                if err is not None:
                    yield Report(error=err, fail_on=self.config.fail_on)
                else:
                    yield self._finish(self._report(prep.text, next(exchanges)), it, prep)

    def _lint_parallel(self, items: Iterable[Item], *, syntax: str | None, n_process: int) -> Iterator[Report]:
        """lint_many in `n_process` worker processes, one Linter each, batches in input order."""
        import multiprocessing

        methods = multiprocessing.get_all_start_methods()
        if "fork" in methods:
            # forked after the pipeline is loaded: each worker starts warm and shares its pages
            self.compiled
            ctx = multiprocessing.get_context("fork")
            init, initargs = _worker_inherit, ()
            global _worker_parent
            _worker_parent = self
        else:  # pragma: no cover - macOS/Windows default: each worker loads its own
            ctx = multiprocessing.get_context("spawn")
            init, initargs = _worker_load, (self.config.model_dump_json(),)
        batches = _batches(items, self.config.batch_size)
        with ctx.Pool(n_process, initializer=init, initargs=initargs) as pool:
            for reports in pool.imap(_worker_lint, ((batch, syntax) for batch in batches)):
                yield from reports

    def _finish(self, report: Report, item: LintInput, prep) -> Report:
        """The findings made final, once for every rule: the team's flagged phrases added, those
        inside an allowed word dropped, `per-file-ignores` and then suppression comments applied
        (with their own findings: an invalid directive always, an unused one when configured).
        Excerpts are taken from the text as given, since the linter read it with comments blanked."""
        from . import suppress, vocabulary
        from .text import LineIndex

        cfg = self.config
        text = item.text
        findings = list(report.findings)
        if not cfg.flag_phrases and not cfg.allow_words and not cfg.per_file_ignores and not prep.directives and not item.directives:
            return report
        lines = LineIndex(text)
        if cfg.flag_phrases and any(r.id == vocabulary.TEAM_PHRASE_ID for r in self.active):
            findings += vocabulary.team_findings(prep.text, cfg.flag_phrases, lines.position, self._severity(vocabulary.TEAM_PHRASE_ID))
        findings = vocabulary.drop_allowed(findings, text, cfg.allow_words)
        extra = cfg.ignores_for(item.path)
        if extra:
            findings = [f for f in findings if selected(vocabulary.BuiltinRule(f.rule, f.name, f.category), [], extra)]
        directives = sorted([*item.directives, *prep.directives], key=lambda d: d.start)
        findings, used = suppress.apply(findings, directives)
        known = lambda key: any(matches(r, key) for r in self._all_rules)  # noqa: E731
        report_unused = any(r.id == suppress.UNUSED_ID for r in self.active)
        for d, message, code, name in suppress.problems(directives, used, report_unused=report_unused, known=known):
            if code not in self._by_id or not self._by_id[code].enabled:
                continue  # switched off: [rules.AL001] enabled = false
            line, column = lines.position(d.start)
            findings.append(Finding(rule=code, name=name, category=suppress.CATEGORY, severity=self._severity(code), message=message,
                                    start=d.start, end=d.end, line=line, column=column, excerpt=text[d.start:d.end]))
        findings = [f if f.excerpt == text[f.start:f.end] else f.model_copy(update={"excerpt": text[f.start:f.end]}) for f in findings]
        findings.sort(key=lambda f: (f.start, f.rule))
        return report.model_copy(update={"findings": findings})

    def _exchanges(self, chunk: list[tuple[str, str | None]]) -> list:
        """Parse a batch of replies, and each distinct customer message once (one `--in-reply-to`
        for many drafts is parsed a single time)."""
        from .exchange import Exchange

        norms = [normalize(text) for text, _ in chunk]
        bounds = [content_bounds(n.text) for n in norms]
        contexts = list(dict.fromkeys(ctx for _, ctx in chunk if ctx))
        context_norms = {c: normalize(c) for c in contexts}
        context_starts = {c: content_bounds(n.text) for c, n in context_norms.items()}
        texts = [n.text[s:e] for n, (s, e) in zip(norms, bounds)] + [context_norms[c].text[s:e] for c, (s, e) in context_starts.items()]
        docs = list(self.nlp.pipe(texts, batch_size=self.config.batch_size))
        context_docs = dict(zip(contexts, docs[len(chunk) :]))
        return [
            Exchange(
                doc, norm, context_docs.get(ctx) if ctx else None, self.compiled, offset=start,
                context_source=(ctx, context_norms[ctx], context_starts[ctx][0]) if ctx else None,
            )
            for (_, ctx), norm, (start, _), doc in zip(chunk, norms, bounds, docs)
        ]

    def exchange(self, text: str, in_reply_to: str | None = None):
        """The parse and the signals of one message as the detectors see them (for writing rules)."""
        return self._exchanges([(text, in_reply_to)])[0]

    def _report(self, text: str, ex) -> Report:
        """Findings for one message; offsets are mapped from the parsed content to `text`."""
        norm, offset = ex.norm, ex.offset
        lines = LineIndex(text)
        findings: list[Finding] = []
        for det in ex.compiled.detectors:
            rule = det.rule
            for n, hit in enumerate(det.find(ex)):
                if n and rule.once:
                    break
                start, end = norm.span(offset + hit.span.start_char, offset + hit.span.end_char)
                line, col = lines.position(start)
                fix = make_fix(rule.fix, hit.span, lambda a, b: norm.span(offset + a, offset + b), text, ex) if rule.fix else None
                findings.append(
                    Finding(
                        rule=rule.id,
                        name=rule.name,
                        category=rule.category,
                        severity=rule.severity,
                        message=_fill(rule.message, hit.values),
                        start=start,
                        end=end,
                        line=line,
                        column=col,
                        excerpt=text[start:end],
                        suggestion=rule.suggestion,
                        fix=fix,
                    )
                )
        findings.sort(key=lambda f: (f.start, f.rule))
        moves = _moves(text, ex)
        return Report(
            findings=findings,
            counts=Counts(
                apologies=len(ex.signal("apology")),
                empathy=len(ex.signal("empathy")),
                next_steps=len(ex.signal("next-step")),
                words=ex.words,
            ),
            readability=_readability(ex),
            problem=ex.problem,
            moves=moves,
            customer=_customer(ex),
            recovery=recover(ex, moves, findings),
            fail_on=self.config.fail_on,
        )


def _moves(text: str, ex) -> list[SentenceMoves]:
    """The reading of the reply in the report's terms: offsets into `text`, as findings have."""
    norm, offset = ex.norm, ex.offset

    def at(span) -> tuple[int, int]:
        return norm.span(offset + span.start_char, offset + span.end_char)

    out = []
    for sent, moves in ex.moves:
        s, e = at(sent)
        evidence = []
        for m in moves:
            ms, me = at(m.span)
            evidence.append(MoveEvidence(kind=m.kind, start=ms, end=me, excerpt=text[ms:me], detail=m.detail))
        out.append(SentenceMoves(start=s, end=e, text=text[s:e], moves=evidence))
    return out


def _customer(ex) -> CustomerReadingModel | None:
    if ex.context is None:
        return None
    c = ex.customer

    original, norm, offset = ex.context_source

    def ev(kind: str, span) -> CustomerEvidence:
        # offsets into the customer's message as it was given, as findings index the reply
        start, end = norm.span(offset + span.start_char, offset + span.end_char)
        return CustomerEvidence(kind=kind, text=original[start:end], start=start, end=end)

    return CustomerReadingModel(
        kind=c.kind,
        kind_by=c.kind_by,
        kind_probability=c.kind_probability,
        kind_evidence=c.kind_evidence,
        severity=c.severity,
        complaint=[ev("complaint", s) for s in c.complaint],
        claims=[ev("claim", s) for s in c.claims],
        questions=[ev("question", s) for s in c.questions],
        stakes=[ev("stake", s) for s in c.stakes],
        cues=[ev(cue.kind, cue.span) for cue in c.cues],
        promises=[ev("promise", s) for s in c.promises],
        own_slips=[ev("own-slip", s) for s in c.own_slips],
        failures=[ev(topic, s) for topic, s in c.failures],
    )


def _readability(ex) -> Readability:
    from .readability import reading_ease

    sents = list(ex.doc.sents)
    return Readability(
        flesch_reading_ease=_round(reading_ease(ex.doc.text)),
        grade_level=_round(ex.grade_level),
        sentences=len(sents),
        longest_sentence_words=max((sum(1 for t in s if t.is_alpha) for s in sents), default=0),
    )


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 1)


#: the Linter of a worker process of `lint_many(n_process=N)`
_worker_linter: Linter | None = None
_worker_parent: Linter | None = None


def _worker_inherit() -> None:
    global _worker_linter
    _worker_linter = _worker_parent


def _worker_load(config_json: str) -> None:
    global _worker_linter
    _worker_linter = Linter(Config.model_validate_json(config_json))
    _worker_linter.compiled


def _worker_lint(job: tuple[list, str | None]) -> list[Report]:
    batch, syntax = job
    assert _worker_linter is not None
    return list(_worker_linter.lint_many(batch, syntax=syntax))


def _batches(items: Iterable[Item], size: int) -> Iterator[list]:
    it = iter(items)
    while True:
        chunk = list(itertools.islice(it, size))
        if not chunk:
            return
        yield chunk


_default: Linter | None = None


def default_linter() -> Linter:
    global _default
    if _default is None:
        _default = Linter()
    return _default


def lint(text: str, in_reply_to: str | None = None) -> Report:
    """Lint one reply with the shared default Linter (loaded on first call)."""
    return default_linter().lint(text, in_reply_to)


__all__: Sequence[str] = ("Linter", "LintInput", "lint", "default_linter")
