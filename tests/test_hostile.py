"""Hostile input to the CLI, the API and the rewrite: hidden characters, degenerate shapes,
inputs that block or mislead. Each case is one the issue's adversarial run found."""
from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apologylint import inputs
from apologylint.drafts.rewriter import Rewriter
from apologylint.linter import MAX_CHARS, TextTooLong
from apologylint.text import LONGEST_RUN, normalize

from test_cli import run  # the CLI in this process, captured

# characters a reader does not see, or sees as the Latin letter next to them
HIDDEN = {
    "LRM": "\u200e", "RLM": "\u200f", "RLO+PDF": "\u202e\u202c", "LRI+PDI": "\u2066\u2069", "ALM": "\u061c",
    "CGJ": "\u034f", "VS16": "\ufe0f", "tag": "\U000e0041", "Hangul filler": "\u3164", "combining accent": "\u0301",
}


@pytest.mark.parametrize("name", sorted(HIDDEN))
def test_an_invisible_character_hides_no_finding(linter, name):
    text = f"A{HIDDEN[name]}s I said, the parcel left on Monday."
    found = [f for f in linter.lint(text).findings if f.rule == "AL302"]
    assert found, name
    # the span still points into the original text and covers the words as written
    assert text[found[0].start : found[0].end].startswith("A")
    assert "said" in text[found[0].start : found[0].end]


@pytest.mark.parametrize("text", [
    "\u0410s I said, the parcel left on Monday.",  # Cyrillic A
    "\uff21\uff53 I said, the parcel left on Monday.",  # fullwidth
    "\U0001d400\U0001d42c I said, the parcel left on Monday.",  # mathematical bold
])
def test_look_alike_letters_hide_no_finding(linter, text):
    assert "AL302" in {f.rule for f in linter.lint(text).findings}


def test_a_cyrillic_o_in_apologize_hides_no_finding(linter):
    text = "We apol\u043egize for any inconvenience this may have caused."
    assert "AL402" in {f.rule for f in linter.lint(text).findings}


def test_other_scripts_are_kept_as_they_are():
    # folding is for look-alikes inside Latin words; it invents no Latin words from CJK text
    assert normalize("\u65e5\u672c\u8a9e ok").text == "\u65e5\u672c\u8a9e ok"


def test_a_long_run_without_spaces_is_broken_for_the_tokenizer_only():
    text = "x" * (3 * LONGEST_RUN)
    norm = normalize(text)
    assert all(len(w) <= LONGEST_RUN for w in norm.text.split())
    assert norm.span(0, len(norm.text)) == (0, len(text))
    # a link of ordinary length is left whole
    link = "https://track.example.com/" + "a" * 150
    assert normalize(link).text == link


def test_lint_many_gives_an_oversized_text_its_own_error_in_its_place(linter):
    texts = ["As I said, calm down.", "x " * (MAX_CHARS // 2 + 1), "Please calm down."]
    reports = list(linter.lint_many(texts))
    assert len(reports) == 3
    assert reports[0].findings and reports[2].findings
    assert reports[1].error and "characters" in reports[1].error and not reports[1].findings
    assert not reports[1].ok
    with pytest.raises(TextTooLong):
        linter.lint(texts[1])


def test_rewrite_accepts_what_lint_accepts(linter):
    rw = Rewriter(linter)
    for text in ("\ud800", "Sorry \udfff about that."):
        linter.lint(text)
        assert isinstance(rw.rewrite(text).text, str)


APOLOGY_WORDS = st.sampled_from(["Sorry", "sorry", "SORRY", "again", "I", "think", "so", "really", "we", "apologize", "apologies"])
SEPARATORS = st.sampled_from([" ", ", ", ". ", "! ", "\n", " - ", "... ", "!! "])


@st.composite
def apology_strings(draw):
    words = draw(st.lists(st.tuples(APOLOGY_WORDS, SEPARATORS), min_size=1, max_size=10))
    return "".join(w + s for w, s in words).strip()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(apology_strings())
def test_rewriting_a_string_of_apologies_is_idempotent_and_never_empty(linter, text):
    rw = Rewriter(linter)
    once = rw.rewrite(text).text
    assert once.strip(), text
    assert rw.rewrite(once).text == once, (text, once)


HOSTILE_UNITS = st.sampled_from(["a\n", "sorry ", "!?.", "&amp;", "x", "\u200e", "\u202e", "\u0430", "\ufe0f", "\ud800", "> ", "\r", "\t", "..."])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(HOSTILE_UNITS, st.integers(1, 300)), min_size=1, max_size=4))
def test_degenerate_shapes_never_raise_and_keep_spans_in_bounds(linter, parts):
    text = "".join(unit * n for unit, n in parts)
    report = linter.lint(text)
    for f in report.findings:
        assert 0 <= f.start <= f.end <= len(text)
        assert text[f.start : f.end] == f.excerpt


# -- inputs that block or mislead ---------------------------------------------------------------

def test_a_pipe_with_no_writer_is_given_up_and_the_other_files_are_linted(tmp_path, monkeypatch):
    monkeypatch.setattr(inputs, "PIPE_TIMEOUT", 0.2)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    ok = tmp_path / "ok.txt"
    ok.write_text("As I said, calm down.\n", encoding="utf-8")
    proc = run(str(fifo), str(ok))
    assert proc.returncode == 2
    assert b"AL302" in proc.stdout
    errors = proc.stderr.decode().strip().splitlines()
    assert len(errors) == 1 and str(fifo) in errors[0] and "pipe" in errors[0]


