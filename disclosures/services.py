"""Every write to disclosure decisions goes through here: atomic, validated,
audited (the models are registered with auditlog in ``apps.py``).

A decision arrives as a frozen ``DecisionDraft`` (``disclosures/drafts.py``).
Validation errors are ``ValidationError({field: [messages]})`` with the
draft's field names, so callers can put them on their own forms. Errors about
one recipient or consultation row are keyed by a ``RowField`` (row set, the
row's index in the draft, field). All errors are collected and raised
together: the author sees every problem at once, and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from disclosures import access, quality
from disclosures.drafts import DecisionDraft, RowField
from disclosures.models import (
    AMENDABLE_FIELDS,
    CONSENT_REASONS_FOR,
    Channel,
    ConsentPosition,
    ConsentReason,
    Consultation,
    Decision,
    DecisionAmendment,
    DecisionEvidence,
    DecisionReview,
    DisclosureDecision,
    EscalationCheck,
    EscalationCondition,
    LawfulBasis,
    Purpose,
    QualityFinding,
    Recipient,
    RecipientCategory,
    ReviewPoint,
    SpecialCondition,
)
from incidents import services as incident_services
from incidents.models import EvidenceFile, Incident
from organisations import access as org_access
from organisations.models import Actor

# Clocks differ a little between a laptop and the server.
CLOCK_GRACE = timedelta(minutes=5)
ROW_TEXT_MAX = 200


class QualityWarnings(Exception):
    """The record is valid but has record-quality findings the author has not
    confirmed. Nothing was saved; show ``findings`` and ask them to improve the
    record or confirm (call again with ``quality_acknowledged=True``)."""

    def __init__(self, findings: list[quality.Finding]) -> None:
        super().__init__(f"{len(findings)} record-quality warning(s)")
        self.findings = findings
        self.fingerprint = quality.fingerprint(findings)


class _Errors:
    def __init__(self) -> None:
        self.errors: dict[str | RowField, list[str]] = {}

    def add(self, field: str | RowField, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            # Django keys an error dict by any hashable (a RowField here); the
            # stubs say str.
            raise ValidationError(cast(dict[str, Any], self.errors))


def _clean(value: Any) -> str:
    return str(value or "").strip()


def _local_date(value: datetime) -> date:
    return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()


def _validate_rows(
    rows: Iterable[Mapping[str, Any]],
    prefix: str,
    required: dict[str, str],
    choices: dict[str, tuple[list[str], str]],
    errors: _Errors,
) -> list[dict[str, Any]]:
    cleaned = []
    for i, row in enumerate(rows):
        data = {k: (v.strip() if isinstance(v, str) else v) for k, v in row.items()}
        for field, message in required.items():
            if not data.get(field):
                errors.add(RowField(prefix, i, field), message)
        for field, (allowed, message) in choices.items():
            if data.get(field) and data[field] not in allowed:
                errors.add(RowField(prefix, i, field), message)
        for field in ("name", "role", "organisation"):
            if isinstance(data.get(field), str) and len(data[field]) > ROW_TEXT_MAX:
                errors.add(
                    RowField(prefix, i, field), f"Keep this under {ROW_TEXT_MAX} characters."
                )
        cleaned.append(data)
    return cleaned


def validate_decision(draft: DecisionDraft) -> None:
    """The rules of the law and the seeds. Raises one ValidationError listing
    every problem (a partial draft is fine: each missing part is one)."""
    values = draft.values()
    e = _Errors()
    decision = values.get("decision")
    if decision not in Decision.values:
        e.add("decision", "Choose whether information is shared, partly shared or not shared.")
    shares = decision in (Decision.SHARE, Decision.SHARE_PART)
    now = timezone.now()

    decided_at = values.get("decided_at")
    if not decided_at:
        e.add("decided_at", "Enter when the decision was made.")
    elif decided_at > now + CLOCK_GRACE:
        e.add("decided_at", "The decision cannot have been made in the future.")

    recipients = _validate_rows(
        values.get("recipients") or [],
        "recipients",
        required={
            "name": "Give the recipient's name.",
            "role": "Give the recipient's role.",
            "organisation": "Give the recipient's organisation.",
            "category": "Choose the kind of recipient.",
            "channel": "Choose how it was shared.",
        },
        choices={
            "category": (RecipientCategory.values, "Choose a recipient category from the list."),
            "channel": (Channel.values, "Choose a channel from the list."),
        },
        errors=e,
    )
    for i, row in enumerate(recipients):
        shared_at = row.get("shared_at")
        if shares and not shared_at:
            e.add(
                RowField("recipients", i, "shared_at"),
                "Enter when it was shared with this recipient.",
            )
        elif decision == Decision.DO_NOT_SHARE and shared_at:
            e.add(
                RowField("recipients", i, "shared_at"),
                "Nothing was shared in a “do not share” decision: leave “when shared” empty.",
            )
        elif shared_at and shared_at > now + CLOCK_GRACE:
            e.add(RowField("recipients", i, "shared_at"), "When shared cannot be in the future.")
    _validate_rows(
        values.get("consultations") or [],
        "consultations",
        required={
            "name": "Give the name of the person consulted.",
            "role": "Give their role.",
            "advice": "Record the advice they gave.",
        },
        choices={},
        errors=e,
    )
    _validate_rows(
        values.get("escalations") or [],
        "escalations",
        required={
            "condition": "Say what would make you escalate, e.g. “any threat”.",
            "response": "Say what will be done if it happens.",
        },
        choices={},
        errors=e,
    )

    if shares:
        if not recipients:
            e.add("recipients", "Name at least one recipient: who received the information.")
        if not _clean(values.get("what_shared")):
            e.add("what_shared", "Record exactly what was shared (facts only).")
        if not _clean(values.get("proportionality")):
            e.add(
                "proportionality",
                "Explain why the amount shared was the minimum necessary.",
            )
        if values.get("lawful_basis") not in LawfulBasis.values:
            e.add("lawful_basis", "Choose the lawful basis for sharing (UK GDPR Art. 6).")
        if values.get("special_condition") not in SpecialCondition.values:
            e.add(
                "special_condition",
                "Choose the condition for special-category data (Art. 9 / DPA 2018 Sch. 1), "
                "or say none was shared.",
            )
    if decision == Decision.SHARE_PART and not _clean(values.get("what_withheld")):
        e.add("what_withheld", "Record what was withheld and why.")
    if decision == Decision.DO_NOT_SHARE:
        if _clean(values.get("what_shared")):
            e.add(
                "what_shared",
                "Nothing is shared in a “do not share” decision. Describe the information "
                "considered under “what was withheld”.",
            )
        if not _clean(values.get("what_withheld")):
            e.add("what_withheld", "Record what information was considered and not shared.")

    if values.get("purpose") not in Purpose.values:
        e.add("purpose", "Choose the purpose of the decision.")
    if not _clean(values.get("reasoning")):
        e.add("reasoning", "Explain the reasoning so that a reviewer can follow the judgement.")

    position = values.get("consent_position")
    reason = values.get("consent_reason") or ""
    if position not in ConsentPosition.values:
        e.add("consent_position", "Choose the consent position.")
    elif position in CONSENT_REASONS_FOR:
        allowed = CONSENT_REASONS_FOR[ConsentPosition(position)]
        label = ConsentPosition(position).label.lower()
        if not reason:
            e.add("consent_reason", f"{ConsentPosition(position).label}: choose the reason.")
        elif reason not in allowed:
            e.add(
                "consent_reason",
                f"“{ConsentReason(reason).label if reason in ConsentReason.values else reason}” "
                f"is not a reason for {label}.",
            )
        if not _clean(values.get("consent_reason_detail")):
            e.add(
                "consent_reason_detail",
                f"Explain, for this person, why {label.replace('consent ', 'consent was ')}.",
            )
    elif reason:
        e.add(
            "consent_reason",
            "A reason is only recorded when consent was not sought or not possible.",
        )

    if position == ConsentPosition.REFUSED:
        if not _clean(values.get("consent_discussion")):
            e.add(
                "consent_discussion",
                "Consent was refused: record what was discussed with the person.",
            )
        if not _clean(values.get("understanding_checked")):
            e.add(
                "understanding_checked",
                "Consent was refused: record how you checked the person understood.",
            )
    if len(_clean(values.get("override_authorised_by"))) > ROW_TEXT_MAX:
        e.add("override_authorised_by", f"Keep this under {ROW_TEXT_MAX} characters.")
    override_by = _clean(values.get("override_authorised_by"))
    override_reason = _clean(values.get("override_reason"))
    if position == ConsentPosition.REFUSED and shares:
        if not override_by:
            e.add(
                "override_authorised_by",
                "Sharing despite a refusal: record who authorised overriding it.",
            )
        if not override_reason:
            e.add("override_reason", "Sharing despite a refusal: record why it was overridden.")
    elif override_by or override_reason:
        field = "override_authorised_by" if override_by else "override_reason"
        e.add(
            field,
            "An override is recorded only when information is shared although consent was refused.",
        )

    if not _clean(values.get("outcome")):
        e.add("outcome", "Record the outcome: the actions agreed.")
    review_date = values.get("review_date")
    if not review_date:
        e.add("review_date", "Every decision needs a review point: choose a date.")
    elif decided_at and review_date < _local_date(decided_at):
        e.add("review_date", "The review point cannot be before the decision.")
    if not _clean(values.get("review_what")):
        e.add("review_what", "Say what will be reviewed at the review point.")
    sha = _clean(values.get("shared_file_sha256"))
    if sha and (len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha.lower())):
        e.add("shared_file_sha256", "A SHA-256 is 64 hexadecimal characters.")
    e.raise_if_any()


# Free text the service strips: every narrative field a correction may target,
# and the shared file's name and hash.
TEXT_FIELDS = [
    *(name for name, _ in AMENDABLE_FIELDS if name not in ("recipients", "consultations")),
    "shared_file_name",
    "shared_file_sha256",
]


@transaction.atomic
def record_disclosure(
    *,
    actor: Actor,
    incident: Incident,
    draft: DecisionDraft,
    quality_acknowledged: bool = False,
) -> DisclosureDecision:
    """Record one disclosure decision (including a decision *not* to share).

    ``draft`` holds the decision (values from ``disclosures.models`` choices):

    - ``decision``: ``Decision`` — share / share_part / do_not_share.
    - ``decided_at``: aware datetime, not in the future; ``decided_by``: the
      user who made the decision (defaults to ``actor``, must be a manager or
      lead in the same organisation).
    - ``what_shared`` (facts only) — required when sharing, empty when not;
      ``what_withheld`` — required for share_part and do_not_share.
    - ``information_considered`` (optional prose): what the decision-maker
      looked at — records, conversations, risk assessments, advice.
    - ``recipients``: ``RecipientDraft`` rows with ``name``, ``role``, ``organisation``,
      ``category`` (``RecipientCategory``), ``channel`` (``Channel``) and
      ``shared_at`` (aware datetime; required when sharing, ``None`` for a
      do_not_share decision, where rows name who was considered). At least one
      when sharing.
    - ``purpose`` (``Purpose``) and ``reasoning`` (prose) — always required.
    - ``lawful_basis`` (``LawfulBasis``, UK GDPR Art. 6) and
      ``special_condition`` (``SpecialCondition``; ``"none"`` when no
      special-category data) — required when sharing.
    - ``consent_position`` (``ConsentPosition``). not_sought / not_possible need
      ``consent_reason`` (``ConsentReason``, see ``CONSENT_REASONS_FOR``) and
      ``consent_reason_detail``. refused needs ``consent_discussion`` and
      ``understanding_checked``; sharing despite a refusal also needs
      ``override_authorised_by`` (name and role) and ``override_reason``.
    - ``proportionality`` — required when sharing.
    - harm minimisation: ``confidentiality_measures``, ``retaliation_risk``,
      ``safe_contact`` (optional; a quality warning when sharing without any).
    - ``consultations``: ``ConsultationDraft`` rows with ``name``, ``role``, ``advice``;
      ``dissenting_views``.
    - ``outcome`` (actions agreed), ``review_date`` (date, not before the
      decision) and ``review_what`` — always required.
    - ``shared_file_name`` / ``shared_file_sha256``: when the thing shared is a
      file (e.g. an exported PDF), its name and SHA-256 hex digest.
    - ``quality_acknowledged``: when False and ``disclosures.quality.check``
      finds weaknesses, ``QualityWarnings`` is raised and nothing is saved.
      When True, the findings are saved with the decision for audits.

    Raises ``PermissionDenied`` when the actor may not record on the incident,
    ``ValidationError({field: [...]})`` for invalid input, ``QualityWarnings``
    as above. Returns the saved ``DisclosureDecision``.
    """
    if not access.can_record_decision(actor, incident):
        raise PermissionDenied("You cannot record disclosure decisions on this incident.")
    recorded_by = org_access.acting_user(actor)
    decided_by = draft.decided_by or recorded_by
    values = draft.values()
    validate_decision(draft)
    if not access.decision_deciders(actor).filter(user=decided_by).exists():
        raise ValidationError(
            {"decided_by": "Name a manager or safeguarding lead of your organisation."}
        )

    findings = quality.check_for_incident(values, incident)
    if findings and not quality_acknowledged:
        raise QualityWarnings(findings)
    # validate_decision requires both.
    assert draft.decided_at is not None and draft.review_date is not None

    # Serialise numbering per incident.
    Incident.objects.select_for_update().filter(pk=incident.pk).first()
    last = DisclosureDecision.objects.filter(incident=incident).aggregate(n=Max("recorded_number"))[
        "n"
    ]
    org_id = incident.organisation_id
    record = DisclosureDecision(
        organisation_id=org_id,
        incident=incident,
        recorded_number=(last or 0) + 1,
        decision=draft.decision,
        decided_by=decided_by,
        decided_at=draft.decided_at,
        purpose=draft.purpose,
        lawful_basis=draft.lawful_basis or "",
        special_condition=draft.special_condition or "",
        consent_position=draft.consent_position,
        consent_reason=draft.consent_reason or "",
        review_date=draft.review_date,
        quality_acknowledged=bool(findings),
        recorded_by=recorded_by,
        **{name: _clean(values[name]) for name in TEXT_FIELDS},
    )
    record.shared_file_sha256 = record.shared_file_sha256.lower()
    record.full_clean(exclude=["recorded_number"])
    record.save()
    for r in draft.recipients:
        Recipient.objects.create(
            organisation_id=org_id,
            decision=record,
            name=r.name,
            role=r.role,
            recipient_organisation=r.organisation,
            category=r.category,
            channel=r.channel,
            shared_at=r.shared_at or None,
        )
    for c in draft.consultations:
        Consultation.objects.create(
            organisation_id=org_id,
            decision=record,
            name=c.name,
            role=c.role,
            advice=c.advice,
        )
    for position, threshold in enumerate(draft.escalations):
        EscalationCondition.objects.create(
            organisation_id=org_id,
            decision=record,
            condition=_clean(threshold.condition),
            response=_clean(threshold.response),
            position=position,
        )
    for finding in findings:
        QualityFinding.objects.create(
            organisation_id=org_id,
            decision=record,
            code=finding.code,
            field=finding.field,
            message=finding.message,
            excerpt=finding.excerpt[:200],
        )
    return record


def record_confirmed(
    *, actor: Actor, incident: Incident, draft: DecisionDraft, confirmed: str
) -> DisclosureDecision:
    """``record_disclosure``, for an author who may have seen its quality
    warnings: when the checks find weaknesses, record anyway only if
    ``confirmed`` is the fingerprint of exactly these findings (the ones the
    author was shown and confirmed); else raise ``QualityWarnings``."""
    try:
        return record_disclosure(actor=actor, incident=incident, draft=draft)
    except QualityWarnings as exc:
        if not confirmed or confirmed != exc.fingerprint:
            raise
    return record_disclosure(actor=actor, incident=incident, draft=draft, quality_acknowledged=True)


AMENDABLE = dict(AMENDABLE_FIELDS)


@transaction.atomic
def amend_decision(
    *, actor: Actor, decision: DisclosureDecision, field: str, reason: str, new_text: str
) -> DecisionAmendment:
    """Correct one field of a saved decision. The original stays visible."""
    if not access.can_record_decision(actor, decision.incident):
        raise PermissionDenied
    e = _Errors()
    if field not in AMENDABLE:
        e.add("field", "Choose the part of the decision you are correcting.")
    if not _clean(reason):
        e.add("reason", "Say why the decision record is being corrected.")
    if not _clean(new_text):
        e.add("new_text", "Enter the corrected text.")
    e.raise_if_any()
    amendment = DecisionAmendment(
        organisation_id=decision.organisation_id,
        decision=decision,
        field=field,
        reason=_clean(reason),
        new_text=_clean(new_text),
        author=org_access.acting_user(actor),
    )
    amendment.full_clean()
    amendment.save()
    return amendment


@transaction.atomic
def record_review(
    *,
    actor: Actor,
    decision: DisclosureDecision,
    reviewed_at: datetime,
    what_changed: str,
    next_review_date: date | None = None,
    next_review_what: str = "",
    no_further_review_reason: str = "",
    escalation_checks: Mapping[int, tuple[bool | None, str]] | None = None,
) -> DecisionReview:
    """Record a review against the decision's current review point and set the
    next one — or end reviewing, with the reason. ``escalation_checks`` maps
    each of the decision's escalation conditions (by id) to (met?, note):
    every condition must be answered."""
    if not access.can_record_decision(actor, decision.incident):
        raise PermissionDenied
    # Lock the decision's review point so two reviews of the same point queue up
    # (not the decision: the app role may not UPDATE, so not lock, an append-only row).
    ReviewPoint.objects.select_for_update().filter(decision_id=decision.pk).first()
    current: Any = DisclosureDecision.objects.with_review_point().get(pk=decision.pk)
    if current.current_review_date is None:
        raise ValidationError("Reviewing of this decision has ended; there is no review point.")
    e = _Errors()
    now = timezone.now()
    if not reviewed_at:
        e.add("reviewed_at", "Enter when the review took place.")
    elif reviewed_at > now + CLOCK_GRACE:
        e.add("reviewed_at", "The review cannot have taken place in the future.")
    elif reviewed_at < decision.decided_at:
        e.add("reviewed_at", "The review cannot be before the decision was made.")
    if not _clean(what_changed):
        e.add("what_changed", "Record what has changed since the decision or last review.")
    if next_review_date:
        if not _clean(next_review_what):
            e.add("next_review_what", "Say what will be reviewed at the next review point.")
        if reviewed_at and next_review_date <= _local_date(reviewed_at):
            e.add("next_review_date", "The next review point must be after this review.")
        if _clean(no_further_review_reason):
            e.add(
                "no_further_review_reason",
                "Either set a next review point or end reviewing, not both.",
            )
    elif not _clean(no_further_review_reason):
        e.add(
            "next_review_date",
            "Set the next review point, or explain why no further review is needed.",
        )
    conditions = list(decision.escalation_conditions.all())
    checks = escalation_checks or {}
    for condition in conditions:
        met, _ = checks.get(condition.pk, (None, ""))
        if met is None:
            e.add(
                f"escalation_{condition.pk}",
                "Say whether this escalation condition was met.",
            )
    e.raise_if_any()
    review = DecisionReview(
        organisation_id=decision.organisation_id,
        decision=decision,
        review_point_date=current.current_review_date,
        reviewed_by=org_access.acting_user(actor),
        reviewed_at=reviewed_at,
        what_changed=_clean(what_changed),
        next_review_date=next_review_date,
        next_review_what=_clean(next_review_what) if next_review_date else "",
        no_further_review_reason="" if next_review_date else _clean(no_further_review_reason),
    )
    review.full_clean()
    review.save()
    for condition in conditions:
        met, note = checks[condition.pk]
        EscalationCheck.objects.create(
            organisation_id=decision.organisation_id,
            review=review,
            condition=condition,
            met=bool(met),
            note=_clean(note),
        )
    return review


def add_decision_evidence(
    *,
    actor: Actor,
    decision: DisclosureDecision,
    upload: Any,
    description: str = "",
    replaces: EvidenceFile | None = None,
    correction_reason: str = "",
) -> EvidenceFile:
    """Attach a file to a decision (what was sent, a consent form, a letter):
    checked, cleaned and stored by ``incidents.services.save_evidence_file``,
    linked to the decision in the same transaction. A correction names a file
    of this decision and why; the earlier one stays."""
    if not access.can_record_decision(actor, decision.incident):
        raise PermissionDenied
    ours = (
        replaces is None
        or DecisionEvidence.objects.filter(decision=decision, file=replaces).exists()
    )
    incident_services.check_correction(replaces, ours, correction_reason)

    def attach(evidence: EvidenceFile) -> None:
        link = DecisionEvidence(
            organisation_id=decision.organisation_id, decision=decision, file=evidence
        )
        link.full_clean()
        link.save()

    return incident_services.save_evidence_file(
        actor=actor,
        incident=decision.incident,
        upload=upload,
        description=description,
        replaces=replaces,
        correction_reason=correction_reason,
        attach=attach,
    )
