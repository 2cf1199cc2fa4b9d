"""The pages people use: record an allegation, add to each side, correct."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from allegations.models import (
    Allegation,
    HRDecision,
    HREntry,
    Referral,
    SafeguardingAmendment,
    SafeguardingEntry,
    StaffMember,
)

NOW = lambda: timezone.localtime().strftime("%Y-%m-%dT%H:%M")  # noqa: E731


def test_manager_records_an_allegation_with_a_new_staff_member(world: Any) -> None:
    incident = world.objects["incident"]
    client = world.client("manager")
    tab = client.get(reverse("allegations:for_incident", kwargs={"pk": incident.pk}))
    assert "No allegations against staff" in tab.content.decode()
    response = client.post(
        reverse("allegations:create", kwargs={"pk": incident.pk}),
        {
            "new_name": "Liam Foster",
            "new_job_title": "Night care assistant",
            "new_employee_reference": "EMP-1",
            "what_is_alleged": '"He grabbed my arm and pulled me up too hard."',
            "categories": ["physical"],
            "raised_by": "Edith Clarke, resident",
            "raised_at": NOW(),
            "hr_owner": world.users["hr"].pk,
        },
    )
    a = Allegation.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "allegations:detail", kwargs={"pk": a.pk}
    )
    assert a.staff_member.name == "Liam Foster" and a.staff_member.service == world.home
    assert a.hr_record.owner == world.users["hr"]
    incident.refresh_from_db()
    assert incident.restricted
    # The manager still sees the incident and the allegation tab lists it.
    tab = client.get(reverse("allegations:for_incident", kwargs={"pk": incident.pk}))
    assert a.reference in tab.content.decode()
    # The other manager of the service does not.
    assert (
        world.client("manager_dom")
        .get(reverse("allegations:detail", kwargs={"pk": a.pk}))
        .status_code
        == 404
    )


def test_form_errors_save_nothing(world: Any) -> None:
    incident = world.objects["incident"]
    response = world.client("lead").post(
        reverse("allegations:create", kwargs={"pk": incident.pk}),
        {"new_name": "Half Filled", "what_is_alleged": "", "raised_at": NOW()},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "Nothing has been saved yet" in text
    assert "Give the staff member&#x27;s job title." in text
    assert not Allegation.objects.exists() and not StaffMember.objects.exists()
    incident.refresh_from_db()
    assert not incident.restricted


def test_duplicate_employee_reference_is_a_form_error(world: Any) -> None:
    from tests.allegations.factories import make_staff

    make_staff(world, employee_reference="EMP-9")
    response = world.client("lead").post(
        reverse("allegations:create", kwargs={"pk": world.objects["incident"].pk}),
        {
            "new_name": "X",
            "new_job_title": "Carer",
            "new_employee_reference": "EMP-9",
            "what_is_alleged": "y",
            "categories": ["physical"],
            "raised_by": "z",
            "raised_at": NOW(),
        },
    )
    assert "already exists" in response.content.decode()
    assert not Allegation.objects.exists()


def test_each_side_adds_entries_and_decisions(aworld: Any) -> None:
    a = aworld.objects["allegation"]
    lead, hr = aworld.client("lead"), aworld.client("hr")
    r = lead.post(
        reverse("allegations:safeguarding_entry", kwargs={"pk": a.pk}),
        {"kind": "risk", "occurred_at": NOW(), "text": "Risk high at night."},
    )
    assert r.status_code == 302
    r = hr.post(
        reverse("allegations:hr_entry", kwargs={"pk": a.pk}),
        {
            "kind": "interim",
            "interim_measure": "supervision",
            "occurred_at": NOW(),
            "text": "Supervised practice on days.",
        },
    )
    assert r.status_code == 302
    r = hr.post(
        reverse("allegations:hr_entry", kwargs={"pk": a.pk}),
        {"kind": "interim", "occurred_at": NOW(), "text": "No measure named."},
    )
    assert r.status_code == 200 and "Choose the interim measure." in r.content.decode()
    r = hr.post(
        reverse("allegations:hr_decision", kwargs={"pk": a.pk}),
        {
            "decision": "Redeploy",
            "information_considered": "Rota",
            "consulted": "Lead",
            "rationale": "Fair and safe",
            "dissenting_views": "RM preferred suspension",
            "decided_by": "H. Quinn, HR",
            "decided_at": NOW(),
        },
    )
    assert r.status_code == 302
    r = hr.post(
        reverse("allegations:hr_decision", kwargs={"pk": a.pk}),
        {"decision": "No rationale", "decided_at": NOW()},
    )
    assert r.status_code == 200 and "Nothing has been saved yet" in r.content.decode()
    assert SafeguardingEntry.objects.filter(text="Risk high at night.").exists()
    assert HREntry.objects.filter(interim_measure="supervision").exists()
    assert HRDecision.objects.filter(dissenting_views="RM preferred suspension").exists()


def test_amending_through_the_page(aworld: Any) -> None:
    a = aworld.objects["allegation"]
    d = aworld.objects["sg_decision"]
    url = reverse("allegations:safeguarding_decision_amend", kwargs={"pk": a.pk, "item_pk": d.pk})
    page = aworld.client("lead").get(url)
    assert "SGSECRET rationale" in page.content.decode()
    r = aworld.client("lead").post(
        url, {"field": "rationale", "new_text": "Clearer rationale", "reason": "Typo"}
    )
    assert r.status_code == 302
    assert SafeguardingAmendment.objects.get(decision=d).field == "rationale"


def test_status_and_referral_pages(aworld: Any) -> None:
    a = aworld.objects["allegation"]
    lead = aworld.client("lead")
    r = lead.post(
        reverse("allegations:status", kwargs={"pk": a.pk}),
        {"to_status": "concluded", "reason": "Panel"},
    )
    assert "Choose the outcome when concluding." in r.content.decode()
    r = lead.post(
        reverse("allegations:status", kwargs={"pk": a.pk}),
        {
            "to_status": "concluded",
            "outcome": "unfounded",
            "outcome_date": timezone.localdate().isoformat(),
            "reason": "Panel",
        },
    )
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.outcome == "unfounded"
    r = aworld.client("hr").post(
        reverse("allegations:referral_create", kwargs={"pk": a.pk}),
        {
            "kind": "regulator",
            "body": "NMC",
            "referred_on": timezone.localdate().isoformat(),
            "reference": "N1",
        },
    )
    assert r.status_code == 302
    original = Referral.objects.get(reference="N1")
    url = reverse("allegations:referral_create", kwargs={"pk": a.pk}) + f"?corrects={original.pk}"
    r = aworld.client("hr").post(
        url,
        {
            "kind": "regulator",
            "body": "HCPC",
            "referred_on": timezone.localdate().isoformat(),
            "reference": "H1",
            "correction_reason": "Wrong regulator",
        },
    )
    assert r.status_code == 302
    assert Referral.objects.get(reference="H1").corrects == original
    detail = lead.get(reverse("allegations:detail", kwargs={"pk": a.pk})).content.decode()
    assert "Corrected below" in detail and "Wrong regulator" in detail


def test_side_owner_and_status(aworld: Any) -> None:
    a = aworld.objects["allegation"]
    r = aworld.client("hr").post(
        reverse("allegations:hr_update", kwargs={"pk": a.pk}),
        {"version": 1, "owner": aworld.users["hr"].pk, "status": "closed"},
        follow=True,
    )
    assert "owner and status saved" in r.content.decode()
    r = aworld.client("hr").post(
        reverse("allegations:hr_update", kwargs={"pk": a.pk}),
        {"version": 1, "owner": "", "status": "open"},
        follow=True,
    )
    assert "Someone else changed this record" in r.content.decode()
    lead_view = aworld.client("lead").get(reverse("allegations:detail", kwargs={"pk": a.pk}))
    assert "Closed" in lead_view.content.decode()


def test_staff_pages(world: Any) -> None:
    client = world.client("hr")
    r = client.post(
        reverse("allegations:staff_create"),
        {
            "name": "Ana Silva",
            "job_title": "Cook",
            "user": world.users["auditor"].pk,
            "date_of_birth": "1980-04-02",
        },
    )
    assert r.status_code == 302
    staff = StaffMember.objects.get(name="Ana Silva")
    assert staff.user == world.users["auditor"]
    assert "Ana Silva" in client.get(reverse("allegations:staff") + "?q=silva").content.decode()
    assert (
        "No staff members match"
        in client.get(reverse("allegations:staff") + "?q=zz").content.decode()
    )


def test_list_search_uses_names_and_references_only(aworld: Any) -> None:
    client = aworld.client("lead")
    a = aworld.objects["allegation"]
    assert a.reference in client.get(reverse("allegations:list") + "?q=Rivers").content.decode()
    # Searching for content finds nothing, so search cannot be used to probe the HR side.
    assert (
        a.reference not in client.get(reverse("allegations:list") + "?q=HRSECRET").content.decode()
    )
    assert (
        a.reference not in client.get(reverse("allegations:list") + "?q=SGSECRET").content.decode()
    )


def test_staff_form_shows_a_service_error_and_saves_nothing(world: Any) -> None:
    from tests.allegations.factories import make_staff

    make_staff(world, employee_reference="EMP-5")
    response = world.client("lead").post(
        reverse("allegations:staff_create"),
        {"name": "Other", "job_title": "Cook", "employee_reference": "EMP-5"},
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert StaffMember.objects.count() == 1


def test_side_forms_and_family_form_speak_plain_english(aworld: Any) -> None:
    """No developer words on the page: "Add an entry: hr record", "Seed guidance:"."""
    a = aworld.objects["allegation"]
    pages = {
        ("hr", "allegations:hr_entry"): "Add an entry to the HR record",
        ("hr", "allegations:hr_decision"): "Record a key decision on the HR record",
        ("lead", "allegations:safeguarding_entry"): "Add an entry to the safeguarding record",
        ("lead", "allegations:safeguarding_decision"): (
            "Record a key decision on the safeguarding record"
        ),
    }
    for (role, name), heading in pages.items():
        html = aworld.client(role).get(reverse(name, kwargs={"pk": a.pk})).content.decode()
        assert f'<h2 class="h4">{heading}</h2>' in html
        assert "hr record" not in html
    html = aworld.client("lead").get(reverse("allegations:family", kwargs={"pk": a.pk}))
    assert "Seed" not in html.content.decode()
