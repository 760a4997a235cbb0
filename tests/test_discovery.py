"""Configuration discovery (issue 19): which file configures which input, `extend`, per-file
ignores, the team's vocabulary, strict one-line errors, and `apologylint config`."""
from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from apologylint import Config, Linter
from apologylint.cli import main
from apologylint.discovery import ConfigError, Resolver, find_config, load_settings, settings_for

BAD = "As I said in my last email, you should have ordered earlier. Calm down.\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def rules_in(out: str) -> list[tuple[str, str]]:
    """(file, rule) of each finding line of the text output."""
    found = []
    for line in out.splitlines():
        parts = line.split(" ")
        if len(parts) > 2 and parts[0].count(":") >= 3 and parts[1].startswith("AL"):
            found.append((parts[0].rsplit(":", 3)[0], parts[1]))
    return found


def lint(capsys, *argv: str, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode()), encoding="utf-8"))
    code = main([*argv, "--color", "never", "-q"] if argv and argv[0] not in ("config",) else list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- which file applies ----------------------------------------------------------------------------
def test_the_nearest_file_wins(tmp_path):
    root = write(tmp_path / "pyproject.toml", '[tool.apologylint]\nfail-on = "error"\n')
    sub = write(tmp_path / "team" / ".apologylint.toml", 'fail-on = "info"\n')
    deep = tmp_path / "team" / "replies" / "x.txt"
    assert settings_for(deep).config.fail_on == "info"
    assert settings_for(deep).sources == [sub]
    assert settings_for(tmp_path / "y.txt").sources == [root]
    assert settings_for(tmp_path / "y.txt").config.fail_on == "error"
    assert find_config(tmp_path / "team") == sub  # a folder is searched from itself


def test_a_pyproject_without_the_table_is_skipped(tmp_path):
    root = write(tmp_path / ".apologylint.toml", 'ignore = ["hedging"]\n')
    write(tmp_path / "pkg" / "pyproject.toml", '[project]\nname = "pkg"\n[tool.ruff]\nline-length = 100\n')
    settings = settings_for(tmp_path / "pkg" / "draft.txt")
    assert settings.sources == [root]
    assert settings.config.ignore == ["hedging"]


def test_dot_file_wins_over_pyproject_in_one_folder(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.apologylint]\nfail-on = "error"\n')
    dot = write(tmp_path / ".apologylint.toml", 'fail-on = "info"\n')
    assert settings_for(tmp_path / "a.txt").sources == [dot]


def test_no_file_means_the_defaults(tmp_path):
    settings = settings_for(tmp_path / "a.txt")
    assert settings.sources == [] and settings.config == Config()


def test_config_flag_overrides_discovery_and_isolated_reads_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / ".apologylint.toml", 'select = ["AL304"]\n')
    other = write(tmp_path / "elsewhere" / "other.toml", 'select = ["AL302"]\n')
    draft = write(tmp_path / "d.txt", BAD)
    code, out, _ = lint(capsys, str(draft))
    assert code == 1 and [r for _, r in rules_in(out)] == ["AL304"]
    code, out, _ = lint(capsys, str(draft), "--config", str(other))
    assert code == 1 and [r for _, r in rules_in(out)] == ["AL302"]
    code, out, _ = lint(capsys, str(draft), "--isolated")
    assert {"AL301", "AL302", "AL304"} <= {r for _, r in rules_in(out)}
    code, _, err = lint(capsys, str(draft), "--isolated", "--config", str(other))
    assert code == 2 and "--isolated" in err and len(err.strip().splitlines()) == 1


def test_stdin_uses_the_working_directory(tmp_path, capsys, monkeypatch):
    write(tmp_path / "a" / ".apologylint.toml", 'select = ["AL302"]\n')
    write(tmp_path / "b" / ".apologylint.toml", 'select = ["AL304"]\n')
    monkeypatch.chdir(tmp_path / "a")
    code, out, _ = lint(capsys, "-", stdin=BAD, monkeypatch=monkeypatch)
    assert code == 1 and [r for _, r in rules_in(out)] == ["AL302"]
    monkeypatch.chdir(tmp_path / "b")
    code, out, _ = lint(capsys, "-", stdin=BAD, monkeypatch=monkeypatch)
    assert [r for _, r in rules_in(out)] == ["AL304"]


