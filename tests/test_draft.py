"""Drafts from scenario templates: the catalog, the context models, rendering, the CLI."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap

import pytest

import apologylint
from apologylint.cli import main
from apologylint.drafts import DraftError, renderer
from apologylint.drafts.render import Trace, tidy, when

REQUIRED_SCENARIOS = {
    "missed-deadline", "poor-quality-deliverable", "late-delivery", "wrong-item", "billing-error",
    "service-outage", "unanswered-message", "rude-staff", "long-wait", "customer-mistake",
    "no-fault-complaint", "general",
}
R = renderer()
CATALOG = R.catalog
SENTENCE_END = re.compile(r"[.!?](?=\s|$)")


def minimal(name: str) -> dict:
    """The example context with only the required fields."""
    sc = CATALOG[name]
    return {k: v for k, v in sc.example.items() if k in sc.required}


def sentences(text: str) -> int:
    return len(SENTENCE_END.findall(text)) + (0 if SENTENCE_END.search(text.rstrip()[-1:]) else 1)


def layout_problems(text: str) -> list[str]:
    """What an optional part that rendered empty could leave behind."""
    checks = {
        "double space": "  " in text,
        "space before punctuation": re.search(r" [,.;:!?]", text),
        "doubled punctuation": re.search(r"[,;:]\s*[.!?]|\.\.(?!\.)|,,", text),
        "three newlines": "\n\n\n" in text,
        "leading or trailing blank": text != text.strip(),
        "None": re.search(r"\bNone\b", text),
        "unrendered Jinja": "{{" in text or "{%" in text,
        "placeholder": "[[" in text,
        "empty parentheses": "()" in text,
        "line with only whitespace": re.search(r"\n[ \t]+\n", text),
    }
    return [k for k, bad in checks.items() if bad]


# -- the catalog ---------------------------------------------------------------------------------

def user_scenario(folder, field: str, example: str) -> None:
    """A user's scenarios.yaml with one scenario, `refund-sent`, whose field line and example vary."""
    (folder / "scenarios.yaml").write_text(textwrap.dedent(f"""\
        scenarios:
          refund-sent:
            description: A refund went out.
            fields:
              {field}
            customer_message: "Where is my refund?"
            example: {example}
        """), encoding="utf-8")

def test_every_required_scenario_is_shipped_with_a_description():
    listed = apologylint.scenarios()
    assert REQUIRED_SCENARIOS <= set(listed)
    assert all(desc and "\n" not in desc for desc in listed.values())


@pytest.mark.parametrize("name", sorted(REQUIRED_SCENARIOS))
def test_example_context_and_customer_message(name):
    sc = CATALOG[name]
    assert sc.customer_message.strip()
    assert "customer_name" in sc.required
    assert set(sc.required) <= set(sc.example)
    assert sc.validate_context(sc.example).channel == "email"


def test_a_typo_in_a_users_scenario_file_names_the_file_and_the_key(tmp_path):
    user_scenario(tmp_path, 'amount: {kind: phrase, requried: true, help: "how much"}', '{customer_name: Ann, amount: "£5"}')
    with pytest.raises(DraftError) as exc:
        renderer([tmp_path])
    assert "scenarios.yaml" in str(exc.value) and "requried" in str(exc.value)


def test_an_invalid_example_is_caught_when_the_catalog_loads(tmp_path):
    user_scenario(tmp_path, 'link: {kind: link, required: true, help: "the receipt"}', '{customer_name: Ann, link: "not a link"}')
    with pytest.raises(DraftError, match=r"refund-sent\.example: field 'link' must be a link"):
        renderer([tmp_path])


# -- context validation --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "change, message",
    [
        ({"new_date": None}, r"missing field 'new_date': when it will now arrive"),
        ({"customer_name": "   "}, r"field 'customer_name' must not be empty"),
        ({"colour": "blue"}, r"unknown field 'colour'"),
        ({"tracking_link": "see website"}, r"field 'tracking_link' must be a link"),
        ({"order_number": "order 4471"}, r"field 'order_number' must be one reference"),
        ({"channel": "sms"}, r"field 'channel'"),
        ({"item": ["kettle"]}, r"field 'item' must be text"),
    ],
)
def test_validation_errors_name_the_field(change, message):
    ctx = {**minimal("late-delivery"), **change}
    ctx = {k: v for k, v in ctx.items() if v is not None}
    with pytest.raises(DraftError, match=message) as exc:
        apologylint.draft("late-delivery", **ctx)
    assert "\n" not in str(exc.value) and str(exc.value).startswith("late-delivery: ")


def test_unknown_scenario_suggests_the_closest_name():
    with pytest.raises(DraftError, match="did you mean 'late-delivery'"):
        apologylint.draft("late-delivry", customer_name="Zoë")


