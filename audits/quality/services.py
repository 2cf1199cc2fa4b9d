"""Every write to record-quality audits: atomic, validated, audited."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audits import access
from audits.quality import sampling, sources
from audits.quality.models import (
    CRITERION_NAMES,
    AuditFinding,
    QualityAudit,
    RecordScore,
    Result,
    SampledRecord,
    Source,
    score_percent,
)
from organisations import access as org_access
from organisations.models import Actor, Service, User

MAX_SAMPLE = 200


def _require_auditor(actor: Actor) -> Any:
    membership = org_access.require_membership(actor)
    if not access.can_run_quality_audits(actor):
        raise PermissionDenied("Only safeguarding leads and auditors run quality audits.")
    return membership


def _require_open(audit: QualityAudit) -> None:
    if audit.is_closed:
        raise ValidationError("This audit is closed; its record cannot change.")


@transaction.atomic
def create_audit(
    *,
    actor: Actor,
    title: str,
    date_from: date,
    date_to: date,
    consent_filter: str,
    sample_size: int,
    services: Iterable[Service] = (),
    source: str = Source.DECISIONS,
    seed: int | None = None,
) -> QualityAudit:
    """Define the scope and draw the sample in one step, so an audit never
    exists without the sample its seed produced."""
    membership = _require_auditor(actor)
    if source == Source.ALLEGATION_DECISIONS and not membership.is_lead:
        raise PermissionDenied("Only safeguarding leads audit allegation records.")
    services = list(services)
    if any(s.organisation_id != membership.organisation_id for s in services):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Give the audit a title, e.g. 'Consent refused, Q3 2026'."
    if date_from > date_to:
        errors["date_to"] = "The end of the period must be on or after its start."
    if date_to > timezone.localdate():
        errors["date_to"] = "The period cannot end in the future."
    if not 1 <= sample_size <= MAX_SAMPLE:
        errors["sample_size"] = f"Sample between 1 and {MAX_SAMPLE} records."
    if seed is not None and not 1 <= seed <= sampling.MAX_SEED:
        errors["seed"] = f"A seed is a whole number from 1 to {sampling.MAX_SEED}."
    if errors:
        raise ValidationError(errors)

    scope = sources.Scope(
        date_from=date_from,
        date_to=date_to,
        service_ids=sorted(s.pk for s in services),
        consent_filter=consent_filter,
    )
    ids = sources.population_ids(actor, source, scope)
    if not ids:
        raise ValidationError("No records match this scope. Widen the period, services or filter.")
    seed = seed if seed is not None else sampling.new_seed()
    chosen = sampling.draw(ids, size=sample_size, seed=seed)
    audit = QualityAudit(
        organisation_id=membership.organisation_id,
        title=title.strip(),
        source=source,
        date_from=date_from,
        date_to=date_to,
        service_ids=scope.service_ids,
        consent_filter=consent_filter,
        sample_size=sample_size,
        seed=seed,
        population_count=len(ids),
        created_by=org_access.acting_user(actor),
    )
    audit.full_clean()
    audit.save()
    SampledRecord.objects.bulk_create(
        SampledRecord(
            organisation_id=audit.organisation_id, audit=audit, position=i, record_id=record_id
        )
        for i, record_id in enumerate(chosen, start=1)
    )
    return audit


def reproduce(*, actor: Actor, audit: QualityAudit) -> list[int]:
    """Re-draw the sample from the recorded scope and seed (for verification)."""
    ids = sources.population_ids(actor, audit.source, sources.scope_of(audit))
    return sampling.draw(ids, size=audit.sample_size, seed=audit.seed)


@transaction.atomic
def score_record(
    *, actor: Actor, sample: SampledRecord, results: dict[str, str], notes: str = ""
) -> RecordScore:
    _require_auditor(actor)
    audit = QualityAudit.objects.select_for_update().get(pk=sample.audit_id)
    if audit.organisation_id != org_access.require_membership(actor).organisation_id:
        raise PermissionDenied
    _require_open(audit)
    if sources.fetch_record(actor, audit.source, sample.record_id) is None:
        raise PermissionDenied("You cannot read this record, so you cannot score it.")
    if RecordScore.objects.filter(sample=sample).exists():
        raise ValidationError("This record has already been scored; scores are not changed.")
    missing = [name for name in CRITERION_NAMES if results.get(name) not in Result.values]
    if missing:
        raise ValidationError({name: "Choose a result for this criterion." for name in missing})
    score = RecordScore(
        organisation_id=audit.organisation_id,
        sample=sample,
        notes=notes.strip(),
        percent=score_percent({name: results[name] for name in CRITERION_NAMES}),
        scored_by=org_access.acting_user(actor),
        **{name: results[name] for name in CRITERION_NAMES},
    )
    score.full_clean()
    score.save()
    return score


@transaction.atomic
def add_action(
    *,
    actor: Actor,
    audit: QualityAudit,
    finding: str,
    action: str,
    owner: User,
    due_date: date,
    sample: SampledRecord | None = None,
) -> AuditFinding:
    """A finding and the agreed action it calls for: an ``actions.Action``
    (the one action model) linked to the audit by an ``AuditFinding``."""
    from actions import services as action_services

    _require_auditor(actor)
    audit = QualityAudit.objects.select_for_update().get(pk=audit.pk)
    _require_open(audit)
    errors: dict[str, str] = {}
    if not finding.strip():
        errors["finding"] = "Describe what the audit found."
    if not action.strip():
        errors["action"] = "Say what will be done about it."
    if not access.audit_action_owners(actor, audit).filter(user=owner).exists():
        errors["owner"] = "Choose a safeguarding lead or auditor of your organisation."
    if due_date < timezone.localdate():
        errors["due_date"] = "The due date cannot be in the past."
    if sample is not None and sample.audit_id != audit.pk:
        errors["sample"] = "That record is not part of this audit."
    if errors:
        raise ValidationError(errors)
    agreed = action_services.agree_audit_action(
        actor=actor,
        organisation_id=audit.organisation_id,
        what=action,
        owner=owner,
        due_date=due_date,
    )
    item = AuditFinding(
        organisation_id=audit.organisation_id,
        audit=audit,
        sample=sample,
        finding=finding.strip(),
        action=agreed,
    )
    item.full_clean()
    item.save()
    action_services.check_owner_sees(agreed)
    return item


def carry_finding(old: Any, new: Any) -> None:
    """A reassigned audit action's replacement carries its finding on (called
    by ``actions.services.reassign_action``), so it is visible where the old one was."""
    finding = AuditFinding.objects.filter(action=old).first()
    if finding is not None:
        AuditFinding.objects.create(
            organisation_id=finding.organisation_id,
            audit_id=finding.audit_id,
            sample_id=finding.sample_id,
            finding=finding.finding,
            action=new,
        )


@transaction.atomic
def close_audit(*, actor: Actor, audit: QualityAudit, summary: str) -> QualityAudit:
    _require_auditor(actor)
    locked = QualityAudit.objects.select_for_update().get(pk=audit.pk)
    _require_open(locked)
    unscored = locked.samples.filter(score__isnull=True).count()
    if unscored:
        raise ValidationError(
            f"{unscored} sampled record{'s are' if unscored != 1 else ' is'} not scored yet. "
            "Score every record before closing the audit."
        )
    if not summary.strip():
        raise ValidationError({"summary": "Summarise what the audit found before closing it."})
    locked.summary = summary.strip()
    locked.closed_by = org_access.acting_user(actor)
    locked.closed_at = timezone.now()
    locked.save(update_fields=["summary", "closed_by", "closed_at"])
    return locked
