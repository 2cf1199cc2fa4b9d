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


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
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
    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")


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
