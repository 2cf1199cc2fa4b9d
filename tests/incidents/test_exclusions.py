"""Who is excluded from an incident is kept with the incident (issue 17): written
with the allegation, append-only, organisation-consistent, backfilled."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.db import DatabaseError, transaction

from allegations.models import StaffMember
from incidents import access as incident_access
from incidents.models import IncidentExclusion
from organisations.models import Role
from tests.allegations import factories as f
from tests.factories import member

DB_REFUSES = DatabaseError


def _subject_allegation(world: Any) -> tuple[Any, Any]:
    subject = member(world.org, Role.LEAD, username="excluded_lead")
    staff = f.make_staff(world, name="Excluded Lead", user=subject)
    return subject, f.make_allegation(world.users["lead"], world.objects["incident"], staff)


def test_recording_the_allegation_excludes_its_subject_in_the_same_transaction(world: Any) -> None:
    subject, allegation = _subject_allegation(world)
    exclusion = IncidentExclusion.objects.get(incident=allegation.incident, user=subject)
    assert exclusion.organisation_id == world.org.pk
    assert exclusion.source == "allegation"
    assert allegation.reference in exclusion.reason
    assert not incident_access.visible_incidents(subject).filter(pk=allegation.incident_id).exists()
    # Other leads still see it.
    assert (
        incident_access.visible_incidents(world.users["lead"])
        .filter(pk=allegation.incident_id)
        .exists()
    )


def test_exclusions_are_append_only(world: Any) -> None:
    subject, _allegation = _subject_allegation(world)
    qs = IncidentExclusion.objects.filter(user=subject)
    with pytest.raises(DB_REFUSES), transaction.atomic():
        qs.update(reason="changed")
    with pytest.raises(DB_REFUSES), transaction.atomic():
        qs.delete()
    assert qs.count() == 1


def test_an_exclusion_belongs_to_its_incidents_organisation(world: Any) -> None:
    with pytest.raises(DB_REFUSES), transaction.atomic():
        IncidentExclusion.objects.create(
            organisation=world.other_org,
            incident=world.objects["incident"],
            user=world.users["lead"],
            source="allegation",
            reason="x",
        )


def test_backfill_excludes_subjects_of_earlier_allegations(world: Any) -> None:
    """Migration allegations 0002, run against an allegation whose staff member's
    login was set without the service (as before exclusions existed)."""
    subject = member(world.org, Role.MANAGER, [world.home], username="earlier_subject")
    staff = f.make_staff(world, name="Earlier Subject")
    allegation = f.make_allegation(world.users["lead"], world.objects["incident"], staff)
    StaffMember.objects.filter(pk=staff.pk).update(user=subject)
    assert not IncidentExclusion.objects.filter(user=subject).exists()
    migration = importlib.import_module("allegations.migrations.0002_backfill_incident_exclusions")
    migration.backfill(apps, None)
    migration.backfill(apps, None)  # idempotent
    assert IncidentExclusion.objects.filter(user=subject, incident=allegation.incident).count() == 1
