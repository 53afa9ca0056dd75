"""The Atom writer and photo checks, without a database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from xml.etree import ElementTree as ET

from server import photos
from server.feeds import ATOM_NS, FeedEntry, render_atom

A = f"{{{ATOM_NS}}}"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 20


def test_atom_document_parses_with_entries_and_escapes_text() -> None:
    entries = [
        FeedEntry(id="tag:t,2026:1", title="Lights <b>&</b> more", updated=dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC),
                  path="/delivery/1#update-1", summary="<script>x</script>", author="Dana"),
        FeedEntry(id="tag:t,2026:2", title="Crossing", updated=dt.datetime(2026, 5, 3, 9, tzinfo=dt.UTC),
                  path="/delivery/2#update-2"),
    ]
    body = render_atom(feed_id="https://x.example/feeds/delivery.atom", title="Feed", base_url="https://x.example/",
                       self_path="/feeds/delivery.atom", alternate_path="/delivery", entries=entries)
    assert b"<script>" not in body
    root = ET.fromstring(body)
    assert root.tag == f"{A}feed"
    assert root.findtext(f"{A}updated") == "2026-05-03T09:00:00Z"
    got = root.findall(f"{A}entry")
    assert [e.findtext(f"{A}title") for e in got] == ["Lights <b>&</b> more", "Crossing"]
    assert got[0].find(f"{A}link").get("href") == "https://x.example/delivery/1#update-1"
    assert got[0].findtext(f"{A}summary") == "<script>x</script>"
    for entry in got:
        assert entry.findtext(f"{A}id") and entry.findtext(f"{A}updated")


def test_photo_type_comes_from_magic_bytes() -> None:
    assert photos.sniff_type(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert photos.sniff_type(PNG) == "image/png"
    assert photos.sniff_type(b"RIFF\0\0\0\0WEBPVP8 ") == "image/webp"
    assert photos.sniff_type(b"GIF89a") is None
    assert photos.sniff_type(b"<svg onload=alert(1)>") is None


def test_photo_checks() -> None:
    assert photos.check_photo(PNG, "A lamp post") == ("image/png", {})
    assert photos.check_photo(b"%PDF-1.4", "x")[1] == {"photo": photos.BAD_TYPE}
    assert photos.check_photo(PNG + b"\0" * photos.MAX_PHOTO_BYTES, "x")[1] == {"photo": photos.TOO_BIG}
    assert photos.check_photo(PNG, "  ")[1] == {"photo_alt": photos.NEEDS_ALT}


def test_stored_names_are_random_and_only_they_are_served(tmp_path: Path) -> None:
    a = photos.store_photo(tmp_path, PNG, "image/png")
    b = photos.store_photo(tmp_path, PNG, "image/png")
    assert a != b and a.endswith(".png")
    assert photos.photo_path(tmp_path, a) == (tmp_path / a, "image/png")
    assert photos.photo_path(tmp_path, "../secret_key") is None
    assert photos.photo_path(tmp_path, "x" * 22 + ".png") is None
