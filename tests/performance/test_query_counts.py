"""The number of queries a page makes must not grow with the data behind it.

Two worlds are built side by side with the project's factories, through the
services: a small one and one ten times larger (more incidents, a longer
chronology, more adults at risk and disclosure decisions), each carrying the
named fixtures the benchmark's pages open (``bench/measure.py``; the
benchmark's own generator, ``bench/scale.py``, is not used). Every page is
opened in both, as the same kind of user, and must make exactly the same number
of queries, while visibly showing more rows in the larger world (so the test
cannot pass by rendering nothing). No timings are asserted.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.measure import FILTERS, PAGES
from incidents import services as incident_services
from organisations.models import Role
from tests.disclosures.factories import make_decision
from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    ServiceFactory,
    make_incident,
    member,
)

# Pages whose app is in the code base (the others are reported as unavailable).
AVAILABLE = [page for page in PAGES if page.resolve({"fixtures": defaultdict(lambda: "1")})]


def _open(manifest: dict[str, Any], page: Any) -> tuple[int, str]:
    client = Client()
    client.force_login(get_user_model().objects.get(pk=manifest["fixtures"][page.user]))
    url = page.url(manifest)
    assert url is not None
    client.get(url)  # warm: first-request work (sessions, caches) is not the page's
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response.content.decode()


def build_world(name: str, *, incidents: int, entries: int, decisions: int) -> dict[str, Any]:
    """An organisation shaped as the benchmark's pages expect, with ``incidents``
    incidents (every other one under enquiry, high risk, neglect: the filtered
    list), ``entries`` chronology entries on the detail incident and
    ``decisions`` disclosure decisions (with review dates) about its adult."""
    org = OrganisationFactory(name=f"{name} Care Group")
    home = ServiceFactory(organisation=org, name=f"{name} House")
    manager = member(org, Role.MANAGER, [home], username=f"{name}_manager")
    lead = member(org, Role.LEAD, username=f"{name}_lead")
    person = PersonFactory(organisation=org, service=home, family_name="Hollingworth")
    made = []
    adult = person
    for i in range(incidents):
        # After the first, adults come in threes: three concerns each, so the
        # leads' pattern alerts (3 in 90 days) grow with the data too.
        if i % 3 == 1:
            # Not a random name: Faker's "Holly" or "Holloway" would match the
            # search term too, and the small world then showed more rows than
            # the large one (a failure seen once in a full run).
            adult = PersonFactory(
                organisation=org, service=home, given_name="Pat", family_name=f"Adult {i}"
            )
        filtered = i % 2 == 0
        incident = make_incident(
            manager,
            home,
            person=adult,
            categories=[FILTERS["category"]] if filtered else ["physical"],
            risk_level=FILTERS["risk"] if filtered else "medium",
        )
        if filtered:
            incident_services.change_status(
                actor=lead,
                incident=incident,
                to_status=FILTERS["status"],
                reason="Enquiry opened.",
                expected_version=incident.version,
            )
        made.append(incident)
    detail = made[0]
    now = timezone.now()
    for n in range(entries):
        incident_services.add_entry(
            actor=manager,
            incident=detail,
            kind="observation",
            facts=f"Observation {n} of the day.",
            occurred_at=now - timedelta(minutes=90 - n),
        )
    for n in range(decisions):
        make_decision(lead, made[n % len(made)] if n else detail)
    return {
        "fixtures": {
            "organisation": org.pk,
            "manager": manager.pk,
            "manager_services": [home.pk],
            "lead": lead.pk,
            "detail_incident": detail.pk,
            "person": person.pk,
            "search_term": "holl",
        }
    }


@pytest.fixture
def worlds(db: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    small = build_world("small", incidents=4, entries=2, decisions=2)
    large = build_world("large", incidents=40, entries=20, decisions=20)
    return small, large


@pytest.mark.parametrize("page", AVAILABLE, ids=[p.name for p in AVAILABLE])
def test_query_count_is_independent_of_size(worlds: Any, page: Any) -> None:
    small, large = worlds
    small_queries, small_html = _open(small, page)
    large_queries, large_html = _open(large, page)
    assert small_queries == large_queries, (
        f"{page.name}: {small_queries} queries on the small data set, "
        f"{large_queries} on the large one"
    )
    if page.name == "incident_detail":
        assert small_html.count('class="entry card') == 2
        assert large_html.count('class="entry card') == 20
    elif page.name.startswith("incident_create"):
        # The adults to tick (all of them: both worlds are under the form's cap).
        assert large_html.count('name="people"') > small_html.count('name="people"') > 0
    else:
        assert large_html.count("<tr") >= small_html.count("<tr") > 1
