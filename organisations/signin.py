"""One-time sign-in links for new accounts.

The organisation admin never sets or learns a new account's password: the
account is created with an unusable password and gets a link, shown once to
whoever issued it to hand over. Following it, the person sets their password
and enrols their authenticator in one step; the link then ends. Enrolment of
a new account happens only through its link, so nobody who held a temporary
password (there is none) can bind their own phone to someone else's account.

The link carries a signed value (``django.core.signing``, salted, expiring)
holding the link's id and a random secret; only the secret's SHA-256 is stored,
so the database alone cannot produce a working link. A link ends when it is
used, when a newer one is issued for the same account, or when it expires.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisations import mfa
from organisations.access import acting_user
from organisations.audit import acting_as
from organisations.models import Actor, SignInLink, User

SALT = "safeguard.sign-in-link"


class LinkNotValid(Exception):
    """Unknown, tampered with, expired, used or replaced: all look the same."""


@dataclass(frozen=True)
class IssuedLink:
    link: SignInLink
    token: str  # goes into the URL; never stored


def link_lifetime() -> timedelta:
    return timedelta(hours=int(getattr(settings, "SAFEGUARD_SIGN_IN_LINK_HOURS", 72)))


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def awaiting_set_up(user: Actor | None) -> bool:
    """The account was created in the app and has not yet followed its link."""
    if not isinstance(user, User) or user.pk is None:
        return False
    links = SignInLink.objects.filter(user=user)
    if links.filter(used_at__isnull=False).exists():
        return False
    return links.exists() or not user.has_usable_password()


@transaction.atomic
def issue_link(*, actor: Actor, user: User, organisation_id: int) -> IssuedLink:
    """A new link for ``user``; any earlier live link stops working.

    Callers decide who may issue (``organisations.services``). Unconfirmed
    authenticators are dropped so that a secret shown through an older link
    cannot be confirmed through the new one.
    """
    now = timezone.now()
    SignInLink.objects.filter(user=user, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    secret = secrets.token_urlsafe(32)
    link = SignInLink.objects.create(
        organisation_id=organisation_id,
        user=user,
        issued_by=acting_user(actor),
        issued_at=now,
        expires_at=now + link_lifetime(),
        secret_hash=_hash(secret),
    )
    token = signing.dumps({"l": link.pk, "s": secret}, salt=SALT, compress=False)
    return IssuedLink(link=link, token=token)


def link_for_token(token: str) -> SignInLink:
    """The live link ``token`` names, or ``LinkNotValid``."""
    try:
        value = signing.loads(token, salt=SALT, max_age=link_lifetime() + timedelta(minutes=1))
        pk, secret = int(value["l"]), str(value["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise LinkNotValid from exc
    link = SignInLink.objects.select_related("user").filter(pk=pk).first()
    if (
        link is None
        or not secrets.compare_digest(link.secret_hash, _hash(secret))
        or not link.is_live()
        or not link.user.is_active
    ):
        raise LinkNotValid
    return link


@transaction.atomic
def start_enrolment(*, link: SignInLink) -> TOTPDevice:
    """The unconfirmed authenticator shown on the link's page."""
    return mfa.start_totp_enrolment(actor=link.user)


@transaction.atomic
def redeem_link(*, token: str, password: str, code: str) -> tuple[Any, Any, list[str]]:
    """Set the password and confirm the authenticator; the link ends.

    Returns (user, confirmed device, recovery codes). Raises ``LinkNotValid``
    or ``ValidationError`` (keys ``password`` / ``code``); nothing is saved
    unless both succeed.
    """
    link = link_for_token(token)
    link = SignInLink.objects.select_for_update().get(pk=link.pk)
    if not link.is_live():
        raise LinkNotValid
    user = link.user
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password1": exc.messages}) from exc
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        raise ValidationError({"code": "Scan the code on this page first, then enter a code."})
    with acting_as(user):
        try:
            codes = mfa.confirm_totp_enrolment(actor=user, device=device, code=code)
        except mfa.InvalidCode as exc:
            raise ValidationError({"code": exc.message}) from exc
        user.set_password(password)
        user.save(update_fields=["password"])
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
    device.refresh_from_db()
    return user, device, codes