def test_values_are_normalised_to_fit_their_sentence():
    text = apologylint.draft(
        "general", seed=0, customer_name=" Zoë ", agent_name="Kim",
        issue="Your account was locked after the update.", fix="I've unlocked your account.",
        next_step="We'll check tomorrow that everything works.",
    )
    assert "sorry your account was locked after the update." in text
    assert "I've I've" not in text and "I'll We'll" not in text and "I've I" not in text
    assert "unlocked your account." in text and "check tomorrow that everything works." in text
    assert layout_problems(text) == []


# -- rendering -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(REQUIRED_SCENARIOS))
@pytest.mark.parametrize("channel", ["email", "chat"])
def test_example_and_minimal_contexts_render_cleanly(name, channel):
    sc = CATALOG[name]
    for ctx in (sc.example, minimal(name)):
        text = apologylint.draft(name, seed=7, channel=channel, **ctx)
        assert layout_problems(text) == [], text
        assert ctx["customer_name"] in text.splitlines()[0]
        if channel == "chat":
            assert "\n" not in text
            assert 2 <= sentences(text) <= 4, text  # apology, owning it (a serious failure needs it: AL1001), next step, one detail
        else:
            paragraphs = text.split("\n\n")
            assert re.match(r"^(Hi|Hello|Dear) .+,$", paragraphs[0])
            assert len(paragraphs) >= 3
            if ctx.get("agent_name"):
                assert ctx["agent_name"] in paragraphs[-1].splitlines()


@pytest.mark.parametrize("name", sorted(REQUIRED_SCENARIOS))
def test_optional_fields_leave_no_trace_when_absent(name):
    sc = CATALOG[name]
    full = apologylint.draft(name, seed=3, **sc.example)
    bare = apologylint.draft(name, seed=3, **minimal(name))
    for field, value in sc.example.items():
        if field not in sc.required and field != "agent_name":
            assert str(value) not in bare, (field, bare)
    assert len(bare) < len(full)


def test_same_seed_same_reply_and_seeds_vary_the_wording():
    ctx = CATALOG["late-delivery"].example
    assert apologylint.draft("late-delivery", seed=5, **ctx) == apologylint.draft("late-delivery", seed=5, **ctx)
    variants = {apologylint.draft("late-delivery", seed=s, **ctx) for s in range(12)}
    assert len(variants) >= 6


def test_without_a_seed_the_wording_follows_the_context():
    ctx = dict(CATALOG["general"].example)
    first = apologylint.draft("general", **ctx)
    assert apologylint.draft("general", **ctx) == first
    others = {apologylint.draft("general", **{**ctx, "customer_name": n}) for n in ("Ann", "Bo", "Cy", "Di", "Ed", "Flo")}
    assert len({re.sub(r"^\w+ \w+,", "", t) for t in others}) > 1


def test_every_part_offers_several_wordings():
    counts: dict[str, int] = {}
    for name, sc in CATALOG.items():
        trace = Trace()
        R.render(name, sc.example, seed=0, trace=trace)
        for key, _, n in trace.picks:
            counts[key] = max(counts.get(key, 0), n)
    for part in ("greeting", "apology", "ownership", "empathy", "fix", "amends", "thanks", "sign-off", "next-step"):
        assert counts.get(part, 0) >= 3, (part, counts)


def wordings(name: str, channel: str, ctx: dict, limit: int = 80) -> list[str]:
    """A few renders that, between them, choose every option of every pick at least once
    (greedy set cover over the first `limit` seeds)."""
    candidates: dict[str, set[tuple[str, int]]] = {}
    sizes: dict[str, int] = {}
    for seed in range(limit):
        trace = Trace()
        text = R.render(name, {**ctx, "channel": channel}, seed=seed, trace=trace)
        candidates[text] = {(key, i) for key, i, _ in trace.picks}
        sizes.update({key: n for key, _, n in trace.picks})
    wanted = {(key, i) for key, n in sizes.items() for i in range(n)}
    uncovered = wanted - set().union(*candidates.values())
    assert not uncovered, f"{name}/{channel}: wordings never chosen in {limit} seeds: {sorted(uncovered)}"
    chosen: list[str] = []
    while wanted:
        best = max(candidates, key=lambda t: len(candidates[t] & wanted))
        chosen.append(best)
        wanted -= candidates.pop(best)
    return chosen


