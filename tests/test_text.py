"""Normalisation keeps every offset pointing into the original text."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from apologylint.text import LineIndex, content, content_bounds, normalize

TRICKY = st.sampled_from(list("\u2018\u2019\u201c\u201d\u00a0\u200b\u200d\ufeff\u2026\u2014\r\t&") + ["&amp;", "&gt;", "&nbsp;", "\r\n"])
TEXTS = st.lists(st.one_of(st.text(max_size=8), TRICKY), max_size=30).map("".join)


def test_curly_quotes_and_spaces_become_plain():
    n = normalize("We\u2019re \u201csorry\u201d\u00a0\u2014 really\u200b.")
    assert n.text == "We're \"sorry\" - really."


def test_entity_maps_back_to_the_whole_entity():
    text = "Tom &amp; Jerry"
    n = normalize(text)
    i = n.text.index("&")
    start, end = n.span(i, i + 1)
    assert text[start:end] == "&amp;"


@given(TEXTS)
def test_spans_map_inside_the_original(text):
    n = normalize(text)
    assert len(n._start) == len(n.text) + 1
    for i in range(len(n.text) + 1):
        for j in range(i, min(len(n.text), i + 4) + 1):
            s, e = n.span(i, j)
            assert 0 <= s <= e <= len(text)


@given(TEXTS)
def test_plain_ascii_is_unchanged(text):
    """Plain ASCII passes through as it is, but for the apostrophe a contraction lost ("dont" ->
    "don't", which the parser needs); offsets still map back onto the whole of the original."""
    ascii_only = "".join(c for c in text if 32 <= ord(c) < 127 and c != "&")
    n = normalize(ascii_only)
    assert n.text.replace("'", "") == ascii_only.replace("'", "")
    assert len(n.text) - len(ascii_only) == n.text.count("'") - ascii_only.count("'")
    assert n.span(0, len(n.text)) == (0, len(ascii_only))


def test_a_lost_apostrophe_is_the_only_change_to_plain_ascii():
    assert normalize("DONT worry").text == "DON'T worry"
    assert normalize("the dont list").text == "the don't list"  # (a contraction wherever it stands)
    assert normalize("plain words stay").text == "plain words stay"


@given(st.text(max_size=60))
def test_content_bounds_are_in_range(text):
    start, end = content_bounds(text)
    assert 0 <= start <= end <= len(text)
    assert content(text) == text[start:end]


def test_content_drops_handles_and_signoffs_only():
    assert content("@acme @bob Sorry about that! ^MK") == "Sorry about that!"
    assert content("Thanks, we'll call you -Becky") == "Thanks, we'll call you"
    assert content("Call 555-0100 today") == "Call 555-0100 today"
    assert content("Thanks - Chris 2/2") == "Thanks"


def test_line_index_positions():
    idx = LineIndex("ab\ncd\n\nef")
    assert idx.position(0) == (1, 1)
    assert idx.position(4) == (2, 2)
    assert idx.position(7) == (4, 1)


def test_line_breaks_and_control_characters():
    n = normalize("Thanks\rAs I said\r\nok\x00go\ud800!")
    assert n.text == "Thanks\nAs I said\nok go !"
    i = n.text.index("As")
    assert n.original[slice(*n.span(i, i + 9))] == "As I said"
    assert LineIndex("a\rb\r\nc").position(2) == (2, 1)
    assert LineIndex("a\rb\r\nc").position(5) == (3, 1)


@given(TEXTS)
def test_unchanged_characters_map_to_themselves(text):
    """Every normalised character that is also in the original comes from that very character."""
    n = normalize(text)
    for i, ch in enumerate(n.text):
        s, e = n.span(i, i + 1)
        src = n.original[s:e]
        assert ch == src or src in ("&amp;", "&gt;", "&lt;", "&quot;", "&#39;", "&apos;", "&nbsp;") or len(src) == 1 or (ch == "'" and src == "")
        if src.isascii() and src.isalnum():
            assert ch == src


def test_apostrophes_are_put_back_in_contractions_typed_without_them():
    """"Its been manic" parses as a possessive without its apostrophe; "its colour" is one."""
    n = normalize("Its been manic, theres a bug and he hasnt called. Its colour is fine, Im sure.")
    assert n.text == "It's been manic, there's a bug and he hasn't called. Its colour is fine, I'm sure."
    i = n.text.index("hasn't")
    assert n.original[slice(*n.span(i, i + len("hasn't")))] == "hasnt"
    assert n.span(n.text.index("'"), n.text.index("'") + 1)[0] == n.span(n.text.index("'"), n.text.index("'") + 1)[1]
