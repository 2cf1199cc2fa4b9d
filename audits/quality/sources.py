"""What a quality audit can sample, and how a sampled id becomes a record.

Each source builds its population through each app's ``access`` module as the
acting user, so an auditor's sample never contains a restricted incident's
decision. Higher apps are imported inside functions: ``audits`` may read
everything, but a missing app must not break the import of this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from allegations import access as allegation_access
from audits.quality.models import ConsentFilter, Source
from disclosures import access as decision_access
from organisations import access as org_access
from organisations.models import Actor

CONSENT_FILTERS: dict[str, Q] = {
    ConsentFilter.ALL: Q(),
    ConsentFilter.REFUSED: Q(consent_position="refused"),
    ConsentFilter.NOT_SOUGHT: Q(consent_position="not_sought"),
    ConsentFilter.REFUSED_OR_NOT_SOUGHT: Q(consent_position__in=["refused", "not_sought"]),
    ConsentFilter.NOT_OBTAINED: ~Q(consent_position="obtained"),
}


@dataclass(frozen=True)
class Scope:
    date_from: date
    date_to: date
    service_ids: list[int]
    consent_filter: str


def decision_population(user: Actor, scope: Scope) -> QuerySet[Any]:
    """Disclosure decisions in scope that ``user`` may read, by decision date."""
    from disclosures.models import QualityFinding

    qs = decision_access.visible_decisions(user).filter(
        decided_at__date__gte=scope.date_from, decided_at__date__lte=scope.date_to
    )
    if scope.service_ids:
        qs = qs.filter(incident__service_id__in=scope.service_ids)
    if scope.consent_filter == ConsentFilter.WITH_FINDINGS:
        return qs.filter(Exists(QualityFinding.objects.filter(decision=OuterRef("pk"))))
    if scope.consent_filter == ConsentFilter.WITH_RECORD_FINDINGS:
        from incidents.models import RecordFinding

        return qs.filter(Exists(RecordFinding.objects.filter(incident=OuterRef("incident_id"))))
    return qs.filter(CONSENT_FILTERS.get(scope.consent_filter, Q()))


def allegation_decisions_available() -> bool:
    """Retrospective audits of allegations sample the safeguarding side's key
    decisions; offered once the allegations app provides them."""
    from django.apps import apps

    try:
        apps.get_model("allegations", "SafeguardingDecision")
    except LookupError:
        return False
    return True


def _allegation_decisions(user: Actor) -> QuerySet[Any]:
    """Safeguarding-side key decisions of allegations the user may open and
    whose safeguarding side they may read (leads). HR's side is not sampled:
    its content is HR's alone."""
    from django.apps import apps

    # By name: this module must import even before the model exists.
    SafeguardingDecision = apps.get_model("allegations", "SafeguardingDecision")
    membership = org_access.membership_of(user)
    if membership is None or not membership.is_lead or not allegation_decisions_available():
        return SafeguardingDecision.objects.none()
    return SafeguardingDecision.objects.filter(
        organisation_id=membership.organisation_id,
        record__allegation__in=allegation_access.visible_allegations(user),
    )


def allegation_decision_population(user: Actor, scope: Scope) -> QuerySet[Any]:
    qs = _allegation_decisions(user).filter(
        decided_at__date__gte=scope.date_from, decided_at__date__lte=scope.date_to
    )
    if scope.service_ids:
        qs = qs.filter(record__allegation__incident__service_id__in=scope.service_ids)
    return qs


def population(user: Actor, source: str, scope: Scope) -> QuerySet[Any]:
    if source == Source.DECISIONS:
        return decision_population(user, scope)
    if source == Source.ALLEGATION_DECISIONS and allegation_decisions_available():
        return allegation_decision_population(user, scope)
    raise ValueError(f"Source {source!r} is not available.")


def population_ids(user: Actor, source: str, scope: Scope) -> list[int]:
    return list(population(user, source, scope).order_by("pk").values_list("pk", flat=True))


def scope_of(audit: Any) -> Scope:
    return Scope(
        date_from=audit.date_from,
        date_to=audit.date_to,
        service_ids=list(audit.service_ids),
        consent_filter=audit.consent_filter,
    )


def fetch_record(user: Actor, source: str, record_id: int) -> Any | None:
    """The sampled record if ``user`` may read it, else None (shown as withheld)."""
    if source == Source.DECISIONS:
        try:
            return decision_access.get_decision_for(user, record_id)
        except Http404:
            return None
    return fetch_records(user, source, [record_id]).get(record_id)


def fetch_records(user: Actor, source: str, record_ids: list[int]) -> dict[int, Any]:
    """Several sampled records at once, keyed by id (readable ones only)."""
    if not record_ids:
        return {}
    qs: QuerySet[Any]
    if source == Source.DECISIONS:
        qs = decision_access.visible_decisions(user).select_related(
            "incident", "incident__service", "decided_by"
        )
    elif source == Source.ALLEGATION_DECISIONS and allegation_decisions_available():
        qs = _allegation_decisions(user).select_related(
            "record__allegation", "record__allegation__incident"
        )
    else:
        return {}
    return {r.pk: r for r in qs.filter(pk__in=record_ids)}
