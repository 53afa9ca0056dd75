"""What the concern controllers share (not imported by other domains)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Request
from litestar.datastructures import UploadFile

from concerns import rules, service
from concerns.schemas import CHANNEL_LABELS, IDENTITY_LABELS, METHOD_LABELS, STATUS_LABELS, label, status_label
from server import forms, i18n, photos

NO_STORE = {"Cache-Control": "no-store"}
# A 5 MB photo plus the text fields.
MAX_REPORT_BODY = photos.MAX_PHOTO_BYTES + 512 * 1024


def upload_dir(request: Request[Any, Any, Any]) -> Path:
    return photos.uploads(request, "concerns")


def labels() -> dict[str, Any]:
    """Label helpers every concern template uses."""
    return {
        "status_label": status_label,
        "channel_label": lambda key: label(CHANNEL_LABELS, key),
        "method_label": lambda key: label(METHOD_LABELS, key),
        "identity_label": lambda key: label(IDENTITY_LABELS, key),
        "status_options": [(key, str(value)) for key, value in STATUS_LABELS.items()],
    }


async def read_with_photo(request: Request[Any, Any, Any]) -> tuple[dict[str, str], bytes | None, str]:
    """The form's text fields, the uploaded (or held) photo's bytes, and its file name for the page."""
    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str) and k != "_csrf_token"}
    upload = raw.get("photo")
    held_name = form.pop("held_photo_name", "")
    data: bytes | None = None
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read()
        held_name = upload.filename
        form.pop("held_photo", None)
    elif held := photos.take_held_photo(upload_dir(request), form.pop("held_photo", "")):
        data = held
    return form, data, held_name


def hold_for_retry(request: Request[Any, Any, Any], form: dict[str, str], data: bytes | None, name: str,
                   errors: forms.Errors) -> None:
    """Browsers cannot refill a file input: a photo sent with a refused form waits for the next try."""
    if data is not None and "photo" not in errors:
        form["held_photo"] = photos.hold_photo(upload_dir(request), data)
        form["held_photo_name"] = name[:120]


async def form_context(category: Any = None) -> dict[str, Any]:
    from server.neighborhoods.service import active_neighborhoods

    return {
        "categories": await service.categories(),
        "category": category,
        "neighborhoods": [(h.id, h.name) for h in await active_neighborhoods()],
        "languages": list(i18n.LOCALES.items()),
        "identity_options": [(key, str(value)) for key, value in IDENTITY_LABELS.items()],
        "staff_channels": [(key, label(CHANNEL_LABELS, key)) for key in rules.STAFF_CHANNELS],
        **labels(),
    }


async def parse(form: dict[str, str], identities: tuple[str, ...]) -> tuple[Any, forms.Errors]:
    from concerns.schemas import parse_concern
    from server.neighborhoods.service import active_neighborhoods

    return parse_concern(form, category_ids={c.id for c in await service.categories()},
                         neighborhood_ids={h.id for h in await active_neighborhoods()}, identities=identities,
                         languages=tuple(i18n.LOCALES))
