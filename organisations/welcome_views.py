"""A new account's one-time sign-in link: set the password, enrol two-step.

The only page besides sign-in that a stranger may open; it answers only to a
valid link and shows nothing of any record.
"""

from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.debug import sensitive_post_parameters

from organisations import mfa, signin
from organisations.forms import WelcomeForm

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _not_valid(request: HttpRequest) -> HttpResponse:
    return render(request, "organisations/welcome_invalid.html", status=404)


@login_not_required
@sensitive_post_parameters("password1", "password2", "code")
def welcome(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = signin.link_for_token(token)
    except signin.LinkNotValid:
        return _not_valid(request)
    form = WelcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, device, codes = signin.redeem_link(
                token=token,
                password=form.cleaned_data["password1"],
                code=form.cleaned_data["code"],
            )
        except signin.LinkNotValid:
            return _not_valid(request)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            login(request, user, backend=BACKEND)
            mfa.complete_verification(request, device)
            return render(
                request,
                "organisations/mfa_recovery_codes.html",
                {"codes": codes, "next": "", "first_time": True},
            )
    device = signin.start_enrolment(link=link)
    return render(
        request,
        "organisations/welcome.html",
        {
            "form": form,
            "username": link.user.get_username(),
            "qr_code": mfa.qr_code_svg(device.config_url),
            "secret": mfa.base32_secret(device),
        },
    )
