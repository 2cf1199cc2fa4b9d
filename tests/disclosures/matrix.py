"""Who may open each disclosure page. A decision is visible exactly when its
incident is; recording is for managers of the service and leads."""

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

READERS = roles(NOT_FOUND, manager=OK, lead=OK, auditor=OK)
WRITERS = roles(NOT_FOUND, manager=OK, lead=OK)
LEAD_ONLY = roles(NOT_FOUND, lead=OK)
OUTSIDER_ONLY = roles(NOT_FOUND, outsider=OK)


def _decision(w, key, actor):
    from tests.disclosures.factories import make_decision

    return make_decision(w.users[actor], w.objects[key])


def incident(w):
    return {"pk": w.objects["incident"].pk}


def restricted(w):
    return {"pk": w.objects["restricted"].pk}


def other(w):
    return {"pk": w.objects["other_incident"].pk}


def decision(w):
    return {"pk": _decision(w, "incident", "manager").pk}


def restricted_decision(w):
    return {"pk": _decision(w, "restricted", "lead").pk}


def other_decision(w):
    return {"pk": _decision(w, "other_incident", "outsider").pk}


def person(w):
    return {"pk": w.objects["incident"].people.first().pk}


def other_person(w):
    return {"pk": w.objects["other_incident"].people.first().pk}


CASES = [
    Case("disclosures:incident_log", incident, READERS),
    Case("disclosures:incident_log", restricted, LEAD_ONLY, label="restricted"),
    Case("disclosures:incident_log", other, OUTSIDER_ONLY, label="other organisation"),
    Case("disclosures:create", incident, WRITERS),
    Case("disclosures:create", incident, WRITERS, method="post", label="empty form"),
    Case("disclosures:create", restricted, LEAD_ONLY, label="restricted"),
    Case("disclosures:create", other, OUTSIDER_ONLY, label="other organisation"),
    Case("disclosures:detail", decision, READERS),
    Case("disclosures:detail", restricted_decision, LEAD_ONLY, label="restricted"),
    Case("disclosures:detail", other_decision, OUTSIDER_ONLY, label="other organisation"),
    Case("disclosures:amend", decision, WRITERS),
    Case("disclosures:amend", other_decision, OUTSIDER_ONLY, label="other organisation"),
    Case("disclosures:review", decision, WRITERS),
    Case("disclosures:review", decision, WRITERS, method="post", label="empty form"),
    Case("disclosures:review", other_decision, OUTSIDER_ONLY, label="other organisation"),
    Case("disclosures:person_register", person, READERS),
    Case("disclosures:person_register", other_person, OUTSIDER_ONLY, label="other organisation"),
    # Managers see their services' review points, leads the organisation's.
    Case(
        "disclosures:reviews_due",
        expect=roles(NOT_FOUND, manager=OK, manager_dom=OK, lead=OK, outsider=OK),
    ),
]

# Issue 17: decisions on world's incident once each subject_* user is the
# subject of an allegation on it (tests.allegations.factories.subject_case).
SUBJECT_DECISION = subject_object("subject_decision")
SUBJECT = SUBJECTS
SUBJECT_READERS = subject_roles(NOT_FOUND, manager=OK, lead=OK, auditor=OK)
CASES += [
    Case("disclosures:incident_log", subject_incident, SUBJECT_READERS, label=SUBJECT),
    Case(
        "disclosures:detail", lambda w: {"pk": SUBJECT_DECISION(w)}, SUBJECT_READERS, label=SUBJECT
    ),
    Case(
        "disclosures:reviews_due",
        with_subject_case,
        subject_roles(
            NOT_FOUND, listing=True, manager=OK, manager_dom=HIDDEN, lead=OK, outsider=HIDDEN
        ),
        shows=links_to("disclosures:detail", SUBJECT_DECISION),
        label=SUBJECT,
    ),
    Case(
        "disclosures:person_register",
        lambda w: {"pk": (SUBJECT_DECISION(w), w.objects["incident"].people.first().pk)[1]},
        subject_roles(NOT_FOUND, listing=True, manager=OK, lead=OK, auditor=OK),
        shows=links_to("disclosures:detail", SUBJECT_DECISION),
        label=SUBJECT,
    ),
]

# Issue 21: files on a disclosure decision, seen exactly where the decision is.


def _with_file(w, decision, actor):
    from disclosures import services
    from tests.incidents import evidence

    key = f"decision_file_{decision.pk}"
    if key not in w.objects:
        w.objects[key] = services.add_decision_evidence(
            actor=w.users[actor], decision=decision, upload=evidence.upload(evidence.png(), "a.png")
        )
    return {"pk": decision.pk, "evidence_pk": w.objects[key].pk}


def decision_file(w):
    return _with_file(w, _decision(w, "incident", "manager"), "manager")


def other_decision_file(w):
    return _with_file(w, _decision(w, "other_incident", "outsider"), "outsider")


def subject_decision_file(w):
    from tests.allegations.factories import subject_case

    subject_case(w)
    return _with_file(w, w.objects["subject_decision"], "lead")


CASES += [
    Case("disclosures:evidence_upload", decision, WRITERS),
    Case("disclosures:evidence_upload", other_decision, OUTSIDER_ONLY, label="other organisation"),
    Case(
        "disclosures:evidence_upload",
        lambda w: {"pk": SUBJECT_DECISION(w)},
        subject_roles(NOT_FOUND, manager=OK, lead=OK),
        label=SUBJECT,
    ),
    Case("disclosures:evidence_download", decision_file, READERS),
    Case(
        "disclosures:evidence_download",
        other_decision_file,
        OUTSIDER_ONLY,
        label="other organisation",
    ),
    Case("disclosures:evidence_download", subject_decision_file, SUBJECT_READERS, label=SUBJECT),
]
