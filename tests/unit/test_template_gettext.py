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


FOLDED = """{{ _("Townsquare") }}|{{ _("100%% of %(n)s", n=n) }}|{{ _("Hello %(name)s", name=name) }}|\
{{ pgettext("stance", "Neutral") }}|{% trans %}Sign in{% endtrans %}|{% trans who=name %}Hello {{ who }}{% endtrans %}|\
{{ ngettext("%(num)s comment", "%(num)s comments", n) }}|{{ _(label) }}"""


def _site(tmp_path: object) -> Environment:
    from pathlib import Path

    folder = Path(str(tmp_path))
    (folder / "page.html").write_text(FOLDED + "|{% include 'part.html' %}")
    (folder / "part.html").write_text('{{ _("Sign out") }}')
    (folder / "shadow.html").write_text('{% macro m(_) %}{{ _ }}{% endmacro %}{{ m("x") }}'
                                        '{% for _ in [1] %}{{ _ }}{% endfor %}{{ _("Sign in") }}')
    return build_environment(template_dir=folder)


@pytest.mark.parametrize("locale", sorted(i18n.LOCALES))
@pytest.mark.parametrize("n", [1, 3])
def test_texts_translated_at_compile_time_render_what_runtime_translation_renders(tmp_path: object, locale: str,
                                                                                  n: int) -> None:
    """Site templates are compiled once per language with literal texts translated in place (issue 21);
    `from_string` templates translate at render time. Both give the same page, values escaped."""
    env = _site(tmp_path)
    values = {"n": n, "name": "<b>Dana</b> & co", "label": "Sign in"}
    with i18n.using_locale(locale):
        compiled = env.get_template("page.html")
        assert compiled.environment.compile_locale == locale
        source = env.loader.get_source(env, "page.html")[0].replace("{% include 'part.html' %}", "")
        runtime = env.from_string(source).render(**values) + i18n.gettext("Sign out")
        assert compiled.render(**values) == runtime
        code = compiled.environment.compile(source, "page.html", raw=True)
        # Only `_(label)` is left to call: its text is known only when the page is rendered.
        assert code.count("name='_'") == 1 and "'pgettext'" not in code and "'gettext'" not in code
        assert "&lt;b&gt;Dana&lt;/b&gt; &amp; co" in runtime
        # A template that binds `_` itself keeps calling whatever `_` is at that point.
        assert env.get_template("shadow.html").render() == "x1" + i18n.gettext("Sign in")


def test_each_language_gets_its_own_compiled_copy(tmp_path: object) -> None:
    env = _site(tmp_path)
    seen = {}
    for _ in range(2):
        for locale in sorted(i18n.LOCALES):
            with i18n.using_locale(locale):
                seen.setdefault(locale, set()).add(env.get_template("part.html").render())
    assert seen == {locale: {i18n.translations(locale).gettext("Sign out")} for locale in i18n.LOCALES}
    assert len({text for texts in seen.values() for text in texts}) == len(i18n.LOCALES)


@pytest.mark.parametrize("text", ["%(a)s and %(b)s", "100%% of %(a)s", "%%(a)s stays, %(b)s goes", "%(a)d items",
                                  "%s alone", "no placeholders"])
def test_sentences_with_values_format_as_markup_does(text: str) -> None:
    from markupsafe import Markup

    from server.templating import _format

    for a, b in [("<b>x</b> & 'y\"", Markup("<i>kept</i>")), (3, None), (2.5, "%(a)s")]:
        values = {"a": a, "b": b}
        try:
            expected = Markup(text) % values
        except (TypeError, ValueError) as error:
            with pytest.raises(type(error)):
                _format(text, values)
            continue
        assert _format(text, values) == expected and isinstance(_format(text, values), Markup)
