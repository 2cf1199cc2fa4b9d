from tests.matrix import (
    HIDDEN,
    NOT_FOUND,
    OK,
    SUBJECTS,
    Case,
    links_to,
    roles,
    subject_incident,
    subject_object,
    subject_roles,
    with_subject_case,
)

READERS = roles(NOT_FOUND, manager=OK, lead=OK, auditor=OK, manager_dom=OK, outsider=OK)
WRITERS = roles(NOT_FOUND, manager=OK, lead=OK, manager_dom=OK, outsider=OK)


def incident(w):
    return {"pk": w.objects["incident"].pk}


def restricted(w):
    return {"pk": w.objects["restricted"].pk}


def other(w):
    return {"pk": w.objects["other_incident"].pk}


def entry(w):
    from incidents import services

    inc = w.objects["incident"]
    e = services.add_entry(
        actor=w.users["manager"],
        incident=inc,
        kind="observation",
        facts="Seen at 09:00.",
        occurred_at=inc.became_aware_at,
    )
    return {"pk": inc.pk, "entry_pk": e.pk}


def grant(w):
    from incidents import services

    inc = w.objects["restricted"]
    g = services.grant_need_to_know(
        actor=w.users["lead"],
        incident=inc,
        user=w.users["auditor"],
        reason="Audit sample",
        expected_version=inc.version,
    )
    return {"pk": inc.pk, "grant_pk": g.pk}


def person(w):
    return {"pk": w.objects["incident"].people.first().pk}


def version(key):
    return lambda w: {"version": w.objects[key].version}


CASES = [
    Case("incidents:list", expect=READERS),
    Case("incidents:create", expect=WRITERS),
    Case("incidents:person_list", expect=READERS),
    Case("incidents:person_detail", person, roles(NOT_FOUND, manager=OK, lead=OK, auditor=OK)),
    # An incident of the "home" service: its managers, leads, auditors.
    Case("incidents:detail", incident, roles(NOT_FOUND, manager=OK, lead=OK, auditor=OK)),
    Case("incidents:entry_create", incident, roles(NOT_FOUND, manager=OK, lead=OK)),
    Case("incidents:entry_amend", entry, roles(NOT_FOUND, manager=OK, lead=OK)),
    Case(
        "incidents:status_change",
        incident,
        roles(NOT_FOUND, manager=OK, lead=OK),
        method="post",
        data=version("incident"),
    ),
    Case("incidents:need_to_know", incident, roles(NOT_FOUND, lead=OK)),
    Case(
        "incidents:restrict",
        incident,
        roles(NOT_FOUND, lead=OK),
        method="post",
        data=version("incident"),
    ),
    Case(
        "incidents:need_to_know_revoke",
        grant,
        roles(NOT_FOUND, lead=OK),
        method="post",
        data=lambda w: {"version": w.objects["restricted"].version + 1, "revoke_reason": "Done"},
    ),
    # A restricted incident: leads only (nobody is on its list).
    Case("incidents:detail", restricted, roles(NOT_FOUND, lead=OK), label="restricted"),
    Case("incidents:entry_create", restricted, roles(NOT_FOUND, lead=OK), label="restricted"),
    # Another organisation's incident: invisible to everyone here (the outsider
    # is that organisation's lead).
    Case("incidents:detail", other, roles(NOT_FOUND, outsider=OK), label="other organisation"),
    Case(
        "incidents:entry_create", other, roles(NOT_FOUND, outsider=OK), label="other organisation"
    ),
    Case(
        "incidents:need_to_know", other, roles(NOT_FOUND, outsider=OK), label="other organisation"
    ),
]

