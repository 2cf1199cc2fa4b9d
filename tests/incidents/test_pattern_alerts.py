"""Pattern alerts for leads (issue 22, item 5): configurable thresholds, the
three kinds, reviews, the incident rule (subjects of allegations), "My work",
the home count and the alert list's query count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits.models import AuditEntry
from incidents import alerts, services
from incidents.models import IncidentExclusion, PatternAlertReview, PatternSettings
from organisations import work
from tests.factories import PersonFactory, make_incident
from tests.incidents.patterns import repeated_concerns

LIST = reverse("incidents:pattern_alerts")


def _keys(user, kind="adult"):
    return [row["key"] for row in alerts.open_alerts(user, kind)]


def test_an_adult_reaching_the_threshold_makes_an_alert(world):
    person = repeated_concerns(world, 2)
    assert _keys(world.users["lead"]) == []
    repeated_concerns(world, 3)
    assert _keys(world.users["lead"]) == [person.pk]
    body = world.client("lead").get(LIST).content.decode()
    assert person.full_name in body
    assert world.objects["incident"].reference in body
    assert world.objects["incident"].what_happened not in body  # no narrative
    entry = AuditEntry.objects.filter(view="pattern_alerts").latest("id")
    assert set(entry.additional_data["shown"]) == {
        world.objects["incident"].pk,
        *(i.pk for i in world.objects["repeat_incidents"]),
    }


def test_the_threshold_and_period_are_the_organisations_setting(world):
    person = repeated_concerns(world, 2)
    lead = world.users["lead"]
    client = world.client("lead")
    response = client.post(
        reverse("incidents:pattern_settings"), {"threshold": "2", "window_days": "30"}
    )
    assert response.status_code == 302
    assert _keys(lead) == [person.pk]
    # Concerns older than the period do not count.
    alerts.change_settings(actor=lead, threshold=2, window_days=1)
    old = make_incident(
        world.users["manager"],
        world.home,
        person=PersonFactory(organisation=world.org, service=world.home),
        became_aware_at=timezone.now() - timedelta(days=5),
        occurred_at=None,
    )
    make_incident(world.users["manager"], world.home, person=old.people.get())
    assert _keys(lead) == [person.pk]
    # Every change is kept and shown.
    assert list(PatternSettings.objects.values_list("threshold", "window_days")) == [
        (2, 1),
        (2, 30),
    ]
    page = client.get(reverse("incidents:pattern_settings")).content.decode()
    assert "2 concerns within 1 days" in page
    # ...and audited.
    assert AuditEntry.objects.filter(content_type__model="patternsettings").count() == 2


def test_settings_refuse_bad_values_and_other_roles(world):
    response = world.client("lead").post(
        reverse("incidents:pattern_settings"), {"threshold": "1", "window_days": "0"}
    )
    assert response.status_code == 200
    assert 'href="#id_threshold"' in response.content.decode()
    assert not PatternSettings.objects.exists()
    with pytest.raises(PermissionDenied):
        alerts.change_settings(actor=world.users["manager"], threshold=2, window_days=10)


def _source_on(world, person_link, adult):
    incident = make_incident(world.users["manager"], world.home, person=adult)
    return services.link_person(
        actor=world.users["manager"],
        incident=incident,
        role="source_of_harm",
        person=person_link.person,
        source_of_risk="known",
    )


def test_the_same_source_of_harm_on_two_adults_makes_an_alert(world):
    from tests.incidents.people import source_of_harm

    link = source_of_harm(world)  # on the home incident's adult
    lead = world.users["lead"]
    assert _keys(lead, "source") == []
    # Named again about the same adult: still one adult.
    _source_on(world, link, world.objects["incident"].people.get())
    assert _keys(lead, "source") == []
    _source_on(world, link, PersonFactory(organisation=world.org, service=world.home))
    assert _keys(lead, "source") == [link.person_id]
    assert "Gary Hartley" in world.client("lead").get(LIST).content.decode()


def test_the_same_member_of_staff_on_two_adults_makes_an_alert(world):
    staff = world.users["hr"]  # a login standing for the member of staff
    lead = world.users["lead"]
    other = make_incident(world.users["manager"], world.home)
    for incident in (world.objects["incident"], other):
        IncidentExclusion.objects.create(
            organisation=world.org,
            incident=incident,
            user=staff,
            source="source_of_harm",
            reason="Named as source of harm",
        )
    assert _keys(lead, "staff") == [staff.pk]


def test_a_reviewed_alert_leaves_the_list_until_a_new_incident(world):
    person = repeated_concerns(world)
    client = world.client("lead")
    url = reverse("incidents:pattern_review", args=["adult", person.pk])
    page = client.get(url)
    assert page.status_code == 200
    refused = client.post(url, {"note": " "})
    assert refused.status_code == 200 and 'href="#id_note"' in refused.content.decode()
    assert (
        client.post(url, {"note": "Read together; strategy meeting asked for."}).status_code == 302
    )
    review = PatternAlertReview.objects.get()
    assert (review.reviewed_by, review.person) == (world.users["lead"], person)
    assert review.incidents.count() == 3
    assert AuditEntry.objects.filter(content_type__model="patternalertreview").count() == 1
    assert _keys(world.users["lead"]) == []
    assert "strategy meeting" in client.get(url).content.decode()
    make_incident(world.users["manager"], world.home, person=person)
    assert _keys(world.users["lead"]) == [person.pk]


def test_alerts_follow_the_incident_rule_for_a_lead_who_is_a_subject(world):
    person = repeated_concerns(world)
    subject = world.user("subject_lead")
    IncidentExclusion.objects.create(
        organisation=world.org,
        incident=world.objects["incident"],
        user=subject,
        source="allegation",
        reason="Subject",
    )
    assert _keys(world.users["lead"]) == [person.pk]
    assert _keys(subject) == []  # two of three: under the threshold
    client = world.client("subject_lead")
    assert world.objects["incident"].reference not in client.get(LIST).content.decode()
    assert (
        client.get(reverse("incidents:pattern_review", args=["adult", person.pk])).status_code
        == 404
    )
    # A review built from the incident they may not open is not shown to them.
    alerts.review_alert(actor=world.users["lead"], kind="adult", key=person.pk, note="Seen")
    assert not alerts.visible_reviews(subject).exists()
    assert alerts.visible_reviews(world.users["lead"]).count() == 1


def test_only_leads_see_alerts(world):
    repeated_concerns(world)
    for role in ("manager", "auditor", "hr", "admin"):
        assert _keys(world.users[role]) == []
        assert world.client(role).get(LIST).status_code == 404


def test_my_work_and_the_home_count_list_unreviewed_alerts(world):
    person = repeated_concerns(world)
    now = timezone.now()
    window = work.Window(now=now, horizon=now + timedelta(days=14))
    lists = {w.key: w for w in work.gather(world.users["lead"], window)}
    patterns = lists["patterns"]
    assert patterns.due_count == 1
    assert patterns.due[0].url == reverse("incidents:pattern_review", args=["adult", person.pk])
    assert patterns.due[0].key == f"pattern:adult:{person.pk}"
    manager_lists = {w.key: w for w in work.gather(world.users["manager"], window)}
    assert "patterns" not in manager_lists  # a lead's list only
    home = world.client("lead").get(reverse("home")).content.decode()
    assert "pattern alert" in home and LIST in home
    # The home page's counts ask for no items (limit 0): one alert is still
    # counted exactly, not "1+" (the cap is the registry's, not the list length).
    counts = work.gather(world.users["lead"], work.Window(now=now, horizon=now, limit=0))
    patterns = {w.key: w for w in counts}["patterns"]
    assert (patterns.due_count, patterns.more, patterns.due) == (1, False, ())


def _more_alerts(world, n):
    for _ in range(n):
        adult = PersonFactory(organisation=world.org, service=world.home)
        for _ in range(3):
            make_incident(world.users["manager"], world.home, person=adult)


def _queries(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(LIST).status_code == 200
    return len(ctx.captured_queries)


def test_the_alert_list_takes_the_same_queries_whatever_the_data_size(world):
    from tests.incidents.people import source_of_harm

    client = world.client("lead")
    client.get(reverse("home"))  # the session's first request does more
    repeated_concerns(world)
    link = source_of_harm(world)
    _source_on(world, link, PersonFactory(organisation=world.org, service=world.home))
    small = _queries(client)
    _more_alerts(world, 6)
    _source_on(world, link, PersonFactory(organisation=world.org, service=world.home))
    assert len(alerts.open_alerts(world.users["lead"], "adult")) == 7
    assert _queries(client) == small
