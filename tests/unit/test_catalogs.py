"""Every message a person can see is translated into every language we offer.

The message template is extracted afresh from the code (same options as `make messages`), so a new
string without a Spanish and Arabic translation fails here, not in front of a resident. To fix a
failure: `make messages`, translate the listed entries in server/locale/<lang>/LC_MESSAGES/messages.po
(keep every %(name)s placeholder), then `make compile-messages`."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from server.i18n import LOCALE_DIR, LOCALES
from server.settings import PROJECT_ROOT

TRANSLATED_LOCALES = [code for code in LOCALES if code != "en"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")


def _pybabel() -> list[str]:
    beside_python = Path(sys.executable).with_name("pybabel")
    if beside_python.exists():
        return [str(beside_python)]
    found = shutil.which("pybabel")
    assert found, "pybabel (from the babel package) is not installed"
    return [found]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    # The same options as the Makefile's `messages` target.
    subprocess.run([*_pybabel(), "extract", "-F", "babel.cfg", "-k", "N_", "-k", "lazy_gettext", "-o", str(pot),
                    "--no-location", "--sort-output", "."],
                   cwd=PROJECT_ROOT, check=True, capture_output=True)
    with pot.open("rb") as handle:
        return read_po(handle)


def _catalog(locale: str) -> Catalog:
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def _show(msgid: str | tuple[str, ...]) -> str:
    text = msgid[0] if isinstance(msgid, tuple) else msgid
    return repr(text if len(text) < 90 else text[:87] + "...")


def test_template_finds_the_messages(template: Catalog) -> None:
    ids = {m.id for m in template if m.id}
    assert "Sign in" in ids and "Skip to main content" in ids  # from Python and from templates
    assert len(ids) > 50


@pytest.mark.parametrize("locale", TRANSLATED_LOCALES)
def test_every_message_is_translated(template: Catalog, locale: str) -> None:
    catalog = _catalog(locale)
    problems: list[str] = []
    for source in template:
        if not source.id:
            continue
        entry = catalog.get(source.id)
        if entry is None:
            problems.append(f"missing (run `make messages`): {_show(source.id)}")
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(s and s.strip() for s in strings):
            problems.append(f"not translated: {_show(source.id)}")
        elif entry.fuzzy:
            problems.append(f"fuzzy (check it, then remove the fuzzy flag): {_show(source.id)}")
    assert not problems, f"{len(problems)} problem(s) in the {locale} catalog:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("locale", TRANSLATED_LOCALES)
def test_translations_keep_the_placeholders(template: Catalog, locale: str) -> None:
    catalog = _catalog(locale)
    problems: list[str] = []
    for source in template:
        entry = catalog.get(source.id) if source.id else None
        if entry is None or not entry.string:
            continue
        source_ids = source.id if isinstance(source.id, tuple) else (source.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        expected = set().union(*(_placeholders(s) for s in source_ids))
        for text in strings:
            found = _placeholders(text)
            # Plural forms may leave the count out ("one proposal"); every other name must be there.
            if isinstance(source.id, tuple):
                found, wanted = found - {"num"}, expected - {"num"}
            else:
                wanted = expected
            if found != wanted:
                problems.append(f"{_show(source.id)}: source has {sorted(wanted)}, translation has {sorted(found)}")
    assert not problems, f"placeholders differ in the {locale} catalog:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("locale", TRANSLATED_LOCALES)
def test_catalog_has_no_fuzzy_header(locale: str) -> None:
    # A fuzzy header makes gettext ignore the whole catalog when compiled without --use-fuzzy.
    assert not _catalog(locale).fuzzy, f"the {locale} catalog header is marked fuzzy"
