"""The recording form: rows added without JavaScript, errors announced with
links, input kept, the two-step quality save, and nothing half-saved."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from audits.models import AuditEntry
from disclosures.models import DecisionAmendment, DecisionReview, DisclosureDecision
from tests.disclosures.factories import good_values, make_decision


def _local(value: Any) -> str:
    if hasattr(value, "hour"):
        return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")
    return value.strftime("%Y-%m-%d") if value else ""


def form_data(world: Any, button: str = "save", **overrides: Any) -> dict[str, Any]:
    """The POST a browser would send for ``good_values(**overrides)``."""
    values = good_values(**overrides)
    data: dict[str, Any] = {button: "1", "decided_by": world.users["manager"].pk}
    for key, value in values.items():
        if key in ("recipients", "consultations"):
            continue
        data[key] = _local(value) if key in ("decided_at", "review_date") else value
    for prefix in ("recipients", "consultations"):
        rows = values[prefix]
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows) or 1)
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        for i, row in enumerate(rows):
            for key, value in row.items():
                data[f"{prefix}-{i}-{key}"] = _local(value) if key == "shared_at" else value
    return data


def _url(world: Any) -> str:
    return reverse("disclosures:create", kwargs={"pk": world.objects["incident"].pk})


def test_form_renders_grouped_sections(world: Any) -> None:
    html = world.client("manager").get(_url(world)).content.decode()
    for legend in [
        "The decision",
        "What was shared",
        "Recipients",
        "Consent",
        "Minimising harm",
        "People consulted",
        "Outcome and review point",
    ]:
        assert "<legend" in html and legend in html
    assert 'name="recipients-0-name"' in html
    assert "<script>" not in html and "style=" not in html


def test_add_another_recipient_keeps_input_and_saves_nothing(world: Any) -> None:
    data = form_data(world, button="add_recipient")
    response = world.client("manager").post(_url(world), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="recipients-1-name"' in html
    assert 'value="Sam Ellis"' in html
    assert "Her son is present at every visit" in html
    assert 'role="alert"' not in html  # no premature errors
    assert 'data-focus="id_recipients-1-name"' in html
    assert not DisclosureDecision.objects.exists()


def test_errors_are_summarised_with_links_and_input_kept(world: Any) -> None:
    data = form_data(world, recipients=[], proportionality="")
    data["consultations-0-name"] = "Daniel Reyes"  # a half-filled row
    data["consultations-0-role"] = ""
    response = world.client("manager").post(_url(world), data)
    html = response.content.decode()
    assert response.status_code == 200
    summary = re.search(
        r'<div class="alert alert-danger error-summary" role="alert".*?</div>', html, re.S
    )
    assert summary is not None
    assert "Nothing has been saved" in summary.group(0)
    assert 'href="#recipients"' in summary.group(0)
    assert 'href="#id_proportionality"' in summary.group(0)
    assert 'href="#id_consultations-0-role"' in summary.group(0)
    assert "Give their role." in html
    assert 'name="consultations-0-advice"' in html
    assert 'value="Daniel Reyes"' in html
    assert "coercive control with a risk of serious harm" in html
    assert not DisclosureDecision.objects.exists()


def test_row_errors_land_on_the_row(world: Any) -> None:
    data = form_data(
        world,
        decision="do_not_share",
        what_shared="",
        what_withheld="The injury and household details were not shared.",
    )
    response = world.client("manager").post(_url(world), data)
    html = response.content.decode()
    assert 'href="#id_recipients-0-shared_at"' in html
    assert "leave “when shared” empty" in html
    assert not DisclosureDecision.objects.exists()


def test_clean_record_saves_and_every_field_is_on_the_page(world: Any) -> None:
    client = world.client("manager")
    response = client.post(_url(world), form_data(world))
    decision = DisclosureDecision.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("disclosures:detail", kwargs={"pk": decision.pk})
    html = client.get(response["Location"]).content.decode()
    values = good_values()
    assert decision.information_considered == values["information_considered"]
    for key in [
        "what_shared",
        "information_considered",
        "reasoning",
        "consent_reason_detail",
        "proportionality",
        "confidentiality_measures",
        "retaliation_risk",
        "safe_contact",
        "outcome",
        "review_what",
    ]:
        assert escape(values[key]) in html, key
    for text in [
        "Sam Ellis",
        "Safeguarding duty social worker",
        "Riverside Council Adult Safeguarding",
        "Local authority safeguarding",
        "Secure email",
        "Protection planning",
        "Public task — Art. 6(1)(e)",
        "DPA 2018 Sch. 1 para 18",
        "Consent not sought",
        "Asking would prejudice the person",
        "Daniel Reyes",
        "Share the minimum now",
        "Decided by",
        "Decided at",
    ]:
        assert escape(text) in html, text


def test_quality_warnings_then_save_with_warnings(world: Any) -> None:
    client = world.client("manager")
    weak = form_data(world, outcome="Informed relevant parties.")
    response = client.post(_url(world), weak)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Check the record before saving" in html
    assert "is vague" in html
    assert not DisclosureDecision.objects.exists()
    match = re.search(r'name="quality_fingerprint" value="(\w+)"', html)
    assert match is not None
    fingerprint = match.group(1)

    # Confirming warnings the author never saw (the text changed) shows them again.
    changed = {
        **form_data(world, outcome="As discussed.", reasoning="Short."),
        "confirm": "1",
        "quality_fingerprint": fingerprint,
    }
    changed.pop("save")
    assert client.post(_url(world), changed).status_code == 200
    assert not DisclosureDecision.objects.exists()

    confirmed = {**weak, "confirm": "1", "quality_fingerprint": fingerprint}
    confirmed.pop("save")
    response = client.post(_url(world), confirmed)
    assert response.status_code == 302
    decision = DisclosureDecision.objects.get()
    assert decision.quality_acknowledged
    # Vague, and no owner or date for the action.
    assert list(decision.quality_findings.values_list("code", flat=True)) == [
        "vague",
        "outcome_incomplete",
    ]
    assert "Informed relevant parties" in client.get(response["Location"]).content.decode()


def test_amend_and_review_through_the_pages(world: Any) -> None:
    client = world.client("lead")
    decision = make_decision(world.users["manager"], world.objects["incident"])
    url = reverse("disclosures:amend", kwargs={"pk": decision.pk})
    assert "coercive control" in client.get(url + "?field=reasoning").content.decode()
    response = client.post(url, {"field": "reasoning", "new_text": "", "reason": ""})
    assert response.status_code == 200 and not DecisionAmendment.objects.exists()
    response = client.post(
        url,
        {
            "field": "outcome",
            "new_text": "Joint visit booked for Fri.",
            "reason": "Date confirmed after the call.",
        },
    )
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Joint visit booked for Fri." in html
    assert good_values()["outcome"] in html  # the original stays visible
    assert "Date confirmed after the call." in html

    url = reverse("disclosures:review", kwargs={"pk": decision.pk})
    response = client.post(
        url, {"reviewed_at": _local(timezone.now()), "what_changed": "Private contact achieved."}
    )
    assert response.status_code == 200 and not DecisionReview.objects.exists()
    assert "Set the next review point" in response.content.decode()
    response = client.post(
        url,
        {
            "reviewed_at": _local(timezone.now()),
            "what_changed": "Private contact achieved.",
            "no_further_review_reason": "Enquiry concluded; risk removed.",
        },
    )
    assert response.status_code == 302
    review = DecisionReview.objects.get()
    assert review.review_point_date == decision.review_date
    assert review.ends_reviewing
    # Reviewing has ended: the page says so instead of offering another review.
    assert client.get(url).status_code == 302


def test_views_of_decisions_are_audited(world: Any) -> None:
    decision = make_decision(world.users["manager"], world.objects["incident"])
    world.client("auditor").get(reverse("disclosures:detail", kwargs={"pk": decision.pk}))
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.ACCESS,
        object_pk=str(decision.pk),
        content_type__model="disclosuredecision",
        actor=world.users["auditor"],
    ).exists()


def test_auditors_read_but_are_not_offered_recording(world: Any) -> None:
    decision = make_decision(world.users["manager"], world.objects["incident"])
    client = world.client("auditor")
    html = client.get(reverse("disclosures:detail", kwargs={"pk": decision.pk})).content.decode()
    assert "Record a review" not in html and "Correct" not in html
    log = client.get(
        reverse("disclosures:incident_log", kwargs={"pk": world.objects["incident"].pk})
    ).content.decode()
    assert "Record a disclosure decision" not in log and "Decision 1" in log


def test_form_and_rule_errors_are_shown_together_in_page_order(world: Any) -> None:
    data = form_data(world, purpose="", recipients=[], review_what="")
    html = world.client("manager").post(_url(world), data).content.decode()
    summary = html[
        html.index('id="error-summary"') : html.index("</ul>", html.index("error-summary"))
    ]
    links = re.findall(r'href="#([\w-]+)"', summary)
    assert links == ["id_purpose", "recipients", "id_review_what"]
    assert "Choose the purpose of the decision." in summary
    assert not DisclosureDecision.objects.exists()


def test_a_removed_row_is_not_saved(world: Any) -> None:
    second = {**good_values()["recipients"][0], "name": "Wrong Person"}
    data = form_data(world, recipients=[good_values()["recipients"][0], second])
    data["recipients-1-DELETE"] = "on"
    response = world.client("manager").post(_url(world), data)
    assert response.status_code == 302
    names = DisclosureDecision.objects.get().recipients.values_list("name", flat=True)
    assert list(names) == ["Sam Ellis"]


def test_correcting_recipients_and_consultations_opens_the_form(world: Any) -> None:
    """The "Correct the recipients / people consulted" links answered 500: the
    form was filled with a related manager instead of text."""
    client = world.client("lead")
    decision = make_decision(world.users["manager"], world.objects["incident"])
    url = reverse("disclosures:amend", kwargs={"pk": decision.pk})
    recipient = decision.recipients.first()
    for field in ("recipients", "consultations"):
        response = client.get(f"{url}?field={field}")
        assert response.status_code == 200
        html = response.content.decode()
        assert f'<option value="{field}" selected>' in html
        assert "RelatedManager" not in html
    # The correction note starts from what was recorded, in words.
    html = client.get(f"{url}?field=recipients").content.decode()
    assert escape(recipient.name) in html
    response = client.post(
        url,
        {
            "field": "recipients",
            "new_text": "Also shared with the GP by phone on Monday.",
            "reason": "The GP call was left off the first record.",
        },
    )
    assert response.status_code == 302
    assert DecisionAmendment.objects.get().field == "recipients"
    assert "Also shared with the GP" in client.get(response["Location"]).content.decode()


def test_a_forged_row_count_builds_no_more_rows_than_a_decision_can_have(world: Any) -> None:
    """TOTAL_FORMS is the browser's word: a POST claiming 10**21 recipients must not
    make the server build (and validate, and render) a thousand forms."""
    from disclosures.forms import MAX_ROWS, RecipientFormSet

    data = form_data(world)
    data["recipients-TOTAL_FORMS"] = str(2**70)
    formset = RecipientFormSet(data, prefix="recipients")
    assert not formset.is_valid()
    assert len(formset.forms) <= MAX_ROWS
    response = world.client("manager").post(_url(world), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert len(re.findall(r'name="recipients-\d+-name"', html)) <= MAX_ROWS
    assert f"at most {MAX_ROWS}" in html
    assert not DisclosureDecision.objects.exists()
