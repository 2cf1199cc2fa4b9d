"""Who may open each notification page. The incident's notifications follow the
incident (world's home incident: ``manager`` runs its service, ``manager_dom``
does not); an allegation's follow the allegation (HR included); the subjects
of allegations on an incident see none of its notifications."""

from tests.allegations import factories as af
from tests.matrix import NOT_FOUND, OK, Case, roles, subject_roles


def incident_notification(code):
    def kwargs(w):
        from notifications.models import Notification

        n = Notification.objects.get(
            incident=w.objects["incident"], rule_code=code, allegation__isnull=True
        )
        return {"pk": n.pk}

    return kwargs


def allegation_notification(w):
    from notifications.models import Notification

    a = af.allegation(w)
    return {"pk": Notification.objects.get(allegation=a, rule_code="pipot").pk}


def subject_notification(w):
    from notifications.models import Notification

    incident = af.subject_case(w)
    return {"pk": Notification.objects.get(incident=incident, rule_code="la_referral").pk}


def subject_notification_of(code):
    def kwargs(w):
        from notifications.models import Notification

        incident = af.subject_case(w)
        return {"pk": Notification.objects.get(incident=incident, rule_code=code).pk}

    return kwargs


INCIDENT_WRITERS = roles(NOT_FOUND, manager=OK, lead=OK)
ALLEGATION_RECORDERS = roles(NOT_FOUND, manager=OK, lead=OK, hr=OK)
LEADS = roles(NOT_FOUND, lead=OK, outsider=OK)  # the outsider is a lead of their own organisation

NOT_NEEDED = {"status": "not_needed", "reason": "Duty officer advised no referral."}

CASES = [
    Case("notifications:rules", expect=LEADS),
    Case(
        "notifications:override",
        kwargs=lambda w: {"code": "la_referral"},
        method="post",
        data=lambda w: {"la_referral-hours": "4", "la_referral-reason": "Local procedures 3.2"},
        expect=LEADS,
    ),
    Case(
        "notifications:record",
        kwargs=incident_notification("la_referral"),
        expect=INCIDENT_WRITERS,
        label="incident",
    ),
    Case(
        "notifications:record",
        kwargs=incident_notification("la_referral"),
        method="post",
        data=lambda w: NOT_NEEDED,
        expect=INCIDENT_WRITERS,
        label="incident",
    ),
    Case(
        "notifications:record",
        kwargs=allegation_notification,
        expect=ALLEGATION_RECORDERS,
        label="allegation",
    ),
    Case(
        "notifications:record",
        kwargs=allegation_notification,
        method="post",
        data=lambda w: NOT_NEEDED,
        expect=ALLEGATION_RECORDERS,
        label="allegation",
    ),
    Case(
        "notifications:record",
        kwargs=subject_notification,
        expect=subject_roles(NOT_FOUND, manager=OK, lead=OK),
        label="subject",
    ),
    Case("notifications:cqc", kwargs=incident_notification("cqc"), expect=INCIDENT_WRITERS),
    Case(
        "notifications:cqc",
        kwargs=subject_notification_of("cqc"),
        expect=subject_roles(NOT_FOUND, manager=OK, lead=OK),
        label="subject",
    ),
]
