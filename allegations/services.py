"""Every write about allegations against staff: atomic, validated, audited.

Which side a user may write to is decided by ``allegations.access``; these
functions re-check it so a command or a future view cannot bypass the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from allegations import access
from allegations.models import (
    AMENDABLE_FIELDS,
    Allegation,
    AllegationStatus,
    AllegationTransition,
    HRAmendment,
    HRDecision,
    HREntry,
    HREntryKind,
    HRRecord,
    InterimMeasure,
    Outcome,
    Referral,
    ReferralKind,
    RetentionClass,
    RetentionReview,
    SafeguardingAmendment,
    SafeguardingDecision,
    SafeguardingEntry,
    SafeguardingEntryKind,
    SafeguardingRecord,
    SafeguardingRecordEvidence,
    SideStatus,
    SideStatusChange,
    StaffMember,
    StaffSourceOfHarm,
    default_retention,
)
from incidents import services as incident_services
from incidents.access import can_record_on
from incidents.linked import PersonRole
from incidents.models import Category, EvidenceFile, ExclusionSource, Incident, PersonLink
from organisations import access as org_access
from organisations import refusals
from organisations.models import Actor, Role, Service, User

SIDES = ("safeguarding", "hr")


ConcurrentChange = refusals.ConcurrentChange


@dataclass(frozen=True)
class Side:
    name: str
    label: str
    record: type[SafeguardingRecord] | type[HRRecord]
    entry: type[SafeguardingEntry] | type[HREntry]
    decision: type[SafeguardingDecision] | type[HRDecision]
    amendment: type[SafeguardingAmendment] | type[HRAmendment]
    kinds: type[models.TextChoices]

    def record_of(self, allegation: Allegation) -> Any:
        return self.record.objects.get(allegation=allegation)

    @property
    def in_sentence(self) -> str:
        """The label inside a sentence: "the HR record", "the safeguarding record"."""
        return "the HR record" if self.name == "hr" else f"the {self.label.lower()}"


SAFEGUARDING = Side(
    "safeguarding",
    "Safeguarding record",
    SafeguardingRecord,
    SafeguardingEntry,
    SafeguardingDecision,
    SafeguardingAmendment,
    SafeguardingEntryKind,
)
HR = Side("hr", "HR record", HRRecord, HREntry, HRDecision, HRAmendment, HREntryKind)


def side(name: str) -> Side:
    if name == "safeguarding":
        return SAFEGUARDING
    if name == "hr":
        return HR
    raise ValueError(name)


def _not_future(value: datetime | date | None, field: str, label: str) -> None:
    if value is None:
        return
    if isinstance(value, datetime):
        late = value > timezone.now() + timedelta(minutes=5)
    else:
        late = value > timezone.localdate()
    if late:
        raise ValidationError({field: f"{label} cannot be in the future."})


def _required(**values: str) -> None:
    missing = {k: "This is required." for k, v in values.items() if not (v or "").strip()}
    if missing:
        raise ValidationError(missing)


@transaction.atomic
def create_staff_member(
    *,
    actor: Actor,
    name: str,
    job_title: str,
    service: Service | None = None,
    employee_reference: str = "",
    user: User | None = None,
    date_of_birth: date | None = None,
    retirement_date: date | None = None,
) -> StaffMember:
    membership = org_access.require_membership(actor)
    if membership.role not in access.ALLEGATION_ROLES:
        raise PermissionDenied
    if service is not None and service.organisation_id != membership.organisation_id:
        raise PermissionDenied
    if user is not None:
        from organisations.models import Membership

        if not Membership.objects.filter(
            user=user, organisation_id=membership.organisation_id
        ).exists():
            raise ValidationError({"user": "Choose a login in your organisation."})
    _required(name=name, job_title=job_title)
    _not_future(date_of_birth, "date_of_birth", "Date of birth")
    employee_reference = employee_reference.strip()
    if (
        employee_reference
        and StaffMember.objects.filter(
            organisation_id=membership.organisation_id, employee_reference=employee_reference
        ).exists()
    ):
        raise ValidationError(
            {"employee_reference": "A staff member with this employee reference already exists."}
        )
    staff = StaffMember(
        organisation_id=membership.organisation_id,
        name=name.strip(),
        job_title=job_title.strip(),
        service=service,
        employee_reference=employee_reference,
        user=user,
        date_of_birth=date_of_birth,
        retirement_date=retirement_date,
        created_by=org_access.acting_user(actor),
    )
    staff.full_clean()
    staff.save()
    return staff


def _check_owner(actor: Actor, side_name: str, owner: User | None, staff: StaffMember) -> None:
    if owner is None:
        return
    if not access.side_owner_candidates(actor, side_name).filter(user=owner).exists():
        raise ValidationError(
            {f"{side_name}_owner": "Choose a colleague with the right role in your organisation."}
        )
    if staff.user_id is not None and owner.pk == staff.user_id:
        raise ValidationError(
            {f"{side_name}_owner": "The subject of the allegation cannot own its record."}
        )


@transaction.atomic
def create_allegation(
    *,
    actor: Actor,
    incident: Incident,
    staff_member: StaffMember,
    what_is_alleged: str,
    categories: list[str],
    raised_by: str,
    raised_at: datetime,
    safeguarding_owner: User | None = None,
    hr_owner: User | None = None,
) -> Allegation:
    """Record an allegation against staff on an incident. The incident becomes
    restricted at once, and both the safeguarding and HR records are opened."""
    if not access.can_create_allegation(actor, incident):
        raise PermissionDenied
    if staff_member.organisation_id != incident.organisation_id:
        raise PermissionDenied
    if staff_member.user_id is not None and staff_member.user_id == actor.pk:
        raise PermissionDenied("You cannot record an allegation about yourself.")
    _required(what_is_alleged=what_is_alleged, raised_by=raised_by)
    if not categories or any(c not in Category.values for c in categories):
        raise ValidationError({"categories": "Choose at least one category of abuse."})
    _not_future(raised_at, "raised_at", "When it was raised")
    _check_owner(actor, "safeguarding", safeguarding_owner, staff_member)
    _check_owner(actor, "hr", hr_owner, staff_member)
    if safeguarding_owner is None and org_access.has_role(actor, Role.LEAD):
        safeguarding_owner = org_access.acting_user(actor)

    retention_class, review_by = default_retention(
        staff_member=staff_member, raised_at=timezone.localdate(raised_at)
    )
    allegation = Allegation(
        organisation_id=incident.organisation_id,
        incident=incident,
        staff_member=staff_member,
        what_is_alleged=what_is_alleged.strip(),
        categories=sorted(set(categories)),
        raised_by=raised_by.strip(),
        raised_at=raised_at,
        retention_class=retention_class,
        review_by=review_by,
        created_by=org_access.acting_user(actor),
    )
    allegation.full_clean()
    allegation.save()
    AllegationTransition.objects.create(
        organisation_id=allegation.organisation_id,
        allegation=allegation,
        to_status=AllegationStatus.OPEN,
        reason="Allegation recorded.",
        changed_by=org_access.acting_user(actor),
    )
    for side_obj, owner in ((SAFEGUARDING, safeguarding_owner), (HR, hr_owner)):
        side_obj.record.objects.create(
            organisation_id=allegation.organisation_id, allegation=allegation, owner=owner
        )
        SideStatusChange.objects.create(
            organisation_id=allegation.organisation_id,
            allegation=allegation,
            side=side_obj.name,
            owner=owner,
            status=SideStatus.OPEN,
            changed_by=org_access.acting_user(actor),
        )
    incident_services.restrict_for_allegation(actor=actor, incident=incident)
    if staff_member.user_id is not None and staff_member.user is not None:
        _exclude_subject(actor=actor, allegation=allegation, user=staff_member.user)
    return allegation


def _exclude_subject(*, actor: Actor, allegation: Allegation, user: User) -> None:
    """The subject never sees the incident: a fact kept with the incident, so its
    visibility rule needs nothing from this app (incidents/access.py)."""
    incident_services.exclude_from_incident(
        actor=actor,
        incident=allegation.incident,
        user=user,
        source=ExclusionSource.ALLEGATION,
        reason=f"Subject of allegation {allegation.reference}.",
    )


@transaction.atomic
def link_staff_login(*, actor: Actor, staff_member: StaffMember, user: User) -> StaffMember:
    """Link (or change) the login of a staff member. Every incident with an
    allegation about them excludes the new login at once. A previous login stays
    excluded: exclusions are append-only, and a wrong link must fail safe."""
    if not access.can_manage_staff(actor):
        raise PermissionDenied
    membership = org_access.require_membership(actor)
    if staff_member.organisation_id != membership.organisation_id:
        raise PermissionDenied
    from organisations.models import Membership

    if not Membership.objects.filter(
        user=user, organisation_id=membership.organisation_id
    ).exists():
        raise ValidationError({"user": "Choose a login in your organisation."})
    if user.pk == actor.pk:
        raise PermissionDenied("You cannot link your own login to a staff record.")
    locked = StaffMember.objects.select_for_update().get(pk=staff_member.pk)
    locked.user = user
    locked.save(update_fields=["user"])
    for allegation in Allegation.objects.filter(staff_member=locked).select_related("incident"):
        _exclude_subject(actor=actor, allegation=allegation, user=user)
    for named in StaffSourceOfHarm.objects.filter(staff_member=locked).select_related(
        "link__incident"
    ):
        _exclude_source_of_harm(actor=actor, named=named, user=user)
    return locked


def _exclude_source_of_harm(*, actor: Actor, named: StaffSourceOfHarm, user: User) -> None:
    incident_services.exclude_from_incident(
        actor=actor,
        incident=named.link.incident,
        user=user,
        source=ExclusionSource.SOURCE_OF_HARM,
        reason=f"Named as alleged source of harm on {named.link.incident.reference}.",
    )


@transaction.atomic
def name_staff_as_source_of_harm(
    *, actor: Actor, link: PersonLink, staff_member: StaffMember
) -> StaffSourceOfHarm:
    """Tie an alleged source of harm who is a member of staff to their staff
    record. Their login (if any, or once linked) never sees the incident again."""
    incident = link.incident
    if not (org_access.has_role(actor, Role.MANAGER, Role.LEAD) and can_record_on(actor, incident)):
        raise PermissionDenied
    if link.role != PersonRole.SOURCE_OF_HARM or not link.is_staff:
        raise ValidationError("Only an alleged source of harm who is a member of staff is linked.")
    if staff_member.organisation_id != link.organisation_id:
        raise PermissionDenied
    if StaffSourceOfHarm.objects.filter(link=link).exists():
        raise ValidationError({"staff_member": "This person is already linked to a staff record."})
    named = StaffSourceOfHarm.objects.create(
        organisation_id=link.organisation_id,
        link=link,
        staff_member=staff_member,
        created_by=org_access.acting_user(actor),
    )
    if staff_member.user is not None:
        _exclude_source_of_harm(actor=actor, named=named, user=staff_member.user)
    return named


@transaction.atomic
def change_status(
    *,
    actor: Actor,
    allegation: Allegation,
    to_status: str,
    reason: str,
    outcome: str = "",
    outcome_date: date | None = None,
) -> AllegationTransition:
    """Move the allegation on, or record (or correct) its outcome. An outcome
    correction is a new transition: the earlier one stays in the history."""
    if not access.can_record_outcome(actor, allegation):
        raise PermissionDenied
    if to_status not in AllegationStatus.values:
        raise ValidationError({"to_status": "Choose a status."})
    _required(reason=reason)
    locked = Allegation.objects.select_for_update().get(pk=allegation.pk)
    if to_status == locked.status and to_status != AllegationStatus.CONCLUDED:
        raise ValidationError({"to_status": "The allegation already has this status."})
    if to_status == AllegationStatus.CONCLUDED:
        if outcome not in Outcome.values:
            raise ValidationError({"outcome": "Choose the outcome when concluding."})
        if outcome_date is None:
            raise ValidationError({"outcome_date": "Give the date of the outcome."})
        _not_future(outcome_date, "outcome_date", "The outcome date")
        if outcome_date < timezone.localdate(locked.raised_at):
            raise ValidationError(
                {"outcome_date": "The outcome cannot be before the allegation was raised."}
            )
        if (
            locked.status == AllegationStatus.CONCLUDED
            and outcome == locked.outcome
            and outcome_date == locked.outcome_date
        ):
            raise ValidationError({"outcome": "This outcome is already recorded."})
    else:
        outcome, outcome_date = "", None

    retention_class, review_by = default_retention(
        staff_member=locked.staff_member,
        raised_at=timezone.localdate(locked.raised_at),
        outcome=outcome,
        outcome_date=outcome_date,
    )
    # A retention review that extended the date is a decision someone made: keep it.
    if locked.retention_class == RetentionClass.EXTENDED and locked.review_by > review_by:
        retention_class, review_by = RetentionClass.EXTENDED, locked.review_by
    transition = AllegationTransition.objects.create(
        organisation_id=locked.organisation_id,
        allegation=locked,
        from_status=locked.status,
        to_status=to_status,
        outcome=outcome,
        outcome_date=outcome_date,
        reason=reason.strip(),
        changed_by=org_access.acting_user(actor),
    )
    for obj in (locked, allegation):
        obj.status = to_status
        obj.outcome = outcome
        obj.outcome_date = outcome_date
        obj.retention_class = retention_class
        obj.review_by = review_by
    locked.save(update_fields=["status", "outcome", "outcome_date", "retention_class", "review_by"])
    return transition


@transaction.atomic
def add_referral(
    *,
    actor: Actor,
    allegation: Allegation,
    kind: str,
    body: str,
    referred_on: date,
    reference: str = "",
    corrects: Referral | None = None,
    correction_reason: str = "",
    outcome: str = "",
) -> Referral:
    if not access.can_record_referral(actor, allegation):
        raise PermissionDenied
    if kind not in ReferralKind.values:
        raise ValidationError({"kind": "Choose who it was referred to."})
    _required(body=body)
    _not_future(referred_on, "referred_on", "The referral date")
    if corrects is not None:
        if corrects.allegation_id != allegation.pk:
            raise PermissionDenied
        if not correction_reason.strip():
            raise ValidationError({"correction_reason": "Say what was wrong with the original."})
    referral = Referral(
        organisation_id=allegation.organisation_id,
        allegation=allegation,
        kind=kind,
        body=body.strip(),
        referred_on=referred_on,
        reference=reference.strip(),
        outcome=outcome.strip(),
        corrects=corrects,
        correction_reason=correction_reason.strip(),
        recorded_by=org_access.acting_user(actor),
    )
    referral.full_clean()
    referral.save()
    return referral


@transaction.atomic
def update_side(
    *,
    actor: Actor,
    allegation: Allegation,
    side_name: str,
    owner: User | None,
    status: str,
    expected_version: int,
) -> Any:
    """Change who owns a side or its status: the only things the other side sees."""
    if not access.can_write_side(actor, allegation, side_name):
        raise PermissionDenied
    if status not in SideStatus.values:
        raise ValidationError({"status": "Choose a status."})
    the_side = side(side_name)
    _check_owner(actor, side_name, owner, allegation.staff_member)
    record = the_side.record.objects.select_for_update().get(allegation=allegation)
    if record.version != expected_version:
        raise ConcurrentChange
    if record.owner_id == (owner.pk if owner else None) and record.status == status:
        raise ValidationError({"status": "Nothing has changed."})
    record.owner = owner
    record.status = status
    record.version = expected_version + 1
    record.save(update_fields=["owner", "status", "version"])
    SideStatusChange.objects.create(
        organisation_id=allegation.organisation_id,
        allegation=allegation,
        side=side_name,
        owner=owner,
        status=status,
        changed_by=org_access.acting_user(actor),
    )
    return record


@transaction.atomic
def add_entry(
    *,
    actor: Actor,
    allegation: Allegation,
    side_name: str,
    kind: str,
    text: str,
    occurred_at: datetime,
    interim_measure: str = "",
) -> SafeguardingEntry | HREntry:
    if not access.can_write_side(actor, allegation, side_name):
        raise PermissionDenied
    the_side = side(side_name)
    if kind not in the_side.kinds.values:
        raise ValidationError({"kind": "Choose what kind of entry this is."})
    _required(text=text)
    _not_future(occurred_at, "occurred_at", "When it happened")
    fields: dict[str, Any] = {}
    if the_side is HR:
        if kind == HREntryKind.INTERIM and interim_measure not in InterimMeasure.values:
            raise ValidationError({"interim_measure": "Choose the interim measure."})
        if kind != HREntryKind.INTERIM and interim_measure:
            raise ValidationError(
                {"interim_measure": "Only an interim-measure entry names a measure."}
            )
        fields["interim_measure"] = interim_measure
    elif interim_measure:
        raise ValidationError({"interim_measure": "Interim measures belong to the HR record."})
    entry = the_side.entry(
        organisation_id=allegation.organisation_id,
        record=the_side.record_of(allegation),
        kind=kind,
        text=text.strip(),
        occurred_at=occurred_at,
        recorded_by=org_access.acting_user(actor),
        **fields,
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def add_decision(
    *,
    actor: Actor,
    allegation: Allegation,
    side_name: str,
    decision: str,
    information_considered: str,
    consulted: str,
    rationale: str,
    decided_by: str,
    decided_at: datetime,
    dissenting_views: str = "",
) -> SafeguardingDecision | HRDecision:
    if not access.can_write_side(actor, allegation, side_name):
        raise PermissionDenied
    the_side = side(side_name)
    _required(
        decision=decision,
        information_considered=information_considered,
        consulted=consulted,
        rationale=rationale,
        decided_by=decided_by,
    )
    _not_future(decided_at, "decided_at", "Decided at")
    obj = the_side.decision(
        organisation_id=allegation.organisation_id,
        record=the_side.record_of(allegation),
        decision=decision.strip(),
        information_considered=information_considered.strip(),
        consulted=consulted.strip(),
        rationale=rationale.strip(),
        dissenting_views=dissenting_views.strip(),
        decided_by=decided_by.strip(),
        decided_at=decided_at,
        recorded_by=org_access.acting_user(actor),
    )
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def amend(
    *,
    actor: Actor,
    allegation: Allegation,
    side_name: str,
    target: SafeguardingEntry | HREntry | SafeguardingDecision | HRDecision,
    field: str,
    new_text: str,
    reason: str,
) -> SafeguardingAmendment | HRAmendment:
    """Correct one part of an entry or a key decision; the original stays visible."""
    if not access.can_write_side(actor, allegation, side_name):
        raise PermissionDenied
    the_side = side(side_name)
    if isinstance(target, the_side.entry):
        kind = "entry"
    elif isinstance(target, the_side.decision):
        kind = "decision"
    else:
        raise PermissionDenied
    if target.record.allegation_id != allegation.pk:
        raise PermissionDenied
    if field not in dict(AMENDABLE_FIELDS[kind]):
        raise ValidationError({"field": "Choose the part being corrected."})
    _required(reason=reason)
    # Clearing a dissenting view is a legitimate correction; other parts need text.
    if field != "dissenting_views":
        _required(new_text=new_text)
    amendment = the_side.amendment(
        organisation_id=allegation.organisation_id,
        field=field,
        new_text=new_text.strip(),
        reason=reason.strip(),
        author=org_access.acting_user(actor),
        **{kind: target},
    )
    amendment.full_clean()
    amendment.save()
    return amendment


@transaction.atomic
def review_retention(
    *,
    actor: Actor,
    allegation: Allegation,
    decision: str,
    reason: str,
    next_review_by: date | None = None,
) -> RetentionReview:
    """Record a retention review. Nothing is deleted here or anywhere else in the app."""
    if not access.can_review_retention(actor) or allegation.organisation_id != (
        org_access.require_membership(actor).organisation_id
    ):
        raise PermissionDenied
    if decision not in RetentionReview.Decision.values:
        raise ValidationError({"decision": "Choose the review decision."})
    _required(reason=reason)
    if decision == RetentionReview.Decision.RETAIN:
        if next_review_by is None:
            raise ValidationError({"next_review_by": "Give the date of the next review."})
        if next_review_by <= timezone.localdate():
            raise ValidationError({"next_review_by": "The next review must be in the future."})
    else:
        next_review_by = None
    review = RetentionReview.objects.create(
        organisation_id=allegation.organisation_id,
        allegation=allegation,
        decision=decision,
        next_review_by=next_review_by,
        reason=reason.strip(),
        reviewed_by=org_access.acting_user(actor),
    )
    if next_review_by is not None:
        allegation.retention_class = RetentionClass.EXTENDED
        allegation.review_by = next_review_by
        allegation.save(update_fields=["retention_class", "review_by"])
    return review


def add_safeguarding_evidence(
    *,
    actor: Actor,
    allegation: Allegation,
    upload: Any,
    description: str = "",
    replaces: EvidenceFile | None = None,
    correction_reason: str = "",
) -> EvidenceFile:
    """Attach a file to the safeguarding record of an allegation (the caller
    holds the allegation through ``access.get_allegation_for``): only those who
    may write that side, never HR, never the subject. Checked, cleaned and
    stored by ``incidents.services.save_evidence_file``; linked in the same
    transaction. A correction names a file of this record and why."""
    # In full here, not only the role: the subject, an excluded user or a
    # manager off the need-to-know list must not add a file whoever calls.
    if not (
        access.can_write_side(actor, allegation, "safeguarding")
        and access.visible_allegations(actor).filter(pk=allegation.pk).exists()
    ):
        raise PermissionDenied
    record = allegation.safeguarding_record
    ours = (
        replaces is None
        or SafeguardingRecordEvidence.objects.filter(record=record, file=replaces).exists()
    )
    incident_services.check_correction(replaces, ours, correction_reason)

    def attach(evidence: EvidenceFile) -> None:
        link = SafeguardingRecordEvidence(
            organisation_id=record.organisation_id, record=record, file=evidence
        )
        link.full_clean()
        link.save()

    return incident_services.save_evidence_file(
        actor=actor,
        incident=allegation.incident,
        upload=upload,
        description=description,
        replaces=replaces,
        correction_reason=correction_reason,
        attach=attach,
    )
