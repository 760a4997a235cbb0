"""`apologylint lsp` end to end: a real server in a subprocess, driven by pytest-lsp's client.

Expected ranges are computed here from the text (str.find of a phrase a rule's examples say it
flags, and the code units that precede it), never copied from the server's output; expected fixes
are what `apologylint.fixes` makes of the same text in this process, as `--fix` does.

One server serves the module's checks (the spaCy pipeline loads once, on its first lint); each
test opens documents of its own, under its own URI.
"""
from __future__ import annotations

import asyncio
import itertools
import os
import pathlib
import re
import sys

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, LanguageClient, register_lsp_features

from apologylint.lsp import Positions, extract, kind_of

SRC = pathlib.Path(__file__).resolve().parent.parent / "src"
#: the server runs this checkout's code, whatever the environment's install points at
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(SRC), os.environ.get("PYTHONPATH", "")) if p)}
COMMAND = [sys.executable, "-m", "apologylint", "lsp"]
#: how long to wait for a notification before calling the test failed (a hang guard, not a speed test)
PATIENCE = 120

#: every async test runs on the module's event loop, where the shared server's client lives
aio = pytest.mark.asyncio(loop_scope="module")

# phrases from the rules' examples (rules/*.yaml), and what the rules do with them
AS_I_SAID = "As I said in my last email, order #4471 shipped on Monday. It arrives on Thursday by courier."  # AL302, safe fix
AS_I_SAID_FIXED = "Order #4471 shipped on Monday. It arrives on Thursday by courier."
ANY_INCONVENIENCE = (  # AL402 (safe fix), after emoji and a CRLF line
    "Hi Sam \U0001F600,\r\n\r\n\U0001F44B\U0001F3FD Thanks for writing in. We apologize for any inconvenience this may have caused. "
    "Your refund went out today and reaches your card by Friday.\r\n"
)
DUE_TO = "Your order is late due to the high volume of orders we are receiving. It ships today by express."  # AL201, unsafe fix

_uris = (f"file:///tmp/apologylint-lsp/doc{n}" for n in itertools.count())


def new_uri(suffix: str = ".txt") -> str:
    return next(_uris) + suffix


def make_client() -> LanguageClient:
    """pytest-lsp's client, keeping every publishDiagnostics (with its version), in order."""
    client = LanguageClient(converter_factory=default_converter)
    client.published = []

    def publish(client: LanguageClient, params: lsp.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        client.published.append(params)

    register_lsp_features(client, {**DEFAULT_CLIENT_FEATURES, lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: publish})
    return client


@pytest_lsp.fixture(config=ClientServerConfig(server_command=COMMAND, server_env=ENV, client_factory=make_client), scope="module")
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(lsp.InitializeParams(capabilities=client_capabilities("visual-studio-code")))
    yield
    await lsp_client.shutdown_session()


# -- helpers ----------------------------------------------------------------------------------------
def utf16_position(text: str, offset: int) -> lsp.Position:
    """The LSP position of `offset`, worked out independently of the server: lines end at CRLF,
    CR or LF; a character is counted in UTF-16 code units."""
    before = text[:offset]
    line = len(re.findall(r"\r\n|\r|\n", before))
    start = max(before.rfind("\n"), before.rfind("\r")) + 1
    return lsp.Position(line=line, character=len(before[start:].encode("utf-16-le")) // 2)


def phrase_range(text: str, phrase: str) -> lsp.Range:
    start = text.find(phrase)
    assert start >= 0, phrase
    return lsp.Range(start=utf16_position(text, start), end=utf16_position(text, start + len(phrase)))


def utf16_offset(text: str, pos: lsp.Position) -> int:
    lines = re.split(r"(?<=\r\n)|(?<=\n)(?<!\r\n)|(?<=\r)(?!\n)", text)
    offset = sum(len(x) for x in lines[: pos.line])
    units = 0
    while units < pos.character:
        units += len(text[offset].encode("utf-16-le")) // 2
        offset += 1
    return offset


def apply_text_edits(text: str, edits: list[lsp.TextEdit]) -> str:
    spans = sorted(((utf16_offset(text, e.range.start), utf16_offset(text, e.range.end), e.new_text) for e in edits), reverse=True)
    for a, b, rep in spans:
        text = text[:a] + rep + text[b:]
    return text


async def diagnostics_for(client: LanguageClient, uri: str, version: int | None, after: int = 0) -> list[lsp.Diagnostic]:
    """The diagnostics published for `uri` at `version` (the n-th publish on, n = `after`)."""

    async def wait() -> list[lsp.Diagnostic]:
        while True:
            for params in client.published[after:]:
                if params.uri == uri and params.version == version:
                    return list(params.diagnostics)
            await asyncio.sleep(0.02)

    return await asyncio.wait_for(wait(), PATIENCE)


async def open_doc(client: LanguageClient, text: str, language: str = "plaintext", suffix: str = ".txt") -> tuple[str, list[lsp.Diagnostic]]:
    uri = new_uri(suffix)
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        text_document=lsp.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)))
    return uri, await diagnostics_for(client, uri, 1)


