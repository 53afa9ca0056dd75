"""Uploaded photos (delivery updates, concerns), one place for every domain: the type is decided by
the file's first bytes (never by its name or the browser's claim), the size is capped, the image is
re-encoded without its metadata, and files are stored under a random name so that the name reveals
nothing and cannot be guessed or used to reach another path."""

from __future__ import annotations

import io
import re
import secrets
from pathlib import Path
from typing import Any

from litestar import Request, Response
from litestar.exceptions import NotFoundException
from litestar.response import File, Redirect

from server.storage import Storage, local_storage

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_ALT_LENGTH = 300

# content type -> file extension
TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
EXTENSION_TYPES = {ext: kind for kind, ext in TYPES.items()}
NAME_RE = re.compile(r"^[A-Za-z0-9_-]{22}\.(jpg|png|webp)$")

# Problem codes (schemas.py words them).
BAD_TYPE = "bad_type"
TOO_BIG = "too_big"
EMPTY = "empty"
NEEDS_ALT = "needs_alt"
ALT_TOO_LONG = "alt_too_long"
UNREADABLE = "unreadable"

# Larger images are refused rather than decoded (Pillow's guard against decompression bombs).
MAX_PIXELS = 40_000_000
_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


def sniff_type(data: bytes) -> str | None:
    """The image type from its magic bytes, or None when it is not a JPEG, PNG or WebP."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_photo(data: bytes, alt: str) -> tuple[str | None, dict[str, str]]:
    """(content type, problems by field: "photo" and "photo_alt")."""
    problems: dict[str, str] = {}
    kind: str | None = None
    if not data:
        problems["photo"] = EMPTY
    elif len(data) > MAX_PHOTO_BYTES:
        problems["photo"] = TOO_BIG
    else:
        kind = sniff_type(data)
        if kind is None:
            problems["photo"] = BAD_TYPE
    alt = alt.strip()
    if not alt:
        problems["photo_alt"] = NEEDS_ALT
    elif len(alt) > MAX_ALT_LENGTH:
        problems["photo_alt"] = ALT_TOO_LONG
    return kind, problems


def problem_message(code: str) -> str:
    """A problem code from `check_photo` (or UNREADABLE) in the reader's language."""
    from server.i18n import gettext as _

    return {
        BAD_TYPE: _("The photo must be a JPEG, PNG or WebP image."),
        UNREADABLE: _("This image could not be read. Please save it again as JPEG or PNG and upload that file."),
        TOO_BIG: _("The photo is too large: the limit is 5 MB."),
        EMPTY: _("The photo file is empty."),
        NEEDS_ALT: _("Please describe the photo for people who cannot see it."),
        ALT_TOO_LONG: _("Please keep the photo description to %(n)s characters or fewer.", n=MAX_ALT_LENGTH),
    }.get(code, code)


def clean_photo(data: bytes, content_type: str) -> bytes | None:
    """The image decoded and encoded again with no metadata, or None when it cannot be decoded.

    A phone photo's EXIF block holds where it was taken and the camera's serial number; PNG and WebP
    carry text and XMP chunks. Council staff post photos of streets and sites, so none of that may
    reach the public. Re-encoding (rather than cutting metadata blocks out) also means a file that
    only looks like an image at its start is never served as it came. The EXIF orientation is
    applied first, so the picture stands the way the phone showed it.
    """
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                return None
            image.load()
            upright = ImageOps.exif_transpose(image)
            if content_type == "image/jpeg" and upright.mode not in ("RGB", "L", "CMYK"):
                upright = upright.convert("RGB")
            out = io.BytesIO()
            options: dict[str, object] = {"quality": 90} if content_type != "image/png" else {"optimize": True}
            upright.save(out, _FORMATS[content_type], **options)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None
    return out.getvalue()


# Where photos go: a Storage (server/storage.py) from `uploads(request, area)`; a plain Path (a local
# folder) is still accepted, for callers written before storage could be shared.
Place = Storage | Path


def _storage(place: Place) -> Storage:
    return place if isinstance(place, Storage) else local_storage(Path(place))


def store_photo(directory: Place, data: bytes, content_type: str) -> str:
    """Store the file under a fresh random name and return the name."""
    name = f"{secrets.token_urlsafe(16)}.{TYPES[content_type]}"
    _storage(directory).put_new(name, data)
    return name