def test_files_in_one_run_use_their_own_configs_in_input_order(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "a" / ".apologylint.toml", 'select = ["AL302"]\n')
    write(tmp_path / "b" / ".apologylint.toml", 'select = ["AL304"]\n')
    files = [write(tmp_path / d / f"{n}.txt", BAD) for n, d in enumerate(["b", "a", "b", "a"])]
    code, out, _ = lint(capsys, *map(str, files))
    got = rules_in(out)
    assert code == 1
    assert got == [(str(f), "AL304" if f.parent.name == "b" else "AL302") for f in files]


def test_linters_are_shared_by_files_of_one_config(tmp_path, monkeypatch):
    import argparse

    from apologylint.cli.common import Configs

    write(tmp_path / "a" / ".apologylint.toml", 'select = ["AL302"]\n')
    write(tmp_path / "b" / ".apologylint.toml", 'select = ["AL302"]\n')  # same settings, another file
    write(tmp_path / "c" / ".apologylint.toml", 'select = ["AL304"]\n')
    args = argparse.Namespace(config=None, isolated=False)
    configs = Configs(args)
    la, la2, lb, lc = (configs.linter(str(tmp_path / d / "x.txt")) for d in ("a", "a", "b", "c"))
    assert la is la2 and la is lb and la is not lc


# -- extend -----------------------------------------------------------------------------------------
def test_extend_chain_merges_and_resolves_paths_against_each_file(tmp_path):
    base = write(tmp_path / "style" / "base.toml", 'fail-on = "error"\nignore = ["hedging"]\nrule-paths = ["packs"]\n'
                 '[rules.AL101]\nmax = 3\nseverity = "info"\n')
    mid = write(tmp_path / "team" / "mid.toml", 'extend = "../style/base.toml"\nextend-select = ["AL301"]\n[rules.AL101]\nmax = 2\n')
    top = write(tmp_path / "team" / "replies" / ".apologylint.toml", 'extend = "../mid.toml"\nselect = ["defensive"]\nextend-select = ["AL990"]\n')
    settings = settings_for(tmp_path / "team" / "replies" / "r.txt")
    assert settings.sources == [top, mid, base]
    cfg = settings.config
    assert cfg.fail_on == "error" and cfg.ignore == ["hedging"]
    assert cfg.rule_paths == [tmp_path / "style" / "packs"]  # relative to base.toml, not to the file that extends it
    assert cfg.rules == {"AL101": {"max": 2, "severity": "info"}}
    assert cfg.select == ["defensive"] and cfg.extend_select == ["AL301", "AL990"]
    assert cfg.effective_select == ["defensive", "AL301", "AL990"]


def test_extend_cycle_is_an_error_naming_the_files(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / ".apologylint.toml", 'extend = "b.toml"\n')
    write(tmp_path / "b.toml", 'extend = "c.toml"\n')
    write(tmp_path / "c.toml", 'extend = ".apologylint.toml"\n')
    with pytest.raises(ConfigError, match=r"cycle: \.apologylint\.toml -> b\.toml -> c\.toml -> \.apologylint\.toml"):
        settings_for(tmp_path / "x.txt")
    draft = write(tmp_path / "x.txt", BAD)
    code, out, err = lint(capsys, str(draft))
    assert code == 2 and out == ""
    assert err.startswith("apologylint: c.toml: extend: ") and "cycle" in err and len(err.strip().splitlines()) == 1


def test_extend_of_a_missing_file_names_both(tmp_path):
    write(tmp_path / ".apologylint.toml", 'extend = "nope.toml"\n')
    with pytest.raises(ConfigError) as exc:
        load_settings(tmp_path / ".apologylint.toml")
    assert "extend" in str(exc.value) and "nope.toml" in str(exc.value) and ".apologylint.toml" in str(exc.value)


def test_extend_select_adds_to_select(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / ".apologylint.toml", 'select = ["AL302"]\nextend-select = ["AL304"]\n')
    draft = write(tmp_path / "d.txt", BAD)
    code, out, _ = lint(capsys, str(draft))
    assert sorted(r for _, r in rules_in(out)) == ["AL302", "AL304"]
    code, out, _ = lint(capsys, str(draft), "--extend-select", "AL301")
    assert sorted(r for _, r in rules_in(out)) == ["AL301", "AL302", "AL304"]


