"""Inline suppression (issue 19): `apologylint: disable=...` in each format's own comment syntax,
ranges, next-line, the email header, positions kept exact, and unused/invalid suppressions."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import apologylint
from apologylint import Config, Linter
from apologylint.cli import main
from apologylint.suppress import prepare, syntax_for

BAD = "As I said in my last email, you should have ordered earlier. Calm down.\n"
GOOD = "Sorry the mug arrived chipped! I've sent a replacement today; it arrives on Friday.\n"
THREE = ["--select", "AL301,AL302,AL304"]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--color", "never", "-q"])
    out, err = capsys.readouterr()
    return code, out, err


def findings(out: str) -> list[tuple[int, int, str]]:
    """(line, column, rule) of each finding line of text output."""
    got = []
    for line in out.splitlines():
        head, _, rest = line.partition(": ")
        parts = head.rsplit(":", 2)
        if len(parts) == 3 and parts[1].isdigit() and rest.startswith("AL"):
            got.append((int(parts[1]), int(parts[2]), rest.split()[0]))
    return got


def rules(out: str) -> set[str]:
    return {r for _, _, r in findings(out)}


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- each syntax ------------------------------------------------------------------------------------
def test_markdown_comment(here, capsys):
    write(here / "r.md", "<!-- apologylint: disable=AL302 -->\n" + BAD)
    code, out, _ = cli(capsys, "r.md", *THREE)
    assert code == 1 and rules(out) == {"AL301", "AL304"}
    write(here / "plain.md", BAD)
    assert rules(cli(capsys, "plain.md", *THREE)[1]) == {"AL301", "AL302", "AL304"}


def test_html_comment_survives_the_conversion_to_text(here, capsys):
    write(here / "r.html", f"<html><body><!-- apologylint: disable=AL302 --><p>{BAD}</p></body></html>")
    code, out, _ = cli(capsys, "r.html", *THREE)
    assert code == 1 and rules(out) == {"AL301", "AL304"}


def test_html_ranges_by_position_in_the_converted_text(here, capsys):
    html = ("<html><body><p>I think the refund arrives on Monday.</p><!-- apologylint: disable=AL701 -->"
            "<p>I think it ships on Tuesday.</p><!--apologylint:enable=AL701--><p>I think it will be fine.</p></body></html>")
    write(here / "r.html", html)
    code = main(["r.html", "--select", "AL701", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    text = report["source"]["text"]
    assert "apologylint" not in text and "\U0010fff0" not in text  # read as directives, never as prose
    starts = [f["start"] for f in report["findings"]]
    assert starts == [text.find("I think the refund"), text.find("I think it will")]
    assert all(f["excerpt"] == text[f["start"]:f["end"]] for f in report["findings"])
    assert code == 0  # AL701 is info


def test_jinja_comment(here, capsys):
    write(here / "r.j2", "{# apologylint: disable-next-line=AL302 #}\n" + BAD + "{{ signature }}\n")
    code, out, _ = cli(capsys, "r.j2", *THREE)
    assert rules(out) == {"AL301", "AL304"}
    write(here / "trim.jinja2", "{#- apologylint: disable=defensive -#}\n" + BAD)
    assert rules(cli(capsys, "trim.jinja2", *THREE)[1]) == set()
    # an HTML comment is no directive in a Jinja template (it would be rendered into the reply)
    write(here / "html.j2", "<!-- apologylint: disable=AL302 -->\n" + BAD)
    assert "AL302" in rules(cli(capsys, "html.j2", *THREE)[1])


def test_hash_lines_in_plain_text_only_when_opted_in(here, capsys):
    draft = write(here / "r.txt", "# apologylint: disable=AL302\n" + BAD)
    code, out, _ = cli(capsys, "r.txt", *THREE)
    assert "AL302" in rules(out)  # '#' can be content: without the opt-in it is prose
    write(here / ".apologylint.toml", "hash-comments = true\n")
    code, out, _ = cli(capsys, str(draft.name), *THREE)
    assert rules(out) == {"AL301", "AL304"}
    assert (2, 1, "AL301") in findings(out)


def test_hash_line_that_is_not_a_directive_stays_content():
    text = "#4471 shipped today.\n# apologylint: disable=AL302\nThanks!\n"
    prep = prepare(text, "text", hash_comments=True)
    assert prep.text.splitlines()[0] == "#4471 shipped today."
    assert prep.text.splitlines()[1].strip() == "" and len(prep.text) == len(text)
    assert [d.rules for d in prep.directives] == [("AL302",)]
    assert prepare(text, "text").directives == []


EML = (
    "From: agent@example.com\nTo: customer@example.com\nSubject: Re: order\n{header}"
    "Content-Type: text/plain; charset=utf-8\n\n" + BAD
)


def test_eml_header_covers_the_whole_message(here, capsys):
    write(here / "plain.eml", EML.format(header=""))
    write(here / "quiet.eml", EML.format(header="X-Apologylint-Disable: AL302, telling-how-to-feel\n"))
    assert rules(cli(capsys, "plain.eml", *THREE)[1]) == {"AL301", "AL302", "AL304"}
    code, out, _ = cli(capsys, "quiet.eml", *THREE)
    assert rules(out) == {"AL301"}
    body_line = EML.format(header="X-Apologylint-Disable: AL302, telling-how-to-feel\n").splitlines().index(BAD.strip()) + 1
    assert findings(out) == [(body_line, 1, "AL301")]  # positions are still lines of the .eml


def test_eml_header_through_the_api(linter):
    raw = EML.format(header="X-Apologylint-Disable: defensive\n").encode()
    assert {f.category for f in apologylint.lint_email(raw, linter=linter).findings} & {"defensive"} == set()
    plain = EML.format(header="").encode()
    assert "defensive" in {f.category for f in apologylint.lint_email(plain, linter=linter).findings}


def test_syntax_by_file_name():
    assert [syntax_for(p) for p in ("a.md", "a.MARKDOWN", "a.html", "a.htm", "a.j2", "a.jinja", "a.jinja2", "a.txt", None)] == [
        "markdown", "markdown", "html", "html", "jinja", "jinja", "jinja", "text", "text"]


# -- what a directive names ------------------------------------------------------------------------
@pytest.mark.parametrize("key, left", [
    ("AL302", {"AL301", "AL304"}),
    ("as-previously-stated", {"AL301", "AL304"}),
    ("al302", {"AL301", "AL304"}),
    ("AL30", set()),
    ("defensive", set()),
    ("AL302,telling-how-to-feel", {"AL301"}),
    ("AL302, AL304", {"AL301"}),
])
def test_by_id_name_prefix_or_category(key, left):
    linter = Linter(Config(select=["AL301", "AL302", "AL304"]))
    report = linter.lint(f"<!-- apologylint: disable={key} -->\n" + BAD, syntax="markdown")
    assert {f.rule for f in report.findings} == left


def test_disable_without_a_list_is_every_rule():
    linter = Linter(Config(select=["AL301", "AL302", "AL304"]))
    assert linter.lint("<!-- apologylint: disable -->\n" + BAD, syntax="markdown").findings == []


# -- ranges and next line --------------------------------------------------------------------------
HEDGES = ["I think the refund arrives on Monday.", "I think it ships on Tuesday.", "I think it will be fine."]


def hedge_starts(text: str, syntax: str = "markdown") -> list[int]:
    linter = Linter(Config(select=["AL701"]))
    return [f.start for f in linter.lint(text, syntax=syntax).findings]


def test_disable_until_enable():
    text = f"{HEDGES[0]}\n<!-- apologylint: disable=AL701 -->\n{HEDGES[1]}\n<!-- apologylint: enable=AL701 -->\n{HEDGES[2]}\n"
    assert hedge_starts(text) == [text.find(HEDGES[0]), text.find(HEDGES[2])]


def test_disable_to_the_end_of_the_file():
    text = f"{HEDGES[0]}\n<!-- apologylint: disable=hedge-words -->\n{HEDGES[1]}\n{HEDGES[2]}\n"
    assert hedge_starts(text) == [text.find(HEDGES[0])]


def test_enable_of_one_rule_inside_disable_of_all():
    linter = Linter(Config(select=["AL302", "AL701"]))
    text = f"<!-- apologylint: disable -->\n{BAD}<!-- apologylint: enable=AL701 -->\n{HEDGES[0]}\nAs I said, it ships today.\n"
    got = [(f.rule, f.start) for f in linter.lint(text, syntax="markdown").findings]
    assert got == [("AL701", text.find(HEDGES[0]))]


def test_bare_enable_ends_every_range():
    text = f"<!-- apologylint: disable=AL701 -->\n<!-- apologylint: disable=AL302 -->\n{HEDGES[0]}\n<!-- apologylint: enable -->\n{HEDGES[1]}\n"
    assert hedge_starts(text) == [text.find(HEDGES[1])]


def test_disable_next_line_silences_only_the_next_line_with_text():
    text = f"<!-- apologylint: disable-next-line=AL701 -->\n\n{HEDGES[0]}\n{HEDGES[1]}\n"
    assert hedge_starts(text) == [text.find(HEDGES[1])]
    other = f"<!-- apologylint: disable-next-line=AL302 -->\n{HEDGES[0]}\n"
    assert hedge_starts(other) == [other.find(HEDGES[0])]  # another rule's comment silences nothing here


def test_comment_on_the_same_line_as_text():
    text = f"{HEDGES[0]} <!-- apologylint: disable-next-line=AL701 -->\n{HEDGES[1]}\n{HEDGES[2]}\n"
    assert hedge_starts(text) == [text.find(HEDGES[0]), text.find(HEDGES[2])]


# -- positions ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, comment", [
    ("r.md", "<!-- apologylint: disable=hedging -->"),
    ("r.j2", "{# apologylint: disable=hedging #}"),
])
def test_positions_are_those_of_the_file(here, capsys, name, comment):
    text = f"Hi Sam,\n\n{comment} {BAD}"
    spaced = text.replace(comment, " " * len(comment))
    write(here / name, text)
    write(here / ("spaced" + Path(name).suffix), spaced)
    _, out, _ = cli(capsys, name, *THREE)
    _, spaced_out, _ = cli(capsys, "spaced" + Path(name).suffix, *THREE)
    got = findings(out)
    assert got == findings(spaced_out)
    start = text.find("Calm down")
    line = text.count("\n", 0, start) + 1
    column = start - text.rfind("\n", 0, start)
    assert (line, column, "AL304") in got and line == 3 and column > len(comment)


def test_api_offsets_and_excerpts_index_the_text_given():
    comment = "<!-- apologylint: disable=AL701 -->"
    text = f"Hi Sam,\n{comment}\n{BAD}"
    linter = Linter(Config(select=["AL301", "AL302", "AL304"]))
    report = linter.lint(text, syntax="markdown")
    spaced = linter.lint(text.replace(comment, " " * len(comment)), syntax="none")
    assert [(f.rule, f.start, f.end, f.line, f.column) for f in report.findings] == [
        (f.rule, f.start, f.end, f.line, f.column) for f in spaced.findings]
    assert all(f.excerpt == text[f.start:f.end] for f in report.findings)
    (calm,) = [f for f in report.findings if f.rule == "AL304"]
    assert calm.start == text.find("Calm down")


def test_the_api_reads_plain_text_by_default():
    """`Linter.lint` takes a text as a plain-text file is read: an HTML comment in it is prose
    unless `syntax` says the text is Markdown or HTML."""
    linter = Linter(Config(select=["AL302"]))
    text = "<!-- apologylint: disable=AL302 -->\n" + BAD
    assert [f.rule for f in linter.lint(text).findings] == ["AL302"]
    assert linter.lint(text, syntax="markdown").findings == []
    assert [f.rule for f in linter.lint(text, syntax="none").findings] == ["AL302"]
    reports = list(linter.lint_many([text, text], syntax="html"))
    assert [r.findings for r in reports] == [[], []]


def test_prepare_blanks_without_moving_anything():
    text = "a <!-- apologylint: disable=AL1,\n  AL2 --> b\n{# x #}\n"
    prep = prepare(text, "markdown")
    assert len(prep.text) == len(text)
    assert [i for i, c in enumerate(prep.text) if c == "\n"] == [i for i, c in enumerate(text) if c == "\n"]
    assert prep.text.replace(" ", "").replace("\n", "") == "ab{#x#}"
    (d,) = prep.directives
    assert (d.action, d.rules, d.start, d.end) == ("disable", ("AL1", "AL2"), 2, text.find("-->") + 3)


# -- --fix never fixes what is silenced -------------------------------------------------------------
def test_fix_leaves_a_silenced_finding_alone(here, capsys):
    line = "As I said in my last email, order #4471 shipped on Monday.\n"
    write(here / "loud.md", line)
    write(here / "quiet.md", "<!-- apologylint: disable=AL302 -->\n" + line)
    assert main(["loud.md", "--diff", "--select", "AL302"]) == 1
    assert "-As I said" in capsys.readouterr().out
    assert main(["quiet.md", "--diff", "--select", "AL302"]) == 0
    assert capsys.readouterr().out == ""


# -- unused and invalid suppressions ----------------------------------------------------------------
def test_report_unused_suppressions(here, capsys):
    comment = "<!-- apologylint: disable=AL302 -->"
    text = f"Hi Sam,\n{comment}\n{GOOD}"
    write(here / "r.md", text)
    code, out, _ = cli(capsys, "r.md")
    assert code == 0 and findings(out) == []
    code, out, _ = cli(capsys, "r.md", "--report-unused-suppressions")
    line = text[: text.find(comment)].count("\n") + 1
    assert code == 1  # a warning: fails at the default --fail-on
    assert out.splitlines() == [f"r.md:{line}:1: AL000 warning Unused suppression: 'disable=AL302' silenced nothing"]
    # a suppression that silenced something is not reported
    write(here / "used.md", f"{comment}\n{BAD}")
    _, out, _ = cli(capsys, "used.md", "--report-unused-suppressions", *THREE)
    assert "AL000" not in out and "AL302" not in out


def test_unused_rule_in_a_list_is_named(here, capsys):
    comment = "<!-- apologylint: disable=AL302,AL701 -->"
    text = f"Thanks for waiting. {comment}\n{BAD}"
    write(here / ".apologylint.toml", "report-unused-suppressions = true\n")
    write(here / "r.md", text)
    code, out, _ = cli(capsys, "r.md", *THREE)
    col = text.find(comment) + 1
    assert f"r.md:1:{col}: AL000 warning Unused suppression: AL701 in 'disable=AL302,AL701' silenced nothing" in out.splitlines()
    assert "AL302" not in rules(out)


def test_unused_header_in_an_email(here, capsys):
    write(here / "r.eml", EML.format(header="X-Apologylint-Disable: hedging\n"))
    code, out, _ = cli(capsys, "r.eml", "--report-unused-suppressions", *THREE)
    assert any(r == "AL000" for _, _, r in findings(out))
    assert "X-Apologylint-Disable: hedging" in out


@pytest.mark.parametrize("body, needle", [
    ("disabel=AL302", "unknown directive 'disabel'"),
    ("disable=AL3O2", "'AL3O2'"),
    ("disable-next-line", "needs the rules"),
    ("disable=AL302;AL301", "not a list"),
])
def test_invalid_directive_is_reported_always(here, capsys, body, needle):
    comment = f"<!-- apologylint: {body} -->"
    write(here / "r.md", f"{GOOD}{comment}\n{GOOD}")
    code, out, _ = cli(capsys, "r.md")
    (line,) = [x for x in out.splitlines() if " AL001 " in x]
    assert line.startswith("r.md:2:1: AL001 warning ") and needle in line
    assert code == 1


def test_unused_suppressions_through_the_api():
    linter = Linter(Config(select=["AL302"], report_unused_suppressions=True))
    text = "<!-- apologylint: disable-next-line=AL302 -->\n" + GOOD
    (f,) = linter.lint(text, syntax="markdown").findings
    assert (f.rule, f.name, f.start, f.end, f.excerpt) == ("AL000", "unused-suppression", 0, text.find("-->") + 3, text[: text.find("-->") + 3])
    assert not linter.lint(text, syntax="markdown").ok


def test_team_phrase_and_suppression_together(here, capsys):
    write(here / ".apologylint.toml", 'flag-phrases = ["circle back"]\n')
    text = "Thanks! We will circle back on Friday.\n<!-- apologylint: disable-next-line=team-phrase -->\nWe will circle back on Monday.\n"
    write(here / "r.md", text)
    code, out, _ = cli(capsys, "r.md", "--select", "AL990")
    assert findings(out) == [(1, text.find("circle") + 1, "AL990")]


def test_an_unterminated_or_overlong_comment_is_prose():
    from apologylint.suppress import MAX_DIRECTIVE

    text = "<!-- apologylint: disable=AL302\n" + BAD
    assert prepare(text, "markdown").directives == [] and prepare(text, "markdown").text == text
    long = "<!-- apologylint: disable=" + "AL302," * (MAX_DIRECTIVE // 6 + 1) + " -->\n" + BAD
    assert prepare(long, "markdown").directives == []
    many = "<!-- apologylint:" * 5000  # no '-->' anywhere: nothing to read, and read quickly
    assert prepare(many, "markdown").directives == []
    assert prepare("{# apologylint: disable #}", "jinja").directives[0].rules is None
