"""Hostile data files (issue 17): configuration, rule packs, scenarios, contexts and templates the
user hands the tool are refused with one line that names the file, never a hang, a flood or an
internal error. Behaviour only: no test here measures time (a time bound is tested by setting it
to zero)."""
from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from apologylint import safeload
from apologylint.cli import main
from apologylint.config import Config
from apologylint.ruleset import RuleFileError, load_all, load_rule_file
from apologylint.userregex import MAX_TOKEN_CHARS, UnsafeRegex, guarded


def bomb(width: int, depth: int, where: str = "rules:\n  AL101:\n    max:") -> str:
    """Billion laughs: `depth` levels of `width` aliases to the level below."""
    lines = [f"{where} &l0 [{', '.join(['lol'] * width)}]"]
    for i in range(1, depth):
        lines.append(f"    l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


# -- YAML and file limits ------------------------------------------------------------------------
def test_billion_laughs_in_a_per_rule_option_is_refused(tmp_path, capsys):
    cfg = tmp_path / "apologylint.yaml"
    cfg.write_text(bomb(9, 9))
    with pytest.raises(safeload.DataFileError, match=r"expands to more than 100,000 nodes"):
        Config.from_file(cfg)
    assert main(["--config", str(cfg), str(cfg)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"apologylint: {cfg}:") and "aliases" in err and len(err.splitlines()) == 1


@settings(max_examples=40, deadline=None)
@given(width=st.integers(1, 12), depth=st.integers(1, 9))
def test_aliases_load_expanded_until_the_bound(width, depth):
    text = bomb(width, depth, where="l0:").replace("    l", "l")
    # nodes expanded: the root mapping, its keys, and each level's list
    expanded = 1 + depth + sum(sum(width**k for k in range(1, i + 2)) for i in range(depth))
    if expanded <= safeload.MAX_YAML_NODES:
        data = safeload.parse_yaml(text, "t.yaml")
        assert len(data[f"l{depth - 1}"]) == width
    else:
        with pytest.raises(safeload.DataFileError, match=r"^t\.yaml:\d+:\d+: expands to more than"):
            safeload.parse_yaml(text, "t.yaml")


@pytest.mark.parametrize(
    "text, needle",
    [
        ("a: &a [*a]", "refers to the node that contains it"),
        ("[" * 500 + "]" * 500, "nested more than 100 deep"),
        ("a: [b", "expected ',' or ']'"),
        ("x: !!python/object:os.system {}", "could not determine a constructor"),
    ],
)
def test_hostile_yaml_shapes_are_one_line_errors(text, needle):
    with pytest.raises(safeload.DataFileError) as exc:
        safeload.parse_yaml(text, "pack.yaml")
    msg = str(exc.value)
    assert msg.startswith("pack.yaml") and needle in msg and "\n" not in msg


def test_yaml_1_2_booleans_everywhere():
    assert safeload.parse_yaml("[no, on, off, yes, true]", "t.yaml") == ["no", "on", "off", "yes", True]


def test_an_oversized_file_is_refused_naming_the_file_and_the_limit(tmp_path):
    big = tmp_path / "pack.yaml"
    big.write_bytes(b"#" * (safeload.MAX_FILE_BYTES + 1))
    with pytest.raises(RuleFileError, match=rf"^{re.escape(str(big))}: 1,048,577 bytes is over the limit of 1 MiB"):
        load_rule_file(big)


def test_dev_zero_and_a_fifo_are_refused_without_reading(tmp_path, capsys):
    fifo = tmp_path / "rules.yaml"
    os.mkfifo(fifo)  # opening it would block: it must not be opened
    for path in ("/dev/zero", str(fifo)):
        with pytest.raises(safeload.DataFileError, match="not a regular file"):
            safeload.read_text(path)
    assert main(["rules", "--rules", "/dev/zero"]) == 2
    assert capsys.readouterr().err.strip() == "apologylint: /dev/zero: not a regular file; give a file of at most 1 MiB"


def test_undecodable_rule_scenario_template_and_context_files_are_named(tmp_path, capsys):
    bad = b"- id: \xff\xfe\n"
    rules = tmp_path / "pack.yaml"
    rules.write_bytes(bad)
    with pytest.raises(RuleFileError, match=rf"^{re.escape(str(rules))}: not UTF-8 text \(byte 0xff at offset 6\)"):
        load_rule_file(rules)

    tdir = tmp_path / "templates"
    tdir.mkdir()
    (tdir / "scenarios.yaml").write_bytes(b"scenarios: \xff\n")
    assert main(["draft", "--list", "--templates", str(tdir)]) == 2
    assert f"{tdir / 'scenarios.yaml'}: not UTF-8" in capsys.readouterr().err

    (tdir / "scenarios.yaml").unlink()
    (tdir / "general.j2").write_bytes(b"Hello \xff")
    assert main(["draft", "--scenario", "general", "--example", "--templates", str(tdir)]) == 2
    err = capsys.readouterr().err
    assert f"template error: {tdir / 'general.j2'}: not UTF-8" in err

    ctx = tmp_path / "ctx.yaml"
    ctx.write_bytes(b"customer_name: \xff\n")
    assert main(["draft", "--scenario", "general", "--context", str(ctx)]) == 2
    assert f"--context {ctx}: not UTF-8" in capsys.readouterr().err


def test_a_context_file_is_bounded_too(tmp_path, capsys):
    ctx = tmp_path / "ctx.yaml"
    ctx.write_text(bomb(9, 9, where="customer_name:").replace("    l", "l"))
    assert main(["draft", "--scenario", "general", "--context", str(ctx)]) == 2
    assert "expands to more than" in capsys.readouterr().err


# -- regular expressions in rule packs ------------------------------------------------------------
PACK = """
- id: TS901
  name: regex-rule
  kind: pattern
  category: excuse
  patterns:
    - [{{TEXT: {{REGEX: "{regex}"}}}}]
  message: "Found '{{match}}'."
  rationale: "A test rule."
  examples:
    bad: ["{bad}"]
    good: ["Nothing here."]
"""


def pack(tmp_path: Path, regex: str, bad: str = "aaab") -> Path:
    p = tmp_path / "pack.yaml"
    p.write_text(textwrap.dedent(PACK.format(regex=regex.replace("\\", "\\\\"), bad=bad)))
    return p


def test_the_issues_redos_pattern_is_refused_when_the_pack_loads(tmp_path):
    p = pack(tmp_path, "^(a+)+$")
    with pytest.raises(RuleFileError) as exc:
        load_rule_file(p)
    msg = str(exc.value)
    assert msg.startswith(f"{p}: rule TS901: patterns: REGEX '^(a+)+$'") and "exponential" in msg


#: exponential shapes: a quantified group with a quantifier or an alternation inside
ATOMS = st.sampled_from(["a", "\\w", "[ab]", ".", "\\d", "x"])
QUANT = st.sampled_from(["+", "*", "{1,20}", "{2,}"])
NESTED = st.builds(lambda a, q1, q2, pre: f"{pre}({a}{q1}){q2}$", ATOMS, QUANT, QUANT, st.sampled_from(["", "^"]))
ALTERNATED = st.builds(lambda a, b, q: f"^(?:{a}{a}|{b}){q}$", st.sampled_from(["ab", "a", "aa"]), st.sampled_from(["abc", "b"]), QUANT)
BACKREF = st.builds(lambda a: f"({a}+)\\1", ATOMS)
#: a fixed count over a quantified body: "(?:a+){6}" is six quantifiers in a row
FIXED = st.builds(lambda a, q, n, pre: f"{pre}(?:{a}{q}){{{n}}}$", ATOMS, st.sampled_from(["+", "*", "{2,}"]), st.integers(4, 12), st.sampled_from(["", "^"]))


@given(st.one_of(NESTED, ALTERNATED, BACKREF, FIXED))
def test_catastrophic_shapes_are_refused(regex):
    with pytest.raises(UnsafeRegex):
        guarded(regex)


def test_too_many_unbounded_quantifiers_are_refused():
    with pytest.raises(UnsafeRegex, match="power 4"):
        guarded(r"\w+\w+\w+!")
    assert guarded(r"^\w+\w+\w+!")  # anchored: one power less


SAFE = st.sampled_from([r"a+b", r"^[a-z]+-[a-z]+$", r"colou?r", r"(?i)sorry", r"\d{1,2}:\d\d", r"x*y*z", r"^(https?://|www\.)"])


@settings(max_examples=200)
@given(regex=SAFE, text=st.text(alphabet="abxyz-:0123456789SORRYsorry", max_size=MAX_TOKEN_CHARS))
def test_a_guarded_pattern_matches_what_the_pattern_matches_on_a_token(regex, text):
    assert bool(re.search(guarded(regex), text)) == bool(re.search(regex, text))


def test_a_polynomial_pattern_does_not_see_a_token_longer_than_the_bound():
    g = re.compile(guarded(r"a+b"))
    assert g.search("a" * (MAX_TOKEN_CHARS - 1) + "b")
    assert not g.search("a" * MAX_TOKEN_CHARS + "b")
    assert guarded(r"^\d\d$") == r"^\d\d$"  # linear: left as written


def test_a_guarded_pattern_still_finds_its_words(tmp_path):
    from apologylint import Linter

    linter = Linter(Config(rule_paths=[pack(tmp_path, "^a+b$")], select=["TS901"]))
    assert [f.rule for f in linter.lint("Well, aaab happened.").findings] == ["TS901"]
    assert linter.lint("Well, " + "a" * 5000 + " happened.").findings == []


# -- templates -----------------------------------------------------------------------------------
SCENARIO = "scenarios:\n  hostile:\n    description: a hostile template\n    fields: {}\n    customer_message: Hi.\n    example: {customer_name: Sam}\n"


def render(tmp_path: Path, body: str, **limits):
    from apologylint.drafts.render import Renderer
    from apologylint.drafts.sandbox import TemplateLimits

    tdir = tmp_path / "tpl"
    tdir.mkdir(exist_ok=True)
    (tdir / "scenarios.yaml").write_text(SCENARIO)
    (tdir / "hostile.j2").write_text(body)
    r = Renderer([tdir], TemplateLimits(**limits))
    return r.render("hostile", r.scenario("hostile").example)


@pytest.mark.parametrize(
    "body, needle",
    [
        ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "range of 100,000 items is over the limit of 10,000"),
        ("{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}", "more than the limit of 100,000 iterations"),
        ("{{ 'x' * 10**9 }}", "'*' would build a str 1,000,000,000 long, over the limit of 100,000"),
        ("{{ [0] * 10**9 }}", "'*' would build a list"),
        ("{% for i in range(10**9) %}{% endfor %}", "range of 1,000,000,000 items"),
        ("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", "calls nest deeper than the limit of 40"),
        ("{% macro d(s, n) %}{{ d(s ~ s, n - 1) if n else s }}{% endmacro %}{{ d('ab', 39) }}", "'~' would build a str"),
        ("{{ 'x'|center(10**9) }}", "filter 'center': an argument of 1,000,000,000"),
        ("{{ 'x'.ljust(10**9) }}", "'ljust': an argument of 1,000,000,000"),
        ("{{ '{:>999999999}'.format(1) }}", "a width or precision in a format string"),
        ("{{ '%999999999s' % 'x' }}", "a width or precision in a format string"),
        ("{{ 2 ** 100000000 }}", "more than 10,000 bits"),
        ("{% for i in range(10000) %}{{ 'y' * 100 }}{% endfor %}", "output 100,100 long, over the limit of 100,000"),
        ("{{ 1 + 'a' }}", "TypeError"),
    ],
)
def test_runaway_templates_are_template_errors_naming_the_template(tmp_path, body, needle):
    from apologylint.drafts import DraftError

    with pytest.raises(DraftError) as exc:
        render(tmp_path, body)
    msg = str(exc.value)
    assert msg.startswith("template error: hostile.j2: ") and needle in msg, msg


def test_the_time_bound_stops_a_render(tmp_path):
    from apologylint.drafts import DraftError

    with pytest.raises(DraftError, match=r"hostile\.j2: took longer than the limit of 0 s"):
        render(tmp_path, "{% for i in range(3) %}{{ i }}{% endfor %}", seconds=0)
    assert render(tmp_path, "{% for i in range(3) %}{{ i }}{% endfor %}") == "012"


def test_a_runaway_template_through_the_cli_is_one_line_and_exit_2(tmp_path, capsys):
    render(tmp_path, "x")  # writes the folder
    (tmp_path / "tpl" / "hostile.j2").write_text("{{ 'x' * 10**9 }}")
    assert main(["draft", "--templates", str(tmp_path / "tpl"), "--scenario", "hostile", "--example"]) == 2
    out = capsys.readouterr()
    assert out.out == "" and out.err.count("\n") == 1 and "template error: hostile.j2" in out.err


def test_shipped_templates_render_within_the_limits():
    from apologylint.drafts import renderer

    r = renderer()
    for name, sc in r.catalog.items():
        for fmt in ("text", "html"):
            assert r.render(name, sc.example, format=fmt)


# -- messages that named nothing --------------------------------------------------------------------
def test_a_package_that_is_not_a_pipeline_is_a_model_error():
    from apologylint.nlp import ModelNotFound
    from apologylint.nlp.load import _load

    with pytest.raises(ModelNotFound, match="pydantic: not a spaCy pipeline"):
        _load("pydantic")


def test_a_param_a_plugin_function_does_not_take_is_a_rule_file_error(tmp_path):
    from apologylint import registry

    @registry.function("test-no-model")
    def _fn(exchange, doc, words=()):
        return []

    try:
        p = tmp_path / "pack.yaml"
        p.write_text(
            textwrap.dedent(
                """
                - id: TS903
                  name: plugin-rule
                  kind: python
                  category: excuse
                  function: test-no-model
                  params: {wrds: [x]}
                  message: "m"
                  rationale: "r"
                  examples: {bad: ["a"], good: ["b"]}
                """
            )
        )
        with pytest.raises(RuleFileError, match=r"rule TS903: params\.wrds: function test-no-model takes no such parameter \(it takes words\)"):
            load_rule_file(p)
    finally:
        registry.FUNCTIONS.pop("test-no-model")
        registry.PARAMS.pop("test-no-model")


def test_eval_reports_each_bad_file_and_scores_the_others(tmp_path, capsys):
    good = tmp_path / "good.jsonl"
    good.write_text('{"text": "Sorry, sorry, so sorry.", "expected": ["over-apology"]}\n')
    array = tmp_path / "array.jsonl"
    array.write_text('[1, 2]\n{"text": "hi"}\n')
    undecodable = tmp_path / "bytes.jsonl"
    undecodable.write_bytes(b'{"text": "\xff"}\n')
    code = main(["eval", str(array), "/dev/zero", str(undecodable), str(good)])
    out = capsys.readouterr()
    assert code == 2
    assert out.err.splitlines() == [
        f"apologylint: {array}:1: expected a JSON object such as {{\"text\": ..., \"expected\": [...]}}, not list",
        "apologylint: /dev/zero: not a regular file; give a file",
        f"apologylint: {undecodable}:1: not UTF-8 text (byte 0xff)",
    ]
    assert "over-apology" in out.out and "internal error" not in out.err


def test_shipped_rules_pass_the_regex_check():
    rules, signals = load_all()
    assert rules and signals


def test_a_fifo_template_is_named_as_not_a_regular_file(tmp_path):
    import os

    from apologylint.drafts import DraftError
    from apologylint.drafts.render import Renderer
    from apologylint.ruleset import data_dir

    shipped = data_dir("templates")
    for f in shipped.iterdir():
        if f.is_file():
            (tmp_path / f.name).write_bytes(f.read_bytes())
    name = next(f.name for f in shipped.iterdir() if f.suffix == ".j2" and not f.name.startswith("_"))
    (tmp_path / name).unlink()
    os.mkfifo(tmp_path / name)
    with pytest.raises(DraftError, match="not a regular file"):
        Renderer([tmp_path]).env.get_template(name)
