"""Prior-concern and pattern-alert test data (issue 22, item 5), built through
the services. Plain functions so ``matrix.py`` can call them with ``world``."""

from __future__ import annotations

from typing import Any

from tests.factories import make_incident


def repeated_concerns(w: Any, count: int = 3) -> Any:
    """World's home incident's adult with ``count`` incidents in all (the default
    threshold is 3 in 90 days); returns the adult."""
    person = w.objects["incident"].people.get()
    made = w.objects.setdefault("repeat_incidents", [])
    while len(made) + 1 < count:
        made.append(make_incident(w.users["manager"], w.home, person=person))
    return person


def adult_alert(w: Any) -> dict[str, Any]:
    return {"kind": "adult", "key": repeated_concerns(w).pk}


def subject_adult_alert(w: Any) -> dict[str, Any]:
    from tests.allegations.factories import subject_case

    subject_case(w)
    return adult_alert(w)


def acknowledgement(w: Any) -> Any:
    """An acknowledgement of the home adult's earlier concern, given by the lead."""
    if "prior_ack" not in w.objects:
        from django.utils import timezone

        from incidents import prior

        incident = prior.log_incident(
            actor=w.users["lead"],
            submission=None,
            acknowledged=True,
            shown={w.objects["incident"].pk},
            people=[w.objects["incident"].people.get()],
            service=w.home,
            categories=["neglect"],
            summary="Missed medication",
            what_happened="Evening medication not given on 3 March.",
            became_aware_at=timezone.now(),
            raised_by="A. Carer, care worker",
            risk_level="medium",
        )
        w.objects["prior_ack"] = incident.prior_acknowledgements.get()
    return w.objects["prior_ack"]


def review(w: Any) -> Any:
    """The lead's review of the home adult's alert."""
    if "pattern_review" not in w.objects:
        from incidents import alerts

        w.objects["pattern_review"] = alerts.review_alert(
            actor=w.users["lead"], kind="adult", key=repeated_concerns(w).pk, note="Read."
        )
    return w.objects["pattern_review"]
