"""Saved decisions and everything attached to them are append-only in the
database itself: UPDATE and DELETE are refused even in raw SQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from disclosures import services
from disclosures.models import (
    Consultation,
    DecisionAmendment,
    DecisionReview,
    DisclosureDecision,
    QualityFinding,
    Recipient,
)
from tests.disclosures.factories import make_decision

TABLES = [
    (DisclosureDecision, "reasoning"),
    (Recipient, "name"),
    (Consultation, "advice"),
    (DecisionAmendment, "new_text"),
    (DecisionReview, "what_changed"),
    (QualityFinding, "message"),
]


@pytest.fixture
def full_decision(world: Any) -> DisclosureDecision:
    manager = world.users["manager"]
    decision = make_decision(manager, world.objects["incident"], outcome="As discussed.")
    services.amend_decision(
        actor=manager,
        decision=decision,
        field="reasoning",
        reason="Typo in the recipient's team name.",
        new_text="Corrected reasoning text.",
    )
    services.record_review(
        actor=manager,
        decision=decision,
        reviewed_at=timezone.now(),
        what_changed="Private contact achieved twice.",
        next_review_date=timezone.localdate() + timedelta(days=7),
        next_review_what="Consent can be sought.",
    )
    return decision


@pytest.mark.parametrize(("model", "column"), TABLES, ids=[m.__name__ for m, _ in TABLES])
def test_sql_update_and_delete_are_refused(
    full_decision: DisclosureDecision, model: Any, column: str
) -> None:
    table = model._meta.db_table
    pk = model.objects.order_by("pk").values_list("pk", flat=True).first()
    assert pk is not None
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", ["rewritten", pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [pk])
    assert model.objects.filter(pk=pk).exists()


def test_orm_update_is_refused(full_decision: DisclosureDecision) -> None:
    full_decision.reasoning = "Rewritten history."
    with pytest.raises(DatabaseError), transaction.atomic():
        full_decision.save()
    full_decision.refresh_from_db()
    assert full_decision.reasoning != "Rewritten history."


def test_amendment_keeps_the_original(full_decision: DisclosureDecision) -> None:
    amendment = full_decision.amendments.get()
    assert amendment.new_text == "Corrected reasoning text."
    assert full_decision.reasoning.startswith("The injury")
    assert amendment.author == full_decision.recorded_by
