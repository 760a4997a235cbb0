"""The machine outputs (--format sarif|github|gitlab|junit|jsonl), --output, --statistics and the
full text style, each checked against its format's structure and against positions worked out
here from the input text (str.find), never from the program's own output.

Most tests lint with a small rule pack of marker rules (every "calm down", every "the weather"),
so the expected findings are known exactly while the real rules are tuned; a few use the shipped
rules where a fix is needed (AL302's safe fix).
"""
from __future__ import annotations

import json
import pathlib
import re
import unicodedata
import xml.etree.ElementTree as ET

import pytest

from apologylint.cli import main

SCHEMA = pathlib.Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "email"

MARKERS = """\
- id: TS801
  name: calm-marker
  kind: lexicon
  category: defensive
  severity: error
  once: false
  lemmas: ["calm down"]
  message: "Calm marker: '{match}'."
  rationale: Test marker; not a real rule.
  examples:
    bad: ["Calm down, please."]
    good: ["Thanks for your patience."]
- id: TS802
  name: weather-marker
  kind: lexicon
  category: excuse
  severity: warning
  once: false
  lemmas: ["the weather"]
  message: "Weather marker, 100%, a:b: '{match}'."
  rationale: Test marker; not a real rule.
  examples:
    bad: ["Sorry, the weather held it up."]
    good: ["It arrives Friday."]
- id: TS803
  name: asap-marker
  kind: lexicon
  category: hedging
  severity: info
  once: false
  lemmas: ["asap"]
  message: "Info marker: '{match}'."
  rationale: Test marker; not a real rule.
  examples:
    bad: ["We will fix it asap."]
    good: ["We will fix it today."]
"""

TEXT = (
    "Hi Sam,\n"
    "\tThe weather delayed the van. Please calm down.\n"
    "Café naïve ☕ fans: calm down and the weather.\n"
    "We will fix it asap.\n"
)


@pytest.fixture()
def pack(tmp_path: pathlib.Path) -> list[str]:
    p = tmp_path / "markers.yaml"
    p.write_text(MARKERS, encoding="utf-8")
    return ["--rules", str(p), "--select", "TS8"]


@pytest.fixture()
def draft(tmp_path: pathlib.Path, monkeypatch) -> pathlib.Path:
    monkeypatch.chdir(tmp_path)
    p = tmp_path / "drafts" / "reply.txt"
    p.parent.mkdir()
    p.write_text(TEXT, encoding="utf-8")
    return p


def expected(text: str, needle: str, nth: int = 0) -> tuple[int, int, int, int]:
    """(startLine, startColumn, endLine, endColumn) of the nth occurrence (case-insensitive) of
    needle: 1-based, columns in code points, the end exclusive."""
    low, pos = text.lower(), -1
    for _ in range(nth + 1):
        pos = low.find(needle.lower(), pos + 1)
        assert pos >= 0, needle
    end = pos + len(needle)

    def at(offset: int) -> tuple[int, int]:
        line = text.count("\n", 0, offset) + 1
        return line, offset - (text.rfind("\n", 0, offset) + 1) + 1

    return (*at(pos), *at(end))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- SARIF ---------------------------------------------------------------------------------------

def sarif_validator():
    import jsonschema  # the test extra has it: a missing validator fails, it never skips
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def assert_valid_sarif(log: dict) -> None:
    errors = sorted(sarif_validator().iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def test_the_shipped_schema_is_the_official_one():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["id"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]


def test_the_validator_rejects_a_broken_log():
    """The schema check can fail: a result without a message is not SARIF."""
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "X"}]}]}
    assert list(sarif_validator().iter_errors(bad))


