"""Every write to incidents goes through here: atomic, validated, audited.

Audit entries for creates come from django-auditlog's registration (see
``apps.py``); this module adds nothing to the log by hand except through the
models it saves, so there is one path into the trail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from incidents import access, quality, uploads
from incidents.bodymaps import BodyMapMark
from incidents.evidence import EvidenceFile
from incidents.linked import EntryPresence, PersonRole, SourceOfRisk
from incidents.models import (
    ChronologyAmendment,
    ChronologyEntry,
    ClosureOutcome,
    ExclusionSource,
    Incident,
    IncidentExclusion,
    LinkedPerson,
    NeedToKnowGrant,
    OutcomesAchieved,
    Person,
    PersonLink,
    RecordFinding,
    Status,
    StatusTransition,
    ViewsStatus,
)
from organisations import access as org_access
from organisations import refusals
from organisations.models import Actor, Role, Service, User


class ConcurrentChange(refusals.ConcurrentChange):
    """Someone else changed the incident since the form was opened."""

    message = (
        "Someone else changed this incident while you were working on it. "
        "Review the latest version below and try again."
    )


ALLOWED_TRANSITIONS = {
    Status.OPEN: {Status.UNDER_ENQUIRY, Status.CLOSED},
    Status.UNDER_ENQUIRY: {Status.OPEN, Status.CLOSED},
    Status.CLOSED: {Status.OPEN},
}


def _now_or_past(value: datetime | None, field: str, label: str) -> None:
    if value is not None and value > timezone.now() + timedelta(minutes=5):
        raise ValidationError({field: f"{label} cannot be in the future."})


def next_reference(*, organisation_id: int, prefix: str, year: int) -> str:
    """Allocate the next reference with one atomic upsert: two managers saving
    at the same moment get different numbers without retry loops."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO incidents_referencecounter (organisation_id, year, last_number)
            VALUES (%s, %s, 1)
            ON CONFLICT (organisation_id, year)
            DO UPDATE SET last_number = incidents_referencecounter.last_number + 1
            RETURNING last_number
            """,
            [organisation_id, year],
        )
        row = cursor.fetchone()
        assert row is not None
        number = row[0]
    return f"{prefix}-{year}-{number:04d}"


@transaction.atomic
def create_person(
    *,
    actor: Actor,
    given_name: str,
    family_name: str,
    service: Service | None = None,
    date_of_birth: Any = None,
    local_identifier: str = "",
    preferred_name: str = "",
) -> Person:
    membership = org_access.require_membership(actor)
    if not access.can_create_incident(actor):
        raise PermissionDenied
    if service is not None and service.organisation_id != membership.organisation_id:
        raise PermissionDenied
    person = Person(
        organisation_id=membership.organisation_id,
        service=service,
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        preferred_name=preferred_name.strip(),
        date_of_birth=date_of_birth,
        local_identifier=local_identifier.strip(),
    )
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def create_incident(
    *,
    actor: Actor,
    service: Service,
    people: Iterable[Person],
    categories: list[str],
    summary: str,
    what_happened: str,
    became_aware_at: datetime,
    raised_by: str,
    risk_level: str,
    occurred_at: datetime | None = None,
    persons_views: str = "",
    desired_outcomes: str = "",
    capacity_considerations: str = "",
    views_status: str = "",
    views_not_asked_reason: str = "",
    la_reference: str = "",
    police_reference: str = "",
    cqc_reference: str = "",
    restricted: bool = False,
) -> Incident:
    """Log an incident. ``views_status`` (``ViewsStatus``, Making Safeguarding
    Personal) may be left empty, like the views themselves: what is missing is
    stored as a ``RecordFinding`` for quality audits, not refused."""
    membership = org_access.require_membership(actor)
    if not access.recordable_services(actor).filter(pk=service.pk).exists():
        raise PermissionDenied("You cannot log incidents for this service.")
    people = list(people)
    if not people:
        raise ValidationError({"people": "Name at least one adult at risk."})
    if any(p.organisation_id != membership.organisation_id for p in people):
        raise PermissionDenied
    if not categories:
        raise ValidationError({"categories": "Choose at least one category of abuse."})
    _now_or_past(became_aware_at, "became_aware_at", "When we became aware")
    _now_or_past(occurred_at, "occurred_at", "When it occurred")
    if occurred_at and occurred_at > became_aware_at:
        raise ValidationError(
            {"occurred_at": "It cannot have occurred after we became aware of it."}
        )
    if restricted and not membership.is_lead:
        raise PermissionDenied("Only a safeguarding lead can restrict an incident.")
    if views_status and views_status not in ViewsStatus.values:
        raise ValidationError({"views_status": "Choose whether the person was asked."})

    incident = Incident(
        organisation_id=membership.organisation_id,
        service=service,
        categories=sorted(set(categories)),
        summary=summary.strip(),
        what_happened=what_happened.strip(),
        occurred_at=occurred_at,
        became_aware_at=became_aware_at,
        raised_by=raised_by.strip(),
        risk_level=risk_level,
        persons_views=persons_views.strip(),
        desired_outcomes=desired_outcomes.strip(),
        capacity_considerations=capacity_considerations.strip(),
        views_status=views_status,
        views_not_asked_reason=views_not_asked_reason.strip(),
        la_reference=la_reference.strip(),
        police_reference=police_reference.strip(),
        cqc_reference=cqc_reference.strip(),
        restricted=restricted,
        created_by=org_access.acting_user(actor),
    )
    incident.reference = "pending"
    incident.full_clean(exclude=["reference", "people"])
    incident.reference = next_reference(
        organisation_id=membership.organisation_id,
        prefix=membership.organisation.reference_prefix,
        year=timezone.localdate().year,
    )
    incident.save()
    incident.people.set(people)
    StatusTransition.objects.create(
        organisation_id=incident.organisation_id,
        incident=incident,
        from_status="",
        to_status=Status.OPEN,
        reason="Incident logged.",
        changed_by=org_access.acting_user(actor),
    )
    store_findings(
        incident,
        quality.read("what_happened", "What happened", incident.what_happened, quality.FACTS_ONLY)
        + quality.check_views(
            views_status=incident.views_status,
            persons_views=incident.persons_views,
            desired_outcomes=incident.desired_outcomes,
            views_not_asked_reason=incident.views_not_asked_reason,
        ),
    )
    return incident


def store_findings(
    incident: Incident, findings: list[quality.Finding], *, entry: ChronologyEntry | None = None
) -> None:
    """Keep what the record lacked when it was written, for quality audits."""
    RecordFinding.objects.bulk_create(
        RecordFinding(
            organisation_id=incident.organisation_id,
            incident=incident,
            entry=entry,
            code=f.code,
            field=f.field,
            message=f.message,
            excerpt=f.excerpt[:200],
        )
        for f in findings
    )


def current_findings(incident: Incident) -> list[quality.Finding]:
    """What the incident's record still lacks (views, closure), read now."""
    findings = quality.check_views(
        views_status=incident.views_status,
        persons_views=incident.persons_views,
        desired_outcomes=incident.desired_outcomes,
        views_not_asked_reason=incident.views_not_asked_reason,
    )
    if incident.is_closed:
        findings += quality.check_closure(
            views_status=incident.views_status, outcomes_achieved=incident.outcomes_achieved
        )
    return findings