def test_every_wording_of_every_scenario_lints_clean(linter):
    """Exhaustive over wordings (the property test samples contexts; this covers every option):
    no finding at warning or above, one apology exactly where the scenario calls for one, and
    empathy and a next step in every reply."""
    items = []
    for name, sc in CATALOG.items():
        for channel in ("email", "chat"):
            for ctx in (sc.example, minimal(name)):
                items += [(sc, t) for t in wordings(name, channel, ctx)]
    reports = linter.lint_many([(t, sc.customer_message) for sc, t in items])
    failures = []
    for (sc, text), rep in zip(items, reports):
        bad = [f"{f.rule} {f.excerpt!r}" for f in rep.findings if f.severity.rank >= 1]
        if rep.counts.apologies != (1 if sc.apologize else 0):
            bad.append(f"{rep.counts.apologies} apologies")
        if not (rep.counts.empathy and rep.counts.next_steps):
            bad.append(f"counts {rep.counts}")
        if bad:
            failures.append((sc.name, bad, text))
    assert not failures, failures[:3]
    assert len(items) > 100


def test_html_output_escapes_the_fields_and_text_output_does_not():
    ctx = {**minimal("late-delivery"), "customer_name": "<script>alert(1)</script> & Zoë"}
    html = apologylint.draft("late-delivery", seed=1, format="html", **ctx)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Zoë" in html
    assert html.count("<p>") >= 4
    text = apologylint.draft("late-delivery", seed=1, **ctx)
    assert "<script>alert(1)</script> & Zoë" in text


def test_when_filter():
    assert when("Friday") == "on Friday"
    assert when("Thursday 14 March") == "on Thursday 14 March"
    assert when("tomorrow") == "tomorrow"
    assert when("by the end of the week") == "by the end of the week"
    assert when("the end of the week") == "by the end of the week"
    assert when("within 5 working days") == "within 5 working days"
    assert when("5 pm today") == "at 5 pm today"
    assert when("[[new delivery date]]") == "on [[new delivery date]]"
    assert when("Friday", "by") == "by Friday"


def test_tidy_removes_what_empty_parts_leave():
    assert tidy("Hi Ann,\n\n  I'm sorry .  \n\n \n\nThanks ,\nKim\n") == "Hi Ann,\n\nI'm sorry.\n\nThanks,\nKim"


# -- user templates ------------------------------------------------------------------------------
def test_a_user_template_overrides_the_shipped_one_by_name(tmp_path):
    (tmp_path / "late-delivery.j2").write_text(
        '{% extends "_layout.j2" %}{% block apology %}I\'m sorry your {{ item }} is late, {{ customer_name }}.{% endblock %}'
        '{% block next_step %}It arrives {{ new_date|when }}.{% endblock %}', encoding="utf-8")
    text = apologylint.draft("late-delivery", templates=[tmp_path], seed=0, **minimal("late-delivery"))
    assert "I'm sorry your blue kettle is late, Zoë." in text
    assert "It arrives on Thursday 14 March." in text
    # the shipped template is untouched for everyone else
    assert "is late, Zoë" not in apologylint.draft("late-delivery", seed=0, **minimal("late-delivery"))


def test_a_user_folder_adds_a_scenario(tmp_path):
    user_scenario(tmp_path, 'amount: {kind: phrase, required: true, help: "how much"}', '{customer_name: Ann, amount: "£5"}')
    (tmp_path / "refund-sent.j2").write_text(
        '{% extends "_layout.j2" %}{% block next_step %}Your refund of {{ amount }} is on its way.{% endblock %}', encoding="utf-8")
    assert "refund-sent" in apologylint.scenarios([tmp_path])
    assert "late-delivery" in apologylint.scenarios([tmp_path])
    assert "Your refund of £5 is on its way." in apologylint.draft("refund-sent", templates=[tmp_path], customer_name="Ann", amount="£5")


@pytest.mark.parametrize(
    "body, message",
    [
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "template error"),
        ("{{ no_such_variable }}", "no_such_variable"),
        ("{% if %}", "template error"),
    ],
)
def test_user_templates_run_sandboxed_and_strict(tmp_path, body, message):
    (tmp_path / "general.j2").write_text(body, encoding="utf-8")
    with pytest.raises(DraftError, match=message):
        apologylint.draft("general", templates=[tmp_path], **minimal("general"))


