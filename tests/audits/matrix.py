from tests.matrix import NOT_FOUND, OK, Case, roles

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
