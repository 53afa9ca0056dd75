"""The Jinja environment: templates/ at the repo root, gettext for every string, locale-aware
formatting filters, and the same template rendering a whole page or one htmx fragment."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import markupsafe
import msgspec
from jinja2 import (
    BytecodeCache,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    nodes,
    pass_eval_context,
    select_autoescape,
)
from jinja2.bccache import Bucket
from jinja2.environment import Template
from litestar.plugins.jinja import JinjaTemplateEngine as _Engine
from litestar.template.config import TemplateConfig
from markupsafe import Markup, escape

from server import clock, i18n
from server.domains import registry
from server.forms import field_labels
from server.fragments import MemoBlock, memo
from server.markdown import render_markdown
from server.navigation import nav_items
from server.redirects import safe_path
from server.settings import PROJECT_ROOT

# An installed package carries templates/ and static/ inside server/site/ (setup.py copies them there
# at build time); a checkout reads them from the repository root.
_BUNDLED = Path(__file__).resolve().parent / "site"
_SITE_ROOT = _BUNDLED if (_BUNDLED / "templates").is_dir() else PROJECT_ROOT
TEMPLATE_DIR = _SITE_ROOT / "templates"
STATIC_DIR = _SITE_ROOT / "static"
HTMX_VERSION = "2.0.11"


def _static_version() -> str:
    # Cache-busting token: the newest modification time under static/, read once at start.
    latest = max((p.stat().st_mtime for p in STATIC_DIR.rglob("*") if p.is_file()), default=0)
    return str(int(latest))


class _ProcessBytecodeCache(BytecodeCache):
    """Compiled templates shared by every Environment in this process. Each app (and each test's
    app) builds its own Environment; without this, every one of them compiled every template again.
    Jinja keys each entry on the template's name and a checksum of its source, so an edited template
    is compiled afresh. In memory rather than Jinja's FileSystemBytecodeCache: nothing to clean up,
    and nothing left on disk between releases."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if (code := self._code.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


# One per language: a template compiled for Spanish carries Spanish text (see _LocalizedEnvironment).
_BYTECODE_CACHES: dict[str, _ProcessBytecodeCache] = {}