def change(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)]))


def by_rule(diags: list[lsp.Diagnostic], rule: str) -> lsp.Diagnostic:
    found = [d for d in diags if d.code == rule]
    assert len(found) == 1, (rule, [(d.code, d.message) for d in diags])
    return found[0]


async def actions_at(client: LanguageClient, uri: str, rng: lsp.Range, diags: list[lsp.Diagnostic]) -> list[lsp.CodeAction]:
    result = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), range=rng, context=lsp.CodeActionContext(diagnostics=diags)))
    return [a for a in result or [] if isinstance(a, lsp.CodeAction)]


# -- diagnostics ------------------------------------------------------------------------------------
@aio
async def test_open_publishes_a_diagnostic_at_the_phrase(client: LanguageClient):
    uri, diags = await open_doc(client, AS_I_SAID)
    d = by_rule(diags, "AL302")
    assert d.range == phrase_range(AS_I_SAID, "As I said")
    assert d.severity == lsp.DiagnosticSeverity.Error  # AL302 is an error in rules/defensive.yaml
    assert d.source == "apologylint"
    assert "As I said" in d.message


@aio
async def test_fixing_the_wording_clears_the_diagnostic(client: LanguageClient):
    uri, diags = await open_doc(client, AS_I_SAID)
    assert any(d.code == "AL302" for d in diags)
    mark = len(client.published)
    change(client, uri, 2, AS_I_SAID_FIXED)
    assert await diagnostics_for(client, uri, 2, after=mark) == []
    change(client, uri, 3, AS_I_SAID)  # and back: the finding returns
    assert by_rule(await diagnostics_for(client, uri, 3, after=mark), "AL302").range == phrase_range(AS_I_SAID, "As I said")


@aio
async def test_a_burst_of_changes_ends_with_the_last_text(client: LanguageClient):
    uri, _ = await open_doc(client, AS_I_SAID_FIXED)
    mark = len(client.published)
    for version, text in ((2, AS_I_SAID), (3, AS_I_SAID_FIXED + " Thanks."), (4, AS_I_SAID)):
        change(client, uri, version, text)
    assert by_rule(await diagnostics_for(client, uri, 4, after=mark), "AL302")
    versions = [p.version for p in client.published[mark:] if p.uri == uri]
    assert versions == sorted(versions)  # never an older text's findings after a newer one's


@aio
async def test_non_bmp_characters_and_crlf_before_a_finding(client: LanguageClient):
    uri, diags = await open_doc(client, ANY_INCONVENIENCE)
    d = by_rule(diags, "AL402")
    expected = phrase_range(ANY_INCONVENIENCE, "any inconvenience this may have caused")
    assert d.range == expected
    line = re.split(r"\r\n", ANY_INCONVENIENCE)[2]
    # two emoji (four UTF-16 units, two code points) precede the phrase on its line
    assert expected.start.character == line.find("any inconvenience") + 2
    assert expected.start.line == 2


