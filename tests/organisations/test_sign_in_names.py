"""Sign-in names are unique per organisation, so an admin choosing one learns
nothing about other organisations' accounts (finding 7 of issue 17)."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse

from organisations import services
from organisations.models import Organisation, Role
from tests.factories import member


def _post(world: Any, username: str) -> Any:
    return world.client("admin").post(
        reverse("organisations:member_create"),
        {
            "username": username,
            "first_name": "Alex",
            "last_name": "Taylor",
            "email": "alex@example.org",
            "role": "manager",
            "services": [world.home.pk],
            # The old form's temporary password (ignored now): lets this run on old code.
            "password": "a-long-enough-passphrase-9",
        },
    )


def _normalised(response: Any, username: str) -> str:
    body = response.content.decode().replace(username, "NAME")
    body = re.sub(r"/accounts/welcome/[^\"/]+/", "/accounts/welcome/TOKEN/", body)
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", body)
    return re.sub(r"\d{1,2} \w{3} \d{4}, \d{2}:\d{2}", "WHEN", body)


def test_a_name_used_in_another_organisation_gets_the_same_answer_as_a_fresh_one(world):
    # "taken" signs in at the other organisation (an older, plain username).
    member(world.other_org, Role.MANAGER, username="taken")
    taken, fresh = _post(world, "taken"), _post(world, "fresh")
    assert taken.status_code == fresh.status_code
    assert _normalised(taken, "taken") == _normalised(fresh, "fresh")
    User = get_user_model()
    assert User.objects.filter(username__startswith="taken").count() == 2
    assert User.objects.filter(username__startswith="fresh").count() == 1


def test_a_name_made_in_the_app_elsewhere_does_not_clash_either(world):
    other_admin = member(world.other_org, Role.ADMIN, username="other_admin")
    services.add_member(
        actor=other_admin,
        username="taken",
        first_name="T",
        last_name="K",
        email="t@example.org",
        role=Role.ADMIN,
    )
    taken, fresh = _post(world, "taken"), _post(world, "fresh")
    assert taken.status_code == fresh.status_code == 200
    assert _normalised(taken, "taken") == _normalised(fresh, "fresh")
    code = world.org.sign_in_code
    User = get_user_model()
    assert User.objects.get(username=f"taken@{code}").membership.organisation == world.org
    assert User.objects.get(username=f"fresh@{code}").membership.organisation == world.org


def test_a_name_already_used_in_the_same_organisation_is_refused(world):
    _post(world, "alex")
    response = _post(world, "alex")
    assert "already used in your organisation" in response.content.decode()


def test_sign_in_names_carry_the_organisation_code_and_are_checked(world):
    assert world.org.sign_in_code != world.other_org.sign_in_code
    response = _post(world, "bad name@elsewhere")
    assert "Use lower-case letters" in response.content.decode()
    assert not get_user_model().objects.filter(username__startswith="bad").exists()


def test_a_new_organisation_never_gets_a_code_an_existing_name_ends_in(db):
    from tests.factories import UserFactory

    UserFactory(username="someone@river-care")
    org = Organisation.objects.create(name="River Care")
    assert org.sign_in_code == "river-care-2"
