"""Pages for setting up and using the second factor, and for re-authentication."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from organisations import mfa, signin
from organisations.mfa_forms import CodeForm, EnrolForm, PasswordForm
from organisations.reauth import reauthentication_required, safe_next


def _next(request: HttpRequest) -> str:
    raw = request.POST.get("next") if request.method == "POST" else request.GET.get("next")
    return safe_next(request, raw, default="")


def _continue(request: HttpRequest) -> HttpResponse:
    return redirect(_next(request) or "home")


def manage(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "organisations/mfa_manage.html",
        {
            "enrolled": mfa.has_second_factor(user),
            "verified": mfa.is_verified(request),
            "codes_left": mfa.recovery_codes_left(user),
            "required": mfa.mfa_required(),
        },
    )


def enrol(request: HttpRequest) -> HttpResponse:
    user = request.user
    if signin.awaiting_set_up(user):
        # A new account enrols only through its one-time sign-in link, so
        # nobody who got in some other way can bind their phone to it.
        return render(request, "organisations/mfa_use_link.html", status=403)
    if mfa.has_second_factor(user):
        # Replacing a phone: only from a verified session, confirmed just now.
        if not mfa.is_verified(request):
            return redirect(_with_next("mfa:verify", request))
        if not mfa.recently_reauthenticated(request):
            return redirect(_with_next("mfa:reauth", request, default=request.path))
    device = mfa.start_totp_enrolment(actor=user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = mfa.confirm_totp_enrolment(
                actor=user, device=device, code=form.cleaned_data["code"]
            )
        except mfa.InvalidCode as exc:
            form.add_error("code", exc.message)
        else:
            device.refresh_from_db()
            mfa.complete_verification(request, device)
            return render(
                request,
                "organisations/mfa_recovery_codes.html",
                {"codes": codes, "next": _next(request), "first_time": True},
            )
    return render(
        request,
        "organisations/mfa_enrol.html",
        {
            "form": form,
            "qr_code": mfa.qr_code_svg(device.config_url),
            "secret": mfa.base32_secret(device),
            "next": _next(request),
            "required": mfa.mfa_required(),
        },
    )


def verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not mfa.has_second_factor(user):
        return redirect(_with_next("mfa:enrol", request))
    if mfa.is_verified(request) and request.method == "GET":
        return _continue(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = mfa.verify_second_factor(actor=user, code=form.cleaned_data["code"])
        except mfa.InvalidCode as exc:
            form.add_error("code", exc.message)
        else:
            mfa.complete_verification(request, device)
            _warn_if_few_codes(request)
            return _continue(request)
    return render(request, "organisations/mfa_verify.html", {"form": form, "next": _next(request)})


def reauth(request: HttpRequest) -> HttpResponse:
    user = request.user
    uses_code = mfa.has_second_factor(user)
    if not uses_code and mfa.mfa_required():
        return redirect(_with_next("mfa:enrol", request))
    form: Any = (
        CodeForm(request.POST or None, submit="Confirm")
        if uses_code
        else PasswordForm(request.POST or None)
    )
    if request.method == "POST" and form.is_valid():
        if uses_code:
            try:
                device = mfa.verify_second_factor(actor=user, code=form.cleaned_data["code"])
            except mfa.InvalidCode as exc:
                form.add_error("code", exc.message)
            else:
                mfa.complete_verification(request, device)
                _warn_if_few_codes(request)
                return _continue(request)
        else:
            checked = authenticate(
                request, username=user.get_username(), password=form.cleaned_data["password"]
            )
            if checked is not None and checked.pk == user.pk:
                mfa.mark_reauthenticated(request)
                return _continue(request)
            form.add_error("password", "That password is not right.")
    return render(
        request,
        "organisations/mfa_reauth.html",
        {"form": form, "next": _next(request), "uses_code": uses_code},
    )


@require_POST
@reauthentication_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    if not mfa.has_second_factor(request.user):
        return redirect("mfa:enrol")
    codes = mfa.regenerate_recovery_codes(actor=request.user)
    return render(
        request,
        "organisations/mfa_recovery_codes.html",
        {"codes": codes, "next": "", "first_time": False},
    )


def _with_next(url_name: str, request: HttpRequest, default: str = "") -> str:
    from urllib.parse import urlencode

    from django.urls import reverse

    target = _next(request) or default
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': target})}" if target else url


def _warn_if_few_codes(request: HttpRequest) -> None:
    left = mfa.recovery_codes_left(request.user)
    if left <= 2:
        messages.warning(
            request,
            f"You have {left} recovery code{'s' if left != 1 else ''} left. "
            "Make new ones from the two-step verification page.",
        )
