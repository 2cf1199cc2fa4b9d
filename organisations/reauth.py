"""Ask the user to prove it is still them before a sensitive action.

``@reauthentication_required`` wraps views that change who may see a record
(need-to-know lists, restriction) or that send records out (PDF exports). If
the user last verified more than ``SAFEGUARD_REAUTH_SECONDS`` ago they are sent
to the re-authentication page, which asks for a code from their authenticator
app (or a recovery code) — or, when MFA is not required and they have no
device, for their password — and then returns them to where they were going.

A POST cannot be replayed after the detour, so a stale POST is sent back to
the page it came from (when that page is ours) with a message asking the user
to repeat the action once they have confirmed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from organisations.mfa import recently_reauthenticated

__all__ = ["reauthentication_required", "safe_next"]


def safe_next(request: HttpRequest, candidate: str | None, default: str = "/") -> str:
    """``candidate`` when it points back into this site, else ``default``."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(candidate)
        # Only a path on this site: no scheme/host even when they are ours.
        if not parts.scheme and not parts.netloc and candidate.startswith("/"):
            return candidate
    return default


def reauthentication_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if recently_reauthenticated(request):
            return view(request, *args, **kwargs)
        if request.method in ("GET", "HEAD"):
            target = request.get_full_path()
        else:
            referer = urlsplit(request.headers.get("Referer", ""))
            target = ""
            if referer.netloc == request.get_host():
                path = referer.path + (f"?{referer.query}" if referer.query else "")
                target = safe_next(request, path, default="")
            messages.info(request, "Confirm it is you, then repeat what you were doing.")
        url = reverse("mfa:reauth")
        if target:
            url += "?" + urlencode({"next": target})
        return HttpResponseRedirect(url)

    wrapper.reauthentication_required = True  # type: ignore[attr-defined]
    return wrapper
