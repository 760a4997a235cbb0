"""Properties that hold for any input: the linter never raises, and every span is in bounds."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

WORDS = st.sampled_from(
    "sorry apologize apologies we I you just calm down because due to the courier if feel "
    "understand refund tomorrow please DM us ? ! . , ' \u2019 \u201c \u201d @acme ^MK -Becky \n "
    "http://x.example/a &amp; not never can't won't as said mistakes were made".split(" ")
)
MESSAGES = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.sampled_from(list("ab .,!?\r\n\t\x00\u2019\u200b")), max_size=80),
    st.lists(WORDS, max_size=60).map(" ".join),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=MESSAGES, context=st.one_of(st.none(), MESSAGES))
def test_never_raises_and_spans_are_in_bounds(linter, text, context):
    report = linter.lint(text, in_reply_to=context)
    for f in report.findings:
        assert 0 <= f.start <= f.end <= len(text)
        assert f.excerpt == text[f.start : f.end]
        before = text[: f.start].replace("\r\n", "\n").replace("\r", "\n")
        assert f.line == before.count("\n") + 1
        line_start = max(text.rfind("\n", 0, f.start), text.rfind("\r", 0, f.start)) + 1
        assert f.column == f.start - line_start + 1
    assert report.ok == (not any(f.severity.rank >= report.fail_on.rank for f in report.findings))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(MESSAGES, st.one_of(st.none(), MESSAGES)), min_size=1, max_size=5))
def test_lint_many_matches_lint(linter, items):
    batch = [r.model_dump() for r in linter.lint_many(items)]
    one_by_one = [linter.lint(t, c).model_dump() for t, c in items]
    assert batch == one_by_one
