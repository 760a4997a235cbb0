"""Every registered function says what params it takes (a pydantic model), and the `params` of each
rule or signal source that calls it are checked against that model when the rule files load: a
misspelt key, a wrong type or a missing word list fails then, with the file, the rule (or the
signal and its source) and the key named."""
from __future__ import annotations

import inspect
import textwrap
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from apologylint import Config, Linter, pyrules, registry
from apologylint.ruleset import PythonRule, RuleFileError, load_all, load_rule_file, load_signal_file

SHIPPED = sorted(name for name, fn in registry.FUNCTIONS.items() if fn.__module__ == pyrules.__name__)

RULE = """
- id: TS901
  name: pizza-blame
  kind: python
  category: excuse
  function: self-defense
  params:
    owners: [pizza, oven]
    qualities: [hot]
    checks: [test]
    standards: [follow]
  message: "Blames the pizza: '{match}'."
  rationale: "Don't make excuses (seed 004)."
  examples:
    bad: ["It was late because the pizza oven broke."]
    good: ["It was late, and I'm sorry."]
"""

SIGNAL = """
- name: grumble
  description: A grumble.
  sources:
    - id: negations
      kind: python
      function: negated-sentences
      params:
        idioms: [wait]
      examples:
        match: ["It doesn't work."]
"""


def write(tmp_path: Path, text: str, name: str = "pack.yaml") -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def rule_error(tmp_path: Path, text: str) -> str:
    p = write(tmp_path, text)
    with pytest.raises(RuleFileError) as exc:
        load_rule_file(p)
    msg = str(exc.value)
    assert msg.startswith(f"{p}: rule TS901: "), msg
    assert "\n" not in msg
    return msg


# -- the shipped functions ---------------------------------------------------------------------------

def test_every_shipped_function_has_a_params_model():
    assert len(SHIPPED) >= 10
    for name in SHIPPED:
        model = registry.PARAMS[name]
        assert model is not None and issubclass(model, BaseModel), name
        assert model.model_config.get("extra") == "forbid", name


@pytest.mark.parametrize("name", SHIPPED)
def test_params_model_fits_the_function(name):
    """The model's fields are the function's keyword parameters, with the same defaults."""
    model = registry.PARAMS[name]
    params = list(inspect.signature(registry.FUNCTIONS[name]).parameters.values())[2:]
    assert set(model.model_fields) == {p.name for p in params}
    for p in params:
        field = model.model_fields[p.name]
        if p.default is inspect.Parameter.empty:
            assert field.is_required(), f"{name}: {p.name}"
        else:
            assert not field.is_required() and field.default == p.default, f"{name}: {p.name}"


def test_every_shipped_python_rule_and_source_validates():
    rules, signals = load_all()
    calls = [(r.where, r.function, r.params) for r in rules if isinstance(r, PythonRule)]
    calls += [(f"{s.name}: {src.id}", src.function, src.params) for s in signals for src in s.sources if src.kind == "python"]
    assert len(calls) >= 10
    used = set()
    for where, function, params in calls:
        assert registry.PARAMS[function] is not None, where
        validated = registry.validate_params(function, params)
        assert set(validated) == set(registry.PARAMS[function].model_fields), where
        used.add(function)
    assert used == set(SHIPPED), "a shipped function no rule or signal calls"


def test_the_compiled_sources_call_with_validated_params(linter):
    (negations,) = [s for s in linter.compiled.sources["complaint"] if s.spec.function == "negated-sentences"]
    assert negations.params["verbs_only"] is True  # the model's default, not written in signals.yaml
    assert "verbs_only" not in negations.spec.params


# -- errors that name the file, the rule and the key -----------------------------------------------

def test_a_good_python_rule_loads(tmp_path):
    (rule,) = load_rule_file(write(tmp_path, RULE))
    assert rule.params["owners"] == ["pizza", "oven"]


def test_misspelt_param_key(tmp_path):
    msg = rule_error(tmp_path, RULE.replace("    standards:", "    standard:"))
    assert "params.standard" in msg and "Extra inputs are not permitted" in msg and "self-defense" in msg


def test_wrong_param_type(tmp_path):
    msg = rule_error(tmp_path, RULE.replace("owners: [pizza, oven]", "owners: pizza"))
    assert "params.owners: Input should be a valid list" in msg


def test_wrong_word_type(tmp_path):
    msg = rule_error(tmp_path, RULE.replace("owners: [pizza, oven]", "owners: [pizza, 3]"))
    assert "params.owners.1: Input should be a valid string" in msg


def test_missing_required_param(tmp_path):
    msg = rule_error(tmp_path, RULE.replace("    checks: [test]\n", ""))
    assert "params.checks: Field required" in msg


def test_a_word_list_the_function_needs_cannot_be_empty(tmp_path):
    msg = rule_error(tmp_path, RULE.replace("owners: [pizza, oven]", "owners: []"))
    assert "params.owners: List should have at least 1 item" in msg


