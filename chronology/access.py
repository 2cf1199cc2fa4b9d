"""Who may see timelines and exports.

An export sends the whole record outside the organisation, so only
safeguarding leads export, download, verify and see the register; managers
and auditors see the timeline of incidents they can already open. An export
(and so a verification result naming it) is visible only where its incident
is, through ``incidents.access.through_incident``: a lead who is the subject of
an allegation on an incident never sees its exports (issue 17, finding 1).
"""

from __future__ import annotations

from typing import Any

from allegations.access import can_read_side, visible_allegations
from chronology.models import ChronologyExport, ExportQuerySet
from incidents.access import through_incident
from incidents.models import Incident
from organisations.access import get_or_404, has_role, in_organisation_with_role
from organisations.models import Actor, Role


def can_export(user: Actor, incident: Incident) -> bool:
    """Caller already holds a visible incident."""
    return in_organisation_with_role(user, incident, Role.LEAD)


def can_see_hr_detail(user: Actor, incident: Incident) -> bool:
    """HR detail of allegations (employment actions and outcomes) in a timeline
    or an internal export. Only HR see HR records (DESIGN.md roles)."""
    return in_organisation_with_role(user, incident, Role.HR)


def visible_exports(user: Actor) -> ExportQuerySet:
    return through_incident(user, ChronologyExport.objects.all(), roles=(Role.LEAD,))


def get_export_for(user: Actor, pk: Any) -> ChronologyExport:
    return get_or_404(
        visible_exports(user).without_pdf().select_related("incident", "requested_by"),
        pk,
        "export",
    )


def can_verify_exports(user: Actor) -> bool:
    return has_role(user, Role.LEAD)


def can_see_allegation_safeguarding(user: Actor, incident: Incident) -> bool:
    """Whether an incident's timeline (and the user's exports of it) may carry the
    safeguarding side of its allegations: only for a user who may read that side
    of every allegation on the incident (never HR, auditors or the subject)."""
    allegations = list(visible_allegations(user).filter(incident_id=incident.pk))
    if not allegations:
        return False
    return all(can_read_side(user, a, "safeguarding") for a in allegations)