def _bump_version(incident: Incident, expected_version: int, **changes: Any) -> None:
    """Apply ``changes`` only if nobody else has written since ``expected_version``.

    The row lock makes concurrent writers queue; the version check turns the
    loser's stale form into a clear "someone else changed this" message. Saving
    through the model (not ``QuerySet.update``) keeps the change in the audit log.
    """
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    if locked.version != expected_version:
        raise ConcurrentChange
    for key, value in changes.items():
        setattr(locked, key, value)
    locked.version = expected_version + 1
    locked.save(update_fields=[*changes, "version"])
    for key, value in changes.items():
        setattr(incident, key, value)
    incident.version = locked.version


@transaction.atomic
def change_status(
    *,
    actor: Actor,
    incident: Incident,
    to_status: str,
    reason: str,
    expected_version: int,
    closure_outcome: str = "",
    outcomes_achieved: str = "",
) -> StatusTransition:
    """Move the incident on. Closing needs ``closure_outcome``; it also takes
    ``outcomes_achieved`` (``OutcomesAchieved``: were the person's desired
    outcomes achieved?), stored with the closing transition; closing without
    it, when the person expressed outcomes, is a ``RecordFinding``."""
    if not access.can_change_status(actor, incident):
        raise PermissionDenied
    # A stale form is a concurrent change, even when the other person's change
    # also makes the requested transition invalid (e.g. they closed it first).
    if incident.version != expected_version:
        raise ConcurrentChange
    current = Status(incident.status)
    target = Status(to_status)
    if target not in ALLOWED_TRANSITIONS[current]:
        raise ValidationError(
            {
                "to_status": f"An incident that is {current.label.lower()} cannot move to "
                f"{target.label.lower()}."
            }
        )
    if not reason.strip():
        raise ValidationError({"reason": "Say why the status is changing."})
    if target == Status.CLOSED:
        if closure_outcome not in ClosureOutcome.values:
            raise ValidationError({"closure_outcome": "Choose the outcome when closing."})
        if outcomes_achieved and outcomes_achieved not in OutcomesAchieved.values:
            raise ValidationError(
                {"outcomes_achieved": "Choose whether the desired outcomes were achieved."}
            )
    else:
        closure_outcome = ""
        outcomes_achieved = ""
    _bump_version(
        incident,
        expected_version,
        status=target,
        closure_outcome=closure_outcome,
        outcomes_achieved=outcomes_achieved,
    )
    transition = StatusTransition.objects.create(
        organisation_id=incident.organisation_id,
        incident=incident,
        from_status=current,
        to_status=target,
        closure_outcome=closure_outcome,
        outcomes_achieved=outcomes_achieved,
        reason=reason.strip(),
        changed_by=org_access.acting_user(actor),
    )
    if target == Status.CLOSED:
        store_findings(incident, current_findings(incident))
    return transition


