"""Pattern alerts for safeguarding leads (issue 22, item 5).

Three kinds, each one grouped SQL query over the incidents the reading lead
may open (``access.visible_incidents`` / ``through_incident``: an incident the
lead is excluded from, as the subject of an allegation, never counts):

- ``adult``: an adult at risk with at least N concerns whose "became aware"
  falls in the last D days (``PatternSettings``; defaults 3 in 90);
- ``source``: one linked person (``incidents.linked``) named as alleged source
  of harm on incidents about more than one adult at risk;
- ``staff``: one member of staff's login excluded from incidents about more
  than one adult at risk (``IncidentExclusion``: the staff member an
  allegation is about, or named as source of harm). The staff record itself
  (``allegations.StaffSourceOfHarm``) is in an app above this one; a member of
  staff without a login is caught by ``source`` only when the same linked
  person record was reused.

An alert "fired" when the latest incident in it was logged. A review
(``PatternAlertReview``) takes it off the open list until an incident logged
after the review makes it fire again. Alerts are not stored; the page,
"My work" and the home count compute them with a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import CharField, Count, F, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from incidents import access
from incidents.linked import LinkedPerson, PersonRole
from incidents.models import Incident, IncidentExclusion, Person
from incidents.patterns import (
    DEFAULT_THRESHOLD,
    DEFAULT_WINDOW_DAYS,
    AlertKind,
    PatternAlertReview,
    PatternAlertReviewIncident,
    PatternSettings,
)
from organisations import access as org_access
from organisations import work
from organisations.models import Actor, Role

# Incidents listed under one alert (newest first); the count says how many.
INCIDENTS_PER_ALERT = 20


# --- Settings ------------------------------------------------------------------


@dataclass(frozen=True)
class Threshold:
    threshold: int
    window_days: int


def current_settings(organisation_id: int) -> Threshold:
    latest = (
        PatternSettings.objects.filter(organisation_id=organisation_id)
        .order_by("-changed_at", "-pk")
        .values_list("threshold", "window_days")
        .first()
    )
    if latest is None:
        return Threshold(DEFAULT_THRESHOLD, DEFAULT_WINDOW_DAYS)
    return Threshold(*latest)


def settings_history(organisation_id: int) -> QuerySet[PatternSettings]:
    return PatternSettings.objects.filter(organisation_id=organisation_id).select_related(
        "changed_by"
    )


def is_lead(user: Actor) -> bool:
    return org_access.has_role(user, Role.LEAD)


@transaction.atomic
def change_settings(*, actor: Actor, threshold: int, window_days: int) -> PatternSettings:
    """A lead sets the organisation's threshold: a new row (the history)."""
    membership = org_access.require_membership(actor)
    if membership.role != Role.LEAD:
        raise PermissionDenied
    row = PatternSettings(
        organisation_id=membership.organisation_id,
        threshold=threshold,
        window_days=window_days,
        changed_by=org_access.acting_user(actor),
    )
    row.full_clean()
    row.save()
    return row


# --- Alerts ----------------------------------------------------------------------


@dataclass
class Alert:
    kind: str
    key: int  # the person, linked person or staff login
    count: int  # incidents (adult) or adults (source, staff)
    fired_at: datetime  # when the latest incident in it was logged
    incident_ids: list[int]
    last_reviewed_at: datetime | None = None
    name: str = ""
    incidents: list[Incident] = field(default_factory=list)
    threshold_reached: datetime | None = None

    @property
    def label(self) -> str:
        return AlertKind(self.kind).label

    @property
    def url(self) -> str:
        return reverse("incidents:pattern_review", args=[self.kind, self.key])


def _latest_review(user: Actor, kind: str, subject: str) -> Subquery:
    return Subquery(
        visible_reviews(user)
        .filter(kind=kind, **{subject: OuterRef("key")})
        .order_by("-reviewed_at")
        .values("reviewed_at")[:1]
    )