def test_words_are_single_lower_case_words(tmp_path):
    msg = rule_error(tmp_path, RULE.replace("owners: [pizza, oven]", "owners: [pizza, Oven]"))
    assert "params.owners.1" in msg and "'Oven' is not a single lower-case word" in msg
    msg = rule_error(tmp_path, RULE.replace("owners: [pizza, oven]", "owners: [pizza oven]"))
    assert "params.owners.0" in msg


def test_unknown_function_fails_at_load(tmp_path):
    msg = rule_error(tmp_path, RULE.replace("function: self-defense", "function: pizza-blame"))
    assert "function: no function named 'pizza-blame'" in msg


def test_signal_source_params_name_the_signal_and_source(tmp_path):
    p = write(tmp_path, SIGNAL.replace("idioms:", "idiom:"), "signals.yaml")
    with pytest.raises(RuleFileError) as exc:
        load_signal_file(p)
    assert str(exc.value).startswith(f"{p}: signal grumble: source negations: params.idiom: Extra inputs are not permitted")


def test_signal_source_params_types(tmp_path):
    (sig,) = load_signal_file(write(tmp_path, SIGNAL, "signals.yaml"))
    assert sig.sources[0].params == {"idioms": ["wait"]}
    p = write(tmp_path, SIGNAL.replace("idioms: [wait]", "idioms: [wait]\n        verbs_only: 'yes'"), "signals.yaml")
    with pytest.raises(RuleFileError, match=r"source negations: params\.verbs_only: Input should be a valid boolean"):
        load_signal_file(p)
    p = write(tmp_path, SIGNAL.replace("        idioms: [wait]\n", "        verbs_only: false\n"), "signals.yaml")
    with pytest.raises(RuleFileError, match=r"source negations: params\.idioms: Field required"):
        load_signal_file(p)


def test_a_rule_pack_is_checked_when_it_loads(tmp_path):
    write(tmp_path, RULE.replace("checks:", "owner:"))
    with pytest.raises(RuleFileError, match=r"rule TS901: params\.owne"):
        load_all((tmp_path,))


# -- plugins ---------------------------------------------------------------------------------------

@pytest.fixture
def scratch_registry(monkeypatch):
    """Registrations made in a test go away with it."""
    monkeypatch.setattr(registry, "FUNCTIONS", dict(registry.FUNCTIONS))
    monkeypatch.setattr(registry, "PARAMS", dict(registry.PARAMS))


PLUGIN_RULE = RULE.replace("function: self-defense", "function: test-pizza").replace("TS901", "TS902").replace("pizza-blame", "pizza-plugin")


def test_a_plugin_without_a_model_gets_its_params_as_written(tmp_path, scratch_registry):
    seen = []

    @registry.function("test-pizza")
    def pizza(ex, doc, **params):
        seen.append(params)
        return [doc[t.i : t.i + 1] for t in doc if t.lower_ in params["owners"]]

    write(tmp_path, PLUGIN_RULE.replace("    standards: [follow]\n", "    standards: follow\n    anything: 3\n"))
    report = Linter(Config(rule_paths=[tmp_path], select=["TS902"])).lint("The pizza oven broke.")
    assert [f.excerpt for f in report.findings] == ["pizza"]
    assert seen[0]["standards"] == "follow" and seen[0]["anything"] == 3


def test_a_plugin_with_a_model_gets_validated_values(tmp_path, scratch_registry):
    class PizzaParams(BaseModel):
        model_config = ConfigDict(extra="forbid")
        owners: frozenset[str]
        qualities: list[str]
        checks: list[str]
        standards: list[str]
        limit: int = 2

    seen = []

    @registry.function("test-pizza", params=PizzaParams)
    def pizza(ex, doc, owners, qualities, checks, standards, limit):
        seen.append((owners, limit))
        return [doc[t.i : t.i + 1] for t in doc if t.lower_ in owners][:limit]

    write(tmp_path, PLUGIN_RULE)
    report = Linter(Config(rule_paths=[tmp_path], select=["TS902"])).lint("The pizza oven broke.")
    assert [f.excerpt for f in report.findings] == ["pizza"]
    assert seen[0] == (frozenset({"pizza", "oven"}), 2)

    write(tmp_path, PLUGIN_RULE.replace("TS902", "TS903").replace("pizza-plugin", "pizza-plugin-two").replace("checks: [test]", "checks: [test]\n    limit: many"), "pack.yaml")
    with pytest.raises(RuleFileError, match=r"rule TS903: params\.limit: Input should be a valid integer"):
        load_rule_file(tmp_path / "pack.yaml")


def test_a_model_that_does_not_fit_its_function_is_refused(scratch_registry):
    class Wrong(BaseModel):
        model_config = ConfigDict(extra="forbid")
        words: list[str]

    with pytest.raises(TypeError, match="fields it does not take: words; parameters the model lacks: vocabulary"):

        @registry.function("test-wrong", params=Wrong)
        def wrong(ex, doc, vocabulary):
            return []