@transaction.atomic
def add_entry(
    *,
    actor: Actor,
    incident: Incident,
    kind: str,
    facts: str,
    occurred_at: datetime,
    present: str = "",
    late_reason: str = "",
    present_people: Iterable[PersonLink] = (),
) -> ChronologyEntry:
    """Add a chronology entry. ``present_people``: links on this incident
    (people linked to it) who were there, besides the free text of ``present``.
    Its record-quality findings (facts-only text, recorded late without
    ``late_reason``) never block it; they are stored as ``RecordFinding`` rows
    for quality audits and shown on the incident page."""
    if not access.can_record_on(actor, incident):
        raise PermissionDenied
    _now_or_past(occurred_at, "occurred_at", "When it happened")
    links = list(present_people)
    if any(link.incident_id != incident.pk for link in links):
        raise ValidationError({"present_people": "Choose people linked to this incident."})
    entry = ChronologyEntry(
        organisation_id=incident.organisation_id,
        incident=incident,
        kind=kind,
        facts=facts.strip(),
        present=present.strip(),
        occurred_at=occurred_at,
        recorded_by=org_access.acting_user(actor),
        late_reason=late_reason.strip(),
    )
    entry.full_clean()
    entry.save()
    store_findings(incident, entry_findings(entry), entry=entry)
    EntryPresence.objects.bulk_create(
        EntryPresence(organisation_id=entry.organisation_id, entry=entry, link=link)
        for link in {link.pk: link for link in links}.values()
    )
    return entry


def entry_findings(entry: ChronologyEntry) -> list[quality.Finding]:
    return quality.check_entry_facts(entry.facts) + quality.check_entry_timeliness(
        occurred_at=entry.occurred_at,
        recorded_at=entry.recorded_at,
        late_reason=entry.late_reason,
        late_after_hours=settings.SAFEGUARD_LATE_ENTRY_HOURS,
    )


@transaction.atomic
def amend_entry(
    *, actor: Actor, entry: ChronologyEntry, reason: str, new_text: str
) -> ChronologyAmendment:
    if not access.can_record_on(actor, entry.incident):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": "Say why the entry is being corrected."})
    if not new_text.strip():
        raise ValidationError({"new_text": "Enter the corrected text."})
    amendment = ChronologyAmendment(
        organisation_id=entry.organisation_id,
        entry=entry,
        reason=reason.strip(),
        new_text=new_text.strip(),
        author=org_access.acting_user(actor),
    )
    amendment.full_clean()
    amendment.save()
    return amendment


