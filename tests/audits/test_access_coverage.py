"""Every page that shows record content writes an audit access entry.

The permission matrix already lists every URL of the project; this walks each of
its GET cases as a user who may open it and, when the page answers 200, asserts
that the request wrote an ACCESS (or, for downloads, EXPORT) entry attributed to
that user. A page that shows no record content at all must be named in
``NO_RECORD_CONTENT`` with the reason, so leaving a new record page unlogged
fails here rather than in front of an investigator (issue 17, finding 4).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from audits.models import AuditEntry
from audits.redaction import fingerprint
from tests.matrix import OK, Case
from tests.test_permission_matrix import CASES, url_names

A = AuditEntry.Action

# Pages that answer 200 but show nothing of any record: no incident, person,
# decision, allegation, entry, export or audit entry, not even a reference.
NO_RECORD_CONTENT: dict[str, str] = {
    "password_change": "the user's own password form",
    "password_change_done": "a confirmation message",
    "organisations:members": "users and services (admins see no safeguarding content)",
    "organisations:member_create": "an empty user form",
    "organisations:member_edit": "one user's role and services",
    "organisations:service_create": "an empty service form",
    "organisations:role_requests": (
        "names, roles and reasons of account changes (account administration; each "
        "request and decision is itself audited)"
    ),
    "mfa:manage": "the user's own two-step verification settings",
    "mfa:enrol": "the user's own authenticator enrolment",
    "mfa:verify": "the second sign-in step",
    "mfa:reauth": "the re-authentication prompt",
    "incidents:create": "an empty incident form (its choices are the user's services and people)",
    "allegations:staff": "the staff register: names and job titles, no allegation content",
    "allegations:staff_create": "an empty staff-member form",
    "chronology:verify": "an empty upload form; a verified file is logged on POST",
    "audits:quality_create": "an empty audit form",
    "audits:charts": "monthly counts only, no record",
    "notifications:rules": (
        "the notification rules and the organisation's settings of them (each change is "
        "itself audited); no incident or allegation"
    ),
    "incidents:pattern_settings": "the organisation's alert threshold and who changed it",
}

# Who opens a case: the first role in this order that may.
ROLE_ORDER = ("lead", "manager", "hr", "auditor", "manager_dom", "outsider", "admin")


def _opener(case: Case) -> str | None:
    return next((role for role in ROLE_ORDER if case.expect.get(role) == OK), None)


# GET cases somebody may open (a case that is a 404 for everyone shows nothing).
GET_CASES = [case for case in CASES if case.method == "get" and _opener(case)]


def test_the_allow_list_names_real_pages() -> None:
    stale = set(NO_RECORD_CONTENT) - url_names()
    assert not stale, f"NO_RECORD_CONTENT names URLs that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("case", GET_CASES, ids=[c.id for c in GET_CASES])
def test_a_page_showing_records_writes_an_access_entry(world: Any, case: Case) -> None:
    role = _opener(case)
    assert role is not None
    user = world.users[role]
    url = reverse(case.url_name, kwargs=case.kwargs(world))
    client = world.client(role)
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client.get(url)
    if response.status_code != 200:
        assert response.status_code == 302, (url, response.status_code)
        pytest.skip(f"{url} redirects ({response['Location']}): it shows nothing itself")
    written = AuditEntry.objects.filter(id__gt=before, actor=user, action__in=(A.ACCESS, A.EXPORT))
    if case.url_name in NO_RECORD_CONTENT:
        return
    assert written.exists(), f"{case.id} ({url}) showed a page as {role} and logged no access"


def _last_entry(view: str) -> AuditEntry:
    return AuditEntry.objects.filter(view=view).latest("id")


def test_a_search_logs_the_ids_it_showed_and_only_a_fingerprint_of_the_terms(world: Any) -> None:
    incident = world.objects["incident"]
    person = incident.people.get()
    client = world.client("lead")
    response = client.get(reverse("incidents:list"), {"q": person.family_name})
    assert response.status_code == 200
    entry = _last_entry("incident_search")
    assert entry.action == A.ACCESS and entry.actor == world.users["lead"]
    shown = entry.additional_data["shown"]
    assert incident.pk in shown
    assert shown == [i.pk for i in response.context["page"].object_list]
    assert entry.additional_data["count"] == len(shown)
    assert entry.additional_data["page"] == 1
    # The search term may be a person's name: only its fingerprint is kept.
    assert person.family_name not in str(entry.additional_data)
    assert entry.additional_data["query"] == fingerprint(f"q={person.family_name}")
    assert person.family_name not in entry.object_repr


def test_the_people_search_logs_each_page_it_shows(world: Any) -> None:
    person = world.objects["incident"].people.get()
    client = world.client("manager")
    client.get(reverse("incidents:person_list"), {"q": person.given_name})
    entry = _last_entry("person_search")
    assert entry.additional_data["shown"] == [person.pk]
    assert person.given_name not in str(entry.additional_data)


def test_the_audit_trail_says_what_a_list_showed(world: Any) -> None:
    incident = world.objects["incident"]
    world.client("manager").get(reverse("incidents:list"))
    response = world.client("lead").get(reverse("audits:search"))
    assert response.status_code == 200
    entry = _last_entry("incident_list")
    assert f"#{incident.pk}" in " ".join(entry.listed_summary())
    assert "Incidents (page 1) shown:" in response.content.decode()
