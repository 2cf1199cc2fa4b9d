from tests.matrix import (
    HIDDEN,
    NOT_FOUND,
    OK,
    SUBJECTS,
    Case,
    roles,
    subject_incident,
    subject_object,
    subject_roles,
    with_subject_case,
)

# Leads and auditors; the outsider is the other organisation's lead, so the
# organisation-wide pages open for them (showing only their own entries).
AUDIT_READERS = roles(NOT_FOUND, lead=OK, auditor=OK, outsider=OK)


def incident(w):
    return {"pk": w.objects["incident"].pk}


def restricted(w):
    return {"pk": w.objects["restricted"].pk}


def other(w):
    return {"pk": w.objects["other_incident"].pk}


CASES = [
    Case("audits:search", expect=AUDIT_READERS),
    Case("audits:search_csv", expect=AUDIT_READERS),
    Case("audits:incident_history", incident, roles(NOT_FOUND, lead=OK, auditor=OK)),
    # Restricted: leads only (the auditor is not on its need-to-know list).
    Case("audits:incident_history", restricted, roles(NOT_FOUND, lead=OK), label="restricted"),
    Case(
        "audits:incident_history", other, roles(NOT_FOUND, outsider=OK), label="other organisation"
    ),
]


def _lists_subject_incident(w, response):
    pk = SUBJECT_INCIDENT(w)
    return any(e.incident_id == pk for e in response.context["page"].object_list)


def _csv_has_subject_incident(w, response):
    import csv
    import io

    text = b"".join(response.streaming_content).decode()
    return any(
        row["incident id"] == str(SUBJECT_INCIDENT(w)) for row in csv.DictReader(io.StringIO(text))
    )


# Issue 17, finding 2: the subject of an allegation reads nothing of its
# incident's audit trail, whatever their role (the auditors here hold a grant).
SUBJECT_INCIDENT = subject_object("subject_case")
SUBJECT_AUDIT = subject_roles(NOT_FOUND, listing=True, lead=OK, auditor=OK, outsider=HIDDEN)
CASES += [
    Case(
        "audits:search",
        with_subject_case,
        SUBJECT_AUDIT,
        shows=_lists_subject_incident,
        label=SUBJECTS,
    ),
    Case(
        "audits:search_csv",
        with_subject_case,
        SUBJECT_AUDIT,
        shows=_csv_has_subject_incident,
        label=SUBJECTS,
    ),
    Case(
        "audits:incident_history",
        subject_incident,
        subject_roles(NOT_FOUND, lead=OK, auditor=OK),
        label=SUBJECTS,
    ),
]
