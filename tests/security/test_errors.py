"""Error pages and logs never carry record text."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from safeguard.logsafety import RedactExceptionsFilter, redacted_traceback

pytestmark = pytest.mark.django_db

SECRET_SUMMARY = "Bruising seen by Zebedee Quillfeather"
SECRET_FACTS = "Mrs Xanthippe Orlov said her son took the money"


@pytest.fixture
def secret_incident(world: Any) -> Any:
    from tests.factories import make_incident

    return make_incident(
        world.users["manager"], world.home, summary=SECRET_SUMMARY, what_happened=SECRET_FACTS
    )


@pytest.fixture
def console_log() -> Iterator[io.StringIO]:
    """What the project's own console handler writes (formatter and filters included)."""
    root = logging.getLogger()
    handler = next(h for h in root.handlers if getattr(h, "name", "") == "console")
    assert isinstance(handler, logging.StreamHandler)
    stream = io.StringIO()
    old = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(old)


def _assert_clean(text: str) -> None:
    for secret in (SECRET_SUMMARY, SECRET_FACTS, "Zebedee", "Xanthippe"):
        assert secret not in text


@pytest.mark.urls("tests.security.urls_boom")
def test_a_server_error_shows_and_logs_no_record_text(
    world: Any, secret_incident: Any, console_log: io.StringIO
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world.users["manager"])
    response = client.get(f"/boom/{secret_incident.pk}/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    _assert_clean(body)
    logged = console_log.getvalue()
    assert "Internal Server Error: /boom/" in logged
    assert "builtins.ValueError: [redacted]" in logged
    assert "tests/security/urls_boom.py" in logged  # the stack is still there to debug
    assert "X-Request-ID" not in logged
    assert response["X-Request-ID"] in logged  # correlates with the audit trail
    _assert_clean(logged)


def test_not_found_pages_and_logs_reveal_nothing(
    world: Any, secret_incident: Any, console_log: io.StringIO
) -> None:
    # The incident exists but this manager works elsewhere: a 404, like a missing one.
    client = world.client("manager_dom")
    for url in (
        reverse("incidents:detail", kwargs={"pk": secret_incident.pk}),
        reverse("incidents:entry_create", kwargs={"pk": secret_incident.pk}),
        reverse("incidents:detail", kwargs={"pk": 987654}),
        f"/incidents/{secret_incident.pk}/no-such-page/",
    ):
        response = client.get(url)
        assert response.status_code == 404
        body = response.content.decode()
        assert "Not found" in body
        assert secret_incident.reference not in body
        _assert_clean(body)
    _assert_clean(console_log.getvalue())


def test_a_refused_form_logs_no_record_text(world: Any, console_log: io.StringIO) -> None:
    incident = world.objects["incident"]
    client = world.client("manager")
    url = reverse("incidents:entry_create", kwargs={"pk": incident.pk})
    client.post(url, {"kind": "nonsense", "facts": SECRET_FACTS, "occurred_at": "not a date"})
    client.post(url, {"kind": "observation", "facts": SECRET_FACTS + "\x00"})
    _assert_clean(console_log.getvalue())


def test_the_redacted_traceback_keeps_types_and_frames_but_no_messages() -> None:
    try:
        try:
            raise KeyError(SECRET_SUMMARY)
        except KeyError as inner:
            raise RuntimeError(SECRET_FACTS) from inner
    except RuntimeError as exc:
        text = redacted_traceback(type(exc), exc, exc.__traceback__)
    assert "builtins.KeyError: [redacted]" in text
    assert "builtins.RuntimeError: [redacted]" in text
    assert "test_the_redacted_traceback_keeps_types_and_frames_but_no_messages" in text
    _assert_clean(text)


def test_the_filter_only_touches_records_with_exceptions() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "plain %s", ("message",), None)
    assert RedactExceptionsFilter().filter(record)
    assert record.exc_text is None
    assert record.getMessage() == "plain message"
