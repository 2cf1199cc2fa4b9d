"""Recording: the incident is restricted, key decisions, referrals and outcomes are
kept, corrections are amendments, and the database refuses rewrites."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from allegations import access as allegation_access
from allegations import services
from allegations.models import (
    Allegation,
    AllegationTransition,
    HRAmendment,
    HREntry,
    Referral,
    SafeguardingAmendment,
)
from incidents import access as incident_access
from incidents.models import NeedToKnowGrant
from tests.allegations import factories as f


def test_recording_restricts_the_incident_and_keeps_the_manager_on_the_list(world: Any) -> None:
    manager = world.users["manager"]
    incident = world.objects["incident"]
    assert not incident.restricted
    a = f.make_allegation(manager, incident, f.make_staff(world))
    incident.refresh_from_db()
    assert incident.restricted
    assert NeedToKnowGrant.objects.filter(incident=incident, user=manager, revoked_at=None).exists()
    assert incident_access.visible_incidents(manager).filter(pk=incident.pk).exists()
    assert allegation_access.visible_allegations(manager).filter(pk=a.pk).exists()
    # The other manager of the service, and the auditor, lose sight of the incident.
    assert (
        not incident_access.visible_incidents(world.users["auditor"])
        .filter(pk=incident.pk)
        .exists()
    )
    assert a.safeguarding_record.status == "open" and a.hr_record.status == "open"


def test_a_lead_recording_it_becomes_the_safeguarding_owner_without_a_grant(world: Any) -> None:
    lead = world.users["lead"]
    a = f.make_allegation(lead, world.objects["incident"], f.make_staff(world))
    assert a.safeguarding_record.owner == lead
    assert not NeedToKnowGrant.objects.filter(user=lead).exists()


def test_nobody_records_an_allegation_about_themselves(world: Any) -> None:
    staff = f.make_staff(world, user=world.users["manager"])
    with pytest.raises(PermissionDenied):
        f.make_allegation(world.users["manager"], world.objects["incident"], staff)


def test_the_subject_cannot_own_either_record(world: Any) -> None:
    staff = f.make_staff(world, user=world.users["hr"])
    with pytest.raises(ValidationError) as exc:
        f.make_allegation(
            world.users["lead"], world.objects["incident"], staff, hr_owner=world.users["hr"]
        )
    assert "hr_owner" in exc.value.message_dict


def test_bad_input_saves_nothing(world: Any) -> None:
    before = Allegation.objects.count()
    with pytest.raises(ValidationError) as exc:
        f.make_allegation(
            world.users["lead"],
            world.objects["incident"],
            f.make_staff(world),
            categories=[],
            what_is_alleged="  ",
        )
    assert {"what_is_alleged"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError):
        f.make_allegation(
            world.users["lead"],
            world.objects["incident"],
            f.make_staff(world, name="B"),
            raised_at=timezone.now() + timedelta(days=2),
        )
    assert Allegation.objects.count() == before


def test_key_decisions_referrals_and_outcomes_are_shown(aworld: Any) -> None:
    a = aworld.objects["allegation"]
    lead = aworld.users["lead"]
    services.add_referral(
        actor=aworld.users["hr"],
        allegation=a,
        kind="dbs",
        body="Disclosure and Barring Service",
        referred_on=timezone.localdate(),
        reference="DBS-77",
    )
    services.change_status(
        actor=lead,
        allegation=a,
        to_status="concluded",
        outcome="substantiated",
        outcome_date=timezone.localdate(),
        reason="Strategy meeting outcome.",
    )
    detail = aworld.client("lead").get(reverse("allegations:detail", kwargs={"pk": a.pk}))
    text = detail.content.decode()
    for expected in (
        "DBS barring referral",
        "DBS-77",
        "Local authority (PiPoT)",
        "LA-1",
        "Substantiated",
        "Strategy meeting outcome.",
    ):
        assert expected in text
    sg = aworld.client("lead").get(reverse("allegations:safeguarding", kwargs={"pk": a.pk}))
    for expected in (
        "SGSECRET info",
        "SGSECRET consulted",
        "SGSECRET rationale",
        "SGSECRET dissent",
        "D. Lead, safeguarding lead",
    ):
        assert expected in sg.content.decode()


def test_concluding_needs_an_outcome_and_date(aworld: Any) -> None:
    a = aworld.objects["allegation"]
    with pytest.raises(ValidationError) as exc:
        services.change_status(
            actor=aworld.users["lead"], allegation=a, to_status="concluded", reason="Done"
        )
    assert "outcome" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.change_status(
            actor=aworld.users["hr"],
            allegation=a,
            to_status="concluded",
            outcome="false",
            outcome_date=timezone.localdate(),
            reason="x",
        )
    a.refresh_from_db()
    assert a.status == "open" and a.outcome == ""


def test_an_outcome_correction_keeps_the_history(aworld: Any) -> None:
    a = aworld.objects["allegation"]
    lead = aworld.users["lead"]
    today = timezone.localdate()
    services.change_status(
        actor=lead,
        allegation=a,
        to_status="concluded",
        outcome="unsubstantiated",
        outcome_date=today,
        reason="Panel",
    )
    services.change_status(
        actor=lead,
        allegation=a,
        to_status="concluded",
        outcome="malicious",
        outcome_date=today,
        reason="Correction: panel minutes record malicious.",
    )
    a.refresh_from_db()
    assert a.outcome == "malicious"
    outcomes = list(
        AllegationTransition.objects.filter(allegation=a).values_list("outcome", flat=True)
    )
    assert outcomes == ["", "unsubstantiated", "malicious"]
    assert a.retention_class == "malicious"


def test_corrections_are_amendments_and_the_original_stays(aworld: Any) -> None:
    a = aworld.objects["allegation"]
    entry = aworld.objects["sg_entry"]
    services.amend(
        actor=aworld.users["lead"],
        allegation=a,
        side_name="safeguarding",
        target=entry,
        field="text",
        new_text="Two staff for all personal care.",
        reason="Applies to day care as well.",
    )
    services.amend(
        actor=aworld.users["hr"],
        allegation=a,
        side_name="hr",
        target=aworld.objects["hr_decision"],
        field="dissenting_views",
        new_text="",
        reason="The dissent was withdrawn before the decision.",
    )
    entry.refresh_from_db()
    assert entry.text == f.SG_SECRET
    assert SafeguardingAmendment.objects.get(entry=entry).new_text.startswith("Two staff")
    assert (
        HRAmendment.objects.get(decision=aworld.objects["hr_decision"]).field == "dissenting_views"
    )
    page = aworld.client("lead").get(reverse("allegations:safeguarding", kwargs={"pk": a.pk}))
    text = page.content.decode()
    assert f.SG_SECRET in text and "Two staff for all personal care." in text
    assert "Applies to day care as well." in text
    # HR cannot amend the safeguarding side, nor the reverse.
    with pytest.raises(PermissionDenied):
        services.amend(
            actor=aworld.users["hr"],
            allegation=a,
            side_name="safeguarding",
            target=entry,
            field="text",
            new_text="x",
            reason="y",
        )
    with pytest.raises(PermissionDenied):
        services.amend(
            actor=aworld.users["lead"],
            allegation=a,
            side_name="safeguarding",
            target=aworld.objects["hr_entry"],
            field="text",
            new_text="x",
            reason="y",
        )


def test_a_referral_correction_is_a_new_row(aworld: Any) -> None:
    a = aworld.objects["allegation"]
    original = aworld.objects["referral"]
    with pytest.raises(ValidationError):
        services.add_referral(
            actor=aworld.users["lead"],
            allegation=a,
            kind="la_pipot",
            body="Council hub",
            referred_on=timezone.localdate(),
            corrects=original,
        )
    fixed = services.add_referral(
        actor=aworld.users["lead"],
        allegation=a,
        kind="la_pipot",
        body="Council safeguarding hub",
        referred_on=timezone.localdate(),
        reference="LA-2",
        corrects=original,
        correction_reason="Reference mistyped.",
    )
    assert Referral.objects.filter(allegation=a).count() == 2
    assert list(original.corrections.all()) == [fixed]


def test_hr_interim_measures_are_validated(aworld: Any) -> None:
    a = aworld.objects["allegation"]
    with pytest.raises(ValidationError) as exc:
        services.add_entry(
            actor=aworld.users["hr"],
            allegation=a,
            side_name="hr",
            kind="interim",
            text="Moved to days",
            occurred_at=timezone.now(),
        )
    assert "interim_measure" in exc.value.message_dict
    entry = services.add_entry(
        actor=aworld.users["hr"],
        allegation=a,
        side_name="hr",
        kind="interim",
        interim_measure="redeployment",
        text="Moved to day shifts with supervision",
        occurred_at=timezone.now(),
    )
    assert isinstance(entry, HREntry)
    assert entry.get_interim_measure_display() == "Redeployment"


TABLES = [
    ("allegations_safeguardingentry", "text"),
    ("allegations_hrentry", "text"),
    ("allegations_safeguardingdecision", "rationale"),
    ("allegations_hrdecision", "rationale"),
    ("allegations_referral", "reference"),
    ("allegations_allegationtransition", "reason"),
    ("allegations_sidestatuschange", "status"),
]


@pytest.mark.parametrize(("table", "column"), TABLES)
def test_the_database_refuses_update_and_delete(aworld: Any, table: str, column: str) -> None:
    services.update_side(
        actor=aworld.users["hr"],
        allegation=aworld.objects["allegation"],
        side_name="hr",
        owner=None,
        status="active",
        expected_version=1,
    )
    for sql in (f"UPDATE {table} SET {column} = 'x'", f"DELETE FROM {table}"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)


def test_amendments_and_allegation_facts_are_protected(aworld: Any) -> None:
    a = aworld.objects["allegation"]
    services.amend(
        actor=aworld.users["lead"],
        allegation=a,
        side_name="safeguarding",
        target=aworld.objects["sg_entry"],
        field="text",
        new_text="n",
        reason="r",
    )
    statements = [
        "UPDATE allegations_safeguardingamendment SET new_text = 'x'",
        "DELETE FROM allegations_safeguardingamendment",
        "UPDATE allegations_allegation SET what_is_alleged = 'x'",
        "UPDATE allegations_allegation SET staff_member_id = staff_member_id + 1",
        "DELETE FROM allegations_allegation",
        "DELETE FROM allegations_hrrecord",
        "DELETE FROM allegations_staffmember",
    ]
    for sql in statements:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)
    # Status and retention may move (through services, which log a transition or review).
    with connection.cursor() as cur:
        cur.execute("UPDATE allegations_allegation SET review_by = review_by WHERE id = %s", [a.pk])


def test_everything_carries_the_organisation(aworld: Any) -> None:
    from django.apps import apps

    org_id = aworld.org.pk
    for model in apps.get_app_config("allegations").get_models():
        assert any(fld.name == "organisation" for fld in model._meta.fields), model
        rows = model._default_manager.values_list("organisation_id", flat=True)
        assert set(rows) <= {org_id}


def test_views_of_records_are_audited(aworld: Any) -> None:
    from audits.models import AuditEntry

    a = aworld.objects["allegation"]
    before = AuditEntry.objects.count()
    aworld.client("hr").get(reverse("allegations:hr", kwargs={"pk": a.pk}))
    aworld.client("lead").get(reverse("allegations:detail", kwargs={"pk": a.pk}))
    assert AuditEntry.objects.count() >= before + 2


def test_staff_retirement_assumption() -> None:
    from allegations.models import StaffMember

    assert StaffMember(date_of_birth=date(1990, 2, 28)).normal_retirement_date == date(2057, 2, 28)
    assert StaffMember(date_of_birth=date(1992, 2, 29)).normal_retirement_date == date(2059, 2, 28)
    both = StaffMember(date_of_birth=date(1990, 1, 1), retirement_date=date(2050, 1, 1))
    assert both.normal_retirement_date == date(2050, 1, 1)
    assert StaffMember().normal_retirement_date is None
