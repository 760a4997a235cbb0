"""Rule packs with a name and a version, namespaced so they cannot clash with the shipped rules,
and `apologylint test-rules`, which runs a pack's own examples."""
from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import pytest

from apologylint.cli import main
from apologylint.ruleset import RuleFileError, load_all

WEATHER = """\
- id: AL201
  name: weather-excuse
  kind: lexicon
  category: excuse
  lemmas: ["the weather"]
  message: "Blames the weather: '{match}'."
  rationale: Own the delay instead of blaming the sky.
  examples:
    bad: ["Sorry, the weather held up your parcel."]
    good: ["Your parcel arrives Friday."]
"""
# the same rule with a good example it flags: test-rules must fail on it
WEATHER_FAILING = WEATHER.replace('good: ["Your parcel arrives Friday."]', 'good: ["Your parcel arrives Friday.", "The weather was lovely at the launch."]')
# and one with a bad example it misses
WEATHER_MISSING = WEATHER.replace('bad: ["Sorry, the weather held up your parcel."]', 'bad: ["Sorry, the rain held up your parcel."]')


def make_pack(folder: pathlib.Path, rules: str = WEATHER, name: str | None = "acme", version: str = "1.2.0") -> pathlib.Path:
    folder.mkdir(parents=True, exist_ok=True)
    if name is not None:
        (folder / "apologylint-pack.yaml").write_text(f"name: {name}\nversion: {version}\n", encoding="utf-8")
    (folder / "weather.yaml").write_text(rules, encoding="utf-8")
    return folder


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- names, versions, namespaces -----------------------------------------------------------------

def test_a_named_pack_namespaces_its_rules(tmp_path):
    pack = make_pack(tmp_path / "acme")
    rules, _ = load_all((pack,))
    (mine,) = [r for r in rules if r.pack is not None]
    assert mine.id == "ACME/AL201" and mine.name == "acme/weather-excuse"
    assert (mine.pack.name, mine.pack.version) == ("acme", "1.2.0")
    assert any(r.id == "AL201" and r.pack is None for r in rules)  # ours is untouched


def test_a_single_file_pack(tmp_path):
    body = "\n".join("  " + line if line else line for line in WEATHER.splitlines())
    f = tmp_path / "acme.yaml"
    f.write_text(f"pack: {{name: acme, version: '2.0'}}\nrules:\n{body}\n", encoding="utf-8")
    rules, _ = load_all((f,))
    assert [r.id for r in rules if r.pack] == ["ACME/AL201"]


def test_a_pack_rule_lints_selects_and_configures_by_its_namespaced_id(capsys, tmp_path):
    from apologylint import Config, Linter

    pack = make_pack(tmp_path / "acme")
    text = "The weather delayed your parcel."
    linter = Linter(Config(rule_paths=[pack], select=["acme"], rules={"acme/al201": {"severity": "error"}}))
    (finding,) = linter.lint(text).findings
    assert finding.rule == "ACME/AL201" and finding.severity == "error" and finding.excerpt == "The weather"
    for selector in ("acme/", "ACME/AL2", "acme/weather-excuse", "ACME/AL201"):
        assert [f.rule for f in Linter(Config(rule_paths=[pack], select=[selector])).lint(text).findings] == ["ACME/AL201"], selector
    draft = tmp_path / "d.txt"
    draft.write_text(text, encoding="utf-8")
    code, out, _ = run(capsys, str(draft), "--rules", str(pack), "--select", "acme", "--format", "sarif")
    (result,) = json.loads(out)["runs"][0]["results"]
    assert result["ruleId"] == "ACME/AL201"
    rules = json.loads(out)["runs"][0]["tool"]["driver"]["rules"]
    assert rules[result["ruleIndex"]]["properties"]["pack"] == {"name": "acme", "version": "1.2.0"}


def test_rules_and_explain_show_pack_rules(capsys, tmp_path):
    pack = make_pack(tmp_path / "acme")
    code, out, _ = run(capsys, "rules", "--rules", str(pack), "--format", "json")
    entry = next(r for r in json.loads(out) if r["id"] == "ACME/AL201")
    assert entry["pack"] == {"name": "acme", "version": "1.2.0"}
    code, out, _ = run(capsys, "rules", "--rules", str(pack))
    assert any(line.startswith("ACME/AL201") and "(acme 1.2.0)" in line for line in out.splitlines())
    code, out, _ = run(capsys, "explain", "acme/al201", "--rules", str(pack))
    assert code == 0 and out.startswith("acme/weather-excuse (ACME/AL201)")


def test_an_unnamed_pack_that_reuses_our_id_is_one_clear_line(capsys, tmp_path):
    pack = make_pack(tmp_path / "plain", name=None)
    with pytest.raises(RuleFileError, match="'AL201' is already used in .*excuse.yaml; give the pack a name"):
        load_all((pack,))
    draft = tmp_path / "d.txt"
    draft.write_text("Hello.", encoding="utf-8")
    code, out, err = run(capsys, str(draft), "--rules", str(pack))
    assert code == 2 and out == "" and len(err.splitlines()) == 1 and "apologylint-pack.yaml" in err


