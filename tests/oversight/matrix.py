from tests.matrix import NOT_FOUND, OK, Case, roles

AUDITORS = roles(NOT_FOUND, lead=OK, auditor=OK)
# The outsider is a lead elsewhere: their own (empty) list and form, never our audits.
OWN_PAGES = roles(NOT_FOUND, lead=OK, auditor=OK, outsider=OK)


def _audit(w):
    """A quality audit of the world's organisation (created on first use)."""
    from datetime import timedelta

    from django.utils import timezone

    from audits.quality import services
    from tests.oversight.conftest import make_decision_on

    if "quality_audit" not in w.objects:
        today = timezone.localdate()
        make_decision_on(w.users["manager"], w.objects["incident"], today - timedelta(days=1))
        w.objects["quality_audit"] = services.create_audit(
            actor=w.users["lead"],
            title="Matrix audit",
            date_from=today - timedelta(days=30),
            date_to=today,
            consent_filter="all",
            sample_size=1,
        )
    return w.objects["quality_audit"]


def audit(w):
    return {"pk": _audit(w).pk}


def sample(w):
    return {"pk": _audit(w).pk, "position": 1}


CASES = [
    Case("audits:quality_list", expect=OWN_PAGES),
    Case("audits:quality_create", expect=OWN_PAGES),
    Case("audits:quality_detail", audit, AUDITORS),
    Case("audits:quality_sample", sample, AUDITORS),
    Case("audits:quality_report", audit, AUDITORS),
    Case("audits:quality_report_pdf", audit, AUDITORS),
    Case(
        "audits:quality_action",
        audit,
        AUDITORS,
        method="post",
        data=lambda w: {
            "finding": "Vague record.",
            "action": "Coach the author.",
            "owner": w.users["lead"].pk,  # the owner must be able to open the audit
            "due_date": "2099-01-01",
        },
    ),
    Case(
        "audits:quality_close",
        audit,
        roles(NOT_FOUND, lead=400, auditor=400),  # not every record scored yet
        method="post",
        data=lambda w: {"summary": "Closing."},
    ),
    Case("audits:charts", expect=roles(NOT_FOUND, lead=OK, outsider=OK)),
]
