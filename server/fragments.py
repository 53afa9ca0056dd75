"""A template macro's output kept for the exact values it shows, per language (issue 21).

The proposal cards and budget cycle timelines on the home page and the proposals list are most of
those pages' rendering (Jinja's `Context.call` for every macro, label and `_()`, Markup escaping of
every value), yet a card shows the same HTML for the same proposal row in the same language. So a
template asks for `memo(macro, key, *args)`: `key` is a hashable value that determines everything
the macro shows except the language (a frozen struct of the row itself, not an id), and the output
is rendered once per key, language, currency and time zone. Nothing can go stale: a changed row
is a different key (a new supporter changes `support_count`, so the card is rendered again), and
the cache holds only what the macro would render anyway; it is bounded, oldest first out.

Only for macros whose output depends on nothing but their arguments and the language: imported
without context (the default for `{% from ... import %}`), they see no request, viewer or session.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from markupsafe import Markup

from server import clock, i18n

_MAX = 4096
_rendered: dict[tuple[Any, ...], Markup] = {}


def memo(macro: Callable[..., Any], key: Hashable, *args: Any) -> Markup:
    """`macro(*args)`, rendered once per `key`, language, currency and time zone."""
    # The macro's compiled code, not the Macro object: Jinja may build a new module (and Macro) per
    # import, while the code stays the same until the template itself changes (auto_reload).
    # Also the deployment's currency and time zone: both shape what a macro prints (amounts, dates),
    # and apps in one process with different settings (tests, or two sites) must not share output.
    full_key = (macro._func.__code__, key, i18n.get_locale(),  # type: ignore[attr-defined]
                macro._environment.globals.get("currency"), clock.zone_name())  # type: ignore[attr-defined]
    if (html := _rendered.get(full_key)) is None:
        html = Markup(macro(*args))
        if len(_rendered) >= _MAX:
            for old in list(_rendered)[:_MAX // 4]:  # oldest first (dicts keep insertion order)
                del _rendered[old]
        _rendered[full_key] = html
    return html


class MemoBlock(Extension):
    """`{% memo key %}...{% endmemo %}`: `memo()` for a block of a page rather than a macro. The block
    sees the page's whole context, so its key must hold everything the block shows: a page uses it
    where that is the page's data and nothing of the viewer (a signed-out visitor's view of a draft,
    say), and passes `none` as the key otherwise, which renders the block as if it were not there."""

    tags = {"memo"}

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        key = parser.parse_expression()
        body = parser.parse_statements(("name:endmemo",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_render", [key]), [], [], body).set_lineno(lineno)

    @staticmethod
    def _render(key: Hashable | None, caller: Callable[[], Any]) -> Markup:
        return Markup(caller()) if key is None else memo(caller, key)
