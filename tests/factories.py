"""factory_boy factories. Build records through services where the rules matter."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from incidents import services as incident_services
from incidents.models import Person
from organisations.models import Membership, Organisation, Role, Service

PASSWORD = "correct-horse-battery-staple-42"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Care Group {n}")
    reference_prefix = "SG"


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    kind = Service.Kind.CARE_HOME


# Adults at risk and staff get invented names, unique and never an English word
# or a common name: exports for inspectors put adults' names into initials wherever
# they appear, so a random real name ("Morgan", "June") met a recipient's name
# or a word of a test's expected text and made that test fail now and then.
_SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]


def invented_name(n: int, endings: str = "nrls") -> str:
    """Three syllables and a closing letter, a different name for each ``n``
    below ``NAMES``: "Kavoren", "Dutimal". Every name has seven letters, so
    names with different ``endings`` never equal or contain one another."""
    parts = []
    for _ in range(3):
        n, i = divmod(n, len(_SYLLABLES))
        parts.append(_SYLLABLES[i])
    return ("".join(parts) + endings[n % 4]).capitalize()


NAMES = len(_SYLLABLES) ** 3 * 4
STAFF_ENDINGS = "dkmt"  # adults' names end in n, r, l or s


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    # Invented, like adults' names (PersonFactory), and never one of theirs (another
    # closing letter): a real name ("Cynthia Marshall") contained an adult's
    # name ("Marsh") that a test checked a page or an email for.
    first_name = factory.Sequence(lambda n: invented_name(n * 6547 % NAMES, STAFF_ENDINGS))
    last_name = factory.Sequence(
        lambda n: invented_name((n * 99_991 + 4_567) % NAMES, STAFF_ENDINGS)
    )
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.save()


def member(
    organisation: Organisation, role: str, services: list[Service] | None = None, **kw: Any
) -> Any:
    user = UserFactory(**kw)
    membership = Membership.objects.create(user=user, organisation=organisation, role=role)
    if services:
        membership.services.set(services)
    return user


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    service = None
    # Spread over the names by two prime steps, so neighbours do not look alike.
    given_name = factory.Sequence(lambda n: invented_name(n * 7919 % NAMES))
    family_name = factory.Sequence(lambda n: invented_name((n * 104_729 + 12_345) % NAMES))


def make_incident(actor: Any, service: Service, **overrides: Any) -> Any:
    """A valid incident created through the service layer."""
    person = overrides.pop("person", None) or PersonFactory(
        organisation=service.organisation, service=service
    )
    now = timezone.now()
    fields: dict[str, Any] = {
        "service": service,
        "people": [person],
        "categories": ["physical"],
        "summary": "Bruise on arm",
        "what_happened": "Care worker saw a bruise on the left forearm at 08:00.",
        "occurred_at": now - timedelta(hours=3),
        "became_aware_at": now - timedelta(hours=2),
        "raised_by": "A. Carer, care worker",
        "risk_level": "medium",
    }
    restricted = overrides.pop("restricted", False)
    fields.update(overrides)
    incident = incident_services.create_incident(actor=actor, **fields)
    if restricted:
        lead = Membership.objects.filter(organisation=service.organisation, role=Role.LEAD).first()
        assert lead is not None, "restricting needs a lead in the organisation"
        incident_services.set_restricted(
            actor=lead.user, incident=incident, restricted=True, expected_version=incident.version
        )
    return incident
