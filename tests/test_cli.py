"""The command line as users and CI meet it: output shape, exit codes, bad inputs."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest

from apologylint.cli import main

BAD = "As I said in my last email, you should have ordered earlier. Calm down.\n"
GOOD = "Sorry the mug arrived chipped! I've sent a replacement today; it arrives on Friday.\n"


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """The CLI in this process (the pipeline loads once for the whole module), captured as a
    subprocess result would be; `test_end_to_end_in_a_fresh_process` covers the real entry point."""
    out, err = io.StringIO(), io.StringIO()
    fake_stdin = io.TextIOWrapper(io.BytesIO(stdin or b""), encoding="utf-8")
    with mock.patch.object(sys, "stdout", out), mock.patch.object(sys, "stderr", err), mock.patch.object(sys, "stdin", fake_stdin):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse usage errors
            code = exc.code if isinstance(exc.code, int) else 2
    return subprocess.CompletedProcess(list(args), code, out.getvalue().encode(), err.getvalue().encode())


def test_end_to_end_in_a_fresh_process(tmp_path):
    draft = tmp_path / "draft.txt"
    draft.write_text(BAD, encoding="utf-8")
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run([sys.executable, "-m", "apologylint", str(draft)], capture_output=True, env=env, timeout=120)
    assert proc.returncode == 1
    assert f"{draft}:1:1: AL302 error" in proc.stdout.decode()


@pytest.fixture()
def drafts(tmp_path: Path) -> dict[str, Path]:
    files = {
        "bad": tmp_path / "bad.txt",
        "good": tmp_path / "good.txt",
        "empty": tmp_path / "empty.txt",
        "binary": tmp_path / "binary.txt",
        "latin1": tmp_path / "latin1.txt",
        "huge": tmp_path / "huge.txt",
    }
    files["bad"].write_text(BAD, encoding="utf-8")
    files["good"].write_text(GOOD, encoding="utf-8")
    files["empty"].write_text("  \n", encoding="utf-8")
    files["binary"].write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    files["latin1"].write_bytes("Désolé pour le retard, ça arrive demain.".encode("latin-1"))
    files["huge"].write_text("Thanks! " * 30_000, encoding="utf-8")
    return files


def test_findings_in_compiler_format_and_exit_1(drafts):
    proc = run(str(drafts["bad"]))
    out = proc.stdout.decode()
    assert proc.returncode == 1
    line = next(ln for ln in out.splitlines() if " AL302 " in ln)
    path, lineno, col, rest = line.split(":", 3)
    assert path == str(drafts["bad"]) and lineno == "1" and col == "1"
    assert rest.startswith(" AL302 error ")
    assert "\033[" not in out  # no colour when not a terminal


def test_clean_file_exits_0(drafts):
    proc = run(str(drafts["good"]))
    assert proc.returncode == 0, proc.stdout.decode()


def test_fail_on_error_ignores_warnings(drafts, tmp_path):
    warn_only = tmp_path / "warn.txt"
    warn_only.write_text("It's just a small delay; your parcel ships on Friday.\n", encoding="utf-8")
    assert run(str(warn_only)).returncode == 1
    assert run(str(warn_only), "--fail-on", "error").returncode == 0


@pytest.mark.parametrize("kind,needle", [("empty", "empty"), ("binary", "binary"), ("latin1", "UTF-8"), ("huge", "too large")])
def test_bad_input_is_one_line_and_exit_2_while_others_are_linted(drafts, kind, needle):
    proc = run(str(drafts[kind]), str(drafts["bad"]))
    err = proc.stderr.decode().strip().splitlines()
    assert proc.returncode == 2
    assert len(err) == 1 and needle in err[0] and "Traceback" not in proc.stderr.decode()
    assert " AL302 " in proc.stdout.decode()  # the good input was still linted
    alone = run(str(drafts[kind]))
    assert alone.returncode == 2 and len(alone.stderr.decode().strip().splitlines()) == 1 and not alone.stdout


def test_missing_file(drafts):
    proc = run(str(drafts["good"]) + ".nope", str(drafts["bad"]))
    assert proc.returncode == 2
    assert "no such file" in proc.stderr.decode()
    assert " AL302 " in proc.stdout.decode()


def test_stdin_and_in_reply_to(tmp_path):
    customer = tmp_path / "customer.txt"
    customer.write_text("My order is two weeks late and nobody answers the phone.", encoding="utf-8")
    proc = run("-", "--in-reply-to", str(customer), stdin=b"Please DM us your order number.")
    assert proc.returncode == 1
    assert "<stdin>:1:1: AL501 warning" in proc.stdout.decode()


def test_json_is_one_report_per_line(drafts):
    proc = run(str(drafts["bad"]), str(drafts["good"]), "--format", "json")
    lines = proc.stdout.decode().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(x) for x in lines)
    assert first["path"] == str(drafts["bad"]) and first["ok"] is False
    assert second["ok"] is True
    assert all(f["excerpt"] == BAD[f["start"] : f["end"]] for f in first["findings"])


def test_select_and_ignore_flags(drafts):
    only = run(str(drafts["bad"]), "--select", "AL304").stdout.decode()
    assert " AL304 " in only and " AL302 " not in only
    ignored = run(str(drafts["bad"]), "--ignore", "defensive,hedging").stdout.decode()
    assert " AL30" not in ignored


def test_bad_config_is_one_line(tmp_path, drafts):
    cfg = tmp_path / "apologylint.toml"
    cfg.write_text('fail_onn = "error"\n', encoding="utf-8")
    proc = run(str(drafts["bad"]), "--config", str(cfg))
    assert proc.returncode == 2
    assert "fail_onn" in proc.stderr.decode() and "Traceback" not in proc.stderr.decode()


def test_pyproject_config_section(tmp_path, drafts):
    cfg = tmp_path / "pyproject.toml"
    cfg.write_text('[tool.apologylint]\nignore = ["defensive"]\nfail_on = "error"\n', encoding="utf-8")
    proc = run(str(drafts["bad"]), "--config", str(cfg))
    assert " AL30" not in proc.stdout.decode()


def test_no_files_is_usage_error():
    proc = run()
    assert proc.returncode == 2 and "no input files" in proc.stderr.decode()


def test_rules_lists_every_rule_without_spacy():
    proc = run("rules")
    lines = proc.stdout.decode().splitlines()
    assert proc.returncode == 0
    assert any(ln.split()[:4] == ["AL101", "too-many-apologies", "over-apology", "warning"] for ln in lines)
    code = "import sys; from apologylint.cli import main; main(['rules']); print('spacy' in sys.modules, file=sys.stderr)"
    probe = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert probe.stderr.decode().strip().endswith("False")


def test_help_does_not_import_spacy():
    code = "import sys\nfrom apologylint.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\nprint('spacy' in sys.modules, file=sys.stderr)"
    probe = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert probe.stderr.decode().strip().endswith("False")
    assert "--fail-on" in probe.stdout.decode()


def test_explain_has_the_four_sections():
    proc = run("explain", "AL302")
    out = proc.stdout.decode()
    assert proc.returncode == 0
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert heading in out
    assert "As I said in my last email" in out  # a bad example from the rule file
    assert run("explain", "as-previously-stated").stdout.decode() == out


def test_explain_says_what_the_fix_does_and_when_it_applies():
    assert "## Fix\nDrop the lead-in (drop-lead-in, safe: applied by --fix)" in run("explain", "AL302").stdout.decode()
    assert "unsafe: applied by --fix --unsafe-fixes" in run("explain", "AL201").stdout.decode()
    assert "## Fix" not in run("explain", "AL601").stdout.decode()  # a missing next step has no edit to make


def test_explain_unknown_rule():
    proc = run("explain", "AL999")
    assert proc.returncode == 2 and "no rule" in proc.stderr.decode()


def test_eval_scores_a_labelled_file(tmp_path):
    data = tmp_path / "labelled.jsonl"
    rows = [
        {"text": "Calm down, it's just a small delay.", "in_reply_to": "My parcel is late!", "expected": ["defensive", "missing-empathy", "missing-next-step"]},
        {"text": "Sorry to hear it's late! I've sent a new one that arrives Friday.", "in_reply_to": "My parcel is late!", "expected": []},
    ]
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    proc = run("eval", str(data), "--json")
    scores = json.loads(proc.stdout.decode())
    assert proc.returncode == 0
    assert scores["defensive"]["tp"] == 1 and scores["defensive"]["fp"] == 0
    assert set(scores) == {"over-apology", "excuse", "defensive", "non-apology", "missing-empathy", "missing-next-step"}


def test_readme_rule_table_is_generated_from_the_rules():
    from apologylint.cli.rules import markdown_table
    from apologylint.ruleset import load_all

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- rules-table:start -->")[1].split("<!-- rules-table:end -->")[0].strip()
    rules, _ = load_all()
    assert table == markdown_table(sorted(rules, key=lambda r: r.id))


def test_unknown_selector_is_a_usage_error(drafts):
    proc = run(str(drafts["bad"]), "--select", "nosuchrule")
    assert proc.returncode == 2 and "nosuchrule" in proc.stderr.decode()


def test_fix_on_standard_input_prints_the_fixed_text():
    proc = run("-", "--fix", stdin=b"As I said in my last email, order #4471 shipped on 3 March. I'll call you at 10 am tomorrow.\n")
    out = proc.stdout.decode()
    assert out.startswith("Order #4471 shipped on 3 March. I'll call you at 10 am tomorrow.")
    assert "AL302" in proc.stderr.decode()  # what was fixed is said on stderr, not mixed into the text
