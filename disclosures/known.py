"""People and organisations already known to an incident, offered on the
decision form so a recipient is chosen rather than typed again: the
recipients of earlier decisions on the incident, and the people linked to it
as family, advocate or other professional (``incidents.linked``).

Each is offered under an opaque key (``recipient-<pk>`` / ``person-<pk>``);
the form resolves a key only among the options computed here for this user
and incident, so a key cannot reach anyone else's record.
"""

from __future__ import annotations

from dataclasses import dataclass

from disclosures import access
from disclosures.models import Recipient, RecipientCategory
from incidents import access as incident_access
from incidents.linked import PersonRole
from incidents.models import Incident
from organisations.models import Actor

# A linked person's role on the incident → the kind of recipient they are.
LINKED_ROLES = {
    PersonRole.FAMILY: RecipientCategory.FAMILY,
    PersonRole.ADVOCATE: RecipientCategory.ADVOCATE,
    PersonRole.PROFESSIONAL: RecipientCategory.OTHER,
}


@dataclass(frozen=True)
class KnownRecipient:
    key: str
    name: str
    role: str
    organisation: str
    category: str

    @property
    def label(self) -> str:
        return f"{self.name} — {self.role}, {self.organisation}"

    def row(self) -> dict[str, str]:
        """The recipient row's fields this fills."""
        return {
            "name": self.name,
            "role": self.role,
            "organisation": self.organisation,
            "category": self.category,
        }


def known_recipients(user: Actor, incident: Incident) -> list[KnownRecipient]:
    """Earlier recipients first (latest decision first), then linked people;
    each person once (same name, role and organisation)."""
    found: list[KnownRecipient] = []
    seen: set[tuple[str, str, str]] = set()

    def add(known: KnownRecipient) -> None:
        same = (known.name.lower(), known.role.lower(), known.organisation.lower())
        if known.name and same not in seen:
            seen.add(same)
            found.append(known)

    decisions = access.visible_decisions(user).filter(incident=incident)
    earlier = Recipient.objects.filter(decision__in=decisions).order_by(
        "-decision__decided_at", "pk"
    )
    for r in earlier:
        add(
            KnownRecipient(
                f"recipient-{r.pk}", r.name, r.role, r.recipient_organisation, r.category
            )
        )
    links = (
        incident_access.visible_person_links(user)
        .filter(incident=incident, role__in=list(LINKED_ROLES))
        .select_related("person")
        .order_by("pk")
    )
    for link in links:
        role = link.relationship or link.get_role_display()
        if link.role == PersonRole.FAMILY:
            organisation = "Family"
        else:
            organisation = link.person.description or "Not recorded"
        add(
            KnownRecipient(
                f"person-{link.pk}",
                link.person.full_name,
                role,
                organisation,
                LINKED_ROLES[PersonRole(link.role)],
            )
        )
    return found