def _grouped(user: Actor, kind: str) -> QuerySet[Any]:
    """One kind's alerts as a grouped query of dicts (key, count, fired_at,
    ids, last_reviewed_at), every alert that fires now, reviewed or not."""
    membership = org_access.membership_of(user)
    if membership is None or membership.role != Role.LEAD:
        return Incident.objects.none().values()
    if kind == AlertKind.ADULT:
        limits = current_settings(membership.organisation_id)
        since = timezone.now() - timedelta(days=limits.window_days)
        # From the adult-incident links of the incidents in the window (an
        # array of ids, read first through the incident rule), so the links are
        # probed by their (incident, person) index instead of scanned whole.
        window = (
            access.visible_incidents(user)
            .filter(became_aware_at__gte=since)
            .order_by()
            .values("pk")
        )
        qs: QuerySet[Any] = (
            Incident.people.through.objects.filter(
                incident_id__any_of=ArraySubquery(window),
                incident__organisation_id=membership.organisation_id,
                incident__became_aware_at__gte=since,
            )
            .values(key=F("person_id"))
            .annotate(
                count=Count("incident_id"),
                fired_at=Max("incident__created_at"),
                ids=ArrayAgg(
                    "incident_id", order_by=("-incident__became_aware_at", "-incident_id")
                ),
            )
            .filter(Q(count__gte=limits.threshold))
        )
        subject = "person"
    elif kind == AlertKind.SOURCE:
        qs = (
            access.visible_person_links(user)
            .filter(role=PersonRole.SOURCE_OF_HARM)
            .values(key=F("person"))
            .annotate(
                count=Count("incident__people", distinct=True),
                fired_at=Max("incident__created_at"),
                ids=ArrayAgg("incident_id", distinct=True, order_by="-incident_id"),
            )
            .filter(count__gte=2)
        )
        subject = "linked_person"
    else:
        qs = (
            access.through_incident(user, IncidentExclusion.objects.all())
            .values(key=F("user"))
            .annotate(
                count=Count("incident__people", distinct=True),
                fired_at=Max("incident__created_at"),
                ids=ArrayAgg("incident_id", distinct=True, order_by="-incident_id"),
            )
            .filter(count__gte=2)
        )
        subject = "staff_user"
    return qs.annotate(last_reviewed_at=_latest_review(user, kind, subject)).order_by(
        "-fired_at", "key"
    )


