"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request.

    ::warning file=drafts/late.txt,line=3,col=18,endLine=3,endColumn=57,title=AL402 any-inconvenience-caused::Pro-forma ...

Columns count characters and the end column is exclusive, as in the SARIF output. A property
value escapes `%`, CR, LF, `:` and `,`; the message escapes `%`, CR and LF (GitHub's rules for
workflow commands), so a message can never end the command early or inject another.
"""
from __future__ import annotations

from .base import Linted, Reporter, Region, relative_path

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, path: str, region: Region | None, title: str) -> str:
    props = [f"file={escape_property(path)}"]
    if region is not None:
        props.append(f"line={region.start_line}")
        if region.start_column is not None:
            props.append(f"col={region.start_column}")
        props.append(f"endLine={region.end_line}")
        if region.end_column is not None:
            props.append(f"endColumn={region.end_column}")
    props.append(f"title={escape_property(title)}")
    return f"::{level} {','.join(props)}::{escape_data(message)}"


class GithubReporter(Reporter):
    def add(self, item: Linted) -> None:
        super().add(item)
        path = relative_path(item.path)
        if item.report.error is not None:
            self.out.write(command("error", f"not linted: {item.report.error}", path, None, "apologylint") + "\n")
        for f in item.report.findings:
            self.out.write(command(LEVELS[f.severity.value], f.message, path, item.finding_region(f), f"{f.rule} {f.name}") + "\n")

    def unreadable(self, path: str, message: str) -> None:
        super().unreadable(path, message)
        self.out.write(command("error", message, relative_path(path), None, "apologylint: input error") + "\n")
