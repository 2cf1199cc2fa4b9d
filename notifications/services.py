"""Every write about statutory notifications: atomic, validated, audited
(the models are registered with auditlog).

- ``ensure_for_incident`` / ``ensure_for_allegation`` create the notifications
  the rules require, idempotently; ``notifications.receivers`` calls them when
  the facts are recorded, and ``manage.py create_notifications`` for records
  that existed before.
- ``record_outcome`` records sent / not needed (or corrects an outcome); on an
  allegation it writes the matching ``Referral`` through the allegations
  service in the same transaction.
- ``record_cqc_sent`` records the pre-filled CQC notification as a disclosure
  decision and the notification's sent outcome linked to it.
- ``set_override`` records a lead's override, only where a rule allows it.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from allegations import services as allegation_services
from allegations.models import Allegation, AllegationTransition, HREntry, Outcome, Referral
from disclosures import services as disclosure_services
from disclosures.drafts import DecisionDraft, RecipientDraft
from disclosures.models import DisclosureDecision
from incidents.models import Incident
from notifications import access, rules
from notifications.models import Notification, NotificationOutcome, OutcomeStatus, RuleOverride
from organisations import access as org_access
from organisations.models import Actor, Organisation

# Set while this module writes a Referral itself, so the receiver that lets a
# referral recorded on the allegation page satisfy a notification stays quiet.
_writing_referral: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "notifications_writing_referral", default=False
)


@contextmanager
def _own_referral() -> Iterator[None]:
    token = _writing_referral.set(True)
    try:
        yield
    finally:
        _writing_referral.reset(token)


def writing_own_referral() -> bool:
    return _writing_referral.get()


# --- Facts and the settings in force -------------------------------------------


def facts_for_incident(incident: Incident) -> rules.Facts:
    allegations = list(
        Allegation.objects.filter(incident=incident).values_list("categories", "raised_at")
    )
    alleged: set[str] = set()
    crime_times = []
    for categories, raised_at in allegations:
        alleged |= set(categories)
        if set(categories) & rules.CRIME_CATEGORIES:
            crime_times.append(raised_at)
    return rules.Facts(
        categories=frozenset(incident.categories),
        aware_at=incident.became_aware_at,
        allegation_categories=frozenset(alleged),
        crime_alleged_at=min(crime_times) if crime_times else None,
    )


def removal_at(allegation: Allegation) -> datetime | None:
    """When the staff member was first removed from regulated activity: an
    interim suspension, redeployment or restriction, or a substantiated outcome."""
    times: list[datetime] = []
    first = (
        HREntry.objects.filter(
            record__allegation=allegation, interim_measure__in=rules.REMOVAL_MEASURES
        )
        .order_by("occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    if first is not None:
        times.append(first)
    concluded = (
        AllegationTransition.objects.filter(
            allegation=allegation, outcome=Outcome.SUBSTANTIATED, outcome_date__isnull=False
        )
        .order_by("changed_at")
        .first()
    )
    if concluded is not None and concluded.outcome_date is not None:
        # Dated, not timed: the clock starts at the end of that working day.
        tz = timezone.get_current_timezone()
        times.append(
            datetime.combine(concluded.outcome_date, datetime.min.time(), tz) + timedelta(hours=17)
        )
    return min(times) if times else None


def facts_for_allegation(allegation: Allegation) -> rules.Facts:
    return rules.Facts(
        categories=frozenset(allegation.incident.categories),
        aware_at=allegation.incident.became_aware_at,
        allegation_categories=frozenset(allegation.categories),
        raised_at=allegation.raised_at,
        removed_at=removal_at(allegation),
    )


def current_override(organisation_id: int, code: str) -> RuleOverride | None:
    return (
        RuleOverride.objects.filter(organisation_id=organisation_id, rule_code=code)
        .order_by("-id")
        .first()
    )


def settings_for(organisation_id: int, rule: rules.Rule) -> tuple[bool, int]:
    """(required, hours) in force for the organisation: the rule's, changed
    only in the parts it allows."""
    required, hours = rule.required_by_default, rule.hours
    override = current_override(organisation_id, rule.code)
    if override is not None:
        if rule.overridable.required and override.required is not None:
            required = override.required
        if rule.overridable.hours and override.hours is not None:
            hours = override.hours
    return required, hours


# --- Creating notifications ----------------------------------------------------


def _create(
    *, rule: rules.Rule, incident: Incident, allegation: Allegation | None, facts: rules.Facts
) -> Notification | None:
    required, hours = settings_for(incident.organisation_id, rule)
    if not required or not rule.requires(facts):
        return None
    start = rule.starts(facts)
    if start is None:
        return None
    existing = Notification.objects.filter(
        incident=incident, allegation=allegation, rule_code=rule.code
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Notification.objects.create(
                organisation_id=incident.organisation_id,
                incident=incident,
                allegation=allegation,
                rule_code=rule.code,
                aware_at=start,
                due_at=rule.due(start, hours=hours),
                clock=rules.describe_clock(hours, working=rule.working),
            )
    except IntegrityError:
        # Created by a concurrent request since the check: keep theirs.
        return Notification.objects.get(
            incident=incident, allegation=allegation, rule_code=rule.code
        )


@transaction.atomic
def ensure_for_incident(incident: Incident) -> list[Notification]:
    """The incident-scoped notifications its facts require (existing ones kept)."""
    facts = facts_for_incident(incident)
    made = [
        _create(rule=r, incident=incident, allegation=None, facts=facts)
        for r in rules.rules_for(rules.INCIDENT)
    ]
    return [n for n in made if n is not None]


@transaction.atomic
def ensure_for_allegation(allegation: Allegation) -> list[Notification]:
    """The allegation-scoped notifications its facts require, and the
    incident's (an allegation can make police and CQC notifications due)."""
    incident = allegation.incident
    facts = facts_for_allegation(allegation)
    made = [
        _create(rule=r, incident=incident, allegation=allegation, facts=facts)
        for r in rules.rules_for(rules.ALLEGATION)
    ]
    ensure_for_incident(incident)
    return [n for n in made if n is not None]


