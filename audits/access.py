"""Who may read the audit trail, record-quality audits and dashboards.

``audits`` may read every app below it. Audit entries name their incident by a
bare id (the log is written by a bottom-layer helper), so they pass the
incident rule through ``incidents.access.incident_id_rule``: an entry about an
incident the reader cannot open (restricted, for an auditor; one they are the
subject of an allegation on, for anyone) is left out, list, CSV and incident
history alike (issue 17, finding 2).
"""

from __future__ import annotations

from typing import Any

from auditlog import get_logentry_model
from django.db.models import Q, QuerySet
from django.http import Http404

from audits.quality.models import QualityAudit, SampledRecord, Source
from incidents.access import get_incident_for, incident_id_rule
from incidents.models import Incident
from organisations.access import (
    INCIDENT_WRITERS,
    get_or_404,
    has_role,
    membership_of,
    require_membership,
)
from organisations.models import Actor, Membership, Role, Service

AUDIT_READERS = (Role.LEAD, Role.AUDITOR)
# Auditors do not see allegation records (HR/safeguarding files), nor that
# anyone opened them.
AUDITOR_HIDDEN_APPS = ("allegations",)
# An exclusion from an incident says that someone is the subject of an
# allegation on it: allegation material, so hidden from auditors too.
AUDITOR_HIDDEN_MODELS = (("incidents", "incidentexclusion"),)


def can_read_audit_trail(user: Actor) -> bool:
    return has_role(user, *AUDIT_READERS)


def visible_audit_entries(user: Actor) -> QuerySet[Any]:
    """The organisation's audit entries, for leads and auditors, through the
    incident rule: entries about an incident the user cannot open are left out."""
    entries = get_logentry_model().objects
    membership = membership_of(user)
    if membership is None or membership.role not in AUDIT_READERS:
        return entries.none()
    qs = entries.filter(organisation_id=membership.organisation_id).filter(
        incident_id_rule(user, "incident_id")
    )
    if membership.role == Role.LEAD:
        return qs
    qs = qs.exclude(content_type__app_label__in=AUDITOR_HIDDEN_APPS)
    for app_label, model in AUDITOR_HIDDEN_MODELS:
        qs = qs.exclude(content_type__app_label=app_label, content_type__model=model)
    return qs


def incident_history_for(user: Actor, pk: Any) -> tuple[Incident, QuerySet[Any]]:
    """An incident and its audit entries (who did and who saw what): leads and
    auditors who can open the incident. Anyone else gets a 404."""
    if not can_read_audit_trail(user):
        raise Http404("No such incident.")
    incident = get_incident_for(user, pk)
    return incident, visible_audit_entries(user).filter(incident_id=incident.pk)


# --- Oversight: dashboards, record-quality audits ----------------------------

QUALITY_AUDITORS = (Role.LEAD, Role.AUDITOR)


def can_run_quality_audits(user: Actor) -> bool:
    """Leads and auditors create, score and close record-quality audits."""
    return has_role(user, *QUALITY_AUDITORS)


def visible_quality_audits(user: Actor) -> QuerySet[QualityAudit]:
    """The organisation's quality audits, for leads and auditors. Audits of
    allegation records are for leads only (auditors do not see allegations).
    Each sampled record is fetched again through its own app's rule as the
    reader (``audits/quality/sources.py``), so a sample never shows a record
    the reader could not open."""
    membership = membership_of(user)
    if membership is None or membership.role not in QUALITY_AUDITORS:
        return QualityAudit.objects.none()
    qs = QualityAudit.objects.filter(organisation_id=membership.organisation_id)
    if membership.role != Role.LEAD:
        qs = qs.exclude(source=Source.ALLEGATION_DECISIONS)
    return qs


def get_quality_audit_for(user: Actor, pk: Any) -> QualityAudit:
    return get_or_404(
        visible_quality_audits(user).select_related("created_by", "closed_by"), pk, "audit"
    )


def get_sample_for(user: Actor, audit_pk: Any, position: Any) -> SampledRecord:
    audit = get_quality_audit_for(user, audit_pk)
    try:
        sample = SampledRecord.objects.get(audit=audit, position=position)
    except (ValueError, TypeError, SampledRecord.DoesNotExist) as exc:
        raise Http404("No such sampled record.") from exc
    sample.audit = audit
    return sample


def audit_action_owners(user: Actor, audit: QualityAudit) -> QuerySet[Membership]:
    """Colleagues who may own an audit's action: those who may open the audit
    (an action is visible exactly where its source is): leads and auditors,
    leads only for an audit of allegation records."""
    membership = require_membership(user)
    roles = [Role.LEAD] if audit.source == Source.ALLEGATION_DECISIONS else list(QUALITY_AUDITORS)
    return (
        Membership.objects.active()
        .filter(organisation_id=membership.organisation_id, role__in=roles)
        .select_related("user")
    )


def audit_action_rule(user: Actor) -> Q:
    """The audit kind's rule in ``actions.access.visible_actions`` (registered
    by ``AuditsConfig.ready``): actions of findings of audits the user may open."""
    return Q(
        source_kind="audit",
        audit_finding__audit__in=visible_quality_audits(user).values("pk"),
    )


def audit_action_link(action: Any) -> tuple[str, str]:
    from django.urls import reverse

    finding = action.audit_finding
    return (
        f"Quality audit: {finding.audit.title}",
        reverse("audits:quality_detail", args=[finding.audit_id]) + "#actions",
    )


def dashboard_services(user: Actor) -> QuerySet[Service]:
    """The services a dashboard summarises: a manager's own, a lead's all."""
    membership = membership_of(user)
    if membership is None or membership.role not in INCIDENT_WRITERS:
        return Service.objects.none()
    qs = Service.objects.filter(organisation_id=membership.organisation_id)
    if membership.role == Role.MANAGER:
        qs = qs.filter(pk__in=membership.services.values("pk"))
    return qs