def test_sarif_is_valid_and_points_at_each_span(capsys, draft, pack):
    code, out, err = run(capsys, str(draft), "--format", "sarif", *pack)
    assert code == 1 and err == ""
    log = json.loads(out)
    assert_valid_sarif(log)
    run_ = log["runs"][0]
    assert run_["columnKind"] == "unicodeCodePoints"
    results = run_["results"]
    wanted = [("TS802", "the weather", 0), ("TS801", "calm down", 0), ("TS801", "calm down", 1), ("TS802", "the weather", 1), ("TS803", "asap", 0)]
    assert sorted(r["ruleId"] for r in results) == sorted(w[0] for w in wanted)
    got = {(r["ruleId"], tuple(r["locations"][0]["physicalLocation"]["region"][k] for k in ("startLine", "startColumn", "endLine", "endColumn"))) for r in results}
    assert got == {(rule, expected(TEXT, needle, n)) for rule, needle, n in wanted}
    for r in results:
        loc = r["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"] == {"uri": "drafts/reply.txt", "uriBaseId": "%SRCROOT%"}
        region = loc["region"]
        assert region["snippet"]["text"].lower() in ("the weather", "calm down", "asap")
        rules = run_["tool"]["driver"]["rules"]
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
    levels = {r["ruleId"]: r["level"] for r in results}
    assert levels == {"TS801": "error", "TS802": "warning", "TS803": "note"}
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == draft.parent.parent.resolve().as_uri() + "/"
    assert run_["invocations"][0]["executionSuccessful"] is True


def test_sarif_lists_every_rule_with_its_documentation(capsys, draft, pack):
    from apologylint.ruleset import load_all

    code, out, _ = run(capsys, str(draft), "--format", "sarif", *pack)
    driver = json.loads(out)["runs"][0]["tool"]["driver"]
    assert driver["name"] == "apologylint" and driver["version"]
    rules, _ = load_all((pathlib.Path(pack[1]),))
    assert sorted(r["id"] for r in driver["rules"]) == sorted(r.id for r in rules)
    by_id = {r["id"]: r for r in driver["rules"]}
    al201 = by_id["AL201"]
    assert al201["name"] == "blame-shifting-cause"
    assert al201["defaultConfiguration"]["level"] == "warning"
    assert al201["defaultConfiguration"]["enabled"] is False  # not selected in this run (--select TS8)
    assert by_id["TS801"]["defaultConfiguration"] == {"level": "error", "enabled": True}
    assert by_id["AL901"]["defaultConfiguration"]["level"] == "note"
    shipped = next(r for r in rules if r.id == "AL201")
    assert " ".join(shipped.rationale.split()) == al201["fullDescription"]["text"]
    assert shipped.examples.bad[0].text.split()[0] in al201["help"]["text"]
    assert "## Why is this bad?" in al201["help"]["markdown"] and "apologylint explain AL201" in al201["help"]["text"]


