"""HR cannot read safeguarding content and a lead cannot read HR content, at any
URL; each sees the other record's existence, owner and status. The subject of an
allegation never sees it, whatever their role."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from allegations import access as allegation_access
from allegations import services as allegation_services
from incidents import access as incident_access
from tests.allegations import factories as f
from tests.incidents import evidence, people
from tests.test_permission_matrix import url_names

SG_MARK, HR_MARK = "SGSECRET", "HRSECRET"


def _safeguarding_file(w: Any) -> Any:
    if "sg_file" not in w.objects:
        w.objects["sg_file"] = allegation_services.add_safeguarding_evidence(
            actor=w.users["lead"],
            allegation=w.objects["allegation"],
            upload=evidence.upload(evidence.png(), "note.png", "image/png"),
        )
    return w.objects["sg_file"]


def _kwargs_for(name: str, w: Any) -> list[dict[str, Any]]:
    """Every way to fill a URL's arguments from the allegation world."""
    a = w.objects["allegation"]
    incident = a.incident
    if name.startswith("incidents:"):
        if name in ("incidents:entry_amend",):
            return []
        if name in ("incidents:need_to_know_revoke",):
            return []
        if name in ("incidents:person_detail",):
            return [{"pk": incident.people.first().pk}]
        if name in ("incidents:evidence_upload", "incidents:body_map"):
            return [{"pk": incident.pk, "entry_pk": evidence.entry(w).pk}]
        if name == "incidents:evidence_download":
            return [{"pk": incident.pk, "evidence_pk": evidence.photo(w).pk}]
        if name == "incidents:linked_person_detail":
            return [{"pk": people.source_of_harm(w).person_id}]
        if name in (
            "incidents:list",
            "incidents:create",
            "incidents:person_list",
            "incidents:pattern_alerts",
            "incidents:pattern_settings",
        ):
            return [{}]
        if name == "incidents:pattern_review":
            return [{"kind": "adult", "key": incident.people.first().pk}]
        return [{"pk": incident.pk}]
    if name in ("allegations:for_incident", "allegations:create"):
        return [{"pk": incident.pk}]
    if name == "allegations:safeguarding_evidence_download":
        return [{"pk": a.pk, "evidence_pk": _safeguarding_file(w).pk}]
    if name == "allegations:source_staff":
        return [{"pk": incident.pk, "link_pk": people.staff_source(w).pk}]
    if name.endswith("_entry_amend"):
        side = name.split(":")[1].split("_")[0]
        key = "sg_entry" if side == "safeguarding" else "hr_entry"
        return [{"pk": a.pk, "item_pk": w.objects[key].pk}]
    if name.endswith("_decision_amend"):
        side = name.split(":")[1].split("_")[0]
        key = "sg_decision" if side == "safeguarding" else "hr_decision"
        return [{"pk": a.pk, "item_pk": w.objects[key].pk}]
    if name in (
        "allegations:list",
        "allegations:retention",
        "allegations:staff",
        "allegations:staff_create",
    ):
        return [{}]
    return [{"pk": a.pk}]


def _pages(w: Any) -> list[str]:
    urls = []
    for name in sorted(url_names()):
        if not name.startswith(("allegations:", "incidents:")):
            continue
        for kwargs in _kwargs_for(name, w):
            urls.append(reverse(name, kwargs=kwargs))
    urls.append(reverse("allegations:retention") + "?show=all")
    urls.append(reverse("allegations:list") + "?q=Sam")
    return urls


@pytest.mark.parametrize(
    ("role", "forbidden"),
    [("hr", SG_MARK), ("lead", HR_MARK), ("manager", HR_MARK)],
)
def test_no_url_shows_the_other_sides_content(aworld: Any, role: str, forbidden: str) -> None:
    client = aworld.client(role)
    opened = 0
    for url in _pages(aworld):
        response = client.get(url)
        if response.status_code == 200:
            opened += 1
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert forbidden.encode() not in body, f"{role} saw {forbidden} at {url}"
    assert opened >= 5  # the test really read pages


def test_own_side_content_is_shown(aworld: Any) -> None:
    a = aworld.objects["allegation"]
    sg = aworld.client("lead").get(reverse("allegations:safeguarding", kwargs={"pk": a.pk}))
    hr = aworld.client("hr").get(reverse("allegations:hr", kwargs={"pk": a.pk}))
    assert f.SG_SECRET in sg.content.decode()
    assert "SGSECRET dissent" in sg.content.decode()
    assert f.HR_SECRET in hr.content.decode()
    assert "Suspension" in hr.content.decode()


