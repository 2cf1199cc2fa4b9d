"""Allegation test data, built through the services so the rules apply.

Plain functions (not fixtures) so that ``matrix.py`` can call them with the
shared ``world``; each caches what it builds in ``world.objects``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from allegations import services
from incidents import services as incident_services
from tests.factories import make_incident

SG_SECRET = "SGSECRET protection plan: two staff for night care"
HR_SECRET = "HRSECRET suspended on full pay pending investigation"


def make_staff(w: Any, name: str = "Sam Rivers", user: Any = None, **kw: Any) -> Any:
    return services.create_staff_member(
        actor=w.users["lead"],
        name=name,
        job_title="Care assistant",
        service=w.home,
        user=user,
        **kw,
    )


def make_allegation(actor: Any, incident: Any, staff: Any, **kw: Any) -> Any:
    fields: dict[str, Any] = {
        "what_is_alleged": "Resident says the staff member pulled her arm hard.",
        "categories": ["physical"],
        "raised_by": "Resident, told the senior carer",
        "raised_at": timezone.now() - timedelta(hours=1),
    }
    fields.update(kw)
    return services.create_allegation(actor=actor, incident=incident, staff_member=staff, **fields)


def allegation(w: Any) -> Any:
    """An allegation on ``world``'s home incident, recorded by the lead, HR owning the
    HR side, the home manager on the need-to-know list (manager_dom is not)."""
    if "allegation" in w.objects:
        return w.objects["allegation"]
    lead, hr = w.users["lead"], w.users["hr"]
    incident = w.objects["incident"]
    a = make_allegation(lead, incident, make_staff(w), hr_owner=hr)
    if not incident.need_to_know_grants.filter(
        user=w.users["manager"], revoked_at__isnull=True
    ).exists():  # ``subject_case`` may have named them already
        incident.refresh_from_db()
        incident_services.grant_need_to_know(
            actor=lead,
            incident=incident,
            user=w.users["manager"],
            reason="Registered manager",
            expected_version=incident.version,
        )
    w.objects["allegation"] = a
    return a


def with_content(w: Any) -> Any:
    """The allegation with an entry and a key decision on each side, and a referral."""
    if "sg_entry" in w.objects:
        return w.objects["allegation"]
    a = allegation(w)
    lead, hr = w.users["lead"], w.users["hr"]
    when = timezone.now() - timedelta(minutes=30)
    w.objects["sg_entry"] = services.add_entry(
        actor=lead,
        allegation=a,
        side_name="safeguarding",
        kind="protection",
        text=SG_SECRET,
        occurred_at=when,
    )
    w.objects["sg_decision"] = services.add_decision(
        actor=lead,
        allegation=a,
        side_name="safeguarding",
        decision="SGSECRET decision",
        information_considered="SGSECRET info",
        consulted="SGSECRET consulted",
        rationale="SGSECRET rationale",
        dissenting_views="SGSECRET dissent",
        decided_by="D. Lead, safeguarding lead",
        decided_at=when,
    )
    w.objects["hr_entry"] = services.add_entry(
        actor=hr,
        allegation=a,
        side_name="hr",
        kind="interim",
        interim_measure="suspension",
        text=HR_SECRET,
        occurred_at=when,
    )
    w.objects["hr_decision"] = services.add_decision(
        actor=hr,
        allegation=a,
        side_name="hr",
        decision="HRSECRET decision",
        information_considered="HRSECRET info",
        consulted="HRSECRET consulted",
        rationale="HRSECRET rationale",
        dissenting_views="HRSECRET dissent",
        decided_by="H. R., HR business partner",
        decided_at=when,
    )
    w.objects["referral"] = services.add_referral(
        actor=lead,
        allegation=a,
        kind="la_pipot",
        body="Council safeguarding hub",
        referred_on=timezone.localdate(),
        reference="LA-1",
    )
    return a


def about(w: Any, role: str) -> Any:
    """An allegation whose subject is the named role's own user, on a fresh incident
    of the home service, recorded by someone else (the manager, or the lead when the
    subject is the manager) and with the home manager on its need-to-know list."""
    key = f"about_{role}"
    if key in w.objects:
        return w.objects[key]
    subject = w.users[role]
    incident = make_incident(w.users["manager"], w.home)
    staff = make_staff(w, name=f"Subject {role}", user=subject)
    recorder = w.users["lead"] if role == "manager" else w.users["manager"]
    if role == "manager":
        # Even a need-to-know grant, made before the allegation (one made after
        # it is refused), does not let the subject see it.
        incident_services.grant_need_to_know(
            actor=w.users["lead"],
            incident=incident,
            user=subject,
            reason="Granted before anyone knew",
            expected_version=incident.version,
        )
    a = make_allegation(recorder, incident, staff)
    w.objects[key] = a
    return a


def subject_case(w: Any) -> Any:
    """World's home incident with an allegation about each ``subject_*`` user
    (manager, lead, HR, auditor; recorded by the lead, HR owning the HR side), a
    disclosure decision and an export of it. ``manager``, ``auditor``,
    ``subject_manager`` and ``subject_auditor`` were named on its need-to-know
    list before anyone knew: a grant must not beat the subject rule."""
    if "subject_case" in w.objects:
        return w.objects["subject_case"]
    from disclosures.models import DisclosureDecision
    from incidents.models import NeedToKnowGrant
    from tests.chronology.factories import registered_export
    from tests.disclosures.factories import make_decision
    from tests.matrix import SUBJECT_ROLES

    lead, incident = w.users["lead"], w.objects["incident"]
    for role in ("manager", "auditor", "subject_manager", "subject_auditor"):
        # Another builder of the same world (``allegation``) may have named them.
        if NeedToKnowGrant.objects.filter(
            incident=incident, user=w.user(role), revoked_at__isnull=True
        ).exists():
            continue
        incident.refresh_from_db()
        incident_services.grant_need_to_know(
            actor=lead,
            incident=incident,
            user=w.user(role),
            reason="Named before the allegations were known",
            expected_version=incident.version,
        )
    decision: DisclosureDecision = make_decision(w.users["manager"], incident)
    allegations = {
        role: make_allegation(
            lead,
            incident,
            make_staff(w, name=f"Subject {role}", user=w.user(role)),
            hr_owner=w.users["hr"],
        )
        for role in SUBJECT_ROLES
    }
    incident.refresh_from_db()
    w.objects.update(
        subject_case=incident,
        subject_allegations=allegations,
        subject_decision=decision,
        subject_export=registered_export(lead, incident),
    )
    return incident
