from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from server.settings import SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"TOWNSQUARE_VAR_DIR": str(tmp_path), **extra}


def test_defaults_to_sqlite_under_var_and_keeps_a_generated_secret(tmp_path: Path) -> None:
    settings = load_settings(_env(tmp_path))
    assert settings.database_url == f"sqlite:///{tmp_path / 'townsquare.sqlite3'}"
    assert len(settings.secret_key) >= 32
    assert load_settings(_env(tmp_path)).secret_key == settings.secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DATABASE_URL", "mysql://root@localhost/x", "DATABASE_URL: 'mysql://root@localhost/x' is not supported"),
        ("DATABASE_URL", "postgresql://localhost", "names no database"),
        ("DATABASE_URL", "sqlite://", "has no file path"),
        ("SECRET_KEY", "short", "SECRET_KEY: must be at least 32 characters"),
        ("REDIS_URL", "http://localhost", "REDIS_URL: 'http://localhost' is not a redis://"),
        ("TOWNSQUARE_HTTPS", "maybe", "TOWNSQUARE_HTTPS: 'maybe' is not a yes/no value"),
        ("TOWNSQUARE_CURRENCY", "DOLLARS", "TOWNSQUARE_CURRENCY"),
        ("TOWNSQUARE_TIME_ZONE", "Chicago", "TOWNSQUARE_TIME_ZONE: 'Chicago' is not a time zone name"),
        ("TOWNSQUARE_SMTP_URL", "mail.example.org", "TOWNSQUARE_SMTP_URL: not an smtp:// or smtps:// address"),
        # Links in real emails are never built from the request's Host header.
        ("TOWNSQUARE_SMTP_URL", "smtp://mail.example.org", "TOWNSQUARE_PUBLIC_URL: must be set"),
        ("TOWNSQUARE_PUBLIC_URL", "townsquare.example.org", "TOWNSQUARE_PUBLIC_URL: 'townsquare.example.org' is not"),
        ("TOWNSQUARE_MAIL_FROM", "Townsquare", "TOWNSQUARE_MAIL_FROM: 'Townsquare' has no email address"),
        ("TOWNSQUARE_JOBS", "sometimes", "TOWNSQUARE_JOBS: 'sometimes' is not in-process or worker"),
        # The worker needs the PostgreSQL queue; on SQLite jobs run in the server process.
        ("TOWNSQUARE_JOBS", "worker", "TOWNSQUARE_JOBS: worker needs PostgreSQL"),
        ("TOWNSQUARE_REPLICA_DATABASE_URL", "postgresql://db/x", "TOWNSQUARE_REPLICA_DATABASE_URL: needs a postgresql"),
        ("TOWNSQUARE_STORAGE_URL", "/srv/uploads", "TOWNSQUARE_STORAGE_URL: '/srv/uploads' is not an s3://"),
        ("TOWNSQUARE_STORAGE_SIGNED_LINKS", "perhaps", "TOWNSQUARE_STORAGE_SIGNED_LINKS: 'perhaps' is not a yes/no"),
        ("TOWNSQUARE_LOG_FORMAT", "xml", "TOWNSQUARE_LOG_FORMAT: 'xml' is not text or json"),
    ],
)
def test_bad_values_name_the_setting(tmp_path: Path, name: str, value: str, expected: str) -> None:
    with pytest.raises(SettingsError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        load_settings(_env(tmp_path, **{name: value}))


def test_bad_database_url_stops_start_up_with_one_clear_line(tmp_path: Path) -> None:
    env = {**os.environ, "TOWNSQUARE_VAR_DIR": str(tmp_path), "DATABASE_URL": "mysql://root@localhost/town"}
    result = subprocess.run([sys.executable, "-m", "server.cli", "serve", "--port", "0"], env=env,
                            capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("townsquare: DATABASE_URL: 'mysql://root@localhost/town' is not supported")


def test_unreachable_postgres_stops_start_up_with_one_clear_line(tmp_path: Path) -> None:
    env = {**os.environ, "TOWNSQUARE_VAR_DIR": str(tmp_path),
           "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/nothing"}
    result = subprocess.run([sys.executable, "-m", "server.cli", "migrate"], env=env,
                            capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("townsquare: DATABASE_URL: cannot connect to PostgreSQL")
    assert len(result.stderr.strip().splitlines()) == 1


def test_deployment_settings(tmp_path: Path) -> None:
    settings = load_settings(_env(
        tmp_path, DATABASE_URL="postgresql://app@pgbouncer:6432/town", TOWNSQUARE_PGBOUNCER="true",
        TOWNSQUARE_DIRECT_DATABASE_URL="postgresql://app@db:5432/town", TOWNSQUARE_JOBS="worker",
        TOWNSQUARE_REPLICA_DATABASE_URL="postgresql://app@replica:5432/town",
        TOWNSQUARE_STORAGE_URL="s3://bucket/uploads", AWS_ENDPOINT_URL="http://minio:9000", AWS_REGION="eu-west-1",
        TOWNSQUARE_LOG_FORMAT="json"))
    assert settings.pgbouncer and settings.jobs == "worker" and settings.log_format == "json"
    assert settings.direct_url == "postgresql://app@db:5432/town"  # migrations and the queue skip pgbouncer
    assert settings.replica_database_url == "postgresql://app@replica:5432/town"
    assert settings.storage_env == {"AWS_ENDPOINT_URL": "http://minio:9000", "AWS_REGION": "eu-west-1"}
    plain = load_settings(_env(tmp_path))
    assert plain.jobs == "in-process" and plain.direct_url == plain.database_url and plain.storage_url is None


def test_worker_on_sqlite_refuses_with_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["TOWNSQUARE_VAR_DIR"] = str(tmp_path)
    result = subprocess.run([sys.executable, "-m", "server.cli", "worker"], env=env,
                            capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 2
    assert result.stderr.strip() == ("townsquare: the worker needs PostgreSQL (DATABASE_URL); on SQLite, "
                                     "`serve` runs the jobs itself")
