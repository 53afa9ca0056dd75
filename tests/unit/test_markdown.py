from __future__ import annotations

from html.parser import HTMLParser

import pytest

from server.markdown import render_markdown

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    "<iframe src=//evil.example></iframe>",
]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_script_is_inert(payload: str) -> None:
    parser = _Tags()
    parser.feed(str(render_markdown(payload)))
    for tag, attrs in parser.tags:
        assert tag not in ("script", "img", "iframe", "svg")
        for name, value in attrs:
            assert not name.startswith("on")
            assert not (value or "").strip().lower().startswith("javascript:")


def test_markdown_renders_and_headings_stay_below_the_page_outline() -> None:
    html = str(render_markdown("# Title\n\n**bold** and [link](https://example.org)\n\n- a\n- b"))
    assert '<h3 dir="auto">Title</h3>' in html
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.org"' in html and 'rel="nofollow noopener noreferrer ugc"' in html
    assert '<ul dir="auto">\n<li>a</li>' in html


def test_each_block_reads_in_the_direction_of_its_own_text() -> None:
    html = str(render_markdown("مرحبا بالجميع.\n\nThe meeting is on 10 March.\n\n> quoted\n\n| a |\n|---|\n| b |"))
    assert '<p dir="auto">مرحبا بالجميع.</p>' in html and '<p dir="auto">The meeting is on 10 March.</p>' in html
    assert '<blockquote dir="auto">' in html and '<table dir="auto">' in html
