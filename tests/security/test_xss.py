"""Script and HTML in every free-text field of every form come back escaped.

Forms are discovered by crawling every page of the permission matrix as each
role (see ``crawl.py``), so forms added by any app are attacked too.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.security.crawl import (
    Field,
    crawl,
    forms_of,
    fresh_copy,
    page_urls,
    parse,
    sensible_value,
    submit,
)

pytestmark = pytest.mark.django_db

PAYLOAD = "<script>alert('sg-xss')</script><img src=x onerror=alert(1)>\"'&"
SHORT = "<script>x</script>"
RAW_MARKERS = ("<script>", "<img src=x")
ESCAPED = "&lt;script&gt;"


def hostile_value(f: Field) -> str:
    if f.maxlength is not None and f.maxlength < len(PAYLOAD):
        return SHORT[: f.maxlength]
    return PAYLOAD


def assert_inert(html: str, where: str) -> None:
    for marker in RAW_MARKERS:
        assert marker not in html, f"unescaped {marker!r} in {where}"


def attack_every_form(world: Any, role: str) -> tuple[int, list[str]]:
    client = world.client(role)
    pages = crawl(client, [*page_urls(world, role), reverse("mfa:manage")])
    submitted = 0
    for form in forms_of(pages):
        if not form.text_fields:
            continue
        current = fresh_copy(client, form) or form
        data: dict[str, Any] = {}
        for f in current.fields:
            data[f.name] = hostile_value(f) if f.is_text else sensible_value(f)
        response = submit(client, current, data)
        assert response.status_code < 500, f"{current.action}: {response.status_code}"
        if "html" in response.get("Content-Type", ""):
            assert_inert(response.content.decode(), f"response to {current.action}")
        submitted += 1
    # Everything saved is now on some page: nothing may come back unescaped.
    seen_escaped = []
    for page_url in page_urls(world, role):
        response = client.get(page_url, follow=True)
        if "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        assert_inert(html, page_url)
        if ESCAPED in html:
            seen_escaped.append(page_url)
    return submitted, seen_escaped


@pytest.mark.parametrize("role", ["lead", "manager"])
def test_record_forms_store_script_as_text(world: Any, role: str) -> None:
    submitted, escaped_on = attack_every_form(world, role)
    assert submitted >= 4  # incident, entry, amendment, references ... at least
    # The attack reached storage and is displayed, as text.
    assert escaped_on, "no page shows the stored payload: did any form save?"


@pytest.mark.parametrize("role", ["hr", "auditor", "admin"])
def test_other_roles_forms_store_script_as_text(world: Any, role: str) -> None:
    attack_every_form(world, role)


def test_a_new_incident_shows_the_payload_as_text(world: Any) -> None:
    """The concrete case, checked field by field on the detail page."""
    from incidents.models import Incident

    client = world.client("manager")
    url = reverse("incidents:create")
    page = parse("http://testserver" + url, client.get(url).content.decode())
    (form,) = [f for f in forms_of([page]) if f.method == "post"]
    data = {f.name: hostile_value(f) if f.is_text else sensible_value(f) for f in form.fields}
    data["new_given_name"] = data["new_family_name"] = ""
    response = client.post(url, data)
    if response.status_code == 200 and "acknowledge_prior" in response.context["form"].errors:
        # The adult chosen has earlier concerns: confirm reading them, as a user would.
        data |= {
            "acknowledge_prior": "on",
            "prior_shown": response.context["form"].data["prior_shown"],
        }
        response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    incident = Incident.objects.order_by("-pk").first()
    assert incident is not None and incident.summary == PAYLOAD[:200]
    html = client.get(response["Location"]).content.decode()
    assert_inert(html, "incident detail")
    assert "&lt;script&gt;alert(&#x27;sg-xss&#x27;)&lt;/script&gt;" in html


def test_search_terms_are_echoed_escaped(world: Any) -> None:
    client = world.client("lead")
    for name in ("incidents:list", "incidents:person_list"):
        html = client.get(reverse(name), {"q": PAYLOAD}).content.decode()
        assert_inert(html, name)


def test_the_crawler_sees_inline_code_and_forms() -> None:
    """Guard the guard: the parser must notice what the tests rely on it noticing."""
    page = parse(
        "http://testserver/x/",
        '<div style="color:red" onclick="go()"><script>alert(1)</script>'
        '<form method="post" action="/y/"><input type="hidden" name="csrfmiddlewaretoken">'
        '<input name="a" maxlength="5"><textarea name="b">t</textarea>'
        '<select name="c"><option value="">-</option><option value="1">1</option></select>'
        '<input type="checkbox" name="d" value="p"><input type="checkbox" name="d" value="q">'
        "</form></div>",
    )
    assert len(page.inline_problems) == 3
    (form,) = page.forms
    assert form.has_csrf and form.action == "http://testserver/y/"
    assert [f.name for f in form.fields] == ["a", "b", "c", "d"]
    assert [f.name for f in form.text_fields] == ["a", "b"]
    assert form.fields[0].maxlength == 5
    assert form.fields[2].options == ["", "1"]
    assert form.fields[3].options == ["p", "q"]
