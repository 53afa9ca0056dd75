"""The templates' gettext callables (server/templating.py) replace jinja2.ext's newstyle wrappers for
speed (issue 21): the same template renders the same text with either, in every language, and the
per-language caches (fixed labels, dates, numbers, header links) follow the language of each call."""

from __future__ import annotations

import datetime as dt

import pytest
from jinja2 import Environment

from server import i18n
from server.templating import build_environment

SOURCE = """{{ _("Townsquare") }}|{{ _("100%% of %(n)s", n=n) }}|{{ _("Hello %(name)s", name=name) }}|\
{{ ngettext("%(num)s comment", "%(num)s comments", n) }}|\
{{ ngettext("%(num)s ballot counted on %(day)s.", "%(num)s ballots counted on %(day)s.", n, day=name) }}|\
{{ pgettext("stance", "Neutral") }}|{% trans %}Sign in{% endtrans %}|{% trans count=n %}{{ count }} vote{% pluralize %}\
{{ count }} votes{% endtrans %}|{{ when | date }}|{{ 1234567 | number }}|{{ 1500 | money }}"""


def _with_jinjas_own_callables() -> Environment:
    """The environment as jinja2.ext builds it, before ours replace its callables."""
    env = build_environment()
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: i18n.gettext(s),
        ngettext=lambda s, p, n: i18n.translations(i18n.get_locale()).ngettext(s, p, n),
        pgettext=lambda c, s: i18n.pgettext(c, s),
        newstyle=True,
    )
    from jinja2.ext import _gettext_alias  # type: ignore[attr-defined]

    env.globals["_"] = _gettext_alias
    return env


@pytest.mark.parametrize("locale", sorted(i18n.LOCALES))
@pytest.mark.parametrize("n", [1, 3])
def test_ours_render_what_jinjas_newstyle_gettext_renders(locale: str, n: int) -> None:
    values = {"n": n, "name": "<b>Dana</b> & co", "when": dt.date(2026, 11, 30)}
    with i18n.using_locale(locale):
        ours = build_environment().from_string(SOURCE).render(**values)
        theirs = _with_jinjas_own_callables().from_string(SOURCE).render(**values)
    assert ours == theirs
    assert "&lt;b&gt;Dana&lt;/b&gt; &amp; co" in ours  # values escaped, "%%" read as "%"
    assert f"100% of {n}" in ours or locale != "en"


def test_cached_texts_follow_the_language_of_each_call() -> None:
    template = build_environment().from_string('{{ _("Sign in") }} {{ day | date }} {{ 1234.5 | number }}')
    day = dt.date(2026, 3, 1)
    texts = {}
    for _ in range(2):  # the second round comes from the caches
        for locale in sorted(i18n.LOCALES):
            with i18n.using_locale(locale):
                texts.setdefault(locale, set()).add(template.render(day=day))
    assert all(len(seen) == 1 for seen in texts.values())
    assert len({next(iter(seen)) for seen in texts.values()}) == len(i18n.LOCALES)
    with i18n.using_locale("es"):
        assert i18n.fmt_date(day) == "1 mar 2026"
        assert i18n.fmt_date(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)) == "1 mar 2026"