def test_a_pipe_with_a_writer_is_read(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)

    def write():
        with open(fifo, "w", encoding="utf-8") as fh:
            fh.write("Please calm down.\n")

    writer = threading.Thread(target=write)
    writer.start()
    try:
        msg = inputs.read(str(fifo))
    finally:
        writer.join(timeout=30)
    assert msg.text == "Please calm down.\n"


def test_a_device_is_no_input(tmp_path):
    with pytest.raises(inputs.InputError, match="not a regular file"):
        inputs.read("/dev/zero")


def test_a_large_file_is_reported_with_its_real_size(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"sorry " * 900_000)
    with pytest.raises(inputs.InputError) as exc:
        inputs.read(str(big))
    assert "5,400,000 bytes" in str(exc.value)


def test_standard_input_too_large_is_said_to_be_more_than_the_limit():
    with pytest.raises(inputs.InputError, match="more than 200,000 bytes"):
        inputs.from_bytes(b"sorry " * 40_000, "<stdin>")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_text_with_a_byte_order_mark_is_decoded(tmp_path, encoding):
    bom = {"utf-16": b"", "utf-16-be": b"\xfe\xff", "utf-32": b""}[encoding]
    path = tmp_path / "draft.txt"
    path.write_bytes(bom + "I'm sorry you feel that way.".encode(encoding))
    assert inputs.read(str(path)).text == "I'm sorry you feel that way."


def test_a_closed_standard_input_is_one_error_and_the_files_are_still_linted(tmp_path):
    ok = tmp_path / "ok.txt"
    ok.write_text("As I said, calm down.\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "apologylint", "-", str(ok)],
        capture_output=True, timeout=120, preexec_fn=lambda: os.close(0),  # as `<&-` does
    )
    assert proc.returncode == 2
    assert b"AL302" in proc.stdout
    assert proc.stderr.decode().strip() == "apologylint: <stdin>: standard input is closed"


def test_a_long_paragraph_of_ordinary_sentences_is_not_cut_mid_sentence(linter):
    # the cap on sentence length is for degenerate text; a 150-token paragraph of real sentences
    # must read the same as its sentences one per line
    sentences = [
        "Thanks for waiting while we looked into your order from last month.",
        "The parcel left our warehouse on the third and reached the local depot two days later.",
        "We are not able to offer a refund for the delivery charge on this order.",
        "If the parcel has not arrived by Friday, just reply to this email and we will send another one.",
        "I have also added a note to your account so that anyone you speak to can see the history.",
        "Our team is available from eight until eight on weekdays if you would rather call.",
        "We know how much you were looking forward to it, and we are sorry it has taken this long.",
        "The tracking link in your first email should now show the new delivery slot as well.",
    ]
    paragraph = " ".join(sentences)
    assert len(linter.exchange(paragraph).doc) > 130  # past the cap of 120 tokens
    as_paragraph = {f.rule for f in linter.lint(paragraph, "Where is my parcel? It's been weeks.").findings}
    one_per_line = {f.rule for f in linter.lint("\n".join(sentences), "Where is my parcel? It's been weeks.").findings}
    assert as_paragraph == one_per_line
    doc = linter.exchange(paragraph).doc
    # every sentence starts after a full stop: none was cut at the 120th token
    assert all(doc[s.start - 1].text == "." for s in list(doc.sents)[1:]), [s.text[:30] for s in doc.sents]


def test_utf16_text_is_judged_by_what_it_decodes_to(tmp_path):
    # 160,000 characters: 320 KB as UTF-16, under the limit once decoded
    fits = tmp_path / "fits.txt"
    fits.write_bytes(("Sorry about the wait. " * 7_300).encode("utf-16"))
    assert len(fits.read_bytes()) > 200_000
    assert inputs.read(str(fits)).text.startswith("Sorry about the wait.")
    huge = tmp_path / "huge.txt"
    huge.write_bytes(("Sorry about the wait. " * 60_000).encode("utf-16"))
    with pytest.raises(inputs.InputError, match="too large"):
        inputs.read(str(huge))


def test_a_report_that_could_not_be_linted_says_so_in_text_output(linter):
    import io

    from apologylint import reporters

    report = list(linter.lint_many(["x " * (MAX_CHARS // 2 + 1)]))[0]
    out = io.StringIO()
    reporters.text(report, out)
    assert "not linted" in out.getvalue() and "characters" in out.getvalue()


def test_eval_does_not_count_an_item_it_could_not_lint(tmp_path):
    import json as _json

    rows = [
        {"id": "ok-1", "text": "As I said, calm down.", "in_reply_to": None, "expected": ["defensive"]},
        {"id": "huge-1", "text": "x " * (MAX_CHARS // 2 + 1), "in_reply_to": None, "expected": ["defensive"]},
    ]
    f = tmp_path / "set.jsonl"
    f.write_text("\n".join(_json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    proc = run("eval", str(f))
    assert proc.returncode == 2
    assert "huge-1: not scored" in proc.stderr.decode()
    defensive = next(line for line in proc.stdout.decode().splitlines() if line.startswith("defensive"))
    assert defensive.split()[1:5] == ["1", "1", "0", "0"]  # support 1, tp 1: the huge item is no miss
