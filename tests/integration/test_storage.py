"""Uploads in shared storage (server/storage.py behind server/photos.py, issue 22), against a real
S3-compatible server (moto in server mode): what one process stores another reads, public photos
go out through the app or as short-lived signed links, private ones only through the app."""

from __future__ import annotations

import datetime as dt
import io

import httpx
import pytest
from PIL import Image

from server import photos
from server.storage import Storage, local_storage, storage_from


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def bucket(s3) -> str:
    return s3.new_bucket()


def _s3_storage(s3, bucket: str, *, signed_links: bool = False) -> Storage:
    return storage_from(f"s3://{bucket}/uploads", dt_dir(), signed_links=signed_links, env=s3.env(bucket))


def dt_dir():
    from pathlib import Path

    return Path("/nonexistent-var")  # S3 storage never touches the local folder


def test_photos_stored_by_one_process_are_read_by_another(s3, bucket: str) -> None:
    one, other = _s3_storage(s3, bucket), _s3_storage(s3, bucket)  # two hosts' views of one bucket
    name = photos.store_photo(one.child("delivery"), _png(), "image/png")
    assert f"uploads/delivery/{name}" in s3.objects(bucket)  # really in the bucket
    assert other.child("delivery").read(name) == _png()
    assert other.child("other-area").read(name) is None  # areas stay apart
    photos.remove_photo(other.child("delivery"), name)
    assert one.child("delivery").read(name) is None
    assert name not in s3.objects(bucket)


def test_held_photo_survives_a_move_to_another_host(s3, bucket: str) -> None:
    token = photos.hold_photo(_s3_storage(s3, bucket), b"still unchecked bytes")
    assert photos.take_held_photo(_s3_storage(s3, bucket), token) == b"still unchecked bytes"
    assert photos.take_held_photo(_s3_storage(s3, bucket), token) is None  # taken once
    assert photos.take_held_photo(_s3_storage(s3, bucket), "../../etc/passwd") is None


def test_old_held_photos_are_cleared(s3, bucket: str) -> None:
    storage = _s3_storage(s3, bucket)
    old = photos.hold_photo(storage, b"old")
    held = storage.child(photos.HELD_DIR)
    assert held.older_than(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5)) == [old]
    assert held.older_than(dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)) == []


def test_public_photo_through_the_app_and_private_never_signed(s3, bucket: str) -> None:
    storage = _s3_storage(s3, bucket, signed_links=True)
    name = photos.store_photo(storage, _png(), "image/png")
    # Private: the bytes, through the app (the caller checked who asks), never cached on the way.
    private = photos.photo_response(storage, name, public=False)
    assert private.content == _png()
    assert private.headers["cache-control"] == "private, no-store"
    # Public with signed links: a redirect to the bucket, which serves it to anyone for a few minutes.
    public = photos.photo_response(storage, name, public=True)
    assert public.status_code == 303
    link = public.url
    assert "X-Amz-Signature=" in link and "X-Amz-Expires=300" in link
    assert httpx.get(link, timeout=10).content == _png()
    # Without signed links, public photos come through the app too, cached for good.
    plain = photos.photo_response(_s3_storage(s3, bucket), name, public=True)
    assert plain.content == _png() and "immutable" in plain.headers["cache-control"]
    with pytest.raises(Exception, match="Not Found"):
        photos.photo_response(storage, "A" * 22 + ".png", public=True)


def test_local_storage_is_the_default_and_serves_from_disk(tmp_path) -> None:
    storage = storage_from(None, tmp_path)
    name = photos.store_photo(storage.child("delivery"), _png(), "image/png")
    assert (tmp_path / "uploads" / "delivery" / name).read_bytes() == _png()
    found = photos.photo_path(storage.child("delivery"), name)
    assert found is not None and found[1] == "image/png"
    # A Path is still accepted where a Storage is expected (callers written before storage was shared).
    assert photos.photo_path(tmp_path / "uploads" / "delivery", name) == found
    assert local_storage(tmp_path / "uploads").child("delivery").read(name) == _png()


@pytest.fixture
def settings_env(s3) -> dict[str, str]:
    return s3.env(s3.new_bucket())


async def test_delivery_photo_served_from_the_bucket(client, app, settings_env) -> None:
    storage = app.state.storage
    assert storage.local_root is None  # the app keeps uploads in the bucket
    name = photos.store_photo(storage, _png(), "image/png")
    response = await client.get(f"/delivery/photos/{name}")
    assert response.status_code == 200
    assert response.content == _png()
    assert response.headers["content-type"] == "image/png"
    assert (await client.get("/delivery/photos/" + "B" * 22 + ".png")).status_code == 404


async def test_async_serving_reads_the_bucket_without_blocking(s3, bucket: str) -> None:
    storage = _s3_storage(s3, bucket)
    name = photos.store_photo(storage, _png(), "image/png")
    served = await photos.serve_photo(storage, name, public=False)
    assert served.content == _png() and served.headers["cache-control"] == "private, no-store"
    with pytest.raises(Exception, match="Not Found"):
        await photos.serve_photo(storage, "C" * 22 + ".png", public=True)
    with pytest.raises(Exception, match="Not Found"):
        await photos.serve_photo(storage, "../secret.png", public=True)
