"""JUnit XML, for CI systems that show test results (Jenkins, GitLab's test report, Azure): one
testsuite for the run, one testcase per file, named by its path.

A file fails when it has a finding at or above `--fail-on` (the same test as the exit status);
the failure's text lists every finding of the file, one `path:line:col: RULE severity message`
line each. A file that could not be linted (unreadable, too long) is an `<error>`. The document is
built with `xml.etree`, so a message's `<`, `&` or quote can never break it; characters XML 1.0
cannot hold (most C0 controls) are dropped from text.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from .base import Linted, Reporter, failing

#: characters XML 1.0 forbids even escaped
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _clean(s: str) -> str:
    return _NOT_XML.sub("", s)


def _line(path: str, f) -> str:
    return f"{path}:{f.line}:{f.column}: {f.rule} {f.severity} {f.message}"


def document(items: list[Linted], unreadables: list[tuple[str, str]]) -> ET.ElementTree:
    suite = ET.Element("testsuite", name="apologylint")
    failures = errors = 0
    for item in items:
        case = ET.SubElement(suite, "testcase", name=_clean(item.path), classname="apologylint")
        report = item.report
        if report.error is not None:
            errors += 1
            err = ET.SubElement(case, "error", message=_clean(f"not linted: {report.error}"), type="input")
            err.text = _clean(report.error)
        elif failing(report):
            failures += 1
            n = len(report.findings)
            fail = ET.SubElement(case, "failure", message=f"{n} finding{'s' if n != 1 else ''}", type="apologylint")
            fail.text = _clean("\n".join(_line(item.path, f) for f in report.findings))
        elif report.findings:  # below --fail-on: passes, and the findings are still shown
            out = ET.SubElement(case, "system-out")
            out.text = _clean("\n".join(_line(item.path, f) for f in report.findings))
    for path, message in unreadables:
        errors += 1
        case = ET.SubElement(suite, "testcase", name=_clean(path), classname="apologylint")
        err = ET.SubElement(case, "error", message=_clean(message), type="input")
        err.text = _clean(message)
    suite.set("tests", str(len(items) + len(unreadables)))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", "0")
    return ET.ElementTree(suite)


class JunitReporter(Reporter):
    def finish(self) -> None:
        tree = document(self.items, self.unreadables)
        ET.indent(tree)
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.out.write(ET.tostring(tree.getroot(), encoding="unicode") + "\n")
