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

# The public check page (chronology/public.py): anyone, no account.
PUBLIC = {"check"}

READERS = roles(NOT_FOUND, manager=OK, lead=OK, auditor=OK)
LEADS = roles(NOT_FOUND, lead=OK)
# The outsider is the lead of another organisation: they reach their own pages.
LEAD_PAGES = roles(NOT_FOUND, lead=OK, outsider=OK)


def incident(w):
    return {"pk": w.objects["incident"].pk}


def restricted(w):
    return {"pk": w.objects["restricted"].pk}


def other(w):
    return {"pk": w.objects["other_incident"].pk}


def export(w):
    from tests.chronology.factories import registered_export

    return {"pk": registered_export(w.users["lead"], w.objects["incident"]).pk}


def restricted_export(w):
    from tests.chronology.factories import registered_export

    return {"pk": registered_export(w.users["lead"], w.objects["restricted"]).pk}


def export_data(w):
    return {
        "profile": "la",
        "recipient_name": "Alex Social Worker",
        "recipient_role": "Social worker",
        "recipient_organisation": "Northshire County Council",
        "purpose": "Section 42 enquiry.",
        "lawful_basis": "public_task",
        "special_condition": "sch1_para18",
        "channel": "secure_email",
        "purpose_category": "s42_enquiry",
        "consent_position": "not_sought",
        "consent_reason": "would_prejudice_enquiry",
        "consent_reason_detail": "Asking now would alert the alleged perpetrator.",
        "proportionality": "Only this incident, for the enquiry.",
        "review_date": "2099-01-01",
        "review_what": "Receipt confirmed.",
        "kinds": ["incident", "status", "entry"],
    }


CASES = [
    # The timeline: whoever can open the incident.
    Case("chronology:timeline", incident, READERS),
    Case("chronology:timeline", restricted, LEADS, label="restricted"),
    Case("chronology:timeline", other, roles(NOT_FOUND, outsider=OK), label="other organisation"),
    # Exporting, the register, downloads and verification: safeguarding leads only.
    Case("chronology:export_create", incident, LEADS),
    Case("chronology:export_create", restricted, LEADS, label="restricted"),
    Case(
        "chronology:export_create", other, roles(NOT_FOUND, outsider=OK), label="other organisation"
    ),
    Case(
        "chronology:export_create", incident, LEADS, method="post", data=export_data, label="submit"
    ),
    Case("chronology:exports", expect=LEAD_PAGES),
    Case("chronology:export_detail", export, LEADS),
    Case("chronology:export_detail", restricted_export, LEADS, label="restricted"),
    Case("chronology:export_download", export, LEADS),
    Case("chronology:verify", expect=LEAD_PAGES),
]


def _verify_upload(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.chronology.factories import SAMPLE_PDF

    return {"file": SimpleUploadedFile("export.pdf", SAMPLE_PDF, content_type="application/pdf")}


def _verified(w, response):
    attempt = response.context["attempt"]
    return attempt is not None and attempt.matched_id == SUBJECT_EXPORT(w)


# Issue 17, finding 1: a lead who is the subject of an allegation on the incident
# sees none of its exports: register, detail, download, verification result.
SUBJECT_EXPORT = subject_object("subject_export")
SUBJECT = SUBJECTS
CASES += [
    Case(
        "chronology:timeline",
        subject_incident,
        subject_roles(NOT_FOUND, manager=OK, lead=OK, auditor=OK),
        label=SUBJECT,
    ),
    Case(
        "chronology:export_create",
        subject_incident,
        subject_roles(NOT_FOUND, lead=OK),
        label=SUBJECT,
    ),
    Case(
        "chronology:exports",
        with_subject_case,
        subject_roles(NOT_FOUND, listing=True, lead=OK, outsider=HIDDEN),
        shows=links_to("chronology:export_detail", SUBJECT_EXPORT),
        label=SUBJECT,
    ),
    Case(
        "chronology:export_detail",
        lambda w: {"pk": SUBJECT_EXPORT(w)},
        subject_roles(NOT_FOUND, lead=OK),
        label=SUBJECT,
    ),
    Case(
        "chronology:export_download",
        lambda w: {"pk": SUBJECT_EXPORT(w)},
        subject_roles(NOT_FOUND, lead=OK),
        label=SUBJECT,
    ),
    Case(
        "chronology:verify",
        with_subject_case,
        subject_roles(NOT_FOUND, listing=True, lead=OK, outsider=HIDDEN),
        method="post",
        data=_verify_upload,
        shows=_verified,
        label=SUBJECT,
    ),
]
