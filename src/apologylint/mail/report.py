"""The report for an email: the usual Report plus where the linted text came from."""
from __future__ import annotations

from pydantic import BaseModel, Field

from ..models import Report


class SetAside(BaseModel):
    """A block of the body that was not linted."""

    kind: str = Field(description="quote (quoted history), forward (a forwarded message) or signature")
    line: int | None = Field(None, description="its first line in the file, when the part maps line for line")
    end_line: int | None = Field(None, description="its last line in the file, when known")


class MailSource(BaseModel):
    """Which part of the message was linted and how its positions map to the file."""

    content_type: str = Field(description="text/plain or text/html")
    charset: str = Field(description="the codec the part was decoded with")
    transfer_encoding: str = Field(description="7bit, 8bit, quoted-printable, base64, ...")
    line: int = Field(description="the file line where the part's body starts")
    exact: bool = Field(
        description="true: each finding's line and column are where its text is in the file; "
        "false (base64 and HTML parts): findings point at `line`, column 1"
    )
    text: str = Field(description="the text that was linted; findings' start and end index it")
    in_reply_to: str | None = Field(None, description="the quoted customer message, used as context")
    set_aside: list[SetAside] = Field(default_factory=list)


class EmailReport(Report):
    """A Report whose findings' line and column point into the message file."""

    source: MailSource