def test_sarif_carries_fixes_that_repair_the_file(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = "Hi Sam,\nAs I said in my last email, order #4471 shipped on 3 March.\n"
    (tmp_path / "d.txt").write_text(text, encoding="utf-8")
    code, out, _ = run(capsys, "d.txt", "--format", "sarif", "--select", "AL302")
    log = json.loads(out)
    assert_valid_sarif(log)
    (result,) = log["runs"][0]["results"]
    start = expected(text, "As I said")
    assert tuple(result["locations"][0]["physicalLocation"]["region"][k] for k in ("startLine", "startColumn", "endLine", "endColumn")) == start
    (fix,) = result["fixes"]
    assert fix["properties"]["applicability"] == "safe"
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "d.txt"
    lines = text.splitlines(keepends=True)

    def offset(line: int, column: int) -> int:
        return sum(len(x) for x in lines[: line - 1]) + column - 1

    fixed = text
    for rep in sorted(change["replacements"], key=lambda r: (r["deletedRegion"]["startLine"], r["deletedRegion"]["startColumn"]), reverse=True):
        d = rep["deletedRegion"]
        a, b = offset(d["startLine"], d["startColumn"]), offset(d["endLine"], d["endColumn"])
        fixed = fixed[:a] + rep["insertedContent"]["text"] + fixed[b:]
    assert "As I said" not in fixed and "Order #4471 shipped on 3 March." in fixed and fixed.startswith("Hi Sam,\n")



#: a plain-text reply in an .eml: its body starts on line 6
EML = (
    "From: agent@example.com\nTo: sam@example.com\nSubject: Re: parcel\n"
    "Content-Type: text/plain; charset=utf-8\n\n"
    "Hi Sam,\n\nI know it is late, but calm down please.\n"
)


def _email_with_markers(tmp_path, monkeypatch):
    """reply.eml and the marker rule pack, in a fresh working directory."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "reply.eml").write_text(EML, encoding="utf-8")
    p = tmp_path / "m.yaml"
    p.write_text(MARKERS, encoding="utf-8")
    return EML, p

def test_sarif_positions_in_an_email_point_into_the_eml(capsys, tmp_path, monkeypatch):
    eml, p = _email_with_markers(tmp_path, monkeypatch)
    code, out, _ = run(capsys, "reply.eml", "--format", "sarif", "--rules", str(p), "--select", "TS801")
    log = json.loads(out)
    assert_valid_sarif(log)
    (result,) = log["runs"][0]["results"]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert tuple(region[k] for k in ("startLine", "startColumn", "endLine", "endColumn")) == expected(eml, "calm down")
    assert "fixes" not in result  # an email's text is not the file's: no edits offered


def test_sarif_html_body_gives_the_line_only(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "r.html").write_text("<html><body><p>Please calm down.</p></body></html>\n", encoding="utf-8")
    p = tmp_path / "m.yaml"
    p.write_text(MARKERS, encoding="utf-8")
    code, out, _ = run(capsys, "r.html", "--format", "sarif", "--rules", str(p), "--select", "TS801")
    log = json.loads(out)
    assert_valid_sarif(log)
    (result,) = log["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}


def test_sarif_records_unreadable_inputs(capsys, draft, pack):
    code, out, err = run(capsys, str(draft), "missing.txt", "--format", "sarif", *pack)
    assert code == 2 and err.count("\n") == 1 and "missing.txt" in err
    log = json.loads(out)
    assert_valid_sarif(log)
    inv = log["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False
    assert any("missing.txt" in n["message"]["text"] for n in inv["toolExecutionNotifications"])
    assert log["runs"][0]["results"]  # the readable file was still linted


# -- GitHub Actions ------------------------------------------------------------------------------

ANNOTATION = re.compile(
    r"^::(?P<level>error|warning|notice) file=(?P<file>[^,:]+),line=(?P<line>\d+),col=(?P<col>\d+),"
    r"endLine=(?P<endLine>\d+),endColumn=(?P<endColumn>\d+),title=(?P<title>[^,:]+)::(?P<message>[^\r\n]*)$"
)


def test_github_annotations(capsys, draft, pack):
    code, out, _ = run(capsys, str(draft), "--format", "github", *pack)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 5
    seen = set()
    for line in lines:
        m = ANNOTATION.match(line)
        assert m, line
        rule = m["title"].split()[0]
        seen.add((rule, tuple(int(m[k]) for k in ("line", "col", "endLine", "endColumn"))))
        assert m["file"] == "drafts/reply.txt"
        assert m["level"] == {"TS801": "error", "TS802": "warning", "TS803": "notice"}[rule]
        if rule == "TS802":
            assert m["title"] == "TS802 weather-marker"
            assert m["message"].startswith("Weather marker, 100%25, a:b: ")  # data escapes % only (and CR, LF)
    assert (("TS801", expected(TEXT, "calm down", 1))) in seen and ("TS803", expected(TEXT, "asap")) in seen


def test_github_escaping():
    from apologylint.reporters.github import escape_data, escape_property

    assert escape_data("50%\r\nnext") == "50%25%0D%0Anext"
    assert escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"


def test_github_escapes_the_path(capsys, tmp_path, monkeypatch, pack):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a,b:c.txt").write_text("Please calm down.\n", encoding="utf-8")
    code, out, _ = run(capsys, "a,b:c.txt", "--format", "github", *pack)
    assert out.startswith("::error file=a%2Cb%3Ac.txt,line=1,col=8,endLine=1,endColumn=17,")


# -- GitLab Code Quality -------------------------------------------------------------------------

def test_gitlab_code_quality(capsys, draft, pack):
    code, out, _ = run(capsys, str(draft), "--format", "gitlab", *pack)
    issues = json.loads(out)
    assert isinstance(issues, list) and len(issues) == 5
    for issue in issues:
        assert set(issue) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["location"]["path"] == "drafts/reply.txt"
    sev = {i["check_name"]: i["severity"] for i in issues}
    assert sev == {"TS801": "major", "TS802": "minor", "TS803": "info"}
    calm = sorted((i for i in issues if i["check_name"] == "TS801"), key=lambda i: i["location"]["lines"]["begin"])
    assert [i["location"]["lines"]["begin"] for i in calm] == [expected(TEXT, "calm down", n)[0] for n in (0, 1)]
    assert calm[0]["location"]["positions"]["begin"]["column"] == expected(TEXT, "calm down")[1]
    assert len({i["fingerprint"] for i in issues}) == 5


def test_gitlab_fingerprints_survive_a_move_and_change_with_the_words(capsys, draft, pack):
    def prints() -> dict[str, str]:
        _, out, _ = run(capsys, str(draft), "--format", "gitlab", *pack)
        return {i["fingerprint"]: i["location"]["lines"]["begin"] for i in json.loads(out)}

    before = prints()
    assert prints() == before  # stable from run to run
    draft.write_text("\n\n" + TEXT, encoding="utf-8")
    moved = prints()
    assert set(moved) == set(before) and all(moved[fp] == line + 2 for fp, line in before.items())
    draft.write_text(TEXT.replace("asap", "ASAP!"), encoding="utf-8")
    assert len(set(prints()) - set(before)) == 1  # the edited finding is another finding


# -- JUnit ---------------------------------------------------------------------------------------

def test_junit(capsys, tmp_path, monkeypatch, pack):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.txt").write_text("Please calm down. The weather, you see.\n", encoding="utf-8")
    (tmp_path / "good.txt").write_text("Your parcel arrives on Friday.\n", encoding="utf-8")
    (tmp_path / "info.txt").write_text("We will fix it asap.\n", encoding="utf-8")
    code, out, err = run(capsys, "bad.txt", "good.txt", "info.txt", "gone.txt", "--format", "junit", *pack)
    assert code == 2 and "gone.txt" in err
    suite = ET.fromstring(out)
    assert suite.tag == "testsuite"
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert set(cases) == {"bad.txt", "good.txt", "info.txt", "gone.txt"}
    assert suite.get("tests") == "4" and suite.get("failures") == "1" and suite.get("errors") == "1"
    failure = cases["bad.txt"].find("failure")
    assert failure is not None and failure.get("message") == "2 findings"
    assert "bad.txt:1:8: TS801 error" in failure.text and "TS802 warning" in failure.text
    assert list(cases["good.txt"]) == []
    assert cases["info.txt"].find("failure") is None  # info is below --fail-on warning
    assert cases["gone.txt"].find("error") is not None


def test_junit_fail_on_decides_what_fails(capsys, tmp_path, monkeypatch, pack):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "w.txt").write_text("The weather, you see.\n", encoding="utf-8")
    _, out, _ = run(capsys, "w.txt", "--format", "junit", "--fail-on", "error", *pack)
    assert ET.fromstring(out).find("testcase/failure") is None
    _, out, _ = run(capsys, "w.txt", "--format", "junit", *pack)
    assert ET.fromstring(out).find("testcase/failure") is not None


# -- JSON Lines ----------------------------------------------------------------------------------

def test_jsonl_is_json(capsys, draft, pack):
    _, a, _ = run(capsys, str(draft), "--format", "json", *pack)
    _, b, _ = run(capsys, str(draft), "--format", "jsonl", *pack)
    assert a == b
    (line,) = a.splitlines()
    report = json.loads(line)
    assert report["path"] == str(draft) and len(report["findings"]) == 5


# -- not-linted reports, in every format ---------------------------------------------------------

@pytest.mark.parametrize("fmt", ["text", "jsonl", "sarif", "github", "gitlab", "junit"])
def test_a_report_that_could_not_be_linted_says_so_in_every_format(fmt):
    import io

    from apologylint import reporters
    from apologylint.models import Report

    out = io.StringIO()
    reporter = reporters.make(fmt, out)
    reporter.add(reporters.Linted(Report(path="long.txt", error="text is 300,000 characters"), text="x"))
    reporter.finish()
    assert "300,000 characters" in out.getvalue()
    if fmt == "sarif":
        assert_valid_sarif(json.loads(out.getvalue()))
    if fmt == "junit":
        assert ET.fromstring(out.getvalue()).find("testcase/error") is not None


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "gitlab", "junit"])
def test_an_unreadable_file_is_one_line_and_exit_2_in_every_format(capsys, draft, pack, fmt):
    code, out, err = run(capsys, "nope.txt", str(draft), "--format", fmt, *pack)
    assert code == 2
    assert err.splitlines() == ["apologylint: nope.txt: no such file"]
    assert "calm" in out.lower() or "TS801" in out  # the other file was linted


def test_formats_are_one_list():
    from apologylint import reporters
    from apologylint.cli import output

    assert output.FORMATS == reporters.FORMATS


# -- --output ------------------------------------------------------------------------------------

def test_output_writes_the_file_not_stdout(capsys, draft, pack, tmp_path):
    target = tmp_path / "out" / "apologylint.sarif"
    target.parent.mkdir()
    code, out, err = run(capsys, str(draft), "--format", "sarif", "--output", str(target), *pack)
    assert code == 1 and out == "" and err == ""
    log = json.loads(target.read_text(encoding="utf-8"))
    assert_valid_sarif(log)
    assert len(log["runs"][0]["results"]) == 5
    assert [p.name for p in target.parent.iterdir()] == ["apologylint.sarif"]  # no temporary left


def test_output_text_goes_to_the_file_with_the_summary(capsys, draft, pack, tmp_path):
    target = tmp_path / "report.txt"
    code, out, _ = run(capsys, str(draft), "-o", str(target), *pack)
    written = target.read_text(encoding="utf-8")
    assert out == "" and code == 1
    line, col, _, _ = expected(TEXT, "asap")
    assert f"{draft}:{line}:{col}: TS803 info" in written and written.rstrip().endswith("in 1 message.")
    assert "\033[" not in written and " | " not in written  # a file gets concise, uncoloured text


def test_output_into_a_missing_folder_is_one_line(capsys, draft, pack, tmp_path):
    code, out, err = run(capsys, str(draft), "--format", "sarif", "--output", str(tmp_path / "no" / "x.sarif"), *pack)
    assert code == 2 and out == "" and err.count("\n") == 1 and "no such folder" in err


# -- --statistics --------------------------------------------------------------------------------

def test_statistics(capsys, draft, pack, tmp_path):
    other = tmp_path / "other.txt"
    other.write_text("Calm down. Calm down, really.\n", encoding="utf-8")
    code, out, _ = run(capsys, str(draft), str(other), "--statistics", *pack)
    assert code == 1
    rows = [line.split("\t") for line in out.splitlines()]
    counts = [(r[1].strip(), int(r[0]), r[-1].strip()) for r in rows]
    calm = TEXT.lower().count("calm down") + 2
    weather = TEXT.lower().count("the weather")
    assert counts == [("TS801", calm, "calm-marker"), ("TS802", weather, "weather-marker"), ("TS803", 1, "asap-marker")]
    _, out, _ = run(capsys, str(draft), str(other), "--statistics", "--format", "json", *pack)
    assert json.loads(out)[0] == {"id": "TS801", "name": "calm-marker", "count": calm, "fixable": 0}


def test_statistics_with_a_document_format_is_refused(capsys, draft, pack):
    code, out, err = run(capsys, str(draft), "--statistics", "--format", "sarif", *pack)
    assert code == 2 and out == "" and err.count("\n") == 1


# -- the full text style -------------------------------------------------------------------------

def carets_under(rows: list[str]) -> list[str]:
    """What each caret run of a snippet stands under: the shown line's characters at the carets."""
    spans = []
    for shown, carets in zip(rows, rows[1:]):
        if "^" not in carets or "^" in shown:
            continue
        text = shown.split(" | ", 1)[1] if " | " in shown else ""
        mark = carets.split(" |", 1)[1][1:]
        a = mark.index("^")
        b = a + mark[a:].count("^")
        col, under = 0, []
        for ch in text:  # terminal columns: a wide character (CJK, emoji) takes two
            if a <= col < b:
                under.append(ch)
            col += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        spans.append("".join(under))
    return spans


def test_full_output_shows_the_line_and_carets(capsys, draft, pack):
    code, out, _ = run(capsys, str(draft), "--output-format", "full", *pack)
    assert code == 1
    blocks = re.split(r"\n(?=\S+:\d+:\d+: )", out.strip())
    headers = [b for b in blocks if re.match(r"\S+:\d+:\d+: TS80\d ", b.splitlines()[0])]
    assert len(headers) == 5
    for block in headers:
        head, *rows = block.splitlines()
        line = int(head.split(":")[1])
        assert any(r.startswith(f"{line} | ") for r in rows), block
        (under,) = carets_under(rows)
        assert under.lower() in ("the weather", "calm down", "asap"), block
    # the tab before "The weather" is expanded and the carets still line up under the words
    weather = next(b for b in headers if ":2:" in b.splitlines()[0] and "TS802" in b)
    assert carets_under(weather.splitlines()[1:]) == ["The weather"]


def test_concise_is_the_default_off_a_terminal(capsys, draft, pack):
    _, out, _ = run(capsys, str(draft), *pack)
    assert " | " not in out and "^" not in out
    _, out2, _ = run(capsys, str(draft), "--output-format", "concise", *pack)
    assert out2 == out


def test_snippet_cuts_a_long_line_around_the_span():
    from apologylint.reporters import snippet

    text = "word " * 60 + "calm down " + "tail " * 40
    start = text.find("calm down")
    rows = snippet(text, start, start + len("calm down"))
    shown = rows[1]
    assert len(shown) <= 110 and shown.split(" | ", 1)[1].startswith("…") and shown.endswith("…")
    assert carets_under(rows[1:]) == ["calm down"]


def test_snippet_of_a_span_over_lines_marks_each_line():
    from apologylint.reporters import snippet

    text = "one\ntwo calm\ndown three\nfour\n"
    start = text.find("calm")
    end = text.find("down") + len("down")
    rows = snippet(text, start, end)
    assert carets_under(rows[1:]) == ["calm", "down"]
    assert [r.split(" |")[0].strip() for r in rows if " | " in r and "^" not in r] == ["2", "3"]


def test_snippet_of_a_long_span_elides_the_middle_lines():
    from apologylint.reporters import snippet

    text = "".join(f"line {n}\n" for n in range(1, 11))
    rows = snippet(text, text.find("line 2"), text.find("line 9") + 6)
    numbers = [r.split(" |")[0].strip() for r in rows if " | " in r and "^" not in r]
    assert numbers == ["2", "3", "9"] and any(r.strip() == "..." for r in rows)


def test_snippet_wide_characters_and_an_empty_span():
    from apologylint.reporters import snippet

    text = "日本語 calm down"
    start = text.find("calm")
    rows = snippet(text, start, start + 4)
    caret_row = rows[2]
    # three wide characters take six columns, then a space: the carets start in column 8
    assert caret_row.split(" |", 1)[1][1:].index("^") == 7
    assert snippet("abc", 3, 3)[2].endswith("   ^")  # an empty span at the end of the line: one caret after it


def test_full_output_of_an_email_numbers_the_eml_lines(capsys, tmp_path, monkeypatch):
    eml, p = _email_with_markers(tmp_path, monkeypatch)
    _, out, _ = run(capsys, "reply.eml", "--output-format", "full", "-q", "--rules", str(p), "--select", "TS801")
    head, *rows = out.splitlines()
    line, col, _, _ = expected(eml, "calm down")
    assert head.startswith(f"reply.eml:{line}:{col}: TS801")
    assert f"{line} | I know it is late, but calm down please." in rows
    assert carets_under(rows) == ["calm down"]