# Issue 17: world's incident once each subject_* user is the subject of an
# allegation on it (tests.allegations.factories.subject_case).
SUBJECT_INCIDENT = subject_object("subject_case")
CASES += [
    Case(
        "incidents:detail",
        subject_incident,
        subject_roles(NOT_FOUND, manager=OK, lead=OK, auditor=OK),
        label=SUBJECTS,
    ),
    Case(
        "incidents:list",
        with_subject_case,
        subject_roles(
            NOT_FOUND,
            listing=True,
            manager=OK,
            manager_dom=HIDDEN,
            lead=OK,
            auditor=OK,
            outsider=HIDDEN,
        ),
        shows=links_to("incidents:detail", SUBJECT_INCIDENT),
        label=SUBJECTS,
    ),
    Case(
        "incidents:entry_create",
        subject_incident,
        subject_roles(NOT_FOUND, manager=OK, lead=OK),
        label=SUBJECTS,
    ),
    Case(
        "incidents:need_to_know",
        subject_incident,
        subject_roles(NOT_FOUND, lead=OK),
        label=SUBJECTS,
    ),
]

# Issue 21: people around an incident.


def linked_person(w):
    from tests.incidents.people import source_of_harm

    return {"pk": source_of_harm(w).person_id}


def other_linked_person(w):
    from incidents import services

    if "other_link" not in w.objects:
        w.objects["other_link"] = services.link_person(
            actor=w.users["outsider"],
            incident=w.objects["other_incident"],
            role="witness",
            given_name="Ann",
            family_name="Other",
        )
    return {"pk": w.objects["other_link"].person_id}


def subject_linked_person(w):
    from tests.allegations.factories import subject_case

    subject_case(w)
    return linked_person(w)


def new_link(w):
    return {"given_name": "Grace", "family_name": "Lin", "role": "witness"}


CASES += [
    Case("incidents:person_links", incident, roles(NOT_FOUND, manager=OK, lead=OK, auditor=OK)),
    Case("incidents:person_link_create", incident, roles(NOT_FOUND, manager=OK, lead=OK)),
    Case(
        "incidents:person_link_create",
        incident,
        roles(NOT_FOUND, manager=OK, lead=OK),
        method="post",
        data=new_link,
    ),
    Case(
        "incidents:linked_person_detail",
        linked_person,
        roles(NOT_FOUND, manager=OK, lead=OK, auditor=OK),
    ),
    Case("incidents:person_links", restricted, roles(NOT_FOUND, lead=OK), label="restricted"),
    Case("incidents:person_link_create", restricted, roles(NOT_FOUND, lead=OK), label="restricted"),
    Case(
        "incidents:person_links", other, roles(NOT_FOUND, outsider=OK), label="other organisation"
    ),
    Case(
        "incidents:person_link_create",
        other,
        roles(NOT_FOUND, outsider=OK),
        label="other organisation",
    ),
    Case(
        "incidents:linked_person_detail",
        other_linked_person,
        roles(NOT_FOUND, outsider=OK),
        label="other organisation",
    ),
    Case(
        "incidents:person_links",
        subject_incident,
        subject_roles(NOT_FOUND, manager=OK, lead=OK, auditor=OK),
        label=SUBJECTS,
    ),
    Case(
        "incidents:person_link_create",
        subject_incident,
        subject_roles(NOT_FOUND, manager=OK, lead=OK),
        label=SUBJECTS,
    ),
    Case(
        "incidents:linked_person_detail",
        subject_linked_person,
        subject_roles(NOT_FOUND, manager=OK, lead=OK, auditor=OK),
        label=SUBJECTS,
    ),
]

# Issue 21: evidence files on chronology entries.


def evidence_entry(w):
    from tests.incidents import evidence

    e = evidence.entry(w)
    return {"pk": e.incident_id, "entry_pk": e.pk}


def evidence_file(w):
    from tests.incidents import evidence

    f = evidence.photo(w)
    return {"pk": f.incident_id, "evidence_pk": f.pk}


def subject_evidence_file(w):
    from tests.allegations.factories import subject_case

    subject_case(w)
    return evidence_file(w)


def other_evidence_file(w):
    from incidents import services
    from tests.incidents import evidence

    inc = w.objects["other_incident"]
    e = services.add_entry(
        actor=w.users["outsider"],
        incident=inc,
        kind="observation",
        facts="Seen.",
        occurred_at=inc.became_aware_at,
    )
    f = services.add_evidence(
        actor=w.users["outsider"], entry=e, upload=evidence.upload(evidence.png(), "a.png")
    )
    return {"pk": inc.pk, "evidence_pk": f.pk}


