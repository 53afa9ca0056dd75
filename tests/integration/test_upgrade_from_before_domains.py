"""A database made by the version before domains became plug-ins (delivery still in
ballots/outcomes, the host listing every module) keeps migrating: the old code, taken from git,
migrates a new database and loads its demo data in a subprocess; this version then migrates it and
must find every row, on both engines.

BASE is the last commit of main with the old layout; its migrations are the ones existing
databases were made with."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
from collections import Counter
from pathlib import Path

import httpx
import pytest
from fresh_databases import ENGINES, empty_database

from server.database import engine_from_url, migrate

BASE = "ddc070be705f97d364711e4ee75fd80227074a0d"
ROOT = Path(__file__).resolve().parents[2]
# The git repository holding BASE: this checkout, unless the tests run from a copy of it.
REPO = Path(os.environ.get("TOWNSQUARE_TEST_GIT_DIR") or ROOT)
SECRET = "test-secret-key-that-is-long-enough-for-csrf-0123456789"


def _old_code(into: Path) -> Path:
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", BASE], capture_output=True,
                             check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    assert (into / "ballots" / "outcomes" / "piccolo_app.py").is_file()  # really the old layout
    # Its server refuses to start without compiled catalogs, which a checkout makes with make.
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "compile", "-d", str(into / "server" / "locale"),
                    "-D", "messages"], check=True, capture_output=True)
    return into


def _run_old(code: Path, url: str, var: Path, *args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(code), "DATABASE_URL": url, "TOWNSQUARE_VAR_DIR": str(var),
           "SECRET_KEY": SECRET}
    env.pop("PICCOLO_CONF", None)
    result = subprocess.run([sys.executable, "-c", "import sys, server, server.cli; "
                             f"assert server.__file__.startswith({str(code)!r}), server.__file__; "
                             "sys.exit(server.cli.main(sys.argv[1:]))", *args],
                            cwd=code, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


async def _snapshot(url: str) -> dict[str, tuple[list[str], Counter[tuple[str, ...]]]]:
    """Every table's columns and rows (as reprs, so any value compares)."""
    out: dict[str, tuple[list[str], Counter[tuple[str, ...]]]] = {}
    if url.startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            names = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
            for name in names:
                cursor = conn.execute(f'SELECT * FROM "{name}"')
                columns = [d[0] for d in cursor.description]
                out[name] = (columns, Counter(tuple(repr(v) for v in row) for row in cursor))
        return out
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        tables = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        names = [r["tablename"] for r in tables]
        for name in names:
            columns = [r["column_name"] for r in await conn.fetch(
                "SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position",
                name)]
            rows = await conn.fetch(f'SELECT * FROM "{name}"')
            out[name] = (columns, Counter(tuple(repr(row[c]) for c in columns) for row in rows))
    finally:
        await conn.close()
    return out


@pytest.mark.parametrize("kind", ENGINES)
async def test_a_database_from_before_the_plug_in_layout_upgrades_with_every_row(kind: str, tmp_path: Path) -> None:
    code = _old_code(tmp_path / "old")
    async with empty_database(kind, tmp_path) as url:
        _run_old(code, url, tmp_path / "var", "demo")
        before = await _snapshot(url)
        assert sum(sum(rows.values()) for _, rows in before.values()) > 500  # the demo made plenty to find
        assert {"delivery_item", "ballot", "proposal", "migration"} <= set(before)

        engine = engine_from_url(url)
        await migrate(engine)
        await migrate(engine)  # and nothing is left to apply twice
        after = await _snapshot(url)

        for table, (columns, rows) in before.items():
            assert table in after, f"table {table} is gone"
            new_columns, new_rows = after[table]
            assert set(columns) <= set(new_columns), table
            keep = [new_columns.index(c) for c in columns]
            found = Counter(tuple(row[i] for i in keep) for row in new_rows.elements())
            assert not rows - found, f"{table}: rows missing after the upgrade"
        migrations = after["migration"][1]
        assert len(migrations) == sum(migrations.values())  # no migration recorded twice
        # Issue 15: accounts made before e-mail confirmation existed count as confirmed.
        account_columns, accounts = after["account"]
        confirmed = account_columns.index("confirmed_at")
        assert accounts and all(row[confirmed] != "None" for row in accounts.elements())

        # The new layout reads the old rows through its own code: delivery, now a domain of its own,
        # and the read side above the domains.
        from server.app import create_app
        from server.settings import load_settings

        settings = load_settings({"TOWNSQUARE_VAR_DIR": str(tmp_path / "var"), "DATABASE_URL": url,
                                  "SECRET_KEY": SECRET})
        app = create_app(settings, engine=engine, run_jobs=False)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
            delivery = await client.get("/delivery")
            assert delivery.status_code == 200
            api = await client.get("/api/v1/delivery")
            assert api.status_code == 200
            assert len(api.json()["items"]) == sum(before["delivery_item"][1].values())

        # Issue 15: every batch of codes made before batches had rows has one, with its ballot's age
        # window (its codes carry it from now on), and every paper sheet its normalised key.
        from ballots.tables import AccessCode, Ballot, CodeBatch, PaperSheet

        batches = await CodeBatch.select(CodeBatch.ballot, CodeBatch.number, CodeBatch.age_min, CodeBatch.age_max,
                                         CodeBatch.quantity, CodeBatch.status)
        codes = Counter((r["ballot"], r["batch"]) for r in await AccessCode.select(AccessCode.ballot, AccessCode.batch))
        assert codes and {(b["ballot"], b["number"]): b["quantity"] for b in batches} == dict(codes)
        windows = {r["id"]: (r["age_min"], r["age_max"]) for r in await Ballot.select(Ballot.id, Ballot.age_min,
                                                                                       Ballot.age_max)}
        assert all((b["age_min"], b["age_max"]) == windows[b["ballot"]] and b["status"] == "issued" for b in batches)
        sheets = await PaperSheet.select(PaperSheet.sheet_ref, PaperSheet.sheet_key)
        assert sheets and all(s["sheet_key"] == s["sheet_ref"].replace("-", "").upper() for s in sheets)
