"""Helpers for chronology tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chronology import services, timeline
from chronology.models import ChronologyExport
from disclosures.services import QualityWarnings
from incidents import services as incident_services

SAMPLE_PDF = b"%PDF-1.7\n% matrix test file\n%%EOF\n"


def all_kinds() -> list[str]:
    return [k for k, _ in timeline.kind_choices(include_hr=True)]


def export(actor: Any, incident: Any, **overrides: Any) -> ChronologyExport:
    fields: dict[str, Any] = {
        "profile": "cqc",
        "recipient_name": "Sam Inspector",
        "recipient_role": "Inspector",
        "recipient_organisation": "Care Quality Commission",
        "purpose": "Inspection of safeguarding practice at the service.",
        "lawful_basis": "legal_obligation",
        "kinds": all_kinds(),
        "decision_log": decision_log(),
    }
    fields.update(overrides)
    try:
        result = services.request_export(actor=actor, incident=incident, **fields)
    except QualityWarnings as exc:
        # The exporter reads the warnings and exports anyway.
        result = services.request_export(
            actor=actor, incident=incident, quality_confirmed=exc.fingerprint, **fields
        )
    result.refresh_from_db()
    return result


def decision_log(**overrides: Any) -> dict[str, Any]:
    from django.utils import timezone

    values = {
        "purpose": "regulatory_notification",
        "special_condition": "sch1_para18",
        "channel": "secure_email",
        "consent_position": "not_sought",
        "consent_reason": "legal_duty",
        "consent_reason_detail": "CQC asked for the chronology under its inspection powers.",
        "information_considered": "CQC's written request and the incident's chronology.",
        "proportionality": "Only this incident's record, for the inspection period.",
        "confidentiality_measures": "Sent by secure email to the named inspector.",
        "review_date": timezone.localdate() + timedelta(days=28),
        "review_what": "Confirm safe receipt.",
    }
    values.update(overrides)
    return values


def registered_export(actor: Any, incident: Any) -> ChronologyExport:
    """A finished register row without rendering (for permission tests)."""
    import hashlib

    from django.utils import timezone

    return ChronologyExport.objects.create(
        organisation_id=incident.organisation_id,
        incident=incident,
        profile="cqc",
        recipient_name="Sam Inspector",
        recipient_role="Inspector",
        recipient_organisation="CQC",
        purpose="Inspection",
        lawful_basis="Art. 6(1)(c)",
        kinds=["entry"],
        item_count=1,
        requested_by=actor,
        status="done",
        pdf=SAMPLE_PDF,
        sha256=hashlib.sha256(SAMPLE_PDF).hexdigest(),
        content_fingerprint="0" * 64,
        page_count=1,
        size_bytes=len(SAMPLE_PDF),
        completed_at=timezone.now(),
    )


def story(actor: Any, incident: Any) -> dict[str, Any]:
    """Entries in a known order, one of them amended."""
    base = incident.became_aware_at
    first = incident_services.add_entry(
        actor=actor,
        incident=incident,
        kind="observation",
        facts="Bruise 3 cm on the left forearm, purple.",
        present="P. Shah (care worker)",
        occurred_at=base + timedelta(minutes=5),
    )
    call = incident_services.add_entry(
        actor=actor,
        incident=incident,
        kind="call",
        facts="Called the on-call manager at 09:40.",
        occurred_at=base + timedelta(minutes=20),
    )
    amendment = incident_services.amend_entry(
        actor=actor,
        entry=call,
        reason="Time corrected from the phone log.",
        new_text="Called the on-call manager at 08:40.",
    )
    return {"first": first, "call": call, "amendment": amendment}