@pytest.mark.parametrize("role", ["hr", "lead"])
def test_each_side_sees_the_others_existence_owner_and_status(aworld: Any, role: str) -> None:
    from allegations import services

    a = aworld.objects["allegation"]
    services.update_side(
        actor=aworld.users["hr"],
        allegation=a,
        side_name="hr",
        owner=aworld.users["hr"],
        status="active",
        expected_version=1,
    )
    html = aworld.client(role).get(reverse("allegations:detail", kwargs={"pk": a.pk}))
    text = html.content.decode()
    assert "Safeguarding record" in text and "HR record" in text
    lead_name = aworld.users["lead"].get_full_name()
    hr_name = aworld.users["hr"].get_full_name()
    assert lead_name in text and hr_name in text
    assert "In progress" in text  # the HR side's status
    own = "safeguarding" if role == "lead" else "hr"
    other = "hr" if role == "lead" else "safeguarding"
    assert reverse(f"allegations:{own}", kwargs={"pk": a.pk}) in text
    assert reverse(f"allegations:{other}", kwargs={"pk": a.pk}) not in text


def test_hr_does_not_see_the_incident(aworld: Any) -> None:
    a = aworld.objects["allegation"]
    assert not incident_access.visible_incidents(aworld.users["hr"]).exists()
    text = aworld.client("hr").get(reverse("allegations:detail", kwargs={"pk": a.pk}))
    assert reverse("incidents:detail", kwargs={"pk": a.incident_id}) not in text.content.decode()


@pytest.mark.parametrize("role", ["lead", "hr", "manager"])
def test_the_subject_never_sees_it(world: Any, role: str) -> None:
    a = f.about(world, role)
    user = world.users[role]
    client = world.client(role)
    assert not allegation_access.visible_allegations(user).filter(pk=a.pk).exists()
    assert not incident_access.visible_incidents(user).filter(pk=a.incident_id).exists()
    assert client.get(reverse("allegations:detail", kwargs={"pk": a.pk})).status_code == 404
    for name in ("safeguarding", "hr"):
        assert client.get(reverse(f"allegations:{name}", kwargs={"pk": a.pk})).status_code == 404
    listing = client.get(reverse("allegations:list")).content.decode()
    assert a.reference not in listing and f"Subject {role}" not in listing
    if role != "hr":
        incident_url = reverse("incidents:detail", kwargs={"pk": a.incident_id})
        assert client.get(incident_url).status_code == 404
        assert a.incident.reference not in client.get(reverse("incidents:list")).content.decode()
        person = a.incident.people.first()
        page = client.get(reverse("incidents:person_detail", kwargs={"pk": person.pk}))
        assert a.incident.reference not in page.content.decode()
    # Others still see it: the exclusion is about the subject only.
    assert (
        allegation_access.visible_allegations(world.users["lead" if role != "lead" else "hr"])
        .filter(pk=a.pk)
        .exists()
    )


def test_subject_exclusion_leaves_other_incidents_alone(world: Any) -> None:
    f.about(world, "manager")
    manager = world.users["manager"]
    assert (
        incident_access.visible_incidents(manager).filter(pk=world.objects["incident"].pk).exists()
    )


def test_managers_need_the_need_to_know_list(aworld: Any) -> None:
    a = aworld.objects["allegation"]
    assert allegation_access.visible_allegations(aworld.users["manager"]).filter(pk=a.pk).exists()
    assert not allegation_access.visible_allegations(aworld.users["manager_dom"]).exists()
    from incidents import services as incident_services
    from incidents.models import NeedToKnowGrant

    grant = NeedToKnowGrant.objects.get(incident=a.incident, user=aworld.users["manager"])
    incident = a.incident
    incident_services.revoke_need_to_know(
        actor=aworld.users["lead"],
        grant=grant,
        reason="No longer involved",
        expected_version=incident.version,
    )
    assert not allegation_access.visible_allegations(aworld.users["manager"]).exists()


@pytest.mark.parametrize("role", ["auditor", "admin", "outsider"])
def test_auditor_admin_and_other_organisations_see_nothing(aworld: Any, role: str) -> None:
    a = aworld.objects["allegation"]
    assert not allegation_access.visible_allegations(aworld.users[role]).exists()
    assert (
        aworld.client(role).get(reverse("allegations:detail", kwargs={"pk": a.pk})).status_code
        == 404
    )