@transaction.atomic
def set_restricted(
    *, actor: Actor, incident: Incident, restricted: bool, expected_version: int
) -> Incident:
    if not access.can_manage_need_to_know(actor, incident):
        raise PermissionDenied
    _bump_version(incident, expected_version, restricted=restricted)
    return incident


@transaction.atomic
def grant_need_to_know(
    *, actor: Actor, incident: Incident, user: User, reason: str, expected_version: int
) -> NeedToKnowGrant:
    if not access.can_manage_need_to_know(actor, incident):
        raise PermissionDenied
    if not access.need_to_know_candidates(actor).filter(user=user).exists():
        raise ValidationError({"user": "Choose a colleague in your organisation."})
    if access.is_subject_of_incident(user, incident):
        # Their access would be void anyway (the subject rule hides the
        # incident from them); saying so stops a grant that looks effective.
        raise ValidationError(
            {
                "user": "This person is the subject of an allegation on this incident "
                "and cannot be given access to it."
            }
        )
    if not reason.strip():
        raise ValidationError({"reason": "Say why this person needs to know."})
    if NeedToKnowGrant.objects.filter(
        incident=incident, user=user, revoked_at__isnull=True
    ).exists():
        raise ValidationError({"user": "This person is already on the need-to-know list."})
    # The list is shared state: bumping the version serialises concurrent edits.
    _bump_version(incident, expected_version)
    return NeedToKnowGrant.objects.create(
        organisation_id=incident.organisation_id,
        incident=incident,
        user=user,
        reason=reason.strip(),
        granted_by=org_access.acting_user(actor),
    )


@transaction.atomic
def revoke_need_to_know(
    *, actor: Actor, grant: NeedToKnowGrant, reason: str, expected_version: int
) -> NeedToKnowGrant:
    incident = grant.incident
    if not access.can_manage_need_to_know(actor, incident):
        raise PermissionDenied
    if not grant.is_live:
        raise ValidationError("This access has already been revoked.")
    if not reason.strip():
        raise ValidationError({"revoke_reason": "Say why access is being removed."})
    _bump_version(incident, expected_version)
    grant.revoked_at = timezone.now()
    grant.revoked_by = org_access.acting_user(actor)
    grant.revoke_reason = reason.strip()
    grant.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    return grant


@transaction.atomic
def restrict_for_allegation(*, actor: Actor, incident: Incident) -> Incident:
    """An allegation against staff restricts its incident at once, whoever records it
    (seed 000 example 3: only those who need to know receive detail). A manager who
    records it stays on the need-to-know list so they keep sight of their own work.
    Called by ``allegations.services``; the caller has checked it may record on it."""
    if not access.can_record_on(actor, incident):
        raise PermissionDenied
    # Lock first: restriction must not lose a race with an unrelated edit.
    current = Incident.objects.select_for_update().get(pk=incident.pk)
    if not current.restricted:
        _bump_version(incident, current.version, restricted=True)
    recorder = org_access.acting_user(actor)
    if (
        not org_access.has_role(recorder, Role.LEAD)
        and not NeedToKnowGrant.objects.filter(
            incident=incident, user=recorder, revoked_at__isnull=True
        ).exists()
    ):
        NeedToKnowGrant.objects.create(
            organisation_id=incident.organisation_id,
            incident=incident,
            user=recorder,
            reason="Recorded the allegation against staff on this incident.",
            granted_by=recorder,
        )
    return incident


# Roles that record allegations against staff or link a staff member's login.
EXCLUDERS = (Role.MANAGER, Role.LEAD, Role.HR)


