"""The number of queries a page makes must not grow with the data behind it.

Two worlds are generated side by side with the benchmark's own generator
(``safeguard.scale``): a small one and one ten times larger (more incidents,
a longer chronology, more adults at risk). Every page of the benchmark is
opened in both, as the same kind of user, and must make exactly the same number
of queries, while visibly showing more rows in the larger world (so the test
cannot pass by rendering nothing). No timings are asserted.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.measure import PAGES
from safeguard import scale

# The generator drops and rebuilds indexes and resets sequences: the owner's work.
pytestmark = pytest.mark.as_owner

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


@pytest.fixture
def worlds(db: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    small = scale.build(incidents=4, detail_entries=2, pdf_entries=2)
    large = scale.build(incidents=40, detail_entries=20, pdf_entries=20)
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
    else:
        assert large_html.count("<tr") >= small_html.count("<tr") > 1


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
