"""SARIF 2.1.0, the format code-scanning dashboards read (GitHub's `upload-sarif`, Azure DevOps,
VS Code's SARIF viewer): one log, one run, every rule in `tool.driver.rules`, a result per finding.

Choices this module makes (the README's "Outputs" section says them to users):

- Columns count Unicode code points (`run.columnKind: unicodeCodePoints`), as the text output's
  do; end columns are exclusive, as SARIF defines them. An HTML body or a base64 email part has no
  character-exact map into the file, so its results carry the line only.
- A path under the working directory is written relative to `%SRCROOT%` (set to the working
  directory in `originalUriBaseIds`), which is what `upload-sarif` resolves against the checkout;
  a path outside it is an absolute `file:` URI; standard input is the relative URI `stdin`.
- Fixes (`result.fixes`) are given for plain-text files only: an email's or HTML file's linted
  text is not the file's text, so an edit to it has no region in the file. Every fix is given,
  whatever its applicability, with the applicability in the fix's `properties`.
- A rule's `help` is its documentation (what it flags, why, examples, what to write instead) and
  the command that prints it, `apologylint explain ID`. `helpUri` and the driver's
  `informationUri` are given only when the installed package's metadata names a home page
  (`[project.urls]`): the project has no documentation site to point at, and a SARIF viewer that
  follows a made-up URL is worse than one that shows the help text.
"""
from __future__ import annotations

import json
import pathlib
import urllib.parse
from typing import Any

from .base import STDIN, Linted, Reporter, Region, fingerprints, relative_path

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
SRCROOT = "%SRCROOT%"
#: the key of our fingerprint in `result.partialFingerprints`
FINGERPRINT = "apologylint/v1"


def home_page() -> str | None:
    """The project's home page from the installed package's metadata, if it names one."""
    try:
        from importlib.metadata import PackageNotFoundError, metadata

        md = metadata("apologylint")
    except (ImportError, PackageNotFoundError):
        return None
    for value in md.get_all("Project-URL") or []:
        label, _, url = value.partition(",")
        if label.strip().lower() in ("homepage", "home", "documentation", "repository", "source") and url.strip():
            return url.strip()
    page = md.get("Home-page")
    return page.strip() if page and page.strip() and page.strip().upper() != "UNKNOWN" else None


def artifact_location(path: str) -> dict[str, Any]:
    if path == STDIN:
        return {"uri": "stdin", "description": {"text": "standard input"}}
    rel = relative_path(path)
    p = pathlib.PurePosixPath(rel)
    if pathlib.Path(rel).is_absolute():
        return {"uri": pathlib.Path(rel).as_uri()}
    return {"uri": urllib.parse.quote(p.as_posix(), safe="/"), "uriBaseId": SRCROOT}


def region(r: Region, excerpt: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"startLine": r.start_line}
    if r.exact:
        out.update(startColumn=r.start_column, endLine=r.end_line, endColumn=r.end_column)
        if excerpt is not None:
            out["snippet"] = {"text": excerpt}
    return out


def _what(rule: Any) -> str:
    """What the rule flags, in a sentence: its message without the per-finding placeholders."""
    return rule.message.replace(": '{match}'", "").replace("'{match}'", "...").format_map(
        {"count": "N", "max": "the limit", "value": "N", "density": "N"}).strip()


def _lines(text: str, sep: str) -> str:
    """An example's lines, each with its spaces made one, joined by `sep` (an example such as
    AL000's has a comment on a line of its own)."""
    return sep.join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def _examples_md(items: Any) -> list[str]:
    out = []
    for ex in items:
        if ex.in_reply_to:
            out.append(f"> *Customer:* {' '.join(ex.in_reply_to.split())}")
            out.append(">")
            out.append(f"> *Reply:* {_lines(ex.text, '  ' + chr(10) + '> ')}")
        else:
            out.append(f"> {_lines(ex.text, '  ' + chr(10) + '> ')}")
        out.append("")
    return out