# -- per-file-ignores -------------------------------------------------------------------------------
def test_per_file_ignores_globs_are_relative_to_the_config(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "team" / ".apologylint.toml",
          'select = ["AL301", "AL302", "AL304"]\n[per-file-ignores]\n"replies/*.txt" = ["AL302"]\n"legacy/**" = ["defensive"]\n'
          '"*.md" = ["telling-how-to-feel"]\n')
    plain = write(tmp_path / "team" / "replies" / "a.txt", BAD)
    nested = write(tmp_path / "team" / "replies" / "old" / "b.txt", BAD)  # '*' stays in one folder
    legacy = write(tmp_path / "team" / "legacy" / "deep" / "c.txt", BAD)
    md = write(tmp_path / "team" / "anywhere" / "d.md", BAD)  # no '/': matches the file name
    code, out, _ = lint(capsys, *map(str, (plain, nested, legacy, md)))
    by_file: dict[str, set[str]] = {}
    for f, rule in rules_in(out):
        by_file.setdefault(f, set()).add(rule)
    assert by_file[str(plain)] == {"AL301", "AL304"}
    assert by_file[str(nested)] == {"AL301", "AL302", "AL304"}
    assert str(legacy) not in by_file
    assert by_file[str(md)] == {"AL301", "AL302"}
    cfg = settings_for(plain).config
    assert cfg.ignores_for(plain) == ["AL302"] and cfg.ignores_for(nested) == []


def test_per_file_ignores_naming_no_rule_is_an_error_naming_the_file(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "pyproject.toml", '[tool.apologylint.per-file-ignores]\n"*.txt" = ["AL3O2"]\n')
    draft = write(tmp_path / "d.txt", BAD)
    code, _, err = lint(capsys, str(draft))
    assert code == 2 and err.startswith("apologylint: pyproject.toml: [tool.apologylint] per-file-ignores") and "AL3O2" in err


# -- every key, both spellings ----------------------------------------------------------------------
KEYS = [
    ("model", "model", '"en_core_web_sm"', "en_core_web_sm"),
    ("fail-on", "fail_on", '"error"', "error"),
    ("select", "select", '["excuse"]', ["excuse"]),
    ("extend-select", "extend_select", '["AL990"]', ["AL990"]),
    ("ignore", "ignore", '["hedging"]', ["hedging"]),
    ("batch-size", "batch_size", "8", 8),
    ("allow-words", "allow_words", '["Just Eat"]', ["Just Eat"]),
    ("hash-comments", "hash_comments", "true", True),
    ("report-unused-suppressions", "report_unused_suppressions", "true", True),
]


@pytest.mark.parametrize("spelling", ["kebab", "snake"])
@pytest.mark.parametrize("kebab, snake, toml, expected", KEYS)
def test_every_key_in_either_spelling(tmp_path, spelling, kebab, snake, toml, expected):
    key = kebab if spelling == "kebab" else snake
    write(tmp_path / ".apologylint.toml", f"{key} = {toml}\n")
    cfg = settings_for(tmp_path / "a.txt").config
    value = getattr(cfg, snake)
    assert (value.value if hasattr(value, "value") else value) == expected


@pytest.mark.parametrize("spelling", ["rule-paths", "rule_paths", "template-paths", "template_paths"])
def test_path_keys_in_either_spelling_are_relative_to_the_file(tmp_path, spelling):
    write(tmp_path / "cfg" / ".apologylint.toml", f'{spelling} = ["x"]\n')
    cfg = settings_for(tmp_path / "cfg" / "a.txt").config
    assert getattr(cfg, spelling.replace("-", "_")) == [tmp_path / "cfg" / "x"]


@pytest.mark.parametrize("table", ["per-file-ignores", "per_file_ignores"])
def test_table_keys_in_either_spelling(tmp_path, table):
    write(tmp_path / ".apologylint.toml", f'[{table}]\n"*.md" = ["AL302"]\n[rules.hedge-words]\nseverity = "warning"\n'
          '[[flag-phrases]]\nphrase = "circle back"\n')
    cfg = settings_for(tmp_path / "a.txt").config
    assert cfg.per_file_ignores == {"*.md": ["AL302"]}
    assert cfg.rules == {"hedge-words": {"severity": "warning"}}  # rule names keep their dashes
    assert [p.phrase for p in cfg.flag_phrases] == ["circle back"]


def test_both_spellings_of_one_key_is_an_error(tmp_path):
    write(tmp_path / ".apologylint.toml", 'fail-on = "error"\nfail_on = "info"\n')
    with pytest.raises(ConfigError, match="fail_on.*fail-on|fail-on.*fail_on"):
        settings_for(tmp_path / "a.txt")


def test_yaml_and_json_configs_by_name(tmp_path):
    y = write(tmp_path / "c.yaml", "fail-on: error\nallow-words: [Just Eat]\n")
    j = write(tmp_path / "c.json", '{"fail_on": "info", "extend": "c.yaml"}')
    cfg = load_settings(j).config
    assert cfg.fail_on == "info" and cfg.allow_words == ["Just Eat"]
    assert Config.from_file(y).fail_on == "error"


