"""Multi-factor authentication: a TOTP app plus one-time recovery codes.

Built on django-otp. A user has at most one confirmed TOTP device ("phone")
and one static device holding their unused recovery codes. Verifying either in
a session marks the session as verified (``django_otp.login``) and records the
moment, which ``organisations.reauth`` uses to decide whether a sensitive
action needs the user to prove it is still them.

When ``settings.SAFEGUARD_REQUIRE_MFA`` is on, :class:`RequireMFAMiddleware`
lets a signed-in user without a verified second factor reach only the
enrolment and verification pages, sign-out and the health probes.
"""

from __future__ import annotations

import base64
import io
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisations.models import Actor

RECOVERY_CODE_COUNT = 10
TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
REAUTH_SESSION_KEY = "safeguard_reauth_at"

# URL names a signed-in but unverified user may still reach.
OPEN_WITHOUT_SECOND_FACTOR = frozenset(
    {
        "mfa:enrol",
        "mfa:verify",
        "welcome",
        "logout",
        "login",
        "healthz",
        "readyz",
    }
)


def mfa_required() -> bool:
    return bool(getattr(settings, "SAFEGUARD_REQUIRE_MFA", False))


def confirmed_totp(user: Actor) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_second_factor(user: Actor) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: Actor) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def is_verified(request: HttpRequest) -> bool:
    user = request.user
    return bool(getattr(user, "is_verified", lambda: False)())


# --- Re-authentication freshness -------------------------------------------


def mark_reauthenticated(request: HttpRequest) -> None:
    request.session[REAUTH_SESSION_KEY] = int(time.time())


def seconds_since_reauthentication(request: HttpRequest) -> float | None:
    value = request.session.get(REAUTH_SESSION_KEY)
    if not isinstance(value, int):
        return None
    return time.time() - value


def recently_reauthenticated(request: HttpRequest) -> bool:
    elapsed = seconds_since_reauthentication(request)
    limit = int(getattr(settings, "SAFEGUARD_REAUTH_SECONDS", 600))
    return elapsed is not None and 0 <= elapsed <= limit


# --- Services (keyword-only, acting user first) ------------------------------


@transaction.atomic
def start_totp_enrolment(*, actor: Actor) -> TOTPDevice:
    """The user's unconfirmed authenticator device, created on first use.

    Re-visiting the page keeps the same secret so a code from an app set up a
    moment ago still works; a confirmed device is never replaced here.
    """
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name=TOTP_NAME, confirmed=False)
    return device


class InvalidCode(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _clean_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()[:64]


@transaction.atomic
def confirm_totp_enrolment(*, actor: Actor, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the authenticator with a code from it; returns new recovery codes."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=actor)
    allowed, _info = device.verify_is_allowed()
    if not allowed:
        raise InvalidCode("Too many wrong codes in a row. Wait a little, then try again.")
    if not device.verify_token(_clean_code(code)):
        raise InvalidCode("That code is not right. Check the time on your phone and try again.")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # Older devices (an abandoned or lost phone) stop working once a new one is confirmed.
    TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
    return regenerate_recovery_codes(actor=actor)


@transaction.atomic
def regenerate_recovery_codes(*, actor: Actor) -> list[str]:
    """Replace the user's recovery codes; the old ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(
        user=actor, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def verify_second_factor(*, actor: Actor, code: str) -> Any:
    """Check a code from the app or a recovery code; return the device that accepted it."""
    token = _clean_code(code)
    if not token:
        raise InvalidCode("Enter the 6-digit code from your app, or a recovery code.")
    throttled = False
    devices: list[Any] = list(TOTPDevice.objects.filter(user=actor, confirmed=True))
    devices += list(StaticDevice.objects.filter(user=actor, confirmed=True))
    for device in devices:
        allowed, _info = device.verify_is_allowed()
        if not allowed:
            throttled = True
            continue
        matched = django_otp.verify_token(actor, device.persistent_id, token)
        if matched is not None:
            return matched
    if throttled:
        raise InvalidCode("Too many wrong codes in a row. Wait a little, then try again.")
    raise InvalidCode("That code is not right. Try the current code from your app.")


def complete_verification(request: HttpRequest, device: Any) -> None:
    """Mark this session as verified with ``device`` (and freshly re-authenticated)."""
    django_otp.login(request, device)
    mark_reauthenticated(request)


def qr_code_svg(data: str) -> str:
    """The enrolment QR code as a data: URI of an SVG image (no inline markup)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def base32_secret(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


# --- Middleware ----------------------------------------------------------------


class RequireMFAMiddleware:
    """With MFA required, an unverified session reaches only the MFA pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not mfa_required():
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or is_verified(request):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_WITHOUT_SECOND_FACTOR:
            return None
        target = "mfa:verify" if has_second_factor(user) else "mfa:enrol"
        url = reverse(target)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(url)


def _on_login(sender: Any, request: HttpRequest | None, user: Actor, **kwargs: Any) -> None:
    # A user without a second factor has just proved who they are with the
    # password: that starts their re-authentication window. Users with a
    # device start it when they enter a code.
    if request is not None and hasattr(request, "session") and not has_second_factor(user):
        mark_reauthenticated(request)


def connect_signals() -> None:
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(_on_login, dispatch_uid="safeguard_mfa_reauth_on_login")


def context(request: HttpRequest) -> dict[str, Any]:
    """``mfa_pending``: signed in, but the second step is still owed (hide the menus)."""
    user = getattr(request, "user", None)
    pending = (
        mfa_required() and user is not None and user.is_authenticated and not is_verified(request)
    )
    return {"mfa_pending": pending}
