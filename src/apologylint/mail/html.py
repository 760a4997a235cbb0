"""HTML bodies to text, with the quoted history and signature blocks of mail clients set aside.

Mail clients mark their blocks in the markup, which is more reliable than any text heuristic, so
those go first, on the parsed tree (lxml):

- whole blocks: Gmail's ``div.gmail_quote``, Apple Mail's and Thunderbird's
  ``blockquote type="cite"``, Proton's ``blockquote.protonmail_quote``, Yahoo's ``div.yahoo_quoted``;
- from a marker to the end of the message: Outlook's ``div#divRplyFwdMsg`` / ``div#appendonsend``
  and its header block ``border-top:solid #E1E1E1`` (or ``#B5C4DF``), Outlook for Mac's
  ``#mail-editor-reference-message-container``, Thunderbird's ``div.moz-cite-prefix``;
- signatures: Gmail's ``div.gmail_signature``, Outlook's ``div#Signature``, Thunderbird's
  ``div.moz-signature``.

What is left is turned into text by inscriptis (a maintained HTML-to-text converter that keeps
the layout: paragraphs, line breaks, lists), and then goes through the plain-text rules as well,
which catch an "On ... wrote:" line or a "-- " signature that carried no markup.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

_OUTLOOK_HEADER_STYLE = re.compile(r"border-top:\s*solid\s+#(?:E1E1E1|B5C4DF)", re.IGNORECASE)

_WHOLE_QUOTES = (
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' gmail_quote ')]"
    " | //blockquote[@type='cite']"
    " | //blockquote[contains(concat(' ', normalize-space(@class), ' '), ' protonmail_quote ')]"
    " | //div[contains(concat(' ', normalize-space(@class), ' '), ' yahoo_quoted ')]"
)
_CUT_MARKERS = (
    "//*[@id='appendonsend' or @id='divRplyFwdMsg' or @id='mail-editor-reference-message-container']"
    " | //div[contains(concat(' ', normalize-space(@class), ' '), ' moz-cite-prefix ')]"
    " | //div[@style]"
)
_SIGNATURES = (
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' gmail_signature ')]"
    " | //div[@id='Signature']"
    " | //div[contains(concat(' ', normalize-space(@class), ' '), ' moz-signature ')]"
)


#: deeper elements are unwrapped into their ancestor at this depth before anything else: no
#: layout nests this deep, and inscriptis renders the tree recursively (RecursionError near 1,000)
MAX_DEPTH = 100


class HtmlTooDeep(ValueError):
    """The markup nests deeper than the HTML parser can follow, so its text cannot be read."""


@dataclass
class HtmlText:
    text: str  # what is left, as text
    quoted: str | None = None  # the quoted message, as text
    set_aside: list[str] = field(default_factory=list)  # kinds of block set aside, in order


def to_text(html: str, strip: bool = True) -> HtmlText:
    """Text of an HTML body; with `strip`, the client's quote and signature blocks set aside."""
    import lxml.html
    from lxml import etree

    html = html.replace("\x00", "")
    if not html.strip():
        return HtmlText("")
    # huge_tree lifts libxml2's default limit of 256 nested elements, past which the parser drops
    # everything deeper without raising (the body read as empty); past its own hard limit the
    # parser still stops, and that is an error here, never an empty body
    parser = lxml.html.HTMLParser(huge_tree=True)
    try:
        doc = lxml.html.document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError):
        return HtmlText("")
    for entry in parser.error_log:
        if entry.type_name == "ERR_RESOURCE_LIMIT" or "excessive depth" in entry.message.lower():
            detail = entry.message.split(",")[0].strip().rstrip(".")  # "Excessive depth in document: 2048"
            raise HtmlTooDeep(f"the HTML nests elements too deeply to read its text ({detail})")
    _flatten(doc)
    if not strip:
        return HtmlText(_render(doc))

    result = HtmlText("")
    quoted_parts: list = []

    for el in _outermost(doc.xpath(_WHOLE_QUOTES)):
        quoted_parts.append(_detached(_inner_quote(el)))
        el.drop_tree()
        result.set_aside.append("quote")

    markers = [el for el in doc.xpath(_CUT_MARKERS) if _is_marker(el)]
    if markers:
        first = min(markers, key=_document_position(doc))
        removed = _cut_from(first)
        if removed:
            holder = lxml.html.Element("div")
            for node in removed:
                holder.append(node)
            quoted_parts.insert(0, holder)
            result.set_aside.append("quote")

    for el in _outermost(doc.xpath(_SIGNATURES)):
        el.drop_tree()
        result.set_aside.append("signature")

    result.text = _render(doc)
    texts = [_render(q) for q in quoted_parts]
    result.quoted = "\n\n".join(t for t in texts if t.strip()) or None
    return result


def _flatten(doc) -> None:
    """Unwrap every element nested deeper than MAX_DEPTH (its text and children move up)."""
    from lxml import etree

    depth = {doc: 0}
    deep = []
    for el in doc.iterdescendants(etree.Element):
        d = depth[el.getparent()] + 1
        depth[el] = d
        if d > MAX_DEPTH:
            deep.append(el)
    for el in reversed(deep):  # deepest first: each one's content lands in its parent
        el.drop_tag()


def _is_marker(el) -> bool:
    if el.get("id") in ("appendonsend", "divRplyFwdMsg", "mail-editor-reference-message-container"):
        return True
    if "moz-cite-prefix" in (el.get("class") or "").split():
        return True
    return bool(_OUTLOOK_HEADER_STYLE.search(el.get("style") or ""))


def _render(tree) -> str:
    from inscriptis import Inscriptis
    from inscriptis.css_profiles import CSS_PROFILES
    from inscriptis.model.config import ParserConfig

    text = Inscriptis(tree, ParserConfig(css=dict(CSS_PROFILES["strict"]))).get_text()
    return "\n".join(line.rstrip() for line in text.splitlines()).strip("\n")


def _outermost(elements: list) -> list:
    """Drop elements nested inside another element of the list."""
    chosen = set(elements)
    out = []
    for el in elements:
        if not any(anc in chosen for anc in el.iterancestors()):
            out.append(el)
    return out


def _inner_quote(el):
    """Gmail wraps the attribution and the blockquote in one div: the message is the blockquote."""
    inner = el.xpath(".//blockquote")
    return inner[0] if inner and el.tag != "blockquote" else el


def _detached(el):
    clone = copy.deepcopy(el)
    clone.tail = None
    return clone


def _document_position(doc):
    order = {el: i for i, el in enumerate(doc.iter())}
    return lambda el: order.get(el, 0)


def _cut_from(el) -> list:
    """Remove `el` and everything after it in document order; return what was removed, in order."""
    removed = [_detached(el)]
    node = el
    while node is not None and node.tag not in ("body", "html"):
        parent = node.getparent()
        if parent is None:
            break
        for sib in list(node.itersiblings()):
            removed.append(_detached(sib))
            parent.remove(sib)
        node = parent
    parent = el.getparent()
    if parent is not None:
        el.tail = None
        parent.remove(el)
    return removed