def ensure_for_organisation(organisation: Organisation) -> int:
    """Every record of the organisation (the back-fill command). Returns how
    many notifications exist afterwards."""
    for incident in Incident.objects.filter(organisation=organisation).iterator():
        ensure_for_incident(incident)
    for allegation in Allegation.objects.filter(organisation=organisation).select_related(
        "incident"
    ):
        ensure_for_allegation(allegation)
    return Notification.objects.filter(organisation=organisation).count()


# --- Outcomes ----------------------------------------------------------------------


def latest_outcome(notification: Notification) -> NotificationOutcome | None:
    return notification.outcomes.order_by("-id").first()


def _not_future(value: datetime | None, field: str) -> None:
    if value is not None and value > timezone.now() + timedelta(minutes=5):
        raise ValidationError({field: "This cannot be in the future."})


@transaction.atomic
def record_outcome(
    *,
    actor: Actor,
    notification: Notification,
    status: str,
    sent_at: datetime | None = None,
    sent_to: str = "",
    reference: str = "",
    reason: str = "",
    correction_reason: str = "",
    decision: DisclosureDecision | None = None,
    referral: Referral | None = None,
) -> NotificationOutcome:
    """Record that the notification was sent, or decided not needed. When an
    outcome exists already this is a correction and needs ``correction_reason``.
    On an allegation, "sent" also records the allegation's Referral (the
    reference's one home there), unless ``referral`` is the one that was sent."""
    if not access.can_record_outcome(actor, notification):
        raise PermissionDenied
    # Serialise outcomes of one record: lock its incident (the notification
    # table is append-only, so the app role may not lock its rows).
    Incident.objects.select_for_update().filter(pk=notification.incident_id).first()
    previous = latest_outcome(notification)
    errors: dict[str, str] = {}
    if status not in OutcomeStatus.values:
        errors["status"] = "Choose whether it was sent or is not needed."
    if previous is not None and not correction_reason.strip():
        errors["correction_reason"] = (
            "An outcome is already recorded: say what was wrong with it to correct it."
        )
    if status == OutcomeStatus.SENT:
        if sent_at is None:
            errors["sent_at"] = "Give the date and time it was sent."
        if not sent_to.strip():
            errors["sent_to"] = "Say who it was sent to (the team or office)."
    elif status == OutcomeStatus.NOT_NEEDED:
        if not reason.strip():
            errors["reason"] = "Explain why it is not needed."
        sent_at, sent_to, reference = None, "", ""
    if errors:
        raise ValidationError(errors)
    _not_future(sent_at, "sent_at")
    if sent_at is not None and sent_at < notification.incident.became_aware_at - timedelta(days=1):
        raise ValidationError({"sent_at": "This is before we became aware of the incident."})

    rule = notification.rule
    allegation = notification.allegation
    if status == OutcomeStatus.SENT and allegation is not None and referral is None:
        assert sent_at is not None
        with _own_referral():
            referral = allegation_services.add_referral(
                actor=actor,
                allegation=allegation,
                kind=rule.referral_kind,
                body=sent_to,
                referred_on=timezone.localdate(sent_at),
                reference=reference,
                corrects=previous.referral if previous is not None else None,
                correction_reason=correction_reason if previous is not None else "",
            )
    outcome = NotificationOutcome(
        organisation_id=notification.organisation_id,
        notification=notification,
        status=status,
        sent_at=sent_at,
        sent_to=sent_to.strip(),
        reference=reference.strip(),
        reason=reason.strip(),
        decided_by=org_access.acting_user(actor),
        corrects=previous,
        correction_reason=correction_reason.strip() if previous is not None else "",
        referral=referral,
        decision=decision,
    )
    outcome.full_clean()
    outcome.save()
    return outcome