def help_text(rule: Any) -> tuple[str, str]:
    """(plain text, markdown) documentation of a rule, from its file: what `apologylint explain`
    prints, so the dashboard and the terminal say the same."""
    rationale = " ".join(rule.rationale.split())
    md = [f"**{rule.name}** ({rule.id}): {_what(rule)}", "", "## Why is this bad?", "", rationale, "", "## Example", ""]
    md += _examples_md(rule.examples.bad)
    md += ["## Use instead", ""]
    md += _examples_md(rule.examples.good)
    txt = [f"{rule.name} ({rule.id}): {_what(rule)}", "", f"Why is this bad? {rationale}", "", "Example:"]
    txt += [f"  {_lines(ex.text, chr(10) + '  ')}" for ex in rule.examples.bad]
    txt += ["", "Use instead:"] + [f"  {_lines(ex.text, chr(10) + '  ')}" for ex in rule.examples.good]
    if rule.suggestion:
        md += ["## Suggestion", "", rule.suggestion, ""]
        txt += ["", f"Suggestion: {rule.suggestion}"]
    if rule.fix is not None:
        md += ["## Fix", "", f"{rule.fix.message} ({rule.fix.action}, {rule.fix.applicability})", ""]
        txt += ["", f"Fix: {rule.fix.message} ({rule.fix.action}, {rule.fix.applicability})"]
    more = f"Run `apologylint explain {rule.id}` for this documentation in a terminal."
    md.append(more)
    txt += ["", more]
    return "\n".join(txt), "\n".join(md)


def rule_descriptor(rule: Any, page: str | None = None, enabled: bool | None = None) -> dict[str, Any]:
    text, markdown = help_text(rule)
    out: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": _what(rule)},
        "fullDescription": {"text": " ".join(rule.rationale.split())},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": LEVELS[rule.severity.value], "enabled": rule.enabled if enabled is None else enabled},
        "properties": {"category": rule.category, "kind": rule.kind, "tags": [rule.category]},
    }
    pack = getattr(rule, "pack", None)
    if pack is not None:
        out["properties"]["pack"] = {"name": pack.name, "version": pack.version}
    if page:
        out["helpUri"] = page
    return out


def _fix(item: Linted, f: Any) -> dict[str, Any]:
    return {
        "description": {"text": f"{f.fix.message} ({f.fix.applicability})"},
        "artifactChanges": [{
            "artifactLocation": artifact_location(item.path),
            "replacements": [
                {"deletedRegion": region(item.region(e.start, e.end)), "insertedContent": {"text": e.replacement}}
                for e in f.fix.edits
            ],
        }],
        "properties": {"applicability": str(f.fix.applicability)},
    }


def log(items: list[Linted], rules: list[Any], unreadables: list[tuple[str, str]] = (), active: set[str] | None = None) -> dict[str, Any]:
    """The SARIF log of a run: `rules` are every rule loaded (configured), `active` the ids that
    ran (the rest are listed with `enabled: false`)."""
    from .. import __version__

    page = home_page()
    rules = sorted(rules, key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(rules)}
    descriptors = [rule_descriptor(r, None, (r.id in active) if active is not None else None) for r in rules]
    driver: dict[str, Any] = {"name": "apologylint", "version": __version__, "semanticVersion": __version__, "rules": descriptors}
    if page:
        driver["informationUri"] = page
    results = []
    notifications = []
    for item in items:
        report = item.report
        if report.error is not None:
            notifications.append({
                "level": "error",
                "message": {"text": f"{item.path}: not linted: {report.error}"},
                "locations": [{"physicalLocation": {"artifactLocation": artifact_location(item.path)}}],
            })
        for f, fp in zip(report.findings, fingerprints(item)):
            result: dict[str, Any] = {
                "ruleId": f.rule,
                "level": LEVELS[f.severity.value],
                "message": {"text": f.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": artifact_location(item.path),
                    "region": region(item.finding_region(f), f.excerpt),
                }}],
                "partialFingerprints": {FINGERPRINT: fp},
                "properties": {"category": f.category},
            }
            if f.rule in index:
                result["ruleIndex"] = index[f.rule]
            if f.suggestion:
                result["properties"]["suggestion"] = f.suggestion
            if f.fix is not None and item.plain:
                result["fixes"] = [_fix(item, f)]
            results.append(result)
    for path, message in unreadables:
        notifications.append({
            "level": "error",
            "message": {"text": message},
            "locations": [{"physicalLocation": {"artifactLocation": artifact_location(path)}}],
        })
    invocation: dict[str, Any] = {"executionSuccessful": not notifications}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "originalUriBaseIds": {SRCROOT: {"uri": pathlib.Path.cwd().resolve().as_uri().rstrip("/") + "/"}},
        "results": results,
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


class SarifReporter(Reporter):
    def __init__(self, out, rules=(), active: set[str] | None = None) -> None:
        super().__init__(out, rules)
        self.active = active

    def finish(self) -> None:
        self.out.write(json.dumps(log(self.items, self.rules, self.unreadables, self.active), indent=2, ensure_ascii=False) + "\n")