def test_unnamed_packs_keep_loading_as_before():
    fixtures = pathlib.Path(__file__).parent / "fixtures" / "email" / "marker-rules.yaml"
    rules, _ = load_all((fixtures,))
    assert {"TST901", "TST902"} <= {r.id for r in rules if r.pack is None}


@pytest.mark.parametrize("declaration, needle", [
    ("name: acme\n", "version: Field required"),
    ("name: Acme Corp\nversion: '1.0'\n", "name: String should match pattern"),
    ("name: acme\nversion: '1.0'\nowner: me\n", "owner: Extra inputs are not permitted"),
    ("name: acme\nversion: 1.10\n", "version: YAML reads 1.1 as a number; write the version in quotes"),
    ("- name: acme\n", "a mapping with name and version"),
])
def test_a_bad_declaration_names_the_file_and_the_key(tmp_path, declaration, needle):
    pack = make_pack(tmp_path / "acme")
    (pack / "apologylint-pack.yaml").write_text(declaration, encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        load_all((pack,))
    msg = str(info.value)
    assert msg.startswith(str(pack / "apologylint-pack.yaml")) and needle in msg and "\n" not in msg


def test_a_rule_may_not_write_its_own_namespace(tmp_path):
    pack = make_pack(tmp_path / "acme", WEATHER.replace("id: AL201", "id: ACME/AL201"))
    with pytest.raises(RuleFileError, match="id: write it without a namespace"):
        load_all((pack,))


def test_a_pack_name_loaded_from_two_places_is_refused(tmp_path):
    a = make_pack(tmp_path / "a")
    b = make_pack(tmp_path / "b", WEATHER.replace("AL201", "AL202").replace("weather-excuse", "weather-two"))
    with pytest.raises(RuleFileError, match="pack 'acme' is already loaded from"):
        load_all((a, b))


def test_two_packs_may_use_the_same_local_id(tmp_path):
    a = make_pack(tmp_path / "a", name="acme")
    b = make_pack(tmp_path / "b", name="globex")
    rules, _ = load_all((a, b))
    assert {"ACME/AL201", "GLOBEX/AL201", "AL201"} <= {r.id for r in rules}


# -- test-rules ----------------------------------------------------------------------------------

def test_test_rules_passes_a_good_pack(capsys, tmp_path):
    pack = make_pack(tmp_path / "acme")
    code, out, err = run(capsys, "test-rules", str(pack))
    assert code == 0, out + err
    lines = out.splitlines()
    assert lines[0].startswith("PASS ACME/AL201 acme/weather-excuse bad #1: flagged 'the weather'")
    assert lines[1].startswith("PASS ACME/AL201 acme/weather-excuse good #1")
    assert lines[-1] == "2 examples of 1 rule: 2 passed, 0 failed"


def test_test_rules_fails_on_a_good_example_the_rule_flags(capsys, tmp_path):
    pack = make_pack(tmp_path / "acme", WEATHER_FAILING)
    code, out, _ = run(capsys, "test-rules", str(pack))
    assert code == 1
    fail = out[out.index("FAIL "):]
    assert fail.startswith("FAIL ACME/AL201 acme/weather-excuse good #2: ACME/AL201 should not flag this example, and did")
    assert "'The weather was lovely at the launch.'" in fail
    assert "ACME/AL201 1:1 'The weather': Blames the weather: 'The weather'." in fail
    assert out.splitlines()[-1] == "3 examples of 1 rule: 2 passed, 1 failed"


def test_test_rules_fails_on_a_bad_example_the_rule_misses(capsys, tmp_path):
    pack = make_pack(tmp_path / "acme", WEATHER_MISSING)
    code, out, _ = run(capsys, "test-rules", str(pack), "-q")
    assert code == 1
    assert "PASS" not in out  # -q: failures and the summary only
    assert "FAIL ACME/AL201 acme/weather-excuse bad #1: ACME/AL201 should flag this example, and did not" in out
    assert "'Sorry, the rain held up your parcel.'" in out


def test_test_rules_on_a_pack_that_does_not_load(capsys, tmp_path):
    pack = make_pack(tmp_path / "acme", WEATHER.replace("kind: lexicon", "kind: lexicn"))
    code, out, err = run(capsys, "test-rules", str(pack))
    assert code == 2 and out == "" and len(err.splitlines()) == 1 and "weather.yaml" in err
    code, _, err = run(capsys, "test-rules", str(tmp_path / "nowhere"))
    assert code == 2 and "no such file or folder" in err


def test_test_rules_runs_the_shipped_rules(capsys):
    from apologylint.packtest import cases

    rules, _ = load_all()
    code, out, err = run(capsys, "test-rules", "-q")
    assert code == 0, out + err
    n = len(cases(rules))
    assert out.splitlines()[-1] == f"{n} examples of {len(rules)} rules: {n} passed, 0 failed"


def test_test_rules_select(capsys):
    code, out, _ = run(capsys, "test-rules", "--select", "AL302")
    assert code == 0
    assert {line.split()[1] for line in out.splitlines() if line.startswith("PASS")} == {"AL302"}


def test_test_rules_does_not_import_spacy_to_start():
    code = "import sys, apologylint.cli.test_rules, apologylint.packtest; print('spacy' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.stdout.strip() == "False", proc.stderr
