"""Request ids (for logs and the audit trail), the per-request memo of access
lists, no-store caching of pages, NUL stripping and the sliding idle timeout."""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, QueryDict

from organisations import request_memo

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "safeguard_request_id", default=None
)
_VALID_INCOMING = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def get_request_id() -> str | None:
    return _request_id.get()


def set_request_id(value: str | None) -> contextvars.Token[str | None]:
    return _request_id.set(value)


class RequestIdMiddleware:
    """Give every request an id: taken from a sane X-Request-ID header or new."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_INCOMING.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestMemoMiddleware:
    """Open the request's memo (``organisations.request_memo``): the reader's
    exclusions, grants and services are read once per request, not once per list."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_memo.request_scope():
            return self.get_response(request)


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # Django logs a request's 4xx/5xx after the middleware has returned,
        # so fall back to the id stored on the request the record carries.
        request = getattr(record, "request", None)
        record.request_id = _request_id.get() or getattr(request, "request_id", None) or "-"
        return True


class NoStoreMiddleware:
    """Record pages must not sit in browser or proxy caches on shared laptops."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store, private"
            response["Pragma"] = "no-cache"
        return response


class StripNulMiddleware:
    """PostgreSQL text cannot hold NUL (0x00); a NUL in any query or form value
    would surface as a database error (a 500) wherever it reached a query. No
    legitimate input contains one, so it is removed before any view runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @staticmethod
    def _clean(data: QueryDict) -> QueryDict | None:
        if not any("\x00" in key or any("\x00" in v for v in data.getlist(key)) for key in data):
            return None
        cleaned = QueryDict(mutable=True, encoding=data.encoding)
        for key in data:
            cleaned.setlist(
                key.replace("\x00", ""), [v.replace("\x00", "") for v in data.getlist(key)]
            )
        # Immutable again, as Django hands it to views, through the public API.
        return QueryDict(cleaned.urlencode(), encoding=data.encoding)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "%00" in request.META.get("QUERY_STRING", ""):
            cleaned = self._clean(request.GET)
            if cleaned is not None:
                request.GET = cleaned  # type: ignore[assignment]
        if request.method == "POST":
            cleaned = self._clean(request.POST)
            if cleaned is not None:
                request.POST = cleaned  # type: ignore[assignment]
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """Slide the 30-minute idle timeout without writing the session on every request.

    ``SESSION_SAVE_EVERY_REQUEST`` would UPDATE the session row on each page
    view. Instead a signed-in session is saved (which sets its expiry to
    ``SESSION_COOKIE_AGE`` from now) only when its last save is at least
    ``REFRESH_AFTER`` seconds old, so a session ends between 29 and 30 minutes
    after the last request. Sits just inside ``SessionMiddleware``, which does
    the saving on the way out.
    """

    REFRESH_AFTER = 60
    STAMP = "_sg_refreshed"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            try:
                last = int(session.get(self.STAMP, 0))
            except (TypeError, ValueError):
                last = 0
            if now - last >= self.REFRESH_AFTER:
                session[self.STAMP] = now  # marks the session modified: saved, expiry slid
        return response