@aio
async def test_did_close_clears_the_diagnostics(client: LanguageClient):
    uri, diags = await open_doc(client, AS_I_SAID)
    assert diags
    mark = len(client.published)
    client.text_document_did_close(lsp.DidCloseTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri)))
    assert await diagnostics_for(client, uri, None, after=mark) == []


@aio
async def test_markdown_positions_are_the_documents(client: LanguageClient):
    text = "# Order 4471\n\n*Hi Sam,*\n\n- " + AS_I_SAID + "\n"
    uri, diags = await open_doc(client, text, "markdown", ".md")
    assert by_rule(diags, "AL302").range == phrase_range(text, "As I said")


@aio
async def test_html_is_linted_as_text_at_the_markups_positions(client: LanguageClient):
    text = "<html><head><title>As I said</title></head><body>\n<p>Hi Sam,</p>\n<p>" + AS_I_SAID.replace("Monday", "<b>Monday</b>") + "</p>\n</body></html>\n"
    uri, diags = await open_doc(client, text, "html", ".html")
    d = by_rule(diags, "AL302")
    start = text.find("<p>As I said") + len("<p>")  # the title's "As I said" is not the reply's
    assert d.range == lsp.Range(start=utf16_position(text, start), end=utf16_position(text, start + len("As I said")))
    (action,) = [a for a in await actions_at(client, uri, d.range, [d]) if a.kind == lsp.CodeActionKind.QuickFix]
    fixed = apply_text_edits(text, action.edit.changes[uri])
    assert "<p>Order #4471 shipped on <b>Monday</b>." in fixed and fixed.count("<") == text.count("<")


@aio
async def test_jinja_tags_are_set_aside(client: LanguageClient):
    text = "{# canned: late order #}\n{% if name %}Hi {{ customer.name | title }},{% endif %}\n\n" + AS_I_SAID.replace("4471", "{{ order.id }}") + "\n"
    uri, diags = await open_doc(client, text, "jinja", ".j2")
    assert by_rule(diags, "AL302").range == phrase_range(text, "As I said")


@aio
async def test_a_text_too_long_is_a_log_line_and_the_server_goes_on(client: LanguageClient):
    logs = len(client.log_messages)
    uri, diags = await open_doc(client, "Thanks for writing in. " * 10_000)
    assert diags == []
    assert any("characters" in m.message for m in client.log_messages[logs:])
    _, diags = await open_doc(client, AS_I_SAID)
    assert by_rule(diags, "AL302")


@aio
async def test_odd_documents_never_stop_the_server(client: LanguageClient):
    for text, language in (("", "plaintext"), (" \n\r\n\t", "plaintext"), ("\x00\x01\ud800 \udfff", "plaintext"),
                           ("> all of it quoted\n> nothing new\n", "mail"), ("<p><b></b></p>", "html"), ("{{ x }}{% if %}", "jinja")):
        uri, diags = await open_doc(client, text, language)
        assert isinstance(diags, list)
    nowhere = lsp.TextDocumentIdentifier(uri="file:///never/opened.txt")
    assert await client.text_document_hover_async(lsp.HoverParams(text_document=nowhere, position=lsp.Position(line=0, character=0))) is None
    _, diags = await open_doc(client, AS_I_SAID)
    assert by_rule(diags, "AL302")


# -- hover ------------------------------------------------------------------------------------------
@aio
async def test_hover_explains_the_rule(client: LanguageClient):
    from apologylint.ruleset import load_all

    rule = next(r for r in load_all()[0] if r.id == "AL302")
    uri, diags = await open_doc(client, AS_I_SAID)
    inside = utf16_position(AS_I_SAID, AS_I_SAID.find("I said"))
    hover = await client.text_document_hover_async(lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=inside))
    assert hover is not None and hover.contents.kind == lsp.MarkupKind.Markdown
    flat = " ".join(hover.contents.value.split())
    for part in (rule.id, rule.name, rule.category, " ".join(rule.rationale.split()), rule.suggestion):
        assert part in flat, part
    assert hover.range == phrase_range(AS_I_SAID, "As I said")
    outside = utf16_position(AS_I_SAID, AS_I_SAID.find("Thursday"))
    assert await client.text_document_hover_async(lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=outside)) is None


