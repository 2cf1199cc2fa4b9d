"""Issue 20: decisions are numbered 1, 2… within their incident in the order
they were decided (not recorded), the same number wherever a decision is named;
allegation references count per incident (its first allegation is A1)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from audits.display import describe
from audits.models import AuditEntry
from disclosures.models import DisclosureDecision
from tests.disclosures.factories import make_decision


def _two_out_of_order(world: Any) -> tuple[Any, Any]:
    """Recorded first but decided later, then recorded second but decided earlier."""
    incident = world.objects["incident"]
    now = timezone.now()
    later = make_decision(world.users["manager"], incident, decided_at=now - timedelta(hours=1))
    earlier = make_decision(world.users["lead"], incident, decided_at=now - timedelta(days=2))
    return earlier, later


def test_decisions_are_numbered_in_decided_order(world: Any) -> None:
    earlier, later = _two_out_of_order(world)
    assert (earlier.number, later.number) == (1, 2)
    # Fetched afresh, alone (select_related path) or in a list: the same numbers.
    listed = {d.pk: d.number for d in DisclosureDecision.objects.all()}
    assert listed == {earlier.pk: 1, later.pk: 2}
    assert DisclosureDecision.objects.get(pk=later.pk).number == 2
    assert str(DisclosureDecision.objects.get(pk=earlier.pk)).startswith("Decision 1 on ")


def test_the_same_decided_moment_falls_back_to_the_id(world: Any) -> None:
    at = timezone.now() - timedelta(hours=3)
    first = make_decision(world.users["manager"], world.objects["incident"], decided_at=at)
    second = make_decision(world.users["lead"], world.objects["incident"], decided_at=at)
    assert (first.number, second.number) == (1, 2)


def test_each_page_names_a_decision_by_its_decided_number(world: Any) -> None:
    earlier, _later = _two_out_of_order(world)
    lead = world.client("lead")
    detail = lead.get(reverse("disclosures:detail", kwargs={"pk": earlier.pk})).content.decode()
    assert "Disclosure decision 1:" in detail
    assert f'Register number</dt><dd class="col-sm-8">{earlier.pk} ' in detail
    log = lead.get(
        reverse("disclosures:incident_log", kwargs={"pk": world.objects["incident"].pk})
    ).content.decode()
    # Newest decided first, each with its own number.
    assert log.index(">Decision 2</a>") < log.index(">Decision 1</a>")
    assert f'href="/disclosures/{earlier.pk}/">Decision 1</a>' in log


def test_the_audit_trail_names_a_decision_by_its_number_today(world: Any) -> None:
    """The stored label is type and register id; the trail names a decision the
    viewer may see as its pages do, with the number it has now."""
    earlier, _later = _two_out_of_order(world)
    entry = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(DisclosureDecision),
        object_pk=str(earlier.pk),
        action=AuditEntry.Action.CREATE,
    ).first()
    assert entry is not None and entry.object_repr == f"Disclosure decision #{earlier.pk}"
    (shown,) = describe([entry], world.users["lead"])
    assert shown.record_label == f"Decision 1 on {earlier.incident.reference}"
    # Someone who may not see the decision keeps the stored label.
    (hidden,) = describe([entry], world.users["manager_dom"])
    assert hidden.record_label == f"Disclosure decision #{earlier.pk}"


def test_allegation_references_count_per_incident(world: Any) -> None:
    from allegations.models import Allegation
    from tests.allegations.factories import make_allegation, make_staff

    lead = world.users["lead"]
    staff = make_staff(world)
    # Another incident's allegations first, so a global counter would not give A1.
    for _ in range(2):
        make_allegation(lead, world.objects["restricted"], staff)
    incident = world.objects["incident"]
    first = make_allegation(lead, incident, staff)
    second = make_allegation(lead, incident, staff, what_is_alleged="Shouted at a resident.")
    assert first.reference == f"{incident.reference}/A1"
    assert Allegation.objects.get(pk=second.pk).reference == f"{incident.reference}/A2"
    assert str(Allegation.objects.get(pk=first.pk)) == f"Allegation {incident.reference}/A1"
    page = world.client("lead").get(reverse("allegations:detail", kwargs={"pk": second.pk}))
    assert f"{incident.reference}/A2" in page.content.decode()