# A referral recorded on the allegation page, by kind: the notification it makes.
# PiPoT and DBS are the allegation's own; police and CQC are the incident's.
REFERRAL_SATISFIES = {"la_pipot": "pipot", "dbs": "dbs", "police": "police", "cqc": "cqc"}


def satisfy_from_referral(referral: Referral) -> NotificationOutcome | None:
    """A referral recorded on the allegation page: the open notification of the
    same kind (the allegation's, or its incident's for police and CQC) is sent,
    by the referral's author, on its date. Corrections of referrals leave the
    outcome alone (correct it on the notification, with a reason)."""
    code = REFERRAL_SATISFIES.get(referral.kind)
    if code is None or referral.corrects_id is not None:
        return None
    if rules.rule(code).scope == rules.ALLEGATION:
        qs = Notification.objects.filter(allegation_id=referral.allegation_id)
    else:
        qs = Notification.objects.filter(
            incident_id=referral.allegation.incident_id, allegation__isnull=True
        )
    notification = qs.filter(rule_code=code).first()
    if notification is None or notification.outcomes.exists():
        return None
    tz = timezone.get_current_timezone()
    # Dated, not timed: the latest moment it can have been sent (the end of
    # that day, or when it was recorded if earlier), so a clock is never shown
    # as met earlier than it can have been; the timeliness says "at most".
    end_of_day = datetime.combine(referral.referred_on, datetime.max.time(), tz)
    sent_at = min(end_of_day, referral.recorded_at)
    return NotificationOutcome.objects.create(
        organisation_id=notification.organisation_id,
        notification=notification,
        status=OutcomeStatus.SENT,
        sent_at=sent_at,
        dated_only=True,
        sent_to=referral.body,
        reference=referral.reference,
        decided_by=referral.recorded_by,
        referral=referral,
    )


# --- The pre-filled CQC notification ---------------------------------------------


