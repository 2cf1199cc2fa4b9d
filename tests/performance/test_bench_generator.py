"""The benchmark's generator (``bench/scale.py``, ``python -m bench.seed``)
builds consistent records. Only this test uses it: the other tests build their
data with the project's factories."""

from __future__ import annotations

from typing import Any

import pytest

from bench import scale

# The generator drops and rebuilds indexes and resets sequences: the owner's work.
pytestmark = pytest.mark.as_owner


@pytest.fixture
def worlds(db: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    small = scale.build(incidents=4, detail_entries=2, pdf_entries=2)
    large = scale.build(incidents=40, detail_entries=20, pdf_entries=20)
    return small, large


def test_generator_builds_consistent_records(worlds: Any) -> None:
    from incidents.models import ChronologyEntry, Incident

    _small, large = worlds
    fixtures = large["fixtures"]
    detail = Incident.objects.get(pk=fixtures["detail_incident"])
    assert detail.organisation_id == fixtures["organisation"]
    assert detail.service_id in fixtures["manager_services"]
    assert ChronologyEntry.objects.filter(incident=detail).count() == 20
    assert detail.people.filter(pk=fixtures["person"]).exists()
    # Sequences were moved past the generated ids: ordinary inserts still work.
    from organisations.models import Organisation

    assert Organisation.objects.create(name="Added after the build").pk > fixtures["organisation"]


def test_every_generated_action_is_owned_by_someone_who_can_see_it(worlds: Any) -> None:
    """As the actions service requires of an owner: a manager owning actions on
    other services' incidents made the bench's manager count and sort rows no
    real manager has (three in four of their overdue actions, generator 8)."""
    from django.contrib.auth import get_user_model

    from actions.access import visible_actions
    from actions.models import Action

    _small, large = worlds
    actions = Action.objects.filter(organisation_id=large["fixtures"]["organisation"])
    assert actions.exists()
    owners = get_user_model().objects.filter(pk__in=actions.values("owner_id"))
    assert owners.count() > 1  # not all the lead's
    for owner in owners:
        mine = actions.filter(owner=owner)
        assert visible_actions(owner).filter(pk__in=mine.values("pk")).count() == mine.count()
