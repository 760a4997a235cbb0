"""`rewrite` and `eval` find their configuration as the lint command does: the nearest
`.apologylint.toml` (or pyproject.toml with [tool.apologylint]) of the file they read, `--config`
for all, `--isolated` for none."""
from __future__ import annotations

import json
import pathlib

from apologylint.cli import main

from test_rewrite import BAD_DRAFT, LATE

#: a row the defensive rules flag ("Calm down"), labelled so
ROW = {"text": "Calm down, it's just a small delay.", "in_reply_to": "My parcel is late!", "expected": ["defensive"]}


def write(path: pathlib.Path, text: str) -> pathlib.Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def eval_json(capsys, *argv: str) -> tuple[int, dict]:
    code = main(["eval", *argv, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_eval_scores_each_file_with_its_nearest_configuration(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    quiet = write(tmp_path / "quiet" / "set.jsonl", json.dumps(ROW) + "\n")
    loud = write(tmp_path / "loud" / "set.jsonl", json.dumps(ROW) + "\n")
    write(tmp_path / "quiet" / ".apologylint.toml", 'ignore = ["defensive"]\n')
    code, scores = eval_json(capsys, str(quiet), str(loud))
    assert code == 0
    # the same row twice: missed where its folder ignores the category, found where it does not
    assert {k: scores["defensive"][k] for k in ("support", "tp", "fn")} == {"support": 2, "tp": 1, "fn": 1}
    code, scores = eval_json(capsys, str(quiet), str(loud), "--isolated")
    assert scores["defensive"]["tp"] == 2
    other = write(tmp_path / "elsewhere.toml", 'fail-on = "error"\n')
    code, scores = eval_json(capsys, str(quiet), str(loud), "--config", str(other))
    assert scores["defensive"]["tp"] == 2  # the named file for both, not quiet/'s
    code, scores = eval_json(capsys, str(loud))
    assert scores["defensive"]["tp"] == 1 and scores["defensive"]["fn"] == 0


def test_eval_refuses_a_broken_discovered_configuration_in_one_line(tmp_path, capsys):
    data = write(tmp_path / "set.jsonl", json.dumps(ROW) + "\n")
    write(tmp_path / ".apologylint.toml", 'slect = ["AL3"]\n')
    assert main(["eval", str(data)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown key 'slect'" in err


def test_rewrite_uses_the_drafts_nearest_configuration(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    draft = write(tmp_path / "team" / "draft.txt", BAD_DRAFT)
    msg = write(tmp_path / "msg.txt", LATE)
    said = "As I said in my last email"
    assert said in BAD_DRAFT
    assert main(["rewrite", str(draft), "--in-reply-to", str(msg), "-q"]) == 0
    assert said not in capsys.readouterr().out  # AL302's words are dropped by default
    write(tmp_path / "team" / ".apologylint.toml", 'ignore = ["as-previously-stated"]\n')
    assert main(["rewrite", str(draft), "--in-reply-to", str(msg), "-q"]) == 0
    assert said in capsys.readouterr().out  # the rule is off for files under team/
    assert main(["rewrite", str(draft), "--in-reply-to", str(msg), "-q", "--isolated"]) == 0
    assert said not in capsys.readouterr().out
    # standard input: the working directory's configuration
    monkeypatch.chdir(tmp_path / "team")
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(BAD_DRAFT.encode())))
    assert main(["rewrite", "-", "--in-reply-to", str(msg), "-q"]) == 0
    assert said in capsys.readouterr().out