def _iso_moment(value: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return i18n.fmt_datetime(moment, "short", zone=True)


# Newstyle gettext, as jinja2.ext's wrappers do it with autoescaping on: the translation is marked
# safe and always used as a format string (so "%%" in a message reads as "%"), each value escaped.
def _gettext(message: str, /, **variables: Any) -> Markup:
    if not variables:  # most calls: a fixed label, the same Markup every time in a language
        return _fixed_text(message, i18n.get_locale())
    return _format(i18n.translations(i18n.get_locale()).gettext(message), variables)


@lru_cache(maxsize=8192)
def _fixed_text(message: str, locale: str) -> Markup:
    return Markup(i18n.translations(locale).gettext(message)) % {}


# "%%" and "%(name)s" are all our messages use; anything else (%d, %r, a bare %s) goes through Markup.
_PLACEHOLDER = re.compile(r"%%|%\(\w+\)s")


@lru_cache(maxsize=8192)
def _named_strings_only(text: str) -> bool:
    return "%" not in _PLACEHOLDER.sub("", text)


def _format(text: str, variables: dict[str, Any]) -> Markup:
    """`Markup(text) % variables`, the same result: for "%(name)s" placeholders, Markup's formatting
    escapes each value and formats it with %s, which is what escaping the values first and formatting
    plain text does. Markup's own path wraps every value in a helper object and costs ten times more
    per sentence; a draft page has about fifty sentences with values (issue 21)."""
    if _named_strings_only(text):
        return Markup(text % {key: escape(value) for key, value in variables.items()})
    return Markup(text) % variables


def _ngettext(singular: str, plural: str, num: int, /, **variables: Any) -> Markup:
    variables.setdefault("num", num)
    return _format(i18n.translations(i18n.get_locale()).ngettext(singular, plural, num), variables)


def _pgettext(context: str, message: str, /, **variables: Any) -> Markup:
    variables.setdefault("context", context)
    return Markup(i18n.pgettext(context, message)) % variables


# The names the templates translate through, and which of their calls can be translated when a
# template is compiled: `_("...")`, `gettext("...")` (what `{% trans %}` compiles to) and
# `pgettext("...", "...")`, each with literal text; `ngettext` depends on a number, so it stays a call.
_FOLDABLE = {"_": 1, "gettext": 1, "pgettext": 2}


class _TranslateLiterals:
    """Replaces each translatable call with literal text by its translation in `locale`, as a template
    is compiled. Through the runtime callables above, every `_()` was a Jinja `Context.call` plus a
    cache lookup, about a hundred per page (issue 21); folded, a fixed label costs nothing and Jinja
    merges it into the template's static text. The result is what the runtime callable returns: the
    translation marked safe and used as a format string, its values escaped by `Markup.__mod__`."""

    def __init__(self, locale: str) -> None:
        self.locale = locale

    def apply(self, template: nodes.Template) -> nodes.Template:
        # A template that assigns one of these names (`{% set _ = ... %}`, a loop variable, a macro
        # argument) keeps runtime calls for that name: its calls may not reach the global callable.
        shadowed = {n.name for n in template.find_all(nodes.Name) if n.ctx in ("store", "param")}
        names = {name: arity for name, arity in _FOLDABLE.items() if name not in shadowed}
        # One walk over every node, replacing each foldable call where it sits (a call inside another
        # one's values stays a runtime call: the outer one's replacement holds it as it was).
        for parent in [*template.find_all(nodes.Node), template]:
            for field, value in parent.iter_fields():
                if isinstance(value, nodes.Call):
                    if (folded := self._fold(value, names)) is not None:
                        setattr(parent, field, folded)
                elif isinstance(value, list):
                    for i, item in enumerate(value):
                        if isinstance(item, nodes.Call) and (folded := self._fold(item, names)) is not None:
                            value[i] = folded
        return template

    def _fold(self, call: nodes.Call, names: dict[str, int]) -> nodes.Expr | None:
        target = call.node
        if not isinstance(target, nodes.Name) or target.ctx != "load" or target.name not in names:
            return None
        if call.dyn_args is not None or call.dyn_kwargs is not None or len(call.args) != names[target.name]:
            return None
        if not all(isinstance(a, nodes.Const) and isinstance(a.value, str) for a in call.args):
            return None
        texts = [a.value for a in call.args]
        with i18n.using_locale(self.locale):
            translated = i18n.pgettext(*texts) if target.name == "pgettext" else (
                i18n.translations(self.locale).gettext(texts[0]))
        keywords = {k.key for k in call.kwargs}
        items = [nodes.Pair(nodes.Const(k.key), k.value) for k in call.kwargs]
        if target.name == "pgettext" and "context" not in keywords:
            items.append(nodes.Pair(nodes.Const("context"), nodes.Const(texts[0])))  # as _pgettext does
        if not items:
            try:
                return nodes.MarkSafe(nodes.Const(str(Markup(translated) % {})), lineno=call.lineno)
            except (KeyError, TypeError, ValueError):
                return None  # a placeholder without a value: fails at render time, as before
        if _named_strings_only(translated):  # as _format does, with no call left at render time
            escaped = [nodes.Pair(item.key, nodes.Filter(item.value, "escape", [], [], None, None)) for item in items]
            return nodes.MarkSafe(nodes.Mod(nodes.Const(translated), nodes.Dict(escaped)), lineno=call.lineno)
        return nodes.Mod(nodes.MarkSafe(nodes.Const(translated)), nodes.Dict(items), lineno=call.lineno)



# markupsafe's own escaping, without its Markup wrapper (absent from a future markupsafe: then as is).
_escape_inner = getattr(markupsafe, "_escape_inner", None)


def _output_escape(value: Any, /) -> str:
    """What `markupsafe.escape` does to a value a template prints, returning the escaped text as a plain
    str. Compiled templates call `escape` only on what they print (`yield escape(x)` or into an output
    buffer), and what they print is only ever joined into the page, so wrapping each piece in Markup
    first (a Python-level `Markup.__new__`, several hundred per page) bought nothing: it was a tenth
    of a proposal list's CPU (issue 21)."""
    if type(value) is str:
        return _escape_inner(value)  # type: ignore[misc]
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape_inner(str(value))  # type: ignore[misc]


class _SiteTemplate(Template):
    @classmethod
    def _from_namespace(cls, environment: Environment, namespace: Any, globals: Any) -> Template:
        if _escape_inner is not None:
            namespace["escape"] = _output_escape
        return super()._from_namespace(environment, namespace, globals)


class _LocalizedEnvironment(Environment):
    """The site's environment keeps one compiled copy of each template per language (an overlay per
    locale, sharing globals, filters, loader and settings), with fixed texts translated in place. A
    template asked of the site's environment comes from the overlay of the request's language, and
    what it includes, imports or extends comes from that same overlay. Templates made with
    `from_string` on the site's environment are compiled as written, with runtime translation."""

    compile_locale: str | None = None
    localized: dict[str, Environment]
    template_class = _SiteTemplate

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        if self.compile_locale is not None:
            tree = _TranslateLiterals(self.compile_locale).apply(tree)
        return tree

    def make_globals(self, d: Any = None) -> Any:
        """The environment's own globals for a template that brings none of its own (all of ours),
        rather than Jinja's ChainMap over them: every render copies them into a fresh context and
        every `{% from ... import %}` compares their keys, each a Python-level walk of the ChainMap
        (a tenth of a small page, issue 21), where a dict does it in C. Nothing here writes to a
        template's globals, so there is nothing for the ChainMap to keep apart."""
        if not d:
            return self.globals
        return super().make_globals(d)

    def _overlay(self) -> Environment | None:
        overlay = self.localized.get(i18n.get_locale()) if self.compile_locale is None else None
        if overlay is not None and overlay.loader is not self.loader:  # the site's loader was replaced
            overlay.loader = self.loader
            overlay.cache.clear()  # type: ignore[union-attr]
        return overlay

    def get_template(self, name: Any, parent: str | None = None, globals: Any = None) -> Any:
        if overlay := self._overlay():
            return overlay.get_template(name, parent, globals)
        return super().get_template(name, parent, globals)

    def select_template(self, names: Any, parent: str | None = None, globals: Any = None) -> Any:
        if overlay := self._overlay():
            return overlay.select_template(names, parent, globals)
        return super().select_template(names, parent, globals)

    def localize(self) -> None:
        """Makes the per-language overlays; called once the environment is fully set up."""
        self.localized = {}
        for locale in i18n.LOCALES:
            overlay = self.overlay(bytecode_cache=_BYTECODE_CACHES.setdefault(locale, _ProcessBytecodeCache()))
            overlay.compile_locale = locale
            self.localized[locale] = overlay


def _bdi(value: Any) -> Markup:
    # Markup.format runs string.Formatter (a tenth of the proposal list's render, issue 21); for the
    # text, numbers and Markup that reach this filter, escaping and concatenating gives the same.
    if type(value) in (str, Markup, int, float):
        return Markup(f"<bdi>{escape(value)}</bdi>")
    return Markup("<bdi>{}</bdi>").format(value)


def build_environment(currency: str = "USD", template_dir: Path = TEMPLATE_DIR, auto_reload: bool = False
                      ) -> Environment:
    """`auto_reload` (TOWNSQUARE_DEBUG) re-reads an edited template; otherwise a loaded template is
    never checked against its file again, which saves a stat() per template and include on every
    render (issue 21)."""
    env = _LocalizedEnvironment(
        loader=FileSystemLoader(str(template_dir)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n", MemoBlock],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_BYTECODE_CACHES.setdefault("", _ProcessBytecodeCache()),
        auto_reload=auto_reload,
        # Every template of the site stays compiled (the default keeps 400, near our count).
        cache_size=-1,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s, **kw: i18n.gettext(s, **kw),
        # Jinja fills in the placeholders itself (escaping them), `num` and any others alike; the
        # callable only picks the translation. Formatting here too would fail on other placeholders.
        ngettext=lambda s, p, n: i18n.translations(i18n.get_locale()).ngettext(s, p, n),
        pgettext=lambda c, s, **kw: i18n.pgettext(c, s),
        newstyle=True,
    )
    # ... and then replaced by plain functions doing the same: through the extension, every `_()`
    # went through Jinja's Context.call three times (its `_` alias, its escaping wrapper, the
    # callable), which made translation a tenth of a page's CPU (issue 21). `{% trans %}` blocks
    # look these names up too. Every template here autoescapes (select_autoescape above).
    env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext, pgettext=_pgettext)
    version = _static_version()
    labels: dict[tuple[str, str], Any] = {}

    def shared_labels(template_name: str) -> Any:
        """The `T` a labels template defines, rendered once per language in this process: a page
        with ten comment threads used to import and translate the same labels ten times (issue 21)."""
        key = (template_name, i18n.get_locale())
        if key not in labels:
            labels[key] = env.get_template(template_name).make_module().T  # type: ignore[attr-defined]
        return labels[key]

    pieces: dict[tuple[str, int, str], Markup] = {}

    def page_piece(name: str) -> Markup:
        """Parts of every page's frame that depend only on the process (asset links, with the static
        version and the domains' stylesheets) or on the language (the language menu's options): made
        once each rather than on every page (issue 21). The registry is in the key because tests
        install their own."""
        domains = registry()
        key = (name, id(domains), i18n.get_locale() if name == "language_options" else "")
        if (piece := pieces.get(key)) is None:
            # Lines as the template wrote them, without the last newline: the template's own ends the piece.
            if name == "styles":
                lines = [Markup('  <link rel="stylesheet" href="/static/{}?v={}">').format(sheet, version)
                         for sheet in ("css/site.css", *domains.stylesheets)]
                lines.append(Markup('  <link rel="icon" href="/static/img/favicon.svg?v={}" type="image/svg+xml">'
                                    ).format(version))
            elif name == "scripts":
                lines = [Markup('  <script src="/static/{}?v={}" defer></script>').format(path, version)
                         for path in (f"vendor/htmx-{HTMX_VERSION}.min.js", "js/unfold.js")]
            else:
                lines = [Markup('          <option value="{0}" lang="{0}"{1}>{2}</option>').format(
                    code, Markup(" selected") if code == key[2] else "", label)
                    for code, label in i18n.LOCALES.items()]
            piece = Markup("\n").join(lines)
            pieces[key] = piece
        return piece

    env.globals.update(
        page_piece=page_piece,
        # A macro's HTML kept per exact values and language (server/fragments.py).
        memo=memo,
        # A key for memo() from a struct holding lists (its msgpack bytes: equal exactly when the values are).
        memo_key=msgspec.msgpack.encode,
        nav_items=nav_items,
        shared_labels=shared_labels,
        locales=i18n.LOCALES,
        get_locale=i18n.get_locale,
        text_direction=i18n.text_direction,
        currency=currency,
        time_zone=clock.zone_name,
        static=lambda path: f"/static/{path}?v={version}",
        field_labels=field_labels,
    )
    # Marked pass_eval_context so Jinja never folds them at compile time: a literal like
    # {{ 5000 | money }} would otherwise be formatted once, in the language of the first request.
    env.filters.update(
        money=pass_eval_context(lambda _ctx, v, cur=None: i18n.fmt_money(v, cur or currency)),
        date=pass_eval_context(lambda _ctx, v, format="medium": i18n.fmt_date(v, format)),
        datetime=pass_eval_context(lambda _ctx, v, format="medium", zone=False: i18n.fmt_datetime(v, format, zone)),
        number=pass_eval_context(lambda _ctx, v: i18n.fmt_number(v)),
        markdown=render_markdown,
        # Return addresses written into links and forms: only same-site paths (server/redirects.py).
        safe_path=safe_path,
        percent=pass_eval_context(lambda _ctx, a, b: i18n.fmt_percent(a, b)),
        # A person's name, an amount or a date inside a translated sentence: isolated, so that
        # "Dana Okafor (Council)" or "$US 190,000" keeps its own direction in an Arabic sentence.
        bdi=_bdi,
        # A moment stored as ISO text (the ballot change log's old and new values), read as a date.
        isotime=pass_eval_context(lambda _ctx, v: _iso_moment(v)),
    )
    env.localize()
    return env


def template_config(currency: str = "USD", auto_reload: bool = False) -> TemplateConfig[Any]:
    env = build_environment(currency, auto_reload=auto_reload)
    return TemplateConfig(instance=_Engine.from_environment(env))
