"""Production serving settings: gunicorn configuration from the environment,
JSON log lines with request ids and without request details."""

from __future__ import annotations

import json
import logging
import runpy
import sys
from typing import Any

import pytest

from safeguard.logjson import JsonFormatter
from safeguard.middleware import RequestIdLogFilter, set_request_id
from tests.reliability.support import ROOT

pytestmark = pytest.mark.reliability


def test_gunicorn_config_defaults_are_safe(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_CONTROL_SOCKET"):
        monkeypatch.delenv(name, raising=False)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["bind"] == "127.0.0.1:8000"  # loopback unless told otherwise
    assert 1 <= config["workers"] <= 8
    assert config["max_requests"] > 0 and config["max_requests_jitter"] > 0
    assert config["timeout"] > 0
    assert config["control_socket_disable"] is True
    assert "%(q)s" not in config["access_log_format"]  # never the query string
    assert "x-request-id" in config["access_log_format"]


def test_gunicorn_config_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:9001")
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("GUNICORN_MAX_REQUESTS", "50")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert (config["bind"], config["workers"], config["max_requests"]) == ("127.0.0.1:9001", 3, 50)


def _format(**extra: Any) -> dict[str, Any]:
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Failed: %s", ("/incidents/7/",), None
    )
    for key, value in extra.items():
        setattr(record, key, value)
    RequestIdLogFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


def test_json_log_line_carries_the_request_id_not_the_request() -> None:
    set_request_id("abc123def456")
    try:
        line = _format(status_code=503, request=object())
    finally:
        set_request_id(None)
    assert line["request_id"] == "abc123def456"
    assert line["message"] == "Failed: /incidents/7/"
    assert line["level"] == "ERROR" and line["logger"] == "django.request"
    assert line["status_code"] == 503
    assert "request" not in line  # its repr would include the query string


def test_json_log_line_includes_the_exception() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    line = json.loads(JsonFormatter().format(record))
    assert "ValueError: boom" in line["exception"]
    assert line["request_id"] == "-"


def test_django_request_errors_logged_after_the_middleware_keep_the_request_id() -> None:
    class Request:
        request_id = "feedface0001"

    assert _format(request=Request())["request_id"] == "feedface0001"
