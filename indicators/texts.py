"""Texts council writes in three languages, stored as {"en": ..., "es": ..., "ar": ...} (no I/O)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from server import forms
from server.i18n import get_locale

LANGUAGES = ("en", "es", "ar")


def load(value: object) -> dict[str, str]:
    """A stored translation object (Piccolo hands JSON columns back as text)."""
    if isinstance(value, str):
        try:
            value = json.loads(value or "{}")
        except ValueError:
            return {}
    return {k: str(v) for k, v in value.items() if k in LANGUAGES and v} if isinstance(value, dict) else {}


def pick(texts: Mapping[str, str], locale: str | None = None) -> str:
    """The reader's language, else English (always present)."""
    return texts.get(locale or get_locale()) or texts.get("en", "")


def read(form: Mapping[str, str], name: str, errors: forms.Errors, *, max_length: int,
         required: bool = True) -> dict[str, str]:
    """Fields `name_en`, `name_es`, `name_ar`: English required (when `required`), the others
    optional (a reader of a missing language sees the English)."""
    out = {}
    for lang in LANGUAGES:
        value = forms.text(form, f"{name}_{lang}", errors, required=required and lang == "en", max_length=max_length)
        if value:
            out[lang] = value
    return out


def form_values(name: str, texts: Mapping[str, str]) -> dict[str, str]:
    return {f"{name}_{lang}": texts.get(lang, "") for lang in LANGUAGES}
