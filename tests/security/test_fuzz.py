"""Property-based attack on every form: random and hostile input never gets a 5xx.

Forms are discovered by crawling the permission matrix as each role, so every
app's forms are covered without listing them here. Each field gets values from
a hostile strategy (empty, huge, NUL bytes, other alphabets, numbers far out of
range, impossible dates, markup, lists where one value is expected, missing
fields ...). The Django test client re-raises a view's exception, so a crash is
a failing example with the exact input that caused it.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.crawl import Form, crawl, forms_of, fresh_copy, page_urls, parse, submit

pytestmark = pytest.mark.django_db

# Modest by default so CI stays fast; SAFEGUARD_FUZZ_EXAMPLES=200 for a deep run.
EXAMPLES_PER_FORM = int(os.environ.get("SAFEGUARD_FUZZ_EXAMPLES", "6"))

# Besides the random examples, every form gets these in every field at once,
# and NUL (or a huge number, for non-text fields) in each field alone, so the classic
# crashers are always tried, whatever hypothesis happens to draw.
SWEEP = [
    "a\x00b",
    str(2**70),
    "a" * 5000,
    "-" + str(2**70),
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "2026-03-29T01:30",
    "<script>x</script>",
]

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n\t",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "../../../../etc/passwd",
    "{{ 7*7 }}",
    "{% debug %}",
    "${7*7}",
    "\u202eevil",
    "\ufeff",
    "\U0001d54f" * 30,  # outside the Basic Multilingual Plane
    "ﷺ" * 50,
    "a" * 5000,
    "9" * 40,
    "-1",
    "0",
    "-0",
    "1e309",
    "NaN",
    "inf",
    "2147483648",
    "-9223372036854775809",
    "2024-02-30",
    "0001-01-01",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "10000-01-01T00:00",
    "2026-03-29T01:30",  # a time that does not exist in London
    "2025-10-26T01:30",  # a time that happens twice in London
    "1970-01-01T00:00:00Z",
    "null",
    "true",
    "[]",
    "on",
]

hostile_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=300),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates().map(str),
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
)


def field_value(form: Form, name: str) -> st.SearchStrategy[Any]:
    """A hostile value, or sometimes a real option (to reach deeper code)."""
    options = next((f.options for f in form.fields if f.name == name and f.options), [])
    current = next((f.value for f in form.fields if f.name == name and f.value), None)
    sensible: list[Any] = [o for o in options if o]
    if current:
        sensible.append(current)
    choices = [hostile_text, st.lists(hostile_text, min_size=2, max_size=3)]
    if sensible:
        choices.append(st.sampled_from(sensible))
        choices.append(st.sampled_from(sensible))
    return st.one_of(*choices)


def form_data(form: Form) -> st.SearchStrategy[dict[str, Any]]:
    # Any field may be missing; the ones present get hostile values.
    names = sorted({f.name for f in form.fields})
    return st.fixed_dictionaries({}, optional={name: field_value(form, name) for name in names})


def sweep(client: Client, form: Form) -> None:
    from tests.security.crawl import sensible_value

    names = sorted({f.name for f in form.fields})
    attempts: list[dict[str, Any]] = [dict.fromkeys(names, value) for value in SWEEP]
    valid = {f.name: sensible_value(f) for f in form.fields}
    for f in form.fields:
        attempts.append({**valid, f.name: SWEEP[0]})
        if not f.is_text:
            attempts.append({**valid, f.name: SWEEP[1]})
    for data in attempts:
        response = submit(client, form, data)
        assert response.status_code < 500, (form.action, data, response.status_code)


def attack(client: Client, form: Form) -> None:
    sweep(client, form)

    @settings(
        max_examples=EXAMPLES_PER_FORM,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=form_data(form))
    def run(data: dict[str, Any]) -> None:
        response = submit(client, form, data)
        assert response.status_code < 500, (form.action, data, response.status_code)

    run()


def discovered_forms(client: Client, urls: list[str]) -> list[Form]:
    return forms_of(crawl(client, urls))


FUZZ_ROLES = ("lead", "manager", "hr", "auditor", "admin")


def role_forms(world: Any, role: str) -> tuple[Client, list[Form]]:
    client = world.client(role)
    return client, discovered_forms(client, [*page_urls(world, role), reverse("mfa:manage")])


# Which forms each role's crawl finds (signatures hold no ids, so they hold for
# any world): crawled once per worker process, not once per test that asks.
_signatures: dict[str, frozenset[Any]] = {}


def signatures(world: Any, role: str) -> frozenset[Any]:
    if role not in _signatures:
        _signatures[role] = frozenset(form.signature for form in role_forms(world, role)[1])
    return _signatures[role]


@pytest.mark.parametrize("role", FUZZ_ROLES)
def test_no_form_gives_a_server_error(world: Any, role: str) -> None:
    """Every role's forms; a form two roles share is attacked once, as the first
    role in ``FUZZ_ROLES`` that has it (one test per role, so parallel workers
    share the work)."""
    earlier = set().union(*(signatures(world, r) for r in FUZZ_ROLES[: FUZZ_ROLES.index(role)]))
    client, forms = role_forms(world, role)
    _signatures[role] = frozenset(form.signature for form in forms)
    attacked: set[Any] = set()
    for form in forms:
        if form.signature in earlier or form.signature in attacked:
            continue
        attacked.add(form.signature)
        attack(client, fresh_copy(client, form) or form)


def test_the_fuzz_finds_the_forms(world: Any) -> None:
    """The crawl the attack relies on still finds the forms: incidents' filter,
    create, person search, entry, amendment, status, references, need-to-know
    grant/revoke/restrict; two-step: regenerate codes (at least)."""
    found = set().union(*(signatures(world, role) for role in FUZZ_ROLES))
    assert len(found) >= 8, sorted(found)


def test_known_crashers_stay_fixed(world: Any) -> None:
    """Inputs that once gave a 500: NUL in the people search, a huge username."""
    client = world.client("lead")
    assert client.get(reverse("incidents:person_list"), {"q": "a\x00b"}).status_code == 200
    response = Client().post(reverse("login"), {"username": "a" * 5000, "password": "x"})
    assert response.status_code == 200


def test_the_sign_in_form_never_gives_a_server_error(world: Any) -> None:
    client = Client()
    page = parse("http://testserver/accounts/login/", client.get(reverse("login")).content.decode())
    (form,) = page.forms
    attack(client, form)


def test_two_step_forms_never_give_a_server_error(world: Any) -> None:
    """Set-up, verification and confirmation pages, with and without a device."""
    from tests.security.test_mfa import enrol

    client = world.client("lead")
    urls = [reverse("mfa:enrol"), reverse("mfa:reauth")]
    for form in discovered_forms(client, urls):
        attack(client, form)
    enrol(client, world.users["lead"])
    fresh = world.client("lead")
    for form in discovered_forms(fresh, [reverse("mfa:verify"), reverse("mfa:reauth")]):
        attack(fresh, form)


@settings(
    max_examples=max(EXAMPLES_PER_FORM, 10),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(
    query=st.dictionaries(
        st.sampled_from(
            ["q", "page", "status", "service", "category", "risk", "date_from", "date_to", "next"]
        ),
        hostile_text,
        max_size=4,
    )
)
def test_list_and_search_parameters_never_give_a_server_error(query: dict[str, Any]) -> None:
    """Query strings on the list pages (bookmarked or hand-edited URLs)."""
    from django.db import transaction

    from organisations.models import Role
    from tests.factories import OrganisationFactory, ServiceFactory, make_incident, member

    with transaction.atomic():
        org: Any = OrganisationFactory()
        service: Any = ServiceFactory(organisation=org)
        user = member(org, Role.LEAD)
        make_incident(user, service)
        client = Client()
        client.force_login(user)
        for name in ("incidents:list", "incidents:person_list", "home"):
            response = client.get(reverse(name), query)
            assert response.status_code < 500, (name, query)
        transaction.set_rollback(True)