@transaction.atomic
def exclude_from_incident(
    *, actor: Actor, incident: Incident, user: User, source: str, reason: str
) -> IncidentExclusion:
    """Keep ``user`` away from ``incident`` for good, whatever their role or grants
    (the subject of an allegation against staff on it). Called by
    ``allegations.services`` in the transaction that records the allegation or
    links the staff member's login; idempotent (one row per person and incident)."""
    membership = org_access.require_membership(actor)
    if membership.role not in EXCLUDERS or membership.organisation_id != incident.organisation_id:
        raise PermissionDenied
    if source not in ExclusionSource.values:
        raise ValidationError({"source": "Unknown reason for an exclusion."})
    existing = IncidentExclusion.objects.filter(incident=incident, user=user).first()
    if existing is not None:
        return existing
    return IncidentExclusion.objects.create(
        organisation_id=incident.organisation_id,
        incident=incident,
        user=user,
        source=source,
        reason=reason[:200],
    )


class PossibleDuplicate(ValidationError):
    """The person being added may already be recorded: ``people`` are the
    candidates to reuse. ``exact`` when one matches name and date of birth
    (then a new record is refused; otherwise confirming creates one)."""

    def __init__(self, people: list[LinkedPerson], *, exact: bool) -> None:
        self.people = people
        self.exact = exact
        message = (
            "Someone with this name and date of birth is already recorded: choose them below."
            if exact
            else "Someone with this name may already be recorded: choose them below, or confirm "
            "that this is a different person."
        )
        super().__init__({"given_name": message})


@transaction.atomic
def link_person(
    *,
    actor: Actor,
    incident: Incident,
    role: str,
    person: LinkedPerson | None = None,
    given_name: str = "",
    family_name: str = "",
    date_of_birth: Any = None,
    description: str = "",
    confirm_new: bool = False,
    source_of_risk: str = "",
    relationship: str = "",
    is_staff: bool = False,
    note: str = "",
) -> PersonLink:
    """Name a person on ``incident`` in ``role``: an existing ``person`` of the
    organisation, or a new one (refused, with the candidates, when the name and
    date of birth may already be recorded; see ``PossibleDuplicate``)."""
    if not access.can_record_on(actor, incident):
        raise PermissionDenied
    if role not in PersonRole.values:
        raise ValidationError({"role": "Choose this person's role on the incident."})
    if role == PersonRole.SOURCE_OF_HARM:
        if source_of_risk not in SourceOfRisk.values:
            raise ValidationError(
                {"source_of_risk": "Choose the source of risk for an alleged source of harm."}
            )
        if is_staff and source_of_risk != SourceOfRisk.SERVICE_PROVIDER:
            raise ValidationError(
                {"source_of_risk": "A member of staff is the service provider as source of risk."}
            )
    else:
        source_of_risk = ""
    if person is None:
        if not given_name.strip():
            raise ValidationError({"given_name": "Give the person's name, or choose them."})
        _not_future_date(date_of_birth)
        candidates = list(
            access.possible_duplicates(actor, given_name, family_name, date_of_birth)[:10]
        )
        exact = date_of_birth is not None and any(
            p.date_of_birth == date_of_birth for p in candidates
        )
        if candidates and (exact or not confirm_new):
            raise PossibleDuplicate(candidates, exact=exact)
        person = LinkedPerson(
            organisation_id=incident.organisation_id,
            given_name=given_name.strip(),
            family_name=family_name.strip(),
            date_of_birth=date_of_birth,
            description=description.strip(),
            created_by=org_access.acting_user(actor),
        )
        person.full_clean()
        person.save()
    elif person.organisation_id != incident.organisation_id:
        raise PermissionDenied
    if PersonLink.objects.filter(incident=incident, person=person, role=role).exists():
        raise ValidationError({"role": "This person is already named in this role here."})
    link = PersonLink(
        organisation_id=incident.organisation_id,
        incident=incident,
        person=person,
        role=role,
        source_of_risk=source_of_risk,
        relationship=relationship.strip(),
        is_staff=is_staff,
        note=note.strip(),
        created_by=org_access.acting_user(actor),
    )
    link.full_clean()
    link.save()
    return link


def _not_future_date(value: Any) -> None:
    if value is not None and value > timezone.localdate():
        raise ValidationError({"date_of_birth": "The date of birth cannot be in the future."})


