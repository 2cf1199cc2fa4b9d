"""Who may open each allegation page. The base allegation (see factories) sits on
the home incident: the lead recorded it, HR own the HR side, ``manager`` is on the
incident's need-to-know list and ``manager_dom`` is not."""

from tests.allegations import factories as f
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

ALLEGATION_USERS = roles(NOT_FOUND, manager=OK, manager_dom=OK, lead=OK, hr=OK, outsider=OK)
LEAD_HR = roles(NOT_FOUND, lead=OK, hr=OK, outsider=OK)
# The base allegation: existence for all three allegation roles; the sides split.
SEEN = roles(NOT_FOUND, manager=OK, lead=OK, hr=OK)
SAFEGUARDING = roles(NOT_FOUND, manager=OK, lead=OK)
HR = roles(NOT_FOUND, hr=OK)


def allegation(w):
    return {"pk": f.allegation(w).pk}


def incident(w):
    return {"pk": w.objects["incident"].pk}


def item(key):
    def kwargs(w):
        a = f.with_content(w)
        return {"pk": a.pk, "item_pk": w.objects[key].pk}

    return kwargs


def about(role):
    return lambda w: {"pk": f.about(w, role).pk}


def about_incident(role):
    return lambda w: {"pk": f.about(w, role).incident_id}


def side_version(side):
    def data(w):
        a = f.allegation(w)
        record = a.safeguarding_record if side == "safeguarding" else a.hr_record
        return {"version": record.version, "status": "active", "owner": ""}

    return data


def other_allegation(w):
    """An allegation in the outsider's organisation: its lead sees it, nobody here does."""
    from organisations.models import Role
    from tests.factories import member

    if "other_allegation" not in w.objects:
        incident = w.objects["other_incident"]
        lead = member(w.other_org, Role.LEAD, username="other_lead")
        from allegations import services

        staff = services.create_staff_member(actor=lead, name="Elsewhere Staff", job_title="Carer")
        w.objects["other_allegation"] = f.make_allegation(lead, incident, staff)
    return {"pk": w.objects["other_allegation"].pk}


CASES = [
    Case("allegations:list", expect=ALLEGATION_USERS),
    Case("allegations:retention", expect=LEAD_HR),
    Case("allegations:staff", expect=LEAD_HR),
    Case("allegations:staff_create", expect=LEAD_HR),
    # Before any allegation the home incident is unrestricted: its managers and leads.
    Case("allegations:for_incident", incident, roles(NOT_FOUND, manager=OK, lead=OK)),
    Case("allegations:create", incident, roles(NOT_FOUND, manager=OK, lead=OK)),
    Case(
        "allegations:for_incident",
        lambda w: {"pk": f.allegation(w).incident_id},
        roles(NOT_FOUND, manager=OK, lead=OK),
        label="restricted by the allegation",
    ),
    Case("allegations:detail", allegation, SEEN),
    Case("allegations:status", allegation, roles(NOT_FOUND, lead=OK)),
    Case("allegations:referral_create", allegation, SEEN),
    Case("allegations:family", allegation, SAFEGUARDING),
    Case(
        "allegations:retention_review",
        allegation,
        roles(NOT_FOUND, lead=OK, hr=OK),
        method="post",
        data=lambda w: {"decision": "retain", "reason": "x"},
    ),
    # Each side at each of its URLs.
    Case("allegations:safeguarding", allegation, SAFEGUARDING),
    Case("allegations:safeguarding_entry", allegation, SAFEGUARDING),
    Case("allegations:safeguarding_decision", allegation, SAFEGUARDING),
    Case(
        "allegations:safeguarding_update",
        allegation,
        SAFEGUARDING,
        method="post",
        data=side_version("safeguarding"),
    ),
    Case("allegations:safeguarding_entry_amend", item("sg_entry"), SAFEGUARDING),
    Case("allegations:safeguarding_decision_amend", item("sg_decision"), SAFEGUARDING),
    Case("allegations:hr", allegation, HR),
    Case("allegations:hr_entry", allegation, HR),
    Case("allegations:hr_decision", allegation, HR),
    Case("allegations:hr_update", allegation, HR, method="post", data=side_version("hr")),
    Case("allegations:hr_entry_amend", item("hr_entry"), HR),
    Case("allegations:hr_decision_amend", item("hr_decision"), HR),
    # The subject never sees it, whatever their role (and even with a grant).
    Case(
        "allegations:detail",
        about("lead"),
        roles(NOT_FOUND, manager=OK, hr=OK),
        label="subject is the lead",
    ),
    Case(
        "allegations:detail",
        about("hr"),
        roles(NOT_FOUND, manager=OK, lead=OK),
        label="subject is HR",
    ),
    Case("allegations:hr", about("hr"), roles(NOT_FOUND), label="subject is HR"),
    Case(
        "allegations:detail",
        about("manager"),
        roles(NOT_FOUND, lead=OK, hr=OK),
        label="subject is a manager on the need-to-know list",
    ),
    Case(
        "incidents:detail",
        about_incident("manager"),
        roles(NOT_FOUND, lead=OK),
        label="subject manager on the need-to-know list",
    ),
    Case(
        "incidents:detail",
        about_incident("lead"),
        roles(NOT_FOUND, manager=OK),
        label="subject is the lead",
    ),
    # Another organisation's allegation.
    Case(
        "allegations:detail",
        other_allegation,
        roles(NOT_FOUND, outsider=OK),
        label="other organisation",
    ),
    Case("allegations:hr", other_allegation, roles(NOT_FOUND), label="other organisation"),
]

