"""The one form pattern (organisations/form_pattern.py, templates/_error_summary.html):
every form answers a failed submit with the GOV.UK error summary, links each
error to its field, and describes the field by its error; optional fields say
so; date fields carry a format hint; adults at risk are checkboxes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from tests.disclosures.factories import make_decision

pytestmark = pytest.mark.django_db


def _forms(world: Any) -> list[tuple[str, str]]:
    incident = world.objects["incident"]
    decision = make_decision(world.users["manager"], incident)
    return [
        ("manager", reverse("incidents:create")),
        ("manager", reverse("incidents:entry_create", args=[incident.pk])),
        ("manager", reverse("disclosures:create", args=[incident.pk])),
        ("manager", reverse("disclosures:review", args=[decision.pk])),
        ("manager", reverse("disclosures:amend", args=[decision.pk])),
        ("lead", reverse("allegations:create", args=[incident.pk])),
        ("admin", reverse("organisations:member_create")),
    ]


def _summary(html: str) -> str:
    start = html.index("data-error-summary")
    return html[start : html.index("</div>", start)]


def test_every_form_answers_errors_with_the_summary_and_per_field_errors(world: Any) -> None:
    for role, url in _forms(world):
        client = world.client(role)
        response = client.post(url, {"save": "1"})
        assert response.status_code == 200, url
        html = response.content.decode()
        assert html.count("data-error-summary") == 1, url
        summary = _summary(html)
        assert 'role="alert"' in html[html.index("error-summary") - 200 :][:400], url
        assert "There is a problem" in summary, url
        anchors = re.findall(r'href="#([^"]+)"', summary)
        assert anchors, f"no error links on {url}"
        for anchor in anchors:
            # The link's target exists, and that field is described by its error.
            tag = re.search(rf'<[^>]*\bid="{re.escape(anchor)}"[^>]*>', html)
            assert tag, (url, anchor)
            if anchor.endswith("_0"):  # a radio group: its fieldset carries the errors
                continue
            described = re.search(r'aria-describedby="([^"]*)"', tag.group(0))
            assert described and "error" in described.group(1), (url, tag.group(0))
            for ref in described.group(1).split():
                assert f'id="{ref}"' in html, (url, ref)


def test_optional_fields_say_so_and_required_ones_are_not_starred(world: Any) -> None:
    html = world.client("manager").get(reverse("incidents:create")).content.decode()
    assert "When it occurred (optional)" in html
    assert "Summary (optional)" not in html
    assert "Adults at risk already known to us (optional)" not in html  # one of two ways
    # The decision form's conditionally required fields are not called optional.
    incident = world.objects["incident"]
    html = world.client("manager").get(reverse("disclosures:create", args=[incident.pk]))
    text = html.content.decode()
    assert "Lawful basis (UK GDPR Art. 6) (optional)" not in text
    assert "Dissenting views (optional)" in text
    # A filter form, all of whose fields are optional, is not cluttered.
    text = world.client("manager").get(reverse("incidents:list")).content.decode()
    assert "(optional)" not in text


def test_date_and_time_fields_carry_a_visible_format_hint(world: Any) -> None:
    html = world.client("manager").get(reverse("incidents:create")).content.decode()
    hint = re.search(r'id="id_became_aware_at_helptext"[^>]*>([^<]*)<', html)
    assert hint and "27 3 2026" in hint.group(1) and "14:30" in hint.group(1)
    assert 'aria-describedby="id_became_aware_at_helptext"' in html


def test_adults_at_risk_are_checkboxes_with_a_filter_not_a_multi_select(world: Any) -> None:
    html = world.client("manager").get(reverse("incidents:create")).content.decode()
    assert re.search(r'<input type="checkbox"[^>]*name="people"', html)
    assert '<select name="people"' not in html
    assert 'data-filter="Filter the list by name"' in html


def test_the_decision_form_is_one_step_from_the_incident_and_reveals_by_decision(
    world: Any,
) -> None:
    incident = world.objects["incident"]
    url = reverse("disclosures:create", args=[incident.pk])
    html = world.client("manager").get(reverse("incidents:detail", args=[incident.pk]))
    assert f'href="{url}"' in html.content.decode()
    text = world.client("manager").get(url).content.decode()
    # Without JavaScript every field is rendered; the script hides by these.
    assert re.search(
        r'data-when-decision="share share_part"[^>]*>\s*<div id="div_id_what_shared"', text
    )
    assert 'data-when-consent="refused"' in text
    assert 'id="id_lawful_basis"' in text and 'id="id_consent_reason"' in text