# -- code actions -------------------------------------------------------------------------------------
@aio
async def test_a_safe_fix_is_the_edit_fix_makes(client: LanguageClient, linter):
    from apologylint.fixes import fix_text

    uri, diags = await open_doc(client, ANY_INCONVENIENCE)
    d = by_rule(diags, "AL402")
    quick = [a for a in await actions_at(client, uri, d.range, [d]) if a.kind == lsp.CodeActionKind.QuickFix]
    (action,) = [a for a in quick if "AL402" in a.title]
    assert action.is_preferred and "unsafe" not in action.title
    fixed, _ = fix_text(linter, ANY_INCONVENIENCE)
    assert apply_text_edits(ANY_INCONVENIENCE, action.edit.changes[uri]) == fixed


@aio
async def test_fix_all_applies_the_safe_fixes(client: LanguageClient, linter):
    from apologylint.fixes import apply_edits

    text = AS_I_SAID + " We apologize for any inconvenience this may have caused."
    uri, diags = await open_doc(client, text)
    whole = lsp.Range(start=lsp.Position(line=0, character=0), end=utf16_position(text, len(text)))
    result = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), range=whole,
        context=lsp.CodeActionContext(diagnostics=[], only=[lsp.CodeActionKind.SourceFixAll])))
    (action,) = result
    expected, chosen = apply_edits(text, linter.lint(text).findings)
    assert len(chosen) == 2
    assert apply_text_edits(text, action.edit.changes[uri]) == expected


@aio
async def test_an_unsafe_fix_is_offered_but_not_preferred(client: LanguageClient):
    uri, diags = await open_doc(client, DUE_TO)
    d = by_rule(diags, "AL201")
    (action,) = [a for a in await actions_at(client, uri, d.range, [d]) if "AL201" in a.title]
    assert not action.is_preferred and "unsafe" in action.title
    fixed = apply_text_edits(DUE_TO, action.edit.changes[uri])
    assert "due to" not in fixed and fixed.endswith("It ships today by express.")


# -- options, and a client that counts in UTF-8 ------------------------------------------------------
@aio
async def test_initialization_options_and_utf8_positions():
    """A second server: `initializationOptions` select the rules, and a client that prefers UTF-8
    (Neovim 0.11) gets columns in bytes."""
    config = ClientServerConfig(server_command=COMMAND, server_env=ENV, client_factory=make_client)
    client = await config.start()
    try:
        await client.initialize_session(lsp.InitializeParams(
            capabilities=client_capabilities("neovim@v0.11.0"), initialization_options={"select": ["AL4"], "debounceMs": 50}))
        uri, diags = await open_doc(client, ANY_INCONVENIENCE)
        assert {d.code for d in diags} == {"AL402"}  # AL501 would fire too without the selection
        start = ANY_INCONVENIENCE.find("any inconvenience")
        line_start = ANY_INCONVENIENCE.rfind("\n", 0, start) + 1
        assert diags[0].range.start == lsp.Position(line=2, character=len(ANY_INCONVENIENCE[line_start:start].encode("utf-8")))
        await client.shutdown_session()
    finally:
        await client.stop()