def _open(qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.filter(Q(last_reviewed_at__isnull=True) | Q(fired_at__gt=F("last_reviewed_at")))


def open_alerts(user: Actor, kind: str) -> QuerySet[Any]:
    """One kind's unreviewed alerts (dicts), newest first: slice it to page."""
    if not is_lead(user):
        return Incident.objects.none().values()
    return _open(_grouped(user, kind))


def to_alerts(kind: str, rows: list[dict[str, Any]], user: Actor) -> list[Alert]:
    """Alerts for ``rows`` with their names and incidents: two queries whatever
    the number of rows (people or logins, then the incidents listed)."""
    alerts = [
        Alert(
            kind=kind,
            key=row["key"],
            count=row["count"],
            fired_at=row["fired_at"],
            incident_ids=list(row["ids"]),
            last_reviewed_at=row["last_reviewed_at"],
        )
        for row in rows
    ]
    if not alerts:
        return alerts
    keys = [a.key for a in alerts]
    names: dict[int, str]
    if kind == AlertKind.ADULT:
        names = {p.pk: p.full_name for p in Person.objects.filter(pk__in=keys)}
    elif kind == AlertKind.SOURCE:
        names = {p.pk: p.full_name for p in LinkedPerson.objects.filter(pk__in=keys)}
    else:
        names = {
            u.pk: u.get_full_name() or u.get_username()
            for u in get_user_model().objects.filter(pk__in=keys)
        }
    wanted = {i for a in alerts for i in a.incident_ids[:INCIDENTS_PER_ALERT]}
    # Read again through the user's rule: the ids came from it, but the rows shown must too.
    incidents = {
        i.pk: i
        for i in access.visible_incidents(user)
        .filter(pk__in=wanted)
        .only("pk", "reference", "became_aware_at", "categories", "status", "organisation_id")
    }
    threshold = _threshold_of(user) if kind == AlertKind.ADULT else 2
    for alert in alerts:
        alert.name = names.get(alert.key, "")
        alert.incidents = [
            incidents[i] for i in alert.incident_ids[:INCIDENTS_PER_ALERT] if i in incidents
        ]
        if kind == AlertKind.ADULT and len(alert.incidents) >= threshold:
            # Newest first: the threshold was reached by the Nth oldest in the window.
            oldest_first = sorted(alert.incidents, key=lambda i: (i.became_aware_at, i.pk))
            alert.threshold_reached = oldest_first[threshold - 1].became_aware_at
    return alerts


def _threshold_of(user: Actor) -> int:
    membership = org_access.require_membership(user)
    return current_settings(membership.organisation_id).threshold


def get_alert_for(user: Actor, kind: str, key: Any) -> Alert:
    """The alert on ``key`` as ``user`` (a lead) sees it now, reviewed or not;
    a 404 when it does not fire for them (another organisation's person, or
    built only from incidents they may not open)."""
    if kind not in AlertKind.values:
        raise Http404("No such alert.")
    try:
        key = int(key)
    except (TypeError, ValueError):
        raise Http404("No such alert.") from None
    rows = list(_grouped(user, kind).filter(key=key)[:1])
    if not rows:
        raise Http404("No such alert.")
    return to_alerts(kind, rows, user)[0]


# --- Reviews -----------------------------------------------------------------------


def visible_reviews(user: Actor) -> QuerySet[PatternAlertReview]:
    """Reviews of the lead's organisation none of whose incidents the user is
    barred from: a review (its note) is about every incident it was built from,
    so it is seen only where all of them are."""
    membership = org_access.membership_of(user)
    if membership is None or membership.role != Role.LEAD:
        return PatternAlertReview.objects.none()
    # Rows failing the incident rule (for a lead: the incidents they are
    # excluded from, a plain id list, so the planner never builds the set of
    # every visible incident inside the alert queries' correlated subquery).
    hidden = PatternAlertReviewIncident.objects.filter(
        organisation_id=membership.organisation_id
    ).exclude(access.incident_rule(user, membership, via="incident__"))
    return PatternAlertReview.objects.filter(organisation_id=membership.organisation_id).exclude(
        pk__in=hidden.values("review_id")
    )


def reviews_of(user: Actor, alert: Alert) -> QuerySet[PatternAlertReview]:
    subject = {"adult": "person_id", "source": "linked_person_id", "staff": "staff_user_id"}
    return (
        visible_reviews(user)
        .filter(kind=alert.kind, **{subject[alert.kind]: alert.key})
        .select_related("reviewed_by")
    )


@transaction.atomic
def review_alert(*, actor: Actor, kind: str, key: int, note: str) -> PatternAlertReview:
    """A lead records that they reviewed the alert they see on ``key``, with
    the incidents it is built from."""
    if not is_lead(actor):
        raise PermissionDenied
    alert = get_alert_for(actor, kind, key)
    if not note.strip():
        raise ValidationError({"note": "Say what you considered and decided."})
    membership = org_access.require_membership(actor)
    subject = {"adult": "person_id", "source": "linked_person_id", "staff": "staff_user_id"}
    review = PatternAlertReview.objects.create(
        organisation_id=membership.organisation_id,
        kind=kind,
        note=note.strip(),
        reviewed_by=org_access.acting_user(actor),
        **{subject[kind]: alert.key},
    )
    # One by one, not bulk_create: each row is then in the audit trail, filed
    # under its incident (a lead reviews one alert at a time).
    for pk in alert.incident_ids:
        PatternAlertReviewIncident.objects.create(
            organisation_id=membership.organisation_id, review=review, incident_id=pk
        )
    return review


# --- "My work" ---------------------------------------------------------------------


def work_source(user: Actor, window: work.Window) -> work.WorkList:
    """Leads: unreviewed alerts, newest first; due when they fired. On pages,
    one query: each kind's first ``COUNT_CAP + 1`` alerts (its items and its
    capped count), the kinds read together (UNION ALL); reminders count each
    kind exactly, apart."""
    title = "Pattern alerts"
    if not is_lead(user):
        return work.WorkList(key="patterns", title=title, applies=False)  # leads' only
    kinds = list(AlertKind.values)
    read = window.limit if window.exact else work.COUNT_CAP + 1
    rows: list[tuple[str, Any, int, datetime]] = []
    if read:
        reads = [
            open_alerts(user, kind)
            .annotate(work_kind=Value(kind, output_field=CharField()))
            .values_list("work_kind", "key", "count", "fired_at")[:read]
            for kind in kinds
        ]
        rows = list(reads[0].union(*reads[1:], all=True))
    items: list[work.WorkItem] = []
    count = 0
    more = False
    for kind in kinds:
        of_kind = [row for row in rows if row[0] == kind]
        if window.exact:
            n, capped = open_alerts(user, kind).count(), False
        else:
            n, capped = min(len(of_kind), work.COUNT_CAP), len(of_kind) > work.COUNT_CAP
        # The kind's own order (newest first, then by key), whatever order
        # the union returned its rows in.
        of_kind.sort(key=lambda row: row[1])
        of_kind.sort(key=lambda row: row[3], reverse=True)
        for _, key, alerted, fired_at in of_kind[: window.limit]:
            items.append(
                work.WorkItem(
                    key=f"pattern:{kind}:{key}",
                    label=f"Pattern alert: {AlertKind(kind).label.lower()}",
                    reference=f"{alerted} {'incidents' if kind == 'adult' else 'adults'}",
                    url=reverse("incidents:pattern_review", args=[kind, key]),
                    due_at=fired_at,
                )
            )
        more = more or capped
        count += n
    items.sort(key=lambda item: item.due_at, reverse=True)
    return work.WorkList(
        key="patterns",
        title=title,
        due=tuple(items[: window.limit]),
        due_count=count,
        due_more=more,
    )
