"""A clear "service unavailable" page when PostgreSQL cannot be reached.

The database can fail before any view runs: the session and auth middleware
load the user, and ``ATOMIC_REQUESTS`` opens a transaction around the view.
So the outage is caught in three places: ``DatabaseUnavailableMiddleware``
(errors raised by a view or by its transaction), ``server_error``, the
project's ``handler500`` (errors raised inside middleware, which Django turns
into a 500 response before any outer middleware sees them) and
``bad_request`` (a session that cannot be saved after the view, which Django
reports as a 400).

The page is rendered without a request context, so showing it never touches
the database, and it carries no record text and no traceback. The app needs
no restart when PostgreSQL returns: Django's connection health checks
(``CONN_HEALTH_CHECKS``) drop the broken connection and open a new one on the
next request.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

import psycopg
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

logger = logging.getLogger(__name__)

DATABASE_OUTAGE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)
RETRY_AFTER_SECONDS = 30


def is_database_outage(exc: BaseException | None) -> bool:
    return isinstance(exc, DATABASE_OUTAGE_ERRORS)


def unavailable_response() -> HttpResponse:
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store, private"
    return response


class DatabaseUnavailableMiddleware:
    """Turn a database outage raised by a view into the 503 page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_outage(exception):
            return None
        # The error class only: its message can quote SQL parameters.
        logger.error("database unavailable: %s", type(exception).__name__)
        return unavailable_response()


def _caused_by_outage(exc: BaseException | None) -> bool:
    for _ in range(10):
        if exc is None:
            return False
        if is_database_outage(exc):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler400``: the session middleware reports a failed session save
    (the database went away after the view) as "session interrupted", a 400."""
    if _caused_by_outage(exception):
        return unavailable_response()
    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a database outage is a 503, anything else the usual 500."""
    if is_database_outage(sys.exc_info()[1]):
        return unavailable_response()
    return defaults.server_error(request)
