"""Bad paging and filter input on a list is a 200 (nearest valid page, or the
form's message) or a 400, never a 500 (issue 17, finding 5).

Every list page with query parameters is opened with random and hostile values
for those parameters: page numbers of 0, -1, 2**63 and beyond, words, dates at
the ends of the calendar (9999-12-31, 0001-01-01), impossible dates, NUL bytes.
The classic crashers are always tried first; hypothesis then draws
combinations. The test client re-raises a view's exception, so a crash is a
failing example with the input that caused it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.test_fuzz import NASTY

pytestmark = pytest.mark.django_db

EXAMPLES_PER_LIST = 30

PAGES = ["0", "-1", str(2**63), str(2**63 - 1), str(2**64), "9" * 5000, "abc", "1.5", ""]
DATES = ["9999-12-31", "0001-01-01", "0000-00-00", "2024-02-30", "10000-01-01", "garbage"]
SWEEP = [*PAGES, *DATES, "a\x00b", "-9223372036854775809"]

value = st.one_of(
    st.sampled_from(SWEEP),
    st.sampled_from(NASTY),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates().map(str),
    st.text(max_size=20),
)


@dataclass(frozen=True)
class ListPage:
    url_name: str
    role: str
    params: tuple[str, ...]
    kwargs: Callable[[Any], dict[str, Any]] = lambda w: {}
    # The parameter names a record: a bad id is "no such record", a 404.
    names_a_record: bool = False


def _incident(w: Any) -> dict[str, Any]:
    return {"pk": w.objects["incident"].pk}


def _person(w: Any) -> dict[str, Any]:
    return {"pk": w.objects["incident"].people.first().pk}


def _allegation(w: Any) -> dict[str, Any]:
    from tests.allegations import factories as f

    return {"pk": f.allegation(w).pk}


def _decision(w: Any) -> dict[str, Any]:
    from tests.disclosures.factories import make_decision

    return {"pk": make_decision(w.users["manager"], w.objects["incident"]).pk}


DATE_RANGE = ("date_from", "date_to")

LISTS = [
    ListPage(
        "incidents:list",
        "lead",
        ("page", "q", "service", "status", "category", "risk", *DATE_RANGE),
    ),
    ListPage("incidents:person_list", "manager", ("page", "q")),
    ListPage("incidents:detail", "lead", ("entries",), _incident),
    ListPage("disclosures:reviews_due", "lead", ("page", "window")),
    ListPage(
        "disclosures:person_register",
        "lead",
        ("page", "decision", "consent_position", "category", *DATE_RANGE),
        _person,
    ),
    ListPage("disclosures:incident_log", "lead", ("page",), _incident),
    ListPage("disclosures:amend", "lead", ("field",), _decision),
    ListPage("allegations:list", "lead", ("page", "q", "status")),
    ListPage("allegations:retention", "lead", ("page", "show")),
    ListPage("allegations:staff", "hr", ("page", "q")),
    ListPage("allegations:referral_create", "lead", ("corrects",), _allegation, True),
    ListPage(
        "audits:search",
        "lead",
        ("page", "person", "actor", "action", "object_type", *DATE_RANGE),
    ),
    ListPage(
        "audits:search_csv", "lead", ("person", "actor", "action", "object_type", *DATE_RANGE)
    ),
    ListPage("audits:incident_history", "lead", ("page",), _incident),
    ListPage("audits:quality_list", "lead", ("page",)),
    ListPage("chronology:exports", "lead", ("page", "q")),
    ListPage("chronology:timeline", "lead", ("page", "kinds", *DATE_RANGE), _incident),
    ListPage("chronology:export_create", "lead", ("kinds", *DATE_RANGE), _incident),
    ListPage("organisations:members", "admin", ("page",)),
]


def _assert_handled(client: Any, page: ListPage, url: str, query: dict[str, Any]) -> None:
    response = client.get(url, query)
    status = response.status_code
    allowed = (200, 400, 404) if page.names_a_record else (200, 400)
    assert status in allowed or 300 <= status < 400, (url, query, status)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)  # a CSV fails while streaming, not before


@pytest.mark.parametrize("page", LISTS, ids=[p.url_name for p in LISTS])
def test_bad_list_input_is_never_a_server_error(world: Any, page: ListPage) -> None:
    client = world.client(page.role)
    url = reverse(page.url_name, kwargs=page.kwargs(world))
    assert client.get(url).status_code == 200, url
    # The classic crashers in every parameter at once (each alone is among
    # hypothesis's draws below).
    for bad in SWEEP:
        _assert_handled(client, page, url, dict.fromkeys(page.params, bad))

    @settings(
        max_examples=EXAMPLES_PER_LIST,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(query=st.fixed_dictionaries({}, optional=dict.fromkeys(page.params, value)))
    def run(query: dict[str, Any]) -> None:
        _assert_handled(client, page, url, query)

    run()


@pytest.mark.parametrize("bad", ["0", "-1", str(2**63), "abc"])
def test_a_page_out_of_range_shows_the_nearest_page(world: Any, bad: str) -> None:
    client = world.client("lead")
    response = client.get(reverse("incidents:list"), {"page": bad})
    assert response.status_code == 200
    page = response.context["page"]
    expected = 1 if bad in ("0", "-1", "abc") else page.paginator.num_pages
    assert page.number == expected


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_date_outside_the_records_says_so_on_the_form(world: Any, day: str) -> None:
    client = world.client("lead")
    response = client.get(reverse("incidents:list"), {"date_to": day})
    assert response.status_code == 200
    assert response.context["form"].errors["date_to"]