CASES += [
    Case("incidents:evidence_upload", evidence_entry, roles(NOT_FOUND, manager=OK, lead=OK)),
    Case(
        "incidents:evidence_download",
        evidence_file,
        roles(NOT_FOUND, manager=OK, lead=OK, auditor=OK),
    ),
    Case(
        "incidents:evidence_download",
        other_evidence_file,
        roles(NOT_FOUND, outsider=OK),
        label="other organisation",
    ),
    Case(
        "incidents:evidence_download",
        subject_evidence_file,
        subject_roles(NOT_FOUND, manager=OK, lead=OK, auditor=OK),
        label=SUBJECTS,
    ),
]

# Issue 21: body maps on chronology entries.


def body_map_entry(w):
    from tests.incidents import bodymaps

    m = bodymaps.mark(w)
    return {"pk": m.incident_id, "entry_pk": m.entry_id}


def subject_body_map_entry(w):
    from tests.allegations.factories import subject_case

    subject_case(w)
    return body_map_entry(w)


def other_body_map_entry(w):
    from incidents import services

    inc = w.objects["other_incident"]
    e = services.add_entry(
        actor=w.users["outsider"],
        incident=inc,
        kind="observation",
        facts="Seen.",
        occurred_at=inc.became_aware_at,
    )
    return {"pk": inc.pk, "entry_pk": e.pk}


def _mark_data(w):
    from tests.incidents import bodymaps

    return bodymaps.post_data()


def _shows_mark(w, response):
    return "Purple bruise, finger-shaped" in response.content.decode()


CASES += [
    Case(
        "incidents:body_map",
        body_map_entry,
        roles(NOT_FOUND, manager=OK, lead=OK, auditor=OK),
        shows=_shows_mark,
    ),
    Case(
        "incidents:body_map",
        body_map_entry,
        roles(NOT_FOUND, manager=OK, lead=OK),
        method="post",
        data=_mark_data,
        label="add a mark",
    ),
    Case(
        "incidents:body_map",
        other_body_map_entry,
        roles(NOT_FOUND, outsider=OK),
        label="other organisation",
    ),
    Case(
        "incidents:body_map",
        other_body_map_entry,
        roles(NOT_FOUND, outsider=OK),
        method="post",
        data=_mark_data,
        label="other organisation, add a mark",
    ),
    Case(
        "incidents:body_map",
        subject_body_map_entry,
        subject_roles(NOT_FOUND, manager=OK, lead=OK, auditor=OK),
        label=SUBJECTS,
    ),
]

# Issue 22, item 5: pattern alerts (leads only, each in their own organisation;
# the outsider is a lead of another one). An alert on world's home adult is a
# 404 wherever it does not fire: another organisation, or a lead who is the
# subject of an allegation on one of its three incidents (two left: under
# the threshold).


def _adult_alert(w):
    from tests.incidents.patterns import adult_alert

    return adult_alert(w)


def _subject_adult_alert(w):
    from tests.incidents.patterns import subject_adult_alert

    return subject_adult_alert(w)


LEADS = roles(NOT_FOUND, lead=OK, outsider=OK)

CASES += [
    Case("incidents:pattern_alerts", expect=LEADS),
    Case("incidents:pattern_settings", expect=LEADS),
    Case(
        "incidents:pattern_settings",
        expect=LEADS,
        method="post",
        data=lambda w: {"threshold": "4", "window_days": "60"},
    ),
    Case("incidents:pattern_review", _adult_alert, roles(NOT_FOUND, lead=OK)),
    Case(
        "incidents:pattern_review",
        _adult_alert,
        roles(NOT_FOUND, lead=OK),
        method="post",
        data=lambda w: {"note": "Read together."},
    ),
    Case(
        "incidents:pattern_review",
        _subject_adult_alert,
        subject_roles(NOT_FOUND, lead=OK),
        label=SUBJECTS,
    ),
    Case(
        "incidents:pattern_alerts",
        lambda w: (_subject_adult_alert(w), {})[1],
        subject_roles(NOT_FOUND, listing=True, lead=OK, outsider=HIDDEN),
        shows=links_to("incidents:detail", SUBJECT_INCIDENT),
        label=SUBJECTS,
    ),
]