@aio
async def test_bad_initialization_options_are_reported_and_the_server_runs():
    config = ClientServerConfig(server_command=COMMAND, server_env=ENV, client_factory=make_client)
    client = await config.start()
    try:
        result = await client.initialize_session(lsp.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"), initialization_options={"selekt": ["AL4"]}))
        assert result.capabilities.hover_provider
        async def told() -> str:
            while not client.messages:
                await asyncio.sleep(0.02)
            return client.messages[0].message
        assert "selekt" in await asyncio.wait_for(told(), PATIENCE)
        await client.shutdown_session()
    finally:
        await client.stop()


# -- in-process: positions and extraction --------------------------------------------------------------
@pytest.mark.parametrize("encoding, units", [("utf-16", lambda s: len(s.encode("utf-16-le")) // 2), ("utf-8", lambda s: len(s.encode("utf-8"))), ("utf-32", len)])
def test_positions_round_trip(encoding, units):
    text = "a\U0001F600b\r\nc\u00e9\rd\u2028e\x0cf\n\n\U0001F44B\U0001F3FDg"
    pos = Positions(text, encoding)
    lines = re.split(r"\r\n|\r|\n", text)  # U+2028 and form feed are not LSP line breaks
    for offset in range(len(text) + 1):
        p = pos.position(offset)
        before = text[:offset]
        line_start = max(before.rfind("\n"), before.rfind("\r")) + 1
        if text[offset - 1 : offset + 1] == "\r\n":
            continue  # between CR and LF: not a position a finding can have
        assert p.line == len(re.findall(r"\r\n|\r|\n", before))
        assert p.character == units(text[line_start:offset])
        assert pos.offset(p) == offset
    assert pos.position(len(text)).line == len(lines) - 1
    assert pos.offset(lsp.Position(line=0, character=999)) == 3  # past the end of a line: its end


def test_kinds():
    assert kind_of("plaintext", "file:///r/a.txt") == "text"
    assert kind_of("markdown", "file:///r/a.md") == "text"
    assert kind_of("html", "file:///r/a.html") == "html"
    assert kind_of(None, "file:///r/a.html.j2") == "jinja-html"
    assert kind_of("jinja", "file:///r/a") == "jinja"
    assert kind_of("mail", "file:///tmp/mutt-1") == "mail"


def test_extracts_map_back_to_the_document():
    page = "<p>Sorry&nbsp;for the <i>delay</i> &amp; the mix-up.</p><p>It ships today.</p>"
    ex = extract(page, "html")
    assert ex.text.strip().startswith("Sorry\u00a0for the delay & the mix-up.")
    a = ex.text.find("delay")
    assert page[slice(*ex.span(a, a + 5))] == "delay" and ex.verbatim(a, a + 5)
    amp = ex.text.find("&")
    assert page[slice(*ex.span(amp, amp + 1))] == "&amp;" and not ex.verbatim(amp, amp + 1)
    mail = "To: sam@example.com\nSubject: Re: order\n\nHi Sam,\n\nAs I said, it shipped Monday.\n\n> Where is my order?\n\n-- \nAlex\n"
    ex = extract(mail, "mail")
    assert "To:" not in ex.text and "Where is my order" not in ex.text and "Alex" not in ex.text
    assert ex.in_reply_to == "Where is my order?"
    a = ex.text.find("As I said")
    assert mail[slice(*ex.span(a, a + 9))] == "As I said"


# -- configuration per document, and suppression comments ------------------------------------------
ANY_INCONVENIENCE_PHRASE = "any inconvenience this may have caused"
#: AL302 (its own sentence) and AL402 (in a later one): one to silence, one whose place must not move
TWO_FINDINGS = AS_I_SAID + " We apologize for any inconvenience this may have caused."


async def open_file(client: LanguageClient, path: pathlib.Path, text: str, language: str = "plaintext") -> list[lsp.Diagnostic]:
    """Open a document with a real file: URI (the file need not exist: editors lint unsaved buffers)."""
    uri = path.as_uri()
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        text_document=lsp.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)))
    return await diagnostics_for(client, uri, 1)


def codes(diags: list[lsp.Diagnostic]) -> set[str]:
    return {str(d.code) for d in diags}


@aio
async def test_each_document_gets_the_configuration_nearest_its_file(client: LanguageClient, tmp_path):
    team = tmp_path / "team"
    (team / "macros" / "late").mkdir(parents=True)
    (team / ".apologylint.toml").write_text('ignore = ["as-previously-stated"]\n', encoding="utf-8")
    (tmp_path / "other").mkdir()
    inside = await open_file(client, team / "macros" / "late" / "reply.txt", AS_I_SAID)
    outside = await open_file(client, tmp_path / "other" / "reply.txt", AS_I_SAID)
    assert "AL302" not in codes(inside)  # ignored by the file two folders up
    assert by_rule(outside, "AL302").range == phrase_range(AS_I_SAID, "As I said")  # no configuration there


@aio
async def test_per_file_ignores_apply_to_the_documents_path(client: LanguageClient, tmp_path):
    (tmp_path / ".apologylint.toml").write_text('[per-file-ignores]\n"legal/*.txt" = ["AL302"]\n', encoding="utf-8")
    (tmp_path / "legal").mkdir()
    assert "AL302" not in codes(await open_file(client, tmp_path / "legal" / "terms.txt", AS_I_SAID))
    assert "AL302" in codes(await open_file(client, tmp_path / "faq.txt", AS_I_SAID))


@aio
async def test_a_markdown_disable_comment_silences_its_rule_and_moves_nothing(client: LanguageClient, tmp_path):
    comment = "<!-- apologylint: disable=AL302 -->\n"
    text = "Hi Sam,\n\n" + comment + TWO_FINDINGS + "\n"
    diags = await open_file(client, tmp_path / "macro.md", text, "markdown")
    assert "AL302" not in codes(diags)
    # the other finding is where its words are in the document, comment and all
    assert by_rule(diags, "AL402").range == phrase_range(text, ANY_INCONVENIENCE_PHRASE)
    # the same document without the comment: AL302 is back, AL402 at its own words
    plain = text.replace(comment, "")
    diags = await open_file(client, tmp_path / "macro-plain.md", plain, "markdown")
    assert by_rule(diags, "AL302").range == phrase_range(plain, "As I said")
    assert by_rule(diags, "AL402").range == phrase_range(plain, ANY_INCONVENIENCE_PHRASE)


@aio
async def test_a_comment_names_rules_as_select_does_and_a_bad_one_is_a_diagnostic(client: LanguageClient, tmp_path):
    text = "<!-- apologylint: disable=defensive -->\n" + TWO_FINDINGS + "\n<!-- apologylint: disable=no-such-rule -->\n"
    diags = await open_file(client, tmp_path / "macro.md", text, "markdown")
    assert "AL302" not in codes(diags) and "AL402" in codes(diags)
    bad = by_rule(diags, "AL001")
    assert bad.range == phrase_range(text, "<!-- apologylint: disable=no-such-rule -->")


@aio
async def test_jinja_and_html_comments_are_read_in_their_syntax(client: LanguageClient, tmp_path):
    jinja = "{# apologylint: disable=AL302 #}\nHi {{ name }},\n\n" + TWO_FINDINGS + "\n"
    diags = await open_file(client, tmp_path / "late.j2", jinja, "jinja")
    assert "AL302" not in codes(diags)
    assert by_rule(diags, "AL402").range == phrase_range(jinja, ANY_INCONVENIENCE_PHRASE)
    html = "<p>Hi Sam,</p>\n<!-- apologylint: disable=AL302 -->\n<p>" + TWO_FINDINGS + "</p>\n"
    diags = await open_file(client, tmp_path / "late.html", html, "html")
    assert "AL302" not in codes(diags)
    assert by_rule(diags, "AL402").range == phrase_range(html, ANY_INCONVENIENCE_PHRASE)
    # an HTML comment in a plain Jinja template is the template's text, not a directive
    mixed = "<!-- apologylint: disable=AL302 -->\n" + AS_I_SAID + "\n"
    assert "AL302" in codes(await open_file(client, tmp_path / "other.j2", mixed, "jinja"))


@aio
async def test_hash_comments_in_plain_text_only_when_the_configuration_says_so(client: LanguageClient, tmp_path):
    text = "# apologylint: disable=AL302\n" + TWO_FINDINGS + "\n"
    (tmp_path / "on").mkdir()
    (tmp_path / "off").mkdir()
    (tmp_path / "on" / ".apologylint.toml").write_text("hash-comments = true\n", encoding="utf-8")
    on = await open_file(client, tmp_path / "on" / "reply.txt", text)
    assert "AL302" not in codes(on)
    assert by_rule(on, "AL402").range == phrase_range(text, ANY_INCONVENIENCE_PHRASE)
    assert "AL302" in codes(await open_file(client, tmp_path / "off" / "reply.txt", text))  # '#' is the reply's text


@aio
async def test_a_mail_buffers_disable_header_is_honoured(client: LanguageClient, tmp_path):
    mail = "To: sam@example.com\nX-Apologylint-Disable: AL302\nSubject: Re: order\n\nHi Sam,\n\n" + TWO_FINDINGS + "\n"
    diags = await open_file(client, tmp_path / "mutt-draft", mail, "mail")
    assert "AL302" not in codes(diags)
    assert by_rule(diags, "AL402").range == phrase_range(mail, ANY_INCONVENIENCE_PHRASE)


@aio
async def test_the_config_option_overrides_discovery_and_a_broken_discovered_file_is_told(tmp_path):
    """A second server: initializationOptions' `config` applies to every document, whatever file
    is nearest; a document under a broken file gets a message naming it, and the server goes on."""
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / ".apologylint.toml").write_text('ignore = ["AL302"]\n', encoding="utf-8")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / ".apologylint.toml").write_text('slect = ["AL3"]\n', encoding="utf-8")
    chosen = tmp_path / "chosen.toml"
    chosen.write_text('select = ["AL3"]\n', encoding="utf-8")
    config = ClientServerConfig(server_command=COMMAND, server_env=ENV, client_factory=make_client)
    client = await config.start()
    try:
        await client.initialize_session(lsp.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"), initialization_options={"config": str(chosen)}))
        diags = await open_file(client, tmp_path / "team" / "reply.txt", TWO_FINDINGS)
        assert codes(diags) == {"AL302"}  # chosen.toml's selection, not team's ignore
        await client.shutdown_session()
    finally:
        await client.stop()
    client = await config.start()
    try:
        await client.initialize_session(lsp.InitializeParams(capabilities=client_capabilities("visual-studio-code")))
        assert await open_file(client, tmp_path / "broken" / "reply.txt", TWO_FINDINGS) == []

        async def told() -> str:
            while not client.messages:
                await asyncio.sleep(0.02)
            return client.messages[0].message
        message = await asyncio.wait_for(told(), PATIENCE)
        assert ".apologylint.toml: unknown key 'slect'" in message
        assert "AL302" in codes(await open_file(client, tmp_path / "reply.txt", TWO_FINDINGS))  # the server goes on
        await client.shutdown_session()
    finally:
        await client.stop()


def test_markup_extraction_keeps_directive_comments_in_place():
    page = "<p>Hi</p><!-- apologylint: disable=AL302 --><!-- a note --><p>As I said</p>"
    ex = extract(page, "html")
    comment = "<!-- apologylint: disable=AL302 -->"
    a = ex.text.find(comment)
    assert a >= 0 and "a note" not in ex.text and ex.syntax == "html"
    assert page[slice(*ex.span(a, a + len(comment)))] == comment
    tpl = "{# apologylint: disable=AL302 #}{# a note #}As I said"
    ex = extract(tpl, "jinja")
    assert ex.text.startswith("{# apologylint: disable=AL302 #}") and "a note" not in ex.text and ex.syntax == "jinja"
    mail = "To: a@b.example\nX-Apologylint-Disable: AL302,\n hedging\n\nAs I said.\n"
    ex = extract(mail, "mail")
    assert [d.rules for d in ex.directives] == [("AL302", "hedging")] and ex.syntax == "none"