# -- the CLI -------------------------------------------------------------------------------------
def test_cli_list_prints_name_then_description(capsys):
    assert main(["draft", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert {line.split()[0] for line in lines} == set(CATALOG)
    assert all(len(line.split(None, 1)) == 2 for line in lines)


def test_cli_list_does_not_import_spacy():
    code = ("import sys; from apologylint.cli import main; main(['draft', '--list']); "
            "assert 'spacy' not in sys.modules, 'spacy imported by --list'; print('=====');"
            "main(['draft', '--scenario', 'general', '--example']); "
            "assert 'spacy' not in sys.modules, 'spacy imported by a render'")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={"PYTHONHASHSEED": "123"})
    assert proc.returncode == 0, proc.stderr
    listing, rendered = proc.stdout.split("=====\n")
    assert "general" in listing
    # the default seed does not depend on Python's hash randomisation
    assert rendered.strip() == apologylint.draft("general", **CATALOG["general"].example)


def test_cli_renders_with_set_context_file_channel_and_seed(tmp_path, capsys):
    ctx = tmp_path / "ctx.yaml"
    ctx.write_text("customer_name: Zoë\nitem: blue kettle\nnew_date: Friday\n", encoding="utf-8")
    assert main(["draft", "--scenario", "late-delivery", "--context", str(ctx), "--set", "item=red kettle", "--seed", "2"]) == 0
    out = capsys.readouterr().out
    assert out.strip() == apologylint.draft("late-delivery", seed=2, customer_name="Zoë", item="red kettle", new_date="Friday")
    js = tmp_path / "ctx.json"
    js.write_text(json.dumps({"customer_name": "Zoë", "item": "lamp", "new_date": "Friday"}), encoding="utf-8")
    assert main(["draft", "--scenario", "late-delivery", "--context", str(js), "--channel", "chat"]) == 0
    out = capsys.readouterr().out.strip()
    assert "\n" not in out and "lamp" in out


def test_cli_example(capsys):
    assert main(["draft", "--scenario", "billing-error", "--example", "--seed", "0"]) == 0
    assert capsys.readouterr().out.strip() == apologylint.draft("billing-error", seed=0, **CATALOG["billing-error"].example)


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["draft", "--scenario", "nope"], "unknown scenario 'nope'"),
        (["draft", "--scenario", "late-delivery", "--set", "customer_name=Zoë"], "missing field 'item'"),
        (["draft", "--scenario", "late-delivery", "--example", "--set", "tracking_link=later"], "field 'tracking_link'"),
        (["draft", "--scenario", "late-delivery", "--set", "oops"], "expected KEY=VALUE"),
        (["draft", "--scenario", "late-delivery", "--context", "/no/such/file.yaml"], "no such file"),
        (["draft"], "--scenario"),
    ],
)
def test_cli_errors_are_one_line_and_exit_2(argv, fragment, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert fragment in err and err.count("\n") == 1 and "Traceback" not in err


def test_cli_bad_context_file(tmp_path, capsys):
    bad = tmp_path / "ctx.yaml"
    bad.write_text("customer_name: [unclosed\n", encoding="utf-8")
    assert main(["draft", "--scenario", "general", "--context", str(bad)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and err.count("\n") == 1
    bad.write_text("- a list\n", encoding="utf-8")
    assert main(["draft", "--scenario", "general", "--context", str(bad)]) == 2
    assert "mapping" in capsys.readouterr().err


def test_cli_fields_lists_required_and_optional(capsys):
    assert main(["draft", "--scenario", "wrong-item", "--fields"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^ordered\s+required", out, re.M) and re.search(r"^return_link\s+optional, link", out, re.M)


def test_a_users_html_template_autoescapes(tmp_path):
    (tmp_path / "scenarios.yaml").write_text(textwrap.dedent("""\
        scenarios:
          html-note:
            description: An HTML note.
            template: html-note.html.j2
            fields: {}
            customer_message: "Hello?"
            example: {customer_name: Ann}
        """), encoding="utf-8")
    (tmp_path / "html-note.html.j2").write_text("<p>Hi <b>{{ customer_name }}</b></p>", encoding="utf-8")
    assert apologylint.draft("html-note", templates=[tmp_path], customer_name="<i>Ann</i>") == "<p>Hi <b>&lt;i&gt;Ann&lt;/i&gt;</b></p>"


def test_config_template_paths_add_scenarios_to_the_draft_command(tmp_path, capsys):
    from apologylint.cli import main

    folder = tmp_path / "ours"
    folder.mkdir()
    user_scenario(folder, 'amount: {kind: phrase, required: true, help: "how much"}', '{customer_name: Ann, amount: "£5"}')
    (folder / "refund-sent.j2").write_text('{% extends "_layout.j2" %}{% block next_step %}Your refund is on its way.{% endblock %}', encoding="utf-8")
    cfg = tmp_path / "apologylint.toml"
    cfg.write_text('template_paths = ["ours"]\n', encoding="utf-8")  # relative to the config file
    assert main(["draft", "--list", "--config", str(cfg)]) == 0
    assert "refund-sent" in capsys.readouterr().out
    assert main(["draft", "--list"]) == 0
    assert "refund-sent" not in capsys.readouterr().out


def test_old_cue_fields_load_with_a_warning_that_they_do_nothing():
    from apologylint.drafts.catalog import ScenarioSpec

    base = {"description": "d", "fields": {}, "customer_message": "my order is late", "example": {}}
    with pytest.warns(DeprecationWarning, match="ignored"):
        ScenarioSpec(**base, cues=["late"])
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ScenarioSpec(**base)
