"""The audit trail's part of the demo: people opening the incidents, so the
History tab and the audit-trail search show views as well as changes."""

from __future__ import annotations

from typing import Any

from organisations.audit import acting_as, log_access


def extend(ctx: Any) -> None:
    readers = [ctx.users["manager"], ctx.users["lead"], ctx.users["auditor"]]
    for incident in ctx.incidents.values():
        for user in readers:
            if incident.restricted and user == ctx.users["auditor"]:
                continue  # not on its need-to-know list
            with acting_as(user):
                log_access(incident, view="incident")
    _allegation_record_audit(ctx)


def _allegation_record_audit(ctx: Any) -> None:
    """Seed 003, example 3: a retrospective audit of how allegations were
    recorded. The lead samples the quarter's disclosure decisions, scores the
    allegation's first decision and records a finding and an action; the
    allegation's chronology then shows the audit that sampled it."""
    from datetime import timedelta

    from django.utils import timezone

    from audits.quality import services
    from disclosures.models import DisclosureDecision

    lead = ctx.users["lead"]
    incident = ctx.incidents.get("allegation")
    if incident is None:
        return
    today = timezone.localdate()
    audit = services.create_audit(
        actor=lead,
        title="Allegations against staff: recording of disclosure decisions",
        date_from=today - timedelta(days=90),
        date_to=today,
        consent_filter="all",
        sample_size=50,
        seed=2026,
    )
    first = (
        DisclosureDecision.objects.filter(incident=incident).order_by("decided_at", "pk").first()
    )
    sample = audit.samples.filter(record_id=first.pk).first() if first else None
    if sample is None:
        return
    services.score_record(
        actor=lead,
        sample=sample,
        results={
            "facts_only": "met",
            "recipients_roles": "met",
            "purpose": "met",
            "consent_explained": "met",
            "proportionality": "partly",
            "harm_minimisation": "met",
            "outcome": "met",
            "review_point": "met",
        },
        notes="Internal sharing well reasoned; the proportionality note does not say what was "
        "left out for HR.",
    )
    services.add_action(
        actor=lead,
        audit=audit,
        sample=sample,
        finding="Proportionality does not list what HR was not told.",
        action="Add 'what was withheld from HR' to the allegation decision template.",
        owner=lead,
        due_date=today + timedelta(days=14),
    )