# Issue 17: an allegation about each subject_* user on world's incident
# (f.subject_case); every subject, whatever their role, sees none of them.
SUBJECT_ALLEGATION = subject_object("subject_allegations")
SUBJECT = SUBJECTS


def subject_allegation(w):
    return {"pk": SUBJECT_ALLEGATION(w)}


CASES += [
    Case(
        "allegations:list",
        with_subject_case,
        subject_roles(
            NOT_FOUND, listing=True, manager=OK, manager_dom=HIDDEN, lead=OK, hr=OK, outsider=HIDDEN
        ),
        shows=links_to("allegations:detail", SUBJECT_ALLEGATION),
        label=SUBJECT,
    ),
    Case(
        "allegations:for_incident",
        subject_incident,
        subject_roles(NOT_FOUND, manager=OK, lead=OK),
        label=SUBJECT,
    ),
    Case(
        "allegations:detail",
        subject_allegation,
        subject_roles(NOT_FOUND, manager=OK, lead=OK, hr=OK),
        label=SUBJECT,
    ),
    Case(
        "allegations:safeguarding",
        subject_allegation,
        subject_roles(NOT_FOUND, manager=OK, lead=OK),
        label=SUBJECT,
    ),
    Case("allegations:hr", subject_allegation, subject_roles(NOT_FOUND, hr=OK), label=SUBJECT),
    Case(
        "allegations:family",
        subject_allegation,
        subject_roles(NOT_FOUND, manager=OK, lead=OK),
        label=SUBJECT,
    ),
    Case(
        "allegations:referral_create",
        subject_allegation,
        subject_roles(NOT_FOUND, manager=OK, lead=OK, hr=OK),
        label=SUBJECT,
    ),
]

# Issue 21: tying a staff member named as alleged source of harm to their staff record.


def staff_link(w):
    from tests.incidents.people import staff_source

    return {"pk": w.objects["incident"].pk, "link_pk": staff_source(w).pk}


def restricted_staff_link(w):
    from incidents import services

    if "restricted_staff_link" not in w.objects:
        w.objects["restricted_staff_link"] = services.link_person(
            actor=w.users["lead"],
            incident=w.objects["restricted"],
            role="source_of_harm",
            given_name="Sam",
            family_name="Rivers",
            source_of_risk="service_provider",
            is_staff=True,
        )
    return {"pk": w.objects["restricted"].pk, "link_pk": w.objects["restricted_staff_link"].pk}


def subject_staff_link(w):
    f.subject_case(w)
    return staff_link(w)


CASES += [
    Case("allegations:source_staff", staff_link, roles(NOT_FOUND, manager=OK, lead=OK)),
    Case(
        "allegations:source_staff",
        staff_link,
        roles(NOT_FOUND, manager=OK, lead=OK),
        method="post",
        data=lambda w: {"new_name": "Sam Rivers", "new_job_title": "Care worker"},
    ),
    Case(
        "allegations:source_staff",
        restricted_staff_link,
        roles(NOT_FOUND, lead=OK),
        label="restricted",
    ),
    Case(
        "allegations:source_staff",
        subject_staff_link,
        subject_roles(NOT_FOUND, manager=OK, lead=OK),
        label=SUBJECTS,
    ),
]

# Issue 21: files on the safeguarding record: only those who may read that side.


def _with_file(w, allegation, actor):
    from allegations import services
    from tests.incidents import evidence

    key = f"safeguarding_file_{allegation.pk}"
    if key not in w.objects:
        w.objects[key] = services.add_safeguarding_evidence(
            actor=actor, allegation=allegation, upload=evidence.upload(evidence.png(), "a.png")
        )
    return {"pk": allegation.pk, "evidence_pk": w.objects[key].pk}


def safeguarding_file(w):
    return _with_file(w, f.allegation(w), w.users["lead"])


def other_safeguarding_file(w):
    from allegations.models import Allegation
    from organisations.models import User

    a = Allegation.objects.get(pk=other_allegation(w)["pk"])
    return _with_file(w, a, User.objects.get(username="other_lead"))


def subject_safeguarding_file(w):
    from allegations.models import Allegation

    a = Allegation.objects.get(pk=SUBJECT_ALLEGATION(w))
    return _with_file(w, a, w.users["lead"])


CASES += [
    Case("allegations:safeguarding_evidence_upload", allegation, SAFEGUARDING),
    Case(
        "allegations:safeguarding_evidence_upload",
        other_allegation,
        roles(NOT_FOUND, outsider=OK),
        label="other organisation",
    ),
    Case(
        "allegations:safeguarding_evidence_upload",
        subject_allegation,
        subject_roles(NOT_FOUND, manager=OK, lead=OK),
        label=SUBJECT,
    ),
    Case("allegations:safeguarding_evidence_download", safeguarding_file, SAFEGUARDING),
    Case(
        "allegations:safeguarding_evidence_download",
        other_safeguarding_file,
        roles(NOT_FOUND, outsider=OK),
        label="other organisation",
    ),
    Case(
        "allegations:safeguarding_evidence_download",
        subject_safeguarding_file,
        subject_roles(NOT_FOUND, manager=OK, lead=OK),
        label=SUBJECT,
    ),
]
