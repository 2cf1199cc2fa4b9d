"""My work's lists read the rows they show through their app's access rule,
not only the keys: a key that did not come through the rule (another
organisation's record, here handed in as if ``firsts`` had returned it) is
never shown."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from actions import services as action_services
from actions import work as action_work
from actions.models import SourceKind
from disclosures import work as review_work
from notifications import work as notification_work
from notifications.models import Notification
from organisations import work
from tests.disclosures.factories import make_decision

pytestmark = pytest.mark.django_db


def _window() -> work.Window:
    now = timezone.now()
    return work.Window(now=now, horizon=now + timedelta(days=400), limit=10)


def _foreign_review(w: Any) -> tuple[Any, str]:
    decision = make_decision(_other_manager(), w.objects["other_incident"])
    return decision.pk, f"review:{decision.pk}:"


def _foreign_notification(w: Any) -> tuple[Any, str]:
    pk = Notification.objects.filter(incident=w.objects["other_incident"]).values_list(
        "pk", flat=True
    )[0]
    return pk, f"notification:{pk}"


def _foreign_action(w: Any) -> tuple[Any, str]:
    other = _other_manager()
    decision = make_decision(other, w.objects["other_incident"])
    action = action_services.agree_action(
        actor=other,
        source_kind=SourceKind.DECISION,
        source=decision,
        what="Call the family back.",
        owner=other,
        due_date=timezone.localdate() + timedelta(days=3),
    )
    return action.pk, f"action:{action.pk}"


def _other_manager() -> Any:
    return get_user_model().objects.get(username="other_manager")


SOURCES = {
    "reviews": (review_work, review_work.reviews, _foreign_review),
    "notifications": (
        notification_work,
        notification_work.notifications_source,
        _foreign_notification,
    ),
    "actions": (action_work, action_work.actions, _foreign_action),
}


@pytest.mark.parametrize("source", SOURCES)
def test_a_key_from_outside_the_rule_is_not_shown(
    world: Any, monkeypatch: Any, source: str
) -> None:
    module, read, foreign = SOURCES[source]
    pk, shown_as = foreign(world)
    real = work.firsts

    def firsts_with_a_stray_key(*args: Any, **kwargs: Any) -> work.Firsts:
        found = real(*args, **kwargs)
        return dataclasses.replace(found, due_keys=[*found.due_keys, pk])

    # Our own function, replaced where each source looks it up.
    monkeypatch.setattr(work, "firsts", firsts_with_a_stray_key)
    if hasattr(module, "firsts"):
        monkeypatch.setattr(module, "firsts", firsts_with_a_stray_key)
    listed = read(world.users["lead"], _window())
    keys = [item.key for item in (*listed.overdue, *listed.due)]
    assert not [k for k in keys if k.startswith(shown_as)], keys
