"""The built-in rules (AL000 unused-suppression, AL001 invalid-suppression, AL990 team-phrase)
are declared in rules/meta.yaml like every rule: `rules` lists them, `explain` documents them,
SARIF describes them, configuration tunes their severity, and their examples pass."""
from __future__ import annotations

import json
import pathlib

import pytest

from apologylint.cli import main
from apologylint.config import Config
from apologylint.ruleset import RuleFileError, load_all

META = {"AL000": "unused-suppression", "AL001": "invalid-suppression", "AL990": "team-phrase"}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def meta_rules():
    rules, _ = load_all()
    return {r.id: r for r in rules if r.id in META}


def test_the_meta_rules_are_loaded_as_rules():
    found = meta_rules()
    assert {i: r.name for i, r in found.items()} == META
    assert all(r.kind == "builtin" and r.rationale and r.examples.bad and r.examples.good for r in found.values())
    from apologylint import suppress, vocabulary

    # the ids the code makes findings with are the ones the file declares
    assert found[suppress.UNUSED_ID].name == suppress.UNUSED_NAME
    assert found[suppress.INVALID_ID].name == suppress.INVALID_NAME
    assert found[vocabulary.TEAM_PHRASE_ID].category == vocabulary.TEAM_PHRASE_CATEGORY


def test_rules_lists_them(capsys):
    code, out, _ = run(capsys, "rules", "--format", "json")
    assert code == 0
    listed = {r["id"]: r for r in json.loads(out)}
    for rule_id, name in META.items():
        assert listed[rule_id]["name"] == name
        assert listed[rule_id]["kind"] == "builtin"


@pytest.mark.parametrize("key", ["AL990", "team-phrase", "AL000", "invalid-suppression"])
def test_explain_documents_them(capsys, key):
    code, out, err = run(capsys, "explain", key)
    assert code == 0, err
    rule = next(r for r in meta_rules().values() if key in (r.id, r.name))
    assert out.startswith(f"{rule.name} ({rule.id})")
    assert "## Why is this bad?" in out and rule.rationale.split()[0] in out
    # every line of the first bad example is shown as a line (a comment stays on its own line)
    for line in rule.examples.bad[0].text.splitlines():
        assert line.strip()[:40] in out


def test_sarif_describes_them(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "reply.txt").write_text("Your refund is on its way and reaches you by Friday.\n", encoding="utf-8")
    code, out, err = run(capsys, "reply.txt", "--isolated", "--format", "sarif", "--select", "AL990")
    driver = json.loads(out)["runs"][0]["tool"]["driver"]
    by_id = {r["id"]: r for r in driver["rules"]}
    rules = meta_rules()
    for rule_id, rule in rules.items():
        d = by_id[rule_id]
        assert d["name"] == rule.name
        assert d["fullDescription"]["text"] == " ".join(rule.rationale.split())
        assert d["shortDescription"]["text"] and "{" not in d["shortDescription"]["text"]
        assert f"apologylint explain {rule_id}" in d["help"]["text"]
    assert by_id["AL990"]["defaultConfiguration"]["enabled"] is True  # selected
    assert by_id["AL000"]["defaultConfiguration"]["enabled"] is False  # report-unused-suppressions is off
    assert by_id["AL001"]["defaultConfiguration"]["enabled"] is True  # always reported


def test_severity_of_a_meta_rule_is_configurable(linter):
    from apologylint import Linter

    text = "Thanks for writing. I'll circle back tomorrow with the answer."
    plain = Linter(Config(flag_phrases=["circle back"]))
    tuned = Linter(Config(flag_phrases=["circle back", {"phrase": "tomorrow", "severity": "info"}], rules={"team-phrase": {"severity": "error"}}))
    assert {f.excerpt: f.severity.value for f in plain.lint(text).findings if f.rule == "AL990"} == {"circle back": "warning"}
    # the rule's severity is the default; an entry's own severity still wins
    assert {f.excerpt: f.severity.value for f in tuned.lint(text).findings if f.rule == "AL990"} == {"circle back": "error", "tomorrow": "info"}


def test_an_invalid_suppression_can_be_made_an_error():
    from apologylint import Linter

    text = "# apologylint: disabel=AL702\nYour refund reaches you by Friday."
    found = Linter(Config(hash_comments=True, rules={"AL001": {"severity": "error"}})).lint(text).findings
    assert [(f.rule, f.severity.value) for f in found if f.rule.startswith("AL00")] == [("AL001", "error")]


def test_only_severity_and_enabled_of_a_meta_rule_are_tunable():
    from apologylint import Linter

    with pytest.raises(RuleFileError, match="rule AL990: cannot change message"):
        Linter(Config(rules={"AL990": {"message": "no"}}))


def test_a_pack_cannot_declare_a_builtin_rule(tmp_path):
    (tmp_path / "x.yaml").write_text(
        "- id: TS001\n  name: fake-builtin\n  kind: builtin\n  category: suppression\n  message: m\n"
        "  rationale: r\n  examples: {bad: [a], good: [b]}\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"x\.yaml: rule TS001: kind: builtin is for apologylint's own rules"):
        load_all((pathlib.Path(tmp_path / "x.yaml"),))


def test_test_rules_runs_their_examples(capsys):
    code, out, _ = run(capsys, "test-rules", "--select", ",".join(META))
    counted = sum(len(r.examples.bad) + len(r.examples.good) for r in meta_rules().values())
    assert code == 0, out
    assert out.strip().splitlines()[-1] == f"{counted} examples of 3 rules: {counted} passed, 0 failed"
