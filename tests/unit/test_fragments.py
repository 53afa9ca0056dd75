"""memo() (server/fragments.py) gives what the macro gives, renders again for a new key or language,
and never serves one key's HTML for another (issue 21)."""

from __future__ import annotations

from jinja2 import DictLoader, Environment

from server import i18n
from server.fragments import memo
from server.templating import build_environment

MACROS = """{% macro card(p) -%}
<li>{{ p.title }}: {{ ngettext("%(num)s supporter", "%(num)s supporters", p.n) }}</li>
{%- endmacro %}"""
PAGE = """{% from "m.html" import card %}\
{% for p in items %}{{ memo(card, (p.title, p.n), p) }}@@{{ card(p) }}##{% endfor %}"""


def _render(env: Environment, items: list[dict[str, object]]) -> list[tuple[str, str]]:
    out = env.get_template("page.html").render(items=items, memo=memo)
    return [tuple(part.split("@@")) for part in out.split("##") if part]  # type: ignore[misc]


def test_kept_html_is_the_macros_own_for_each_key_and_language() -> None:
    env = build_environment()  # one environment throughout: later renders find what earlier ones kept
    env.loader = DictLoader({"m.html": MACROS, "page.html": PAGE})
    items = [{"title": "Lamps <b>", "n": 1}, {"title": "Lamps <b>", "n": 2}, {"title": "Lamps <b>", "n": 1}]
    for locale in ("en", "es", "ar", "en"):
        with i18n.using_locale(locale):
            rendered = _render(env, items)
        assert [kept for kept, fresh in rendered] == [fresh for kept, fresh in rendered], locale
        assert "&lt;b&gt;" in rendered[0][0]
        assert rendered[0][0] != rendered[1][0]  # a new supporter: a new key, rendered again
    with i18n.using_locale("es"):
        spanish = _render(env, items[:1])[0][0]
    with i18n.using_locale("en"):
        assert _render(env, items[:1])[0][0] != spanish


BLOCK_PAGE = """{% memo key %}<p>{{ _("Funded projects") }}: {{ n }} {{ extra }}</p>{% endmemo %}"""


def test_a_memo_block_is_kept_per_key_and_language_and_none_renders_each_time() -> None:
    env = build_environment()
    env.loader = DictLoader({"block.html": BLOCK_PAGE})
    render = lambda **values: env.get_template("block.html").render(**values)  # noqa: E731
    with i18n.using_locale("en"):
        assert render(key=("a", 1), n=1, extra="x") == "<p>Funded projects: 1 x</p>"
        # Same key: the kept HTML, whatever else the page holds (the key must hold all the block shows).
        assert render(key=("a", 1), n=1, extra="y") == "<p>Funded projects: 1 x</p>"
        assert render(key=("a", 2), n=2, extra="y") == "<p>Funded projects: 2 y</p>"
        assert render(key=None, n=3, extra="<b>") == "<p>Funded projects: 3 &lt;b&gt;</p>"
        assert render(key=None, n=4, extra="z") == "<p>Funded projects: 4 z</p>"
    with i18n.using_locale("es"):
        spanish = render(key=("a", 1), n=1, extra="x")
    assert spanish != "<p>Funded projects: 1 x</p>" and spanish.endswith(": 1 x</p>")


MONEY_MACROS = """{% macro cost(p) -%}<li>{{ p.cost|money }} {{ p.at|datetime }}</li>{%- endmacro %}"""
MONEY_PAGE = """{% from "m.html" import cost %}{{ memo(cost, (p.cost, p.at), p) }}"""


def test_apps_with_another_currency_or_time_zone_do_not_share_kept_html() -> None:
    import datetime as dt

    from server import clock

    p = {"cost": 12000, "at": dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)}
    shown = {}
    before = clock.zone_name()
    try:
        for currency, zone in (("USD", "UTC"), ("EUR", "UTC"), ("USD", "America/Chicago"), ("USD", "UTC")):
            clock.set_zone(zone)
            env = build_environment(currency)
            env.loader = DictLoader({"m.html": MONEY_MACROS, "page.html": MONEY_PAGE})
            with i18n.using_locale("en"):
                shown[(currency, zone)] = env.get_template("page.html").render(p=p, memo=memo)
    finally:
        clock.set_zone(before)
    assert "$" in shown[("USD", "UTC")] and "€" in shown[("EUR", "UTC")]
    assert shown[("USD", "UTC")] != shown[("USD", "America/Chicago")]  # the same moment, another day
    assert len(set(shown.values())) == 3
