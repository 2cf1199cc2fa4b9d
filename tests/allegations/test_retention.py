"""Retention: class and review-by date from the documented rules; the review list;
reviews recorded, nothing deleted."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from allegations import services
from allegations.models import Allegation, RetentionReview, StaffMember, default_retention


def staff(dob: date | None = None, retire: date | None = None) -> StaffMember:
    return StaffMember(date_of_birth=dob, retirement_date=retire)


@pytest.mark.parametrize(
    ("member", "outcome", "outcome_date", "expected"),
    [
        # Retirement (age 67 from 1970 = 2037) later than 10 years from outcome (2036).
        (
            staff(date(1970, 5, 1)),
            "substantiated",
            date(2026, 3, 1),
            ("standard", date(2037, 5, 1)),
        ),
        # 10 years from outcome later than retirement.
        (staff(date(1960, 5, 1)), "unfounded", date(2026, 3, 1), ("standard", date(2036, 3, 1))),
        # A recorded retirement date wins over the age assumption.
        (
            staff(date(1990, 1, 1), date(2040, 1, 1)),
            "false",
            date(2026, 3, 1),
            ("standard", date(2040, 1, 1)),
        ),
        # No date of birth: 10 years from the outcome.
        (staff(), "unsubstantiated", date(2026, 3, 1), ("standard", date(2036, 3, 1))),
        # Malicious: its own rule, review one year after the outcome.
        (staff(date(1990, 1, 1)), "malicious", date(2026, 3, 1), ("malicious", date(2027, 3, 1))),
        # No outcome yet: provisional, from when it was raised.
        (staff(), "", None, ("provisional", date(2035, 1, 10))),
    ],
)
def test_default_retention(
    member: StaffMember, outcome: str, outcome_date: Any, expected: Any
) -> None:
    assert (
        default_retention(
            staff_member=member,
            raised_at=date(2025, 1, 10),
            outcome=outcome,
            outcome_date=outcome_date,
        )
        == expected
    )


def test_recording_an_outcome_sets_the_review_date(aworld: Any) -> None:
    a = aworld.objects["allegation"]
    assert a.retention_class == "provisional"
    today = timezone.localdate()
    services.change_status(
        actor=aworld.users["lead"],
        allegation=a,
        to_status="concluded",
        outcome="malicious",
        outcome_date=today,
        reason="Panel",
    )
    a.refresh_from_db()
    assert a.retention_class == "malicious"
    assert (
        a.review_by
        == default_retention(
            staff_member=a.staff_member, raised_at=today, outcome="malicious", outcome_date=today
        )[1]
    )
    assert a.review_by.year == today.year + 1


def test_review_list_shows_what_is_due_and_a_review_moves_it_on(aworld: Any) -> None:
    a = aworld.objects["allegation"]
    # Pretend time has passed: the review date is three days ago.
    Allegation.objects.filter(pk=a.pk).update(review_by=timezone.localdate() - timedelta(days=3))
    client = aworld.client("hr")
    url = reverse("allegations:retention")
    assert a.reference in client.get(url).content.decode()
    response = client.post(
        reverse("allegations:retention_review", kwargs={"pk": a.pk}),
        {
            "decision": "retain",
            "next_review_by": (timezone.localdate() + timedelta(days=400)).isoformat(),
            "reason": "Police investigation still open.",
        },
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.retention_class == "extended"
    assert a.reference not in client.get(url).content.decode()
    assert a.reference in client.get(url + "?show=all").content.decode()
    assert RetentionReview.objects.filter(allegation=a, decision="retain").count() == 1
    assert Allegation.objects.filter(pk=a.pk).exists()  # nothing deleted


def test_a_review_needs_a_future_date_when_retaining(aworld: Any) -> None:
    a = aworld.objects["allegation"]
    with pytest.raises(ValidationError):
        services.review_retention(
            actor=aworld.users["lead"],
            allegation=a,
            decision="retain",
            reason="x",
            next_review_by=timezone.localdate(),
        )
    response = aworld.client("lead").post(
        reverse("allegations:retention_review", kwargs={"pk": a.pk}),
        {"decision": "retain", "reason": "x"},
        follow=True,
    )
    assert "Give the date of the next review." in response.content.decode()
    assert not RetentionReview.objects.exists()


def test_empty_retention_list(world: Any) -> None:
    text = world.client("lead").get(reverse("allegations:retention")).content.decode()
    assert "Nothing is due for retention review" in text
