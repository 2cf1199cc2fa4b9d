"""A child's organisation is its parent's, enforced by the database, for every
organisation-owned model (organisations/owned.py).

The models are read from the app registry: a new ``OrganisationOwned`` model
is covered without touching this file (and a new parent model fails until a
sample row of it is added to ``parent_rows``).

The child row is inserted with plain SQL naming only its organisation and one
parent, so nothing in the application stands in the way. PostgreSQL runs
``BEFORE`` row triggers before it checks NOT NULL, CHECK, unique and foreign-key
constraints, so the refusal asserted here (SQLSTATE 23514 with the trigger's
message) can only come from the organisation rule; the same row with the
parent's organisation gets past it (and fails later, or not at all).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from audits.models import QualityAudit, SampledRecord
from disclosures import services as disclosure_services
from incidents import services as incident_services
from organisations.owned import OrganisationOwned, check_existing_rows, owned_models
from tests.actions import factories as action_factories
from tests.allegations import factories as allegation_factories
from tests.chronology import factories as chronology_factories
from tests.disclosures import factories as disclosure_factories
from tests.incidents import bodymaps, evidence, people
from tests.incidents import patterns as incident_patterns

CHECK_VIOLATION = "23514"
MESSAGE = "differs from its parent"

# Models with an ``organisation`` that is not a child's: the tenancy core.
TENANCY_ROOTS = {"organisations.Service", "organisations.Membership", "incidents.ReferenceCounter"}
# Organisation-owned, with no parent but the organisation itself.
NO_PARENT = {
    "audits.QualityAudit": "an audit's scope is the organisation (services by id)",
    "audits.ReminderSent": "a reminder to a user; users are not organisation rows",
    "audits.BreachWarningSent": "a warning to a user; users are not organisation rows",
    "organisations.SignInLink": "a link for a user; users are not organisation rows",
    "incidents.LinkedPerson": "someone around incidents, reused across them: an organisation row",
    "incidents.PatternSettings": "the organisation's pattern-alert threshold",
    "notifications.RuleOverride": "the organisation's setting of a notification rule",
}

OWNED = owned_models(apps.get_models())
CASES = [
    pytest.param(model, name, id=f"{model._meta.label}.{name}")
    for model in OWNED
    for name in model.organisation_parents
]


def test_every_model_with_an_organisation_is_organisation_owned() -> None:
    for model in apps.get_models():
        if not any(f.name == "organisation" for f in model._meta.get_fields()):
            continue
        label = model._meta.label
        if label in TENANCY_ROOTS:
            assert not issubclass(model, OrganisationOwned), label
            continue
        assert issubclass(model, OrganisationOwned), (
            f"{label} declares its own organisation: derive it from OrganisationOwned "
            "(organisations/owned.py) and name its parents"
        )
        if not model.organisation_parents:
            assert label in NO_PARENT, f"{label} names no parent: name its parent foreign keys"


def test_the_models_are_discovered() -> None:
    labels = {m._meta.label for m in OWNED}
    assert len(OWNED) >= 30
    assert {"incidents.ChronologyEntry", "allegations.HRAmendment", "audits.RecordScore"} <= labels
    # Every declared parent is a foreign key to an organisation-scoped model.
    for model in OWNED:
        for name in model.organisation_parents:
            field = model._meta.get_field(name)
            assert field.many_to_one or field.one_to_one, (model, name)
            field.related_model._meta.get_field("organisation")


def _quality_audit(w: Any) -> Any:
    today = timezone.localdate()
    return QualityAudit.objects.create(
        organisation=w.org,
        title="Sample",
        date_from=today - timedelta(days=30),
        date_to=today,
        sample_size=1,
        seed=1,
        population_count=1,
        created_by=w.users["auditor"],
    )


def _sample(w: Any) -> Any:
    decision = disclosure_factories.make_decision(w.users["lead"], w.objects["incident"])
    return SampledRecord.objects.create(
        organisation=w.org, audit=_quality_audit(w), position=1, record_id=decision.pk
    )


def _entry(w: Any) -> Any:
    return incident_services.add_entry(
        actor=w.users["manager"],
        incident=w.objects["incident"],
        kind="observation",
        facts="Seen at breakfast.",
        occurred_at=timezone.now(),
    )


def _content(key: str) -> Any:
    def build(w: Any) -> Any:
        allegation_factories.with_content(w)
        return w.objects[key]

    return build


def _notification_outcome(w: Any) -> Any:
    from notifications.services import record_outcome

    return record_outcome(
        actor=w.users["lead"],
        notification=w.objects["incident"].notifications.first(),
        status="not_needed",
        reason="The local authority was told by the police, who told us so.",
    )


# How to make one row, in ``world.org``, of every parent model (built per case).
PARENT_ROWS = {
    "organisations.Service": lambda w: w.home,
    "organisations.Membership": lambda w: w.users["manager"].membership,
    "incidents.Incident": lambda w: w.objects["incident"],
    "incidents.ChronologyEntry": _entry,
    "allegations.StaffMember": lambda w: allegation_factories.make_staff(w),
    "allegations.Allegation": allegation_factories.allegation,
    "allegations.SafeguardingRecord": lambda w: (
        allegation_factories.allegation(w).safeguarding_record
    ),
    "allegations.HRRecord": lambda w: allegation_factories.allegation(w).hr_record,
    "allegations.SafeguardingEntry": _content("sg_entry"),
    "allegations.HREntry": _content("hr_entry"),
    "allegations.SafeguardingDecision": _content("sg_decision"),
    "allegations.HRDecision": _content("hr_decision"),
    "allegations.Referral": _content("referral"),
    "disclosures.DisclosureDecision": lambda w: disclosure_factories.make_decision(
        w.users["lead"], w.objects["incident"]
    ),
    "chronology.ChronologyExport": lambda w: chronology_factories.export(
        w.users["lead"], w.objects["incident"]
    ),
    "audits.QualityAudit": _quality_audit,
    "audits.SampledRecord": _sample,
    "incidents.LinkedPerson": lambda w: people.source_of_harm(w).person,
    "incidents.PersonLink": people.source_of_harm,
    "incidents.EvidenceFile": evidence.photo,
    "incidents.BodyMapMark": bodymaps.mark,
    "incidents.Person": lambda w: w.objects["incident"].people.get(),
    "incidents.PriorConcernAcknowledgement": incident_patterns.acknowledgement,
    "incidents.PatternAlertReview": incident_patterns.review,
    "notifications.Notification": lambda w: w.objects["incident"].notifications.first(),
    "notifications.NotificationOutcome": _notification_outcome,
    "actions.Action": lambda w: action_factories.decision_action(w),
    "disclosures.EscalationCondition": lambda w: disclosure_factories.make_decision(
        w.users["lead"], w.objects["incident"], escalations=[{"condition": "a", "response": "b"}]
    ).escalation_conditions.get(),
    "disclosures.DecisionReview": lambda w: disclosure_services.record_review(
        actor=w.users["lead"],
        decision=disclosure_factories.make_decision(w.users["lead"], w.objects["incident"]),
        reviewed_at=timezone.now(),
        what_changed="Nothing new.",
        no_further_review_reason="Enquiry closed.",
    ),
}


def _insert(model: Any, organisation_id: int, parent: str, parent_pk: Any) -> None:
    meta = model._meta
    column = meta.get_field(parent).column
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{meta.db_table}" ("organisation_id", "{column}") VALUES (%s, %s)',
            [organisation_id, parent_pk],
        )


@pytest.mark.parametrize(("model", "parent"), CASES)
def test_a_child_in_another_organisation_than_its_parent_is_refused(
    world: Any, model: Any, parent: str
) -> None:
    parent_label = model._meta.get_field(parent).related_model._meta.label
    if parent_label not in PARENT_ROWS:
        pytest.fail(f"Add a {parent_label} to PARENT_ROWS for {model._meta.label}")
    row = PARENT_ROWS[parent_label](world)
    assert row.organisation_id == world.org.pk

    with pytest.raises(IntegrityError, match=MESSAGE) as refused:
        _insert(model, world.other_org.pk, parent, row.pk)
    assert refused.value.__cause__.sqlstate == CHECK_VIOLATION

    # The same row in the parent's organisation passes the rule (it may still
    # lack what its other columns need).
    try:
        _insert(model, world.org.pk, parent, row.pk)
    except DatabaseError as exc:
        assert MESSAGE not in str(exc)


def test_moving_a_child_to_another_organisation_is_refused(world: Any) -> None:
    """``UPDATE OF organisation`` is checked too (on a table whose rows may change)."""
    person = world.objects["incident"].people.get()
    assert person.service_id == world.home.pk
    with (
        pytest.raises(IntegrityError, match=MESSAGE),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE incidents_person SET organisation_id = %s WHERE id = %s",
            [world.other_org.pk, person.pk],
        )


class _Editor:
    def __init__(self, conn: Any) -> None:
        self.connection = conn


@pytest.mark.as_owner
def test_the_migration_step_names_existing_rows_that_break_the_rule(world: Any) -> None:
    """Rows written before the trigger existed stop the migration, by table and id."""
    incident = world.objects["incident"]
    check = check_existing_rows("incidents", {"ChronologyEntry": ("incident",)})
    check.code(apps, _Editor(connection))  # a consistent database passes
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE incidents_chronologyentry DISABLE TRIGGER USER")
        cursor.execute(
            "INSERT INTO incidents_chronologyentry (organisation_id, incident_id, kind, facts, "
            "present, occurred_at, recorded_at, recorded_by_id) "
            "VALUES (%s, %s, 'observation', 'x', '', now(), now(), %s) RETURNING id",
            [world.other_org.pk, incident.pk, world.users["manager"].pk],
        )
        bad = cursor.fetchone()[0]
        cursor.execute("ALTER TABLE incidents_chronologyentry ENABLE TRIGGER USER")
    with pytest.raises(RuntimeError, match=rf"incidents_chronologyentry \(ids {bad}\)"):
        check.code(apps, _Editor(connection))
