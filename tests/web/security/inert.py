"""Does a page contain anything active that our templates would never put there?

Our templates contain no inline script, no on* handler, no javascript: URL (the CSP forbids them),
and only images and scripts served from /static/. So any of those in a page is injected markup."""

from __future__ import annotations

from html.parser import HTMLParser

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcdoc"}
FOREIGN_TAGS = {"svg", "math", "iframe", "frame", "object", "embed", "base", "meta-refresh", "applet"}


def _is_our_chart(tag: str, values: dict[str, str]) -> bool:
    """The charts server/charts.py draws: <svg role="img" aria-labelledby=…>. Injected SVG is
    still caught by its on* attributes, scripts and script URLs."""
    return tag == "svg" and values.get("role") == "img" and bool(values.get("aria-labelledby"))


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.texts: list[str] = []
        self.attribute_values: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.attribute_values.extend(values.values())
        if tag in FOREIGN_TAGS and not _is_our_chart(tag, values):
            self.problems.append(f"<{tag}> element")
        if tag == "script":
            self._in_script = True
            if not values.get("src", "").startswith("/static/"):
                self.problems.append(f"<script> not from /static/: {values}")
        if tag == "img" and not values.get("src", "").startswith("/static/"):
            self.problems.append(f"<img> not from /static/: {values}")
        for name, value in values.items():
            if name.startswith("on") or name.startswith("hx-on"):
                self.problems.append(f"event handler attribute {name}={value!r} on <{tag}>")
            if name in URL_ATTRIBUTES and "".join(value.split()).lower().startswith(("javascript:", "vbscript:")):
                self.problems.append(f"script URL in {name}={value!r} on <{tag}>")
            if name in ("hx-get", "hx-post", "hx-trigger") and tag == "p":
                self.problems.append(f"htmx attribute {name} on <{tag}> (injected)")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self._in_script = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.problems.append(f"inline script content: {data.strip()[:60]!r}")
        self.texts.append(data)


def scan(html: str) -> _Scanner:
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner


def active_content(html: str) -> list[str]:
    """Everything active in the page that a template would not have put there (empty = inert)."""
    return scan(html).problems


def shows_verbatim(html: str, value: str, *, markdown: bool = False) -> bool:
    """The value appears exactly as typed, as text or as an attribute value (escaped, not dropped).
    For Markdown the text may be split by emphasis markup, and its asterisks are consumed by it."""
    scanner = scan(html)
    if any(value in text for text in scanner.texts) or any(value in v for v in scanner.attribute_values):
        return True
    if markdown:
        return value.replace("*", "") in "".join(scanner.texts).replace("*", "")
    return False
