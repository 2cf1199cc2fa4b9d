"""The permission matrix: every URL, every role, plus an outsider organisation.

Each app's ``tests/<app>/matrix.py`` declares ``CASES``; ``test_permission_matrix``
collects them all and also fails when a URL pattern has no case, so a new page
cannot ship without saying who may open it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

OK = "ok"  # 200, or a redirect back into the app after a POST
NOT_FOUND = 404  # invisible: other organisation, wrong role, not on the list
# 200 (an organisation-wide list the role may open) that must not show the
# case's record: the check is the case's ``shows``.
HIDDEN = "hidden"
# Users who are the subject of an allegation on world's incident once a case
# builds ``tests.allegations.factories.subject_case``, in every role that can
# hold one (issue 17). Everywhere else they are ordinary members of their role.
SUBJECT_ROLES = {
    "subject_manager": "manager",
    "subject_lead": "lead",
    "subject_hr": "hr",
    "subject_auditor": "auditor",
}
# The label of the cases built on ``subject_case`` (the permission matrix runs
# them on a shared world with it built in: tests/conftest.py WORLD_FLAVOURS).
SUBJECTS = "subjects of allegations"
PLAIN_ROLES = ("manager", "manager_dom", "lead", "hr", "auditor", "admin", "outsider")
ALL_ROLES = (*PLAIN_ROLES, *SUBJECT_ROLES)


@dataclass(frozen=True)
class Case:
    url_name: str
    kwargs: Callable[[Any], dict[str, Any]] = lambda w: {}
    expect: dict[str, Any] = field(default_factory=dict)
    method: str = "get"
    data: Callable[[Any], dict[str, Any]] = lambda w: {}
    label: str = ""
    # Whether a response shows the case's record: asserted true for OK and
    # false for HIDDEN, when given (organisation-wide lists and searches).
    shows: Callable[[Any, Any], bool] | None = None

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.url_name}{' ' + self.label if self.label else ''}"


def roles(default: Any, **overrides: Any) -> dict[str, Any]:
    """Expectation for every plain role: ``default`` unless overridden. The
    subject roles are walked on the cases built with ``subject_roles`` (where
    they are subjects); anywhere else they would merely repeat their role."""
    result = dict.fromkeys(PLAIN_ROLES, default)
    result.update(overrides)
    return result


def subject_roles(default: Any, *, listing: bool = False, **overrides: Any) -> dict[str, Any]:
    """Expectation for every role (ALL_ROLES) on a case built by ``subject_case``:
    the plain roles as in ``roles``; every subject role a 404 unless overridden,
    or, on an organisation-wide list (``listing``) that its plain role opens,
    the list without the case's records (HIDDEN)."""
    result = roles(default, **overrides)
    for subject, plain in SUBJECT_ROLES.items():
        if subject in overrides:
            result[subject] = overrides[subject]
        else:
            shown = listing and result[plain] in (OK, HIDDEN)
            result[subject] = HIDDEN if shown else NOT_FOUND
    return result


def links_to(url_name: str, pk: Callable[[Any], int]) -> Callable[[Any, Any], bool]:
    """``shows`` for a list: the page links to the record's own page."""

    def check(world: Any, response: Any) -> bool:
        from django.urls import reverse

        return f'href="{reverse(url_name, args=[pk(world)])}"' in response.content.decode()

    return check


def subject_incident(w: Any) -> dict[str, Any]:
    from tests.allegations.factories import subject_case

    return {"pk": subject_case(w).pk}


def subject_object(key: str) -> Callable[[Any], int]:
    """The pk of something ``subject_case`` built (after building it)."""

    def pk(w: Any) -> int:
        from tests.allegations.factories import subject_case

        subject_case(w)
        value = w.objects[key]
        return int(value["subject_lead"].pk if isinstance(value, dict) else value.pk)

    return pk


def with_subject_case(w: Any) -> dict[str, Any]:
    """URL kwargs for a page without any: builds ``subject_case`` first."""
    from tests.allegations.factories import subject_case

    subject_case(w)
    return {}
