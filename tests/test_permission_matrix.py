"""Walk every URL for every role and for a user of another organisation."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.matrix import HIDDEN, OK, SUBJECT_ROLES, SUBJECTS, Case


def _collect() -> list[Case]:
    cases: list[Case] = []
    for path in sorted(Path(__file__).parent.glob("*/matrix.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.matrix")
        cases.extend(module.CASES)
    return cases


def _public() -> set[str]:
    names: set[str] = set()
    for path in sorted(Path(__file__).parent.glob("*/matrix.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.matrix")
        names |= set(getattr(module, "PUBLIC", set()))
    return names


CASES = _collect()


def on_subjects(case: Case) -> bool:
    """Whether a case is built on ``subject_case``: its expectations name the
    subject roles (``subject_roles``), which are subjects only there."""
    return case.label == SUBJECTS or any(role in SUBJECT_ROLES for role in case.expect)


# The cases built on ``subject_case`` run on the shared world with it built in
# (tests/conftest.py), grouped together so that parallel workers switch worlds
# rarely. Recognised by their expectations, not by a label to remember: 24 such
# cases without the label had built it again for each of their roles.
SUBJECTS_FIRST = sorted(CASES, key=lambda case: not on_subjects(case))


def world_marks(case: Case) -> list[Any]:
    return [pytest.mark.world_with("subjects")] if on_subjects(case) else []


PARAMS = [
    pytest.param(case, role, id=f"{case.id} as {role}", marks=world_marks(case))
    for case in SUBJECTS_FIRST
    for role in case.expect
]


def url_names() -> set[str]:
    """Every named URL pattern of the project, as 'namespace:name'."""
    found: set[str] = set()

    def walk(patterns: list[Any], namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                found.add(f"{namespace}{p.name}")

    walk(get_resolver().url_patterns, "")
    return found


def test_every_url_is_in_the_matrix() -> None:
    covered = {case.url_name for case in CASES} | _public()
    missing = url_names() - covered
    assert not missing, f"URLs without a permission-matrix case: {sorted(missing)}"


def _request(world: Any, case: Case, role: str) -> Any:
    url = reverse(case.url_name, kwargs=case.kwargs(world))
    client = world.client(role)
    if case.method == "post":
        return client.post(url, case.data(world))
    return client.get(url)


@pytest.mark.parametrize(("case", "role"), PARAMS)
def test_permission_matrix(world: Any, case: Case, role: str) -> None:
    response = _request(world, case, role)
    expected = case.expect[role]
    if expected in (OK, HIDDEN):
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            assert not response["Location"].startswith("/accounts/login"), "sent to login"
        if case.shows is not None:
            shown = case.shows(world, response)
            assert shown if expected == OK else not shown, f"record shown: {shown}"
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(
    "case", [pytest.param(case, id=case.id, marks=world_marks(case)) for case in SUBJECTS_FIRST]
)
def test_anonymous_is_sent_to_login(world: Any, case: Case) -> None:
    response = _request(world, case, "anonymous")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
