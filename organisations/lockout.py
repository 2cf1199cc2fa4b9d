"""Brute-force protection with django-axes: lock a username from one address.

After ``AXES_FAILURE_LIMIT`` wrong passwords for the same username from the
same address, that pair is refused for ``AXES_COOLOFF_TIME`` — even with the
right password — and the sign-in page says so plainly. Locking by the pair
(not the username alone) stops a stranger from locking a colleague out from
elsewhere; locking by the pair (not the address alone) keeps a shared office
connection usable for everyone else.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from organisations.forms import SignInForm


class LockoutBackend(AxesStandaloneBackend):
    """axes' backend, but authentication without a request (management
    commands, ``Client.login`` in tests) is simply not this backend's business:
    every sign-in over the web carries a request and is checked."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_message(request: HttpRequest | None = None) -> str:
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else None
    wait = (
        f"Try again in {minutes} minutes" if minutes else "Ask your organisation admin to unlock it"
    )
    return (
        "This account is locked on this network after too many wrong passwords. "
        f"{wait}. If it was not you, tell your safeguarding lead."
    )


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """The sign-in page with the lockout explained, HTTP 429."""
    form = SignInForm(request)
    message = lockout_message(request)
    return render(
        request,
        "registration/login.html",
        {"form": form, "locked_out": message, "login_errors": [(message, "")], "next": ""},
        status=429,
    )


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """The username axes records and locks on.

    Django's sign-in form does not enforce the username's maximum length, so a
    5,000-character "username" would reach axes' 255-character column and end
    in a server error; a username can be at most 150 characters anyway.
    """
    raw = (credentials or {}).get("username")
    if raw is None:
        raw = request.POST.get("username", "")
    return str(raw).replace("\x00", "")[:150]
