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
