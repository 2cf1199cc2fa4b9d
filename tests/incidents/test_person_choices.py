"""Forms that pick adults list a bounded number of them (``incidents.person_choices``):
all of them up to ``SHOW_ALL_UP_TO``, else those chosen and those found by name.
Lowered here so that a handful of adults is "too many"."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits.models import AuditEntry
from incidents import person_choices
from incidents.models import Incident
from tests.factories import PersonFactory

CREATE = reverse("incidents:create")
AUDIT = reverse("audits:search")


def _boxes(html: str) -> set[int]:
    return {int(v) for v in re.findall(r'name="people" value="(\d+)"', html)}


def _options(html: str) -> set[int]:
    select = html[html.index('name="person"') :]
    select = select[: select.index("</select>")]
    return {int(v) for v in re.findall(r'<option value="(\d+)"', select)}


def _adults(world, service, names):
    return [
        PersonFactory(organisation=world.org, service=service, given_name=g, family_name=f)
        for g, f in names
    ]


NAMES = [("Ada", "Lovelace"), ("Alan", "Turing"), ("Grace", "Hopper"), ("Edith", "Clarke")]


def _post(world, **overrides):
    data = {
        "service": world.home.pk,
        "categories": ["neglect"],
        "summary": "Missed medication",
        "what_happened": "Evening medication not given.",
        "became_aware_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "raised_by": "P. Shah, care worker",
        "risk_level": "low",
    }
    data.update(overrides)
    return data


def test_every_adult_is_listed_while_there_are_few(world):
    ada, alan, *_ = _adults(world, world.home, NAMES)
    html = world.client("manager").get(CREATE).content.decode()
    assert {ada.pk, alan.pk} <= _boxes(html)
    assert 'name="find_person"' not in html


@pytest.fixture
def few(monkeypatch):
    """Three adults are more than the form lists."""
    monkeypatch.setattr(person_choices, "SHOW_ALL_UP_TO", 3)
    monkeypatch.setattr(person_choices, "MATCHES", 2)


def test_too_many_adults_are_found_by_name_not_listed(world, few):
    _adults(world, world.home, NAMES)
    html = world.client("manager").get(CREATE).content.decode()
    assert _boxes(html) == set()
    assert 'name="find_person"' in html
    assert "too many adults to list them all" in html


def test_find_lists_the_matches_keeps_what_was_typed_and_saves_nothing(world, few):
    ada, alan, grace, edith = _adults(world, world.home, NAMES)
    outsider = PersonFactory(organisation=world.other_org, given_name="Ada", family_name="Byron")
    client = world.client("manager")
    before = Incident.objects.count()
    response = client.post(CREATE, _post(world, find="1", find_person="  ace\x00 ", people=[]))
    html = response.content.decode()
    assert response.status_code == 200
    assert Incident.objects.count() == before
    # "ace" is in Lovelace and Grace; Edith Clarke and the other organisation's Ada are not
    # listed (nor is anyone else, unless the world's made-up names happen to contain "ace").
    mine = {p.pk for p in (ada, alan, grace, edith)}
    assert _boxes(html) & mine == {ada.pk, grace.pk}
    assert outsider.pk not in _boxes(html)
    assert 'value="Missed medication"' in html
    assert re.search(r'value="neglect"[^>]*checked', html)
    assert "errorlist" not in html and "There is a problem" not in html
    logged = AuditEntry.objects.filter(view="person_search").latest("pk")
    assert sorted(logged.additional_data["shown"]) == sorted(_boxes(html))

    # A ticked adult stays listed when the next search does not match them;
    # more matches than are listed are said to be more.
    quorns = _adults(world, world.home, [(f"Zed{n}", "Quorn") for n in range(3)])
    html = client.post(
        CREATE, _post(world, find="1", find_person="quorn", people=[edith.pk])
    ).content.decode()
    assert re.search(rf'value="{edith.pk}"[^>]*checked', html)
    assert sorted(
        AuditEntry.objects.filter(view="person_search").latest("pk").additional_data["shown"]
    ) == sorted(_boxes(html))

    # A save that fails (here: nothing but a search typed) lists what was found, and logs it too.
    searches = AuditEntry.objects.filter(view="person_search").count()
    html = client.post(CREATE, {"find_person": "quorn", "people": [edith.pk]}).content.decode()
    assert "There is a problem" in html
    assert AuditEntry.objects.filter(view="person_search").count() == searches + 1
    assert len(_boxes(html) - {edith.pk}) == person_choices.MATCHES
    assert len((_boxes(html) - {edith.pk}) & {q.pk for q in quorns}) >= 1
    assert "Type more of the name" in html


def test_any_adult_the_user_may_see_can_be_chosen_and_no_other(world, few):
    _ada, alan, *_ = _adults(world, world.home, NAMES)
    elsewhere = _adults(world, world.dom, [("Dora", "Domiciliary")])[0]
    client = world.client("manager")
    # Alan was never listed on the page; he is still a valid choice.
    response = client.post(CREATE, _post(world, people=[alan.pk]))
    assert response.status_code == 302
    assert list(Incident.objects.latest("pk").people.all()) == [alan]
    # An adult of a service the manager does not work in is refused, as before.
    response = client.post(CREATE, _post(world, people=[elsewhere.pk]))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_the_page_reads_the_same_whatever_the_number_of_adults(world, few):
    _adults(world, world.home, NAMES)
    client = world.client("manager")
    client.get(CREATE)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            client.post(CREATE, _post(world, find="1", find_person="a"))
        return len(ctx.captured_queries)

    few_adults = queries()
    _adults(world, world.home, [(f"Anna{n}", f"Adams{n}") for n in range(30)])
    assert queries() == few_adults


def test_the_audit_trail_finds_an_adult_by_name(world, few):
    ada, alan, grace, edith = _adults(world, world.home, NAMES)
    client = world.client("lead")
    html = client.get(AUDIT).content.decode()
    assert _options(html) == set()
    assert 'name="person_name"' in html
    html = client.get(AUDIT, {"person_name": "Turing"}).content.decode()
    mine = {p.pk for p in (ada, alan, grace, edith)}
    assert _options(html) & mine == {alan.pk}
    # The adult chosen stays listed, with the search changed; no name is logged.
    html = client.get(AUDIT, {"person_name": "Hopper", "person": edith.pk}).content.decode()
    assert _options(html) & mine == {grace.pk, edith.pk}
    assert re.search(rf'<option value="{edith.pk}" selected', html)
    searched = AuditEntry.objects.filter(view="audit_search").latest("pk")
    assert "Hopper" not in str(searched.additional_data)
    assert searched.additional_data.get("person") == edith.pk


def test_the_audit_trail_lists_every_adult_while_there_are_few(world):
    ada, *_ = _adults(world, world.home, NAMES)
    html = world.client("lead").get(AUDIT).content.decode()
    assert ada.pk in _options(html)
    assert 'name="person_name"' not in html


def test_every_word_typed_must_match_a_name_and_namesakes_are_told_apart(world, few):
    from datetime import date

    ada, *_ = _adults(world, world.home, NAMES)
    namesake = PersonFactory(
        organisation=world.org,
        service=world.home,
        given_name="Ada",
        family_name="Lovelace",
        date_of_birth=date(1815, 12, 10),
    )
    others = _adults(world, world.home, [("Ada", "Byron"), ("Love", "Day")])
    html = (
        world.client("manager")
        .post(CREATE, _post(world, find="1", find_person="ada LOVE"))
        .content.decode()
    )
    mine = {p.pk for p in (ada, namesake, *others)}
    assert _boxes(html) & mine == {ada.pk, namesake.pk}
    assert "Ada Lovelace (born 10 Dec 1815)" in html


@pytest.mark.parametrize("forged", ["²", "9" * 5000, "-1", "1e3", "\x00", ""])
def test_a_forged_choice_is_refused_not_a_server_error(world, few, forged):
    _adults(world, world.home, NAMES)
    client = world.client("manager")
    assert client.post(CREATE, _post(world, find="1", people=[forged])).status_code == 200
    assert client.post(CREATE, _post(world, people=[forged])).status_code == 200
    lead = world.client("lead")
    assert lead.get(AUDIT, {"person": forged, "person_name": "a"}).status_code == 200
