"""JSON log lines (TOWNSQUARE_LOG_FORMAT=json, server/logs.py)."""

from __future__ import annotations

import json
import logging

from server.logs import JSONFormatter


def test_a_log_record_is_one_json_object_with_its_extras() -> None:
    record = logging.LogRecord("townsquare.queue", logging.WARNING, __file__, 1, "task %s failed", ("count",), None)
    record.ballot_id = 12  # from logging's extra=
    line = JSONFormatter().format(record)
    assert "\\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "warning" and entry["logger"] == "townsquare.queue"
    assert entry["message"] == "task count failed" and entry["ballot_id"] == 12
    assert entry["time"].endswith("+00:00")


def test_exceptions_stay_inside_the_line() -> None:
    try:
        raise ValueError("bad\\nthing")
    except ValueError:
        import sys

        record = logging.LogRecord("townsquare", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    line = JSONFormatter().format(record)
    assert len(line.splitlines()) == 1
    assert "ValueError" in json.loads(line)["exception"]