def add_evidence(
    *,
    actor: Actor,
    entry: ChronologyEntry,
    upload: Any,
    description: str = "",
    replaces: EvidenceFile | None = None,
    correction_reason: str = "",
) -> EvidenceFile:
    """Attach a file to a chronology entry: checked and cleaned (``uploads``),
    stored once under a random name, recorded with its hashes. A correction
    names the file it corrects and why; the earlier file stays. A refusal
    stores nothing; if the row cannot be written the stored bytes are removed."""
    incident = entry.incident
    if not access.can_record_on(actor, incident):
        raise PermissionDenied
    check_correction(replaces, replaces is None or replaces.entry_id == entry.pk, correction_reason)
    return save_evidence_file(
        actor=actor,
        incident=incident,
        entry=entry,
        upload=upload,
        description=description,
        replaces=replaces,
        correction_reason=correction_reason,
    )


def check_correction(replaces: EvidenceFile | None, ours: bool, correction_reason: str) -> None:
    """A correction names a file of the same record (``ours``) and says why."""
    if replaces is not None:
        if not ours:
            raise ValidationError({"replaces": "Choose a file of this record."})
        if not correction_reason.strip():
            raise ValidationError({"correction_reason": "Say why this file corrects the other."})
    elif correction_reason.strip():
        raise ValidationError({"replaces": "Choose the file this one corrects."})


def save_evidence_file(
    *,
    actor: Any,
    incident: Incident,
    upload: Any,
    entry: ChronologyEntry | None = None,
    description: str = "",
    replaces: EvidenceFile | None = None,
    correction_reason: str = "",
    attach: Callable[[EvidenceFile], object] | None = None,
) -> EvidenceFile:
    """The one way a file is checked, stored and recorded, for an entry here or
    for a record of an app above (a decision, a safeguarding record), whose
    service has checked the actor's right and the correction and passes
    ``attach`` to write its link row in the same transaction. A refusal stores
    nothing; if a row cannot be written the stored bytes are removed."""
    checked = uploads.check(upload)
    name = uploads.store(checked, incident.organisation_id)
    try:
        with transaction.atomic():
            evidence = EvidenceFile(
                organisation_id=incident.organisation_id,
                incident=incident,
                entry=entry,
                storage_name=name,
                original_name=(getattr(upload, "name", "") or "file")[:255],
                content_type=checked.content_type,
                size=len(checked.data),
                sha256=checked.sha256,
                original_sha256=checked.original_sha256,
                metadata_removed=checked.metadata_removed,
                description=description.strip(),
                replaces=replaces,
                correction_reason=correction_reason.strip(),
                uploaded_by=org_access.acting_user(actor),
            )
            evidence.full_clean()
            evidence.save()
            if attach is not None:
                attach(evidence)
    except BaseException:
        uploads.evidence_storage().delete(name)
        raise
    return evidence


def add_body_mark(
    *,
    actor: Any,
    entry: ChronologyEntry,
    view: str,
    region: str,
    description: str,
    seen_by: str,
    seen_at: Any,
    size: str = "",
    colour: str = "",
    corrects: BodyMapMark | None = None,
    correction_reason: str = "",
) -> BodyMapMark:
    """Mark an injury on the entry's body map. A correction names the mark it
    corrects and why; the earlier mark stays."""
    from incidents.bodymaps import region_of

    incident = entry.incident
    if not access.can_record_on(actor, incident):
        raise PermissionDenied
    if region_of(view, region) is None:
        raise ValidationError({"region": "Choose a part of the body from the list."})
    if seen_at is not None and seen_at > timezone.now():
        raise ValidationError({"seen_at": "When it was seen cannot be in the future."})
    correction_reason = correction_reason.strip()
    if corrects is not None:
        if corrects.entry_id != entry.pk:
            raise ValidationError({"corrects": "Choose a mark of this entry."})
        if not correction_reason:
            raise ValidationError({"correction_reason": "Say why this mark corrects the other."})
    elif correction_reason:
        raise ValidationError({"corrects": "Choose the mark this one corrects."})
    mark = BodyMapMark(
        organisation_id=incident.organisation_id,
        incident=incident,
        entry=entry,
        view=view,
        region=region,
        description=description.strip(),
        size=size.strip(),
        colour=colour.strip(),
        seen_by=seen_by.strip(),
        seen_at=seen_at,
        corrects=corrects,
        correction_reason=correction_reason,
        recorded_by=actor,
    )
    mark.full_clean()
    mark.save()
    return mark
