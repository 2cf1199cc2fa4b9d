"""The one view helper for "POST → service → errors on the form"."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from organisations.refusals import ConcurrentChange
from organisations.web import REFUSED, submit, submit_and_redirect, submit_or_message


class NameForm(forms.Form):
    name = forms.CharField()


def _form() -> NameForm:
    form = NameForm({"name": "Sam"})
    assert form.is_valid()
    return form


def _refuse(error: Exception) -> Any:
    def service(**kwargs: Any) -> Any:
        raise error

    return service


def _request() -> HttpRequest:
    request = RequestFactory().post("/")

    def respond(_: HttpRequest) -> HttpResponse:
        return HttpResponse()

    SessionMiddleware(respond).process_request(request)
    MessageMiddleware(respond).process_request(request)
    return request


def test_submit_returns_the_service_result() -> None:
    assert submit(_form(), lambda **kw: kw["name"].upper(), name="sam") == "SAM"


def test_a_refusal_lands_on_its_field_and_the_rest_above_the_form() -> None:
    form = _form()
    error = ValidationError({"name": ["Taken."], "elsewhere": ["Not a field."]})
    assert submit(form, _refuse(error)) is REFUSED
    assert form.errors == {"name": ["Taken."], "__all__": ["Not a field."]}


def test_errors_can_be_renamed_or_shown_elsewhere() -> None:
    form = _form()
    error = ValidationError({"new_name": ["Taken."]})
    rename = lambda exc: ValidationError({"name": exc.message_dict["new_name"]})  # noqa: E731
    assert submit(form, _refuse(error), errors=rename) is REFUSED
    assert form.errors == {"name": ["Taken."]}
    shown: list[ValidationError] = []
    assert submit(_form(), _refuse(error), show=shown.append) is REFUSED
    assert [e.message_dict for e in shown] == [{"new_name": ["Taken."]}]


def test_a_stale_version_is_said_above_the_form() -> None:
    form = _form()
    assert submit(form, _refuse(ConcurrentChange())) is REFUSED
    assert form.errors == {"__all__": [ConcurrentChange.message]}


def test_submit_or_message_says_why_in_one_message() -> None:
    request = _request()
    error = ValidationError({"reason": ["Say why."], "when": ["Say when."]})
    assert submit_or_message(request, _refuse(error)) is REFUSED
    assert submit_or_message(request, _refuse(ConcurrentChange())) is REFUSED
    assert [str(m) for m in get_messages(request)] == [
        "Say why. Say when.",
        ConcurrentChange.message,
    ]
    assert submit_or_message(_request(), lambda: None) is None  # a service that returns nothing


def test_submit_and_redirect_says_so_and_moves_on_from_the_result() -> None:
    request = _request()
    saved = submit_and_redirect(
        request,
        _form(),
        lambda **kw: kw["name"].upper(),
        success=lambda name: f"{name} saved.",
        redirect_to=lambda name: f"/people/{name}/",
        name="sam",
    )
    assert saved is not None
    assert saved.status_code == 302
    assert saved["Location"] == "/people/SAM/"
    assert [str(m) for m in get_messages(request)] == ["SAM saved."]


def test_submit_and_redirect_leaves_a_refusal_on_the_form_and_says_nothing() -> None:
    request = _request()
    form = _form()
    error = ValidationError({"name": ["Taken."]})
    saved = submit_and_redirect(
        request, form, _refuse(error), success="Saved.", redirect_to="/elsewhere/"
    )
    assert saved is None
    assert form.errors == {"name": ["Taken."]}
    assert list(get_messages(request)) == []


def test_submit_or_message_says_success_only_when_the_service_succeeds() -> None:
    request = _request()
    assert submit_or_message(request, lambda: 3, success=lambda n: f"{n} saved.") == 3
    assert submit_or_message(request, _refuse(ValidationError("No.")), success="Saved.") is REFUSED
    assert [str(m) for m in get_messages(request)] == ["3 saved.", "No."]
