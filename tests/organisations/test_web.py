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
from organisations.web import REFUSED, submit, submit_or_message


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
