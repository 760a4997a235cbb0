"""The public API: lint, Linter, lint_many, Report and Finding as DESIGN.md promises them."""
from __future__ import annotations

import json

import pytest

import apologylint
from apologylint import Config, Linter, Severity

BAD = "As I said in my last email, you should have ordered earlier. Calm down."


def test_lint_returns_findings_that_point_into_the_text():
    text = "Hi Sam,\n\nAs I said before, the refund takes five days."
    report = apologylint.lint(text)
    f = next(f for f in report.findings if f.rule == "AL302")
    assert text[f.start : f.end] == f.excerpt == "As I said"
    assert (f.line, f.column) == (3, 1)
    assert f.category == "defensive" and f.severity is Severity.error
    assert not report.ok


def test_curly_apostrophes_match_like_straight_ones(linter):
    straight_text, curly_text = "We're sorry you feel that way.", "We\u2019re sorry you feel that way."
    straight, curly = linter.lint(straight_text), linter.lint(curly_text)
    assert [f.rule for f in straight.findings] == [f.rule for f in curly.findings]
    assert "AL403" in {f.rule for f in curly.findings}
    for s, c in zip(straight.findings, curly.findings):
        assert (s.start, s.end) == (c.start, c.end)  # one character for one: same offsets
        assert c.excerpt == curly_text[c.start : c.end]


def test_zero_width_characters_do_not_hide_a_finding(linter):
    text = "As I\u200b said, you should have ordered earlier."
    f = next(f for f in linter.lint(text).findings if f.rule == "AL302")
    assert f.excerpt == text[f.start : f.end] == "As I\u200b said"


def test_lemmas_not_spellings(linter):
    for text in ("We apologise if you were inconvenienced.", "We apologize if you were inconvenienced.", "Our apologies if you were inconvenienced."):
        assert "non-apology" in linter.lint(text).categories, text


def test_customer_sorry_is_not_our_apology(linter):
    report = linter.lint("You said you were sorry for the late payment, and that's fine. Your account is active again.")
    assert report.counts.apologies == 0


def test_counts_are_reported(linter):
    report = linter.lint("So sorry! We apologize for the delay. We'll ship a replacement today.", "Where is my parcel? It's a week late.")
    assert report.counts.apologies == 2
    assert report.counts.next_steps >= 1
    assert report.problem


def test_lint_many_keeps_order_and_accepts_pairs(linter):
    items = ["Calm down.", ("Please DM us your order number.", "My order is late!"), "Thanks for writing in!"]
    many = list(linter.lint_many(items))
    single = [linter.lint(*((i,) if isinstance(i, str) else i)) for i in items]
    assert [r.model_dump() for r in many] == [r.model_dump() for r in single]


def test_report_json_round_trips(linter):
    report = linter.lint(BAD)
    data = json.loads(report.model_dump_json())
    assert data["ok"] is False
    assert {f["rule"] for f in data["findings"]} >= {"AL301", "AL302", "AL304"}
    assert all(set(f) >= {"rule", "name", "category", "severity", "message", "start", "end", "line", "column", "excerpt", "suggestion"} for f in data["findings"])


def test_select_and_ignore_by_id_name_prefix_and_category():
    only_defensive = Linter(Config(select=["defensive"]))
    assert {f.category for f in only_defensive.lint(BAD).findings} == {"defensive"}
    no_as_said = Linter(Config(ignore=["as-previously-stated", "AL30"]))
    assert not any(f.rule.startswith("AL30") for f in no_as_said.lint(BAD).findings)


def test_rule_options_are_configurable():
    text = "Sorry about that! We apologize for the delay; your parcel ships today."
    assert "AL101" in {f.rule for f in Linter().lint(text).findings}
    relaxed = Linter(Config(rules={"AL101": {"max": 2}}))
    assert "AL101" not in {f.rule for f in relaxed.lint(text).findings}


def test_severity_override_changes_ok():
    strict = Linter(Config(rules={"hedge-words": {"severity": "error"}}, select=["hedging"]))
    assert not strict.lint("I think the refund arrives Monday.").ok
    assert Linter(Config(select=["hedging"])).lint("I think the refund arrives Monday.").ok


def test_fail_on_info_makes_info_findings_fail():
    text = "I think the refund arrives Monday."
    assert Linter(Config(select=["hedging"], fail_on="info")).lint(text).ok is False


def test_bad_override_names_the_rule():
    with pytest.raises(ValueError, match="AL101"):
        Linter(Config(rules={"AL101": {"max": "lots"}}))


def test_unknown_config_key_is_an_error():
    with pytest.raises(ValueError):
        Config(fail_onn="error")  # type: ignore[call-arg]


def test_empty_and_whitespace_text(linter):
    assert linter.lint("").findings == []
    assert linter.lint("   \n ").findings == []


def test_text_too_long_is_a_clear_error(linter):
    from apologylint.linter import MAX_CHARS, TextTooLong

    with pytest.raises(TextTooLong, match="characters"):
        linter.lint("Thanks! " * (MAX_CHARS // 8 + 1))


@pytest.mark.parametrize(
    "config, needle",
    [
        ({"select": ["nosuchrule"]}, "nosuchrule"),
        ({"ignore": ["AL999"]}, "AL999"),
        ({"rules": {"too-many-apology": {"max": 2}}}, "too-many-apology"),
        ({"rules": {"AL101": {"signal": "empathy"}}}, "cannot change signal"),
        ({"rules": {"AL302": {"id": "AL101"}}}, "cannot change id"),
    ],
)
def test_configuration_typos_are_errors_not_silence(config, needle):
    with pytest.raises(ValueError, match=needle):
        Linter(Config(**config))


def test_ids_are_case_insensitive_and_id_and_name_overrides_merge():
    linter = Linter(Config(select=["al302"], rules={"AL302": {"severity": "info"}, "as-previously-stated": {"message": "Told twice: '{match}'."}}))
    (f,) = linter.lint("As I said, the refund takes five days.").findings
    assert (f.rule, f.severity, f.message) == ("AL302", Severity.info, "Told twice: 'As I said'.")


def test_naming_the_default_pipeline_loads_no_second_copy():
    from apologylint import nlp

    default = nlp.load()
    assert nlp.load(f"{default.meta['lang']}_{default.meta['name']}") is default
