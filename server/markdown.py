"""Markdown written by residents, rendered to HTML that cannot carry script: markdown-it-py parses
with raw HTML disabled, then nh3 (the Ammonia sanitiser) keeps only an allow-list of tags."""

from __future__ import annotations

import html as html_lib
import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")

_ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code", "pre", "h3", "h4", "h5",
    "h6", "a", "hr", "table", "thead", "tbody", "tr", "th", "td", "del",
}


def _demote_headings(html: str) -> str:
    # A resident's "# Title" must not outrank the page's own h1/h2 outline.
    for level in (2, 1):
        html = html.replace(f"<h{level}>", "<h3>").replace(f"</h{level}>", "</h3>")
    return html


# Each block takes its direction from its own first letters: an English comment on the Arabic pages
# (or an Arabic one on the English pages) then reads in its own direction, punctuation included.
# Lists and tables as a whole, not item by item: a left-to-right item in a right-to-left list would
# hang its bullet outside the list, past the edge of a phone's screen.
_BLOCKS = re.compile(r"<(p|ul|ol|h[3-6]|blockquote|table)(?=[\s>])")


def plain_text(text: str | None) -> str:
    """What Markdown says without its marks (for feed summaries and other plain-text places)."""
    html = _md.render(text or "") if text else ""
    return re.sub(r"\s+", " ", html_lib.unescape(nh3.clean(html, tags=set()))).strip()


def render_markdown(text: str | None) -> Markup:
    return _rendered(text or "")


# Pure text -> HTML, so remembered: a draft page renders every section's body and summary on every
# request, and parsing plus sanitising them was 15% of its CPU (issue 21). Texts change only by a new
# version or edit, which is a new key.
@lru_cache(maxsize=4096)
def _rendered(text: str) -> Markup:
    html = _demote_headings(_md.render(text))
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer ugc",
    )
    return Markup(_BLOCKS.sub(r'<\1 dir="auto"', clean))