# -- strict validation ------------------------------------------------------------------------------
def test_unknown_key_is_one_line_naming_file_and_key(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "pyproject.toml", '[tool.apologylint]\nslect = ["AL302"]\n')
    draft = write(tmp_path / "d.txt", BAD)
    code, out, err = lint(capsys, str(draft))
    assert code == 2 and out == ""
    assert err == "apologylint: pyproject.toml: [tool.apologylint] unknown key 'slect'\n"


@pytest.mark.parametrize("line, key", [
    ('fail-on = "fatal"', "fail-on"),
    ("batch_size = 0", "batch_size"),
    ("select = 3", "select"),
    ('extend = ["a"]', "extend"),
    ('rule-paths = "packs"', "rule-paths"),
    ('flag-phrases = [{phrase = "x", colour = "red"}]', "flag-phrases"),
    ('allow-words = ["..."]', "allow-words"),
    ("hash-comments = 2", "hash-comments"),
])
def test_bad_value_is_one_line_naming_file_and_key(tmp_path, capsys, monkeypatch, line, key):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "sub" / ".apologylint.toml", line + "\n")
    draft = write(tmp_path / "sub" / "d.txt", BAD)
    code, out, err = lint(capsys, str(draft))
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    assert lines[0].startswith(f"apologylint: {Path('sub', '.apologylint.toml')}: {key}")


def test_rule_names_in_a_file_are_checked_and_the_file_named(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / ".apologylint.toml", 'ignore = ["hedgeing"]\n')
    draft = write(tmp_path / "d.txt", BAD)
    code, _, err = lint(capsys, str(draft))
    assert code == 2 and err.startswith("apologylint: .apologylint.toml: ") and "hedgeing" in err


def test_malformed_pyproject_on_the_way_up_is_an_error(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.apologylint\n")
    from apologylint.safeload import DataFileError

    with pytest.raises(DataFileError, match="pyproject.toml"):
        settings_for(tmp_path / "a.txt")


# -- apologylint config -----------------------------------------------------------------------------
def test_config_command_shows_settings_and_their_chain(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "base.toml", 'fail-on = "error"\n[per-file-ignores]\n"*.md" = ["AL302"]\n')
    write(tmp_path / "team" / ".apologylint.toml", 'extend = "../base.toml"\nallow-words = ["Just Eat"]\n')
    code, out, err = lint(capsys, "config", str(Path("team") / "reply.md"))
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[1] == f"# from: {Path('team', '.apologylint.toml')}"
    assert lines[2] == "#   which extends base.toml"
    assert "# per-file-ignores for this file: AL302" in lines
    assert 'fail-on = "error"' in lines and 'allow-words = ["Just Eat"]' in lines
    # the output is TOML a team could paste
    import tomllib

    assert tomllib.loads(out)["fail-on"] == "error"

    code, out, _ = lint(capsys, "config", "team", "--format", "json")
    data = json.loads(out)
    assert data["sources"] == [str(Path("team", ".apologylint.toml")), "base.toml"]
    assert data["settings"]["allow-words"] == ["Just Eat"]


def test_config_command_for_the_working_directory_and_isolated(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / ".apologylint.toml", 'fail-on = "info"\n')
    code, out, _ = lint(capsys, "config")
    assert code == 0 and "# from: .apologylint.toml" in out and 'fail-on = "info"' in out
    code, out, _ = lint(capsys, "config", "--isolated")
    assert "--isolated" in out and 'fail-on = "warning"' in out
    code, out, _ = lint(capsys, "config", "--fail-on", "error")
    assert 'fail-on = "error"' in out  # the flags are shown on top


def test_config_command_reports_a_bad_file_in_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / ".apologylint.toml", 'slect = ["x"]\n')
    code, out, err = lint(capsys, "config")
    assert code == 2 and out == "" and err == "apologylint: .apologylint.toml: unknown key 'slect'\n"


def test_show_settings_on_the_lint_command(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "r" / ".apologylint.toml", 'fail-on = "info"\n')
    code = main(["--show-settings", str(Path("r") / "x.txt")])
    out = capsys.readouterr().out
    assert code == 0 and f"# from: {Path('r', '.apologylint.toml')}" in out


