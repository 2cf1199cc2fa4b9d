"""The public check page: anyone holding an export can ask whether it is genuine.

No account is needed (inspectors and commissioners never log in). The page
answers only what ``services.PublicAnswer`` holds. Threat model: SECURITY.md.

- The upload's size is checked from its Content-Length before anything reads
  the body (``UploadLimitMiddleware`` runs before the CSRF check, which would
  otherwise parse it); a request without one has no body for Django.
- Each client address (``TRUSTED_PROXY_COUNT``-aware, as django-axes sees it)
  has ``SAFEGUARD_CHECK_RATE`` checks an hour, counted in the database so that
  every gunicorn worker shares the count.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from chronology import services, signing
from chronology.forms import PublicCheckForm
from chronology.models import VerificationAttempt

TEMPLATE = "chronology/check.html"


def max_bytes() -> int:
    return int(getattr(settings, "SAFEGUARD_CHECK_MAX_BYTES", 25 * 1024 * 1024))


def rate() -> int:
    return int(getattr(settings, "SAFEGUARD_CHECK_RATE", 30))


def client_key(request: HttpRequest) -> str:
    """A keyed hash of the client's address: enough to count its checks,
    useless for finding out who made them."""
    # django-ipware answers nothing when the forwarded chain does not fit the
    # configured proxy count; the connecting address is then the client.
    address = get_client_ip_address(request) or request.META.get("REMOTE_ADDR") or "unknown"
    return salted_hmac("chronology.public.client", address).hexdigest()


def _over_limit(key: str) -> bool:
    """Has this address used up its checks for the last hour?

    A transaction-scoped advisory lock per address serialises its concurrent
    requests (in any worker), so a burst cannot all pass the count at once.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"check:{key}"])
    since = timezone.now() - timedelta(hours=1)
    used = VerificationAttempt.objects.filter(
        via="public", client=key, checked_at__gte=since
    ).count()
    return used >= rate()


def _page(request: HttpRequest, form: Any, *, status: int = 200, **extra: Any) -> HttpResponse:
    context = {
        "form": form,
        "fingerprint": signing.fingerprint_label(signing.certificate_fingerprint()),
        "max_mb": max_bytes() // (1024 * 1024),
        **extra,
    }
    return render(request, TEMPLATE, context, status=status)


def _refuse(request: HttpRequest, key: str, reason: str, message: str, status: int) -> HttpResponse:
    size = int(request.META.get("CONTENT_LENGTH") or 0)
    services.record_refused_public_check(client=key, size_bytes=size, reason=reason)
    return _page(request, PublicCheckForm(), status=status, refusal=message)


def too_large(request: HttpRequest) -> HttpResponse:
    key = client_key(request)
    if _over_limit(key):
        return _page(request, PublicCheckForm(), status=429, limited=True)
    return _refuse(
        request,
        key,
        "too_large",
        f"That file is larger than {max_bytes() // (1024 * 1024)} MB, so it is not one of "
        "our exports. Nothing was read.",
        413,
    )


@login_not_required
def check(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, PublicCheckForm())
    key = client_key(request)
    if _over_limit(key):
        return _page(request, PublicCheckForm(), status=429, limited=True)
    form = PublicCheckForm(request.POST, request.FILES)
    if not form.is_valid():
        reason = form.refusal_reason()
        services.record_refused_public_check(
            client=key, size_bytes=int(request.META.get("CONTENT_LENGTH") or 0), reason=reason
        )
        return _page(request, form, status=400)
    upload = form.cleaned_data["file"]
    if upload is not None:
        answer = services.check_publicly(data=form.pdf_bytes, client=key)
    else:
        answer = services.check_publicly(sha256=form.cleaned_data["sha256"], client=key)
    return _page(request, PublicCheckForm(), answer=answer)


class UploadLimitMiddleware:
    """Refuses an oversize POST to the public check page from its
    Content-Length, before the CSRF check (or anything else) reads the body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path == reverse("check"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            # Room for the form's other fields and the multipart framing.
            if length > max_bytes() + 64 * 1024:
                return too_large(request)
        return self.get_response(request)
