"""The notification references that referrals carry: one query for the incident
page (``incidents.references``) and the timeline (``chronology.integrations``)."""

from __future__ import annotations

from collections.abc import Iterator

from allegations import access
from allegations.models import Referral
from incidents.models import Incident
from organisations.models import Actor

# Which incident reference a referral's kind carries.
REFERENCE_SLOTS = {"police": "police", "la_pipot": "la", "cqc": "cqc"}


def current_references(
    incident: Incident, *, allegation_ids: list[int] | None = None
) -> Iterator[tuple[str, str]]:
    """The current reference of each police, local-authority and CQC referral on
    the incident's allegations (a corrected referral gives way to its
    correction), optionally only on the allegations named."""
    qs = (
        Referral.objects.filter(allegation__incident=incident, kind__in=REFERENCE_SLOTS)
        .exclude(reference="")
        .filter(corrections__isnull=True)
        .order_by("referred_on", "pk")
    )
    if allegation_ids is not None:
        qs = qs.filter(allegation_id__in=allegation_ids)
    for r in qs:
        yield (
            REFERENCE_SLOTS[r.kind],
            f"{r.reference} ({r.body}, referred {r.referred_on:%-d %b %Y})",
        )


def references_for_viewer(incident: Incident, viewer: Actor) -> Iterator[tuple[str, str]]:
    """The references of the allegations whose safeguarding side the viewer may
    read: nothing for an auditor, a manager off the need-to-know list or the
    subject, so the incident page tells them of no allegation."""
    readable = [
        a.pk
        for a in access.visible_allegations(viewer).filter(incident=incident)
        if access.can_read_safeguarding_side(viewer, a)
    ]
    if readable:
        yield from current_references(incident, allegation_ids=readable)