@transaction.atomic
def record_cqc_sent(
    *,
    actor: Actor,
    notification: Notification,
    text: str,
    sent_at: datetime,
    reference: str = "",
    review_date: date | None = None,
    quality_confirmed: str = "",
) -> NotificationOutcome:
    """ "I have sent this through CQC's portal": a disclosure decision (share,
    CQC, regulatory notification, legal obligation; what was shared is the
    exact text) and the notification's sent outcome linked to it."""
    if not access.can_send_cqc(actor, notification):
        raise PermissionDenied
    if not text.strip():
        raise ValidationError({"text": "The text you sent is required."})
    if sent_at is None:
        raise ValidationError({"sent_at": "Give the date and time it was sent."})
    _not_future(sent_at, "sent_at")
    review = review_date or (timezone.localdate() + timedelta(days=28))
    draft = DecisionDraft.from_values(
        {
            "decision": "share",
            "decided_at": sent_at,
            "purpose": "regulatory_notification",
            "reasoning": (
                "Regulation 18(2)(e) of the Care Quality Commission (Registration) "
                "Regulations 2009 requires the registered person to notify CQC without "
                "delay of any abuse or allegation of abuse concerning a service user."
            ),
            "what_shared": text,
            "recipients": [
                RecipientDraft(
                    name="CQC notifications",
                    role="Regulator",
                    organisation="Care Quality Commission",
                    category="cqc",
                    channel="portal",
                    shared_at=sent_at,
                )
            ],
            "lawful_basis": "legal_obligation",
            "special_condition": "sch1_para6",
            "consent_position": "not_sought",
            "consent_reason": "legal_duty",
            "consent_reason_detail": (
                "The notification is required by regulation 18; consent is not its basis."
            ),
            "proportionality": (
                "Only what CQC's notification form asks: the person's initials and age "
                "band, no names of staff or others, the type of abuse, the actions taken "
                "and who else was told."
            ),
            "confidentiality_measures": "Sent through CQC's own portal; no names.",
            "outcome": "CQC notification submitted"
            + (f" (reference {reference})." if reference else "."),
            "review_date": review,
            "review_what": "Whether CQC has asked for more information or an update.",
        }
    )
    decision = disclosure_services.record_confirmed(
        actor=actor, incident=notification.incident, draft=draft, confirmed=quality_confirmed
    )
    return record_outcome(
        actor=actor,
        notification=notification,
        status=OutcomeStatus.SENT,
        sent_at=sent_at,
        sent_to="Care Quality Commission (provider portal)",
        reference=reference,
        decision=decision,
        correction_reason=(
            "Sent again through the CQC portal" if latest_outcome(notification) else ""
        ),
    )


# --- Overrides ------------------------------------------------------------------------


@transaction.atomic
def set_override(
    *,
    actor: Actor,
    rule_code: str,
    reason: str,
    required: bool | None = None,
    hours: int | None = None,
) -> RuleOverride:
    """A lead changes the parts of a rule guidance leaves to the organisation,
    within the rule's bounds. New notifications use it; existing ones keep the
    clock they started with."""
    if not access.can_manage_rules(actor):
        raise PermissionDenied
    membership = org_access.require_membership(actor)
    if rule_code not in rules.BY_CODE:
        raise ValidationError({"rule_code": "Choose a rule."})
    rule = rules.rule(rule_code)
    allowed = rule.overridable
    if not allowed.anything:
        raise ValidationError(
            {"rule_code": f"{rule.title}: set by law, an organisation cannot change it."}
        )
    errors: dict[str, str] = {}
    if required is not None and not allowed.required:
        errors["required"] = "Whether this is required is not the organisation's choice."
    if hours is not None:
        if not allowed.hours:
            errors["hours"] = "This deadline is not the organisation's choice."
        else:
            assert allowed.min_hours is not None and allowed.max_hours is not None
            if not allowed.min_hours <= hours <= allowed.max_hours:
                errors["hours"] = (
                    f"Choose between {allowed.min_hours} and {allowed.max_hours} hours: "
                    "the guidance does not allow a longer time."
                )
    if not reason.strip():
        errors["reason"] = "Name the local procedure or contract clause this follows."
    if errors:
        raise ValidationError(errors)
    override = RuleOverride(
        organisation_id=membership.organisation_id,
        rule_code=rule_code,
        required=required,
        hours=hours,
        reason=reason.strip(),
        set_by=org_access.acting_user(actor),
    )
    override.full_clean()
    override.save()
    return override