def photo_path(directory: Place, name: str) -> tuple[Path, str] | None:
    """The stored file on this machine and its content type for a served name, or None for anything
    else (and for files kept in shared storage, which have no path here)."""
    match = NAME_RE.match(name)
    if not match:
        return None
    path = _storage(directory).local_path(name)
    if path is None or not path.is_file():
        return None
    return path, EXTENSION_TYPES[match.group(1)]


def remove_photo(directory: Place, name: str | None) -> None:
    if name and NAME_RE.match(name):
        _storage(directory).delete(name)


# A photo chosen with a form that came back with errors (no description yet, say) is held here until
# the form is sent again: browsers cannot refill a file input, so the person would lose it.
HELD_DIR = "held"
HELD_RE = re.compile(r"^[A-Za-z0-9_-]{32}$")
HELD_FOR_SECONDS = 24 * 3600


def hold_photo(directory: Place, data: bytes) -> str:
    """Keep the uploaded bytes (still unchecked: they are checked again when used) under a random
    token and return it; held photos older than a day are cleared on the way."""
    import datetime as dt

    held = _storage(directory).child(HELD_DIR)
    for old in held.older_than(dt.datetime.now(dt.UTC) - dt.timedelta(seconds=HELD_FOR_SECONDS)):
        held.delete(old)
    token = secrets.token_urlsafe(24)
    held.put_new(token, data)
    return token


def take_held_photo(directory: Place, token: str) -> bytes | None:
    """The held bytes for a token (removed from the hold), or None for an unknown or malformed one."""
    if not HELD_RE.match(token):
        return None
    held = _storage(directory).child(HELD_DIR)
    data = held.read(token)
    if data is not None:
        held.delete(token)
    return data


def uploads(request: Request[Any, Any, Any], area: str = "") -> Storage:
    """Where uploads live for this app (local files or a shared bucket, server/storage.py). `area`
    keeps one domain's files apart from another's (a concern's private photo never sits where public
    delivery photos are served from). Domains pass the result to the functions here and never build
    paths themselves."""
    root: Storage = request.app.state.storage
    return root.child(area) if area else root


async def serve_photo(place: Place, name: str, *, public: bool) -> Response[Any]:
    """`photo_response` for async handlers: a photo kept in a bucket is fetched without holding up
    the other requests of this process while the bucket answers."""
    storage = _storage(place)
    if storage.local_path(name) is not None or (public and storage.signed_links) or not NAME_RE.match(name):
        return photo_response(storage, name, public=public)
    data = await storage.read_async(name)
    if data is None:
        raise NotFoundException()
    cache = "public, max-age=31536000, immutable" if public else "private, no-store"
    return Response(data, media_type=EXTENSION_TYPES[NAME_RE.match(name).group(1)],  # type: ignore[union-attr]
                    headers={"cache-control": cache, "content-disposition": "inline"})


def photo_response(place: Place, name: str, *, public: bool) -> Response[Any]:
    """The stored photo as a response, or 404 for an unknown or malformed name. Public photos are
    cached for good (names are random and never reused); private ones are never cached on the way,
    because the caller decided who may see them for this request only, and never leave as a signed
    link (which would work for anyone holding it).

    From local files the file is sent from disk; from a bucket, public photos go out as a redirect
    to a short-lived signed link when TOWNSQUARE_STORAGE_SIGNED_LINKS is on, else through the app."""
    match = NAME_RE.match(name)
    if not match:
        raise NotFoundException()
    content_type = EXTENSION_TYPES[match.group(1)]
    cache = "public, max-age=31536000, immutable" if public else "private, no-store"
    storage = _storage(place)
    path = storage.local_path(name)
    if path is not None:
        if not path.is_file():
            raise NotFoundException()
        return File(path, media_type=content_type, content_disposition_type="inline",
                    headers={"cache-control": cache})
    if public and (link := storage.signed_link(name)) is not None:
        if not storage.exists(name):
            raise NotFoundException()
        # The link expires within minutes: the redirect itself must not be cached for longer.
        return Redirect(link, status_code=303, headers={"cache-control": "private, max-age=60"})
    data = storage.read(name)
    if data is None:
        raise NotFoundException()
    return Response(data, media_type=content_type,
                    headers={"cache-control": cache, "content-disposition": "inline"})