def test_config_command_does_not_import_spacy(tmp_path):
    import subprocess

    write(tmp_path / ".apologylint.toml", 'fail-on = "info"\n')
    code = ("import sys; from apologylint.cli import main; rc = main(['config']); "
            "sys.exit(3 if 'spacy' in sys.modules else rc)")
    import os

    import apologylint

    env = {**os.environ, "PYTHONPATH": str(Path(apologylint.__file__).resolve().parents[1])}  # this checkout, from any folder
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, timeout=60, env=env)
    assert proc.returncode == 0, proc.stderr.decode()


def test_resolver_walks_each_folder_once(tmp_path, monkeypatch):
    write(tmp_path / ".apologylint.toml", "")
    resolver = Resolver()
    calls = []
    real = resolver._in_folder
    monkeypatch.setattr(resolver, "_in_folder", lambda folder: calls.append(folder) or real(folder))
    for name in ("a.txt", "b.txt", "c.txt"):
        resolver.settings_for(tmp_path / "x" / "y" / name)
    assert len(calls) == len(set(calls)) == 3  # y, x, tmp_path


# -- the team's vocabulary --------------------------------------------------------------------------
def test_allow_words_drop_findings_inside_them_only(linter):
    text = "Your Actually Good Coffee order ships on Monday. Your order actually ships on Monday."
    plain = [(f.rule, f.start) for f in linter.lint(text).findings if f.rule == "AL701"]
    brand, word = text.find("Actually"), text.find("actually")
    assert plain == [("AL701", brand), ("AL701", word)]
    allowed = Linter(Config(allow_words=["Actually Good Coffee"]))
    assert [(f.rule, f.start) for f in allowed.lint(text).findings if f.rule == "AL701"] == [("AL701", word)]


def test_flag_phrases(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / ".apologylint.toml",
          'flag-phrases = ["we\'re unable", "rebate", {phrase = "circle back", severity = "error", message = "Say when instead of {phrase}"}]\n')
    text = "Thanks for writing. We\u2019re  unable to refund. Let\u2019s CIRCLE BACK next week. The rebated price stays. A rebate follows.\n"
    write(tmp_path / "d.txt", text)
    code, out, _ = lint(capsys, "d.txt", "--select", "AL990")
    lines = [line for line in out.splitlines() if " AL990 " in line]
    col = lambda needle: text.find(needle) + 1  # noqa: E731
    assert lines == [
        f"d.txt:1:{col('We')}: AL990 warning Team phrase: 'we're unable' is on the team's list of phrases not to send",
        f"d.txt:1:{col('CIRCLE')}: AL990 error Say when instead of circle back",
        f"d.txt:1:{col('rebate follows')}: AL990 warning Team phrase: 'rebate' is on the team's list of phrases not to send",
    ]
    assert code == 1
    # a rule like any other: ignored by id or name, and silenced by a comment
    code, out, _ = lint(capsys, "d.txt", "--ignore", "team-phrase")
    assert " AL990 " not in out


def test_flag_phrases_through_the_api_and_select(linter):
    text = "Per my last email, the invoice is attached."
    team = Linter(Config(flag_phrases=[{"phrase": "invoice is attached", "severity": "info"}]))
    hits = [f for f in team.lint(text).findings if f.rule == "AL990"]
    assert [(f.start, f.end, f.excerpt, f.severity.value) for f in hits] == [
        (text.find("invoice"), text.find("invoice") + len("invoice is attached"), "invoice is attached", "info")]
    # not selected: no team phrase (select names what runs, as in ruff)
    only = Linter(Config(select=["AL302"], flag_phrases=["invoice is attached"]))
    assert {f.rule for f in only.lint(text).findings} == {"AL302"}
    extended = Linter(Config(select=["AL302"], extend_select=["team-phrase"], flag_phrases=["invoice is attached"]))
    assert {f.rule for f in extended.lint(text).findings} == {"AL302", "AL990"}


def test_several_configs_in_one_sarif_log(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "a" / ".apologylint.toml", 'select = ["AL302"]\n')
    write(tmp_path / "b" / ".apologylint.toml", 'select = ["AL304"]\n')
    files = [write(tmp_path / d / "r.txt", BAD) for d in ("a", "b")]
    code = main([*map(str, files), "--format", "sarif"])
    log = json.loads(capsys.readouterr().out)
    (run,) = log["runs"]
    assert code == 1
    assert [r["ruleId"] for r in run["results"]] == ["AL302", "AL304"]
    ids = {d["id"] for d in run["tool"]["driver"]["rules"]}
    assert {"AL302", "AL304"} <= ids
