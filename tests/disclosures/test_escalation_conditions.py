"""Escalation conditions (seed 000, example 2: "thresholds for escalation are
set: any threat, or a loss over £100 at once"): entered as optional rows on the
decision form, shown on the decision and in its PDF block, and answered, each
one, at every review."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from chronology.integrations import decision_item, review_item
from disclosures import services
from disclosures.drafts import RowField
from disclosures.models import EscalationCheck, EscalationCondition
from tests.disclosures.factories import good_values, make_decision

THRESHOLDS = [
    {"condition": "Any threat to him from the visitors", "response": "Refer to the council today"},
    {"condition": "A loss over £100 at once", "response": "Tell the police and the council"},
]


def _with_conditions(w: Any) -> Any:
    return make_decision(w.users["manager"], w.objects["incident"], escalations=THRESHOLDS)


def test_conditions_are_stored_in_order_with_the_decision(world: Any) -> None:
    decision = _with_conditions(world)
    assert [(c.condition, c.response) for c in decision.escalation_conditions.all()] == [
        (t["condition"], t["response"]) for t in THRESHOLDS
    ]


def test_a_condition_needs_its_response(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        make_decision(
            world.users["manager"],
            world.objects["incident"],
            escalations=[{"condition": "Any threat", "response": ""}],
        )
    assert RowField("escalations", 0, "response") in caught.value.error_dict


def test_the_form_takes_rows_and_the_page_and_pdf_block_show_them(world: Any) -> None:
    incident = world.objects["incident"]
    client = world.client("manager")
    values = good_values()
    data: dict[str, Any] = {
        k: v for k, v in values.items() if isinstance(v, str) and k not in ("recipients",)
    }
    local = timezone.localtime
    data |= {
        "decided_at": local(values["decided_at"]).strftime("%Y-%m-%dT%H:%M"),
        "review_date": values["review_date"].isoformat(),
        "recipients-TOTAL_FORMS": "1",
        "recipients-INITIAL_FORMS": "0",
        "consultations-TOTAL_FORMS": "0",
        "consultations-INITIAL_FORMS": "0",
        "escalations-TOTAL_FORMS": "2",
        "escalations-INITIAL_FORMS": "0",
        "escalations-0-condition": THRESHOLDS[0]["condition"],
        "escalations-0-response": THRESHOLDS[0]["response"],
        "escalations-1-condition": "",
        "escalations-1-response": "",
        "decided_by": world.users["manager"].pk,
        "confirm": "1",
    }
    r = values["recipients"][0]
    data |= {f"recipients-0-{k}": v for k, v in r.items() if k != "shared_at"} | {
        "recipients-0-shared_at": local(r["shared_at"]).strftime("%Y-%m-%dT%H:%M")
    }
    # Without JavaScript: "Add another condition" adds a row and saves nothing.
    added = client.post(
        reverse("disclosures:create", args=[incident.pk]), {**data, "add_escalation": "1"}
    )
    assert added.status_code == 200 and 'name="escalations-2-condition"' in added.content.decode()

    response = client.post(reverse("disclosures:create", args=[incident.pk]), data)
    if response.status_code == 200:  # quality warnings: confirm them
        fingerprint = response.context["warnings_fingerprint"]
        response = client.post(
            reverse("disclosures:create", args=[incident.pk]),
            {**data, "quality_fingerprint": fingerprint},
        )
    assert response.status_code == 302, response.context and response.context.get("errors")
    condition = EscalationCondition.objects.get()
    assert condition.condition == THRESHOLDS[0]["condition"]
    page = client.get(response["Location"]).content.decode()
    assert "Escalate if" in page and THRESHOLDS[0]["response"] in page
    item = decision_item(condition.decision)
    labels = [f.label for s in item.sections for f in s.fields]
    assert f"Escalate if: {THRESHOLDS[0]['condition']}" in labels


def test_every_review_answers_every_condition(world: Any) -> None:
    decision = _with_conditions(world)
    conditions = list(decision.escalation_conditions.all())
    base = {
        "actor": world.users["manager"],
        "decision": decision,
        "reviewed_at": timezone.now() - timedelta(minutes=5),
        "what_changed": "Two visits by the new friends; no money missing this week.",
        "next_review_date": timezone.localdate() + timedelta(days=14),
        "next_review_what": "Money and visitors again.",
    }
    with pytest.raises(ValidationError) as caught:
        services.record_review(**base, escalation_checks={conditions[0].pk: (False, "")})
    assert f"escalation_{conditions[1].pk}" in caught.value.message_dict
    review = services.record_review(
        **base,
        escalation_checks={
            conditions[0].pk: (False, "No threats reported."),
            conditions[1].pk: (True, "£150 missing on Tuesday; referred."),
        },
    )
    checks = list(EscalationCheck.objects.filter(review=review).order_by("condition__position"))
    assert [c.met for c in checks] == [False, True]
    fields = {f.label: f.value for f in review_item(review).fields}
    assert fields[f"Escalate if: {conditions[1].condition}"].startswith("Met.")


def test_the_review_form_asks_about_each_condition(world: Any) -> None:
    decision = _with_conditions(world)
    conditions = list(decision.escalation_conditions.all())
    url = reverse("disclosures:review", args=[decision.pk])
    client = world.client("manager")
    page = client.get(url).content.decode()
    assert f'name="escalation_{conditions[0].pk}"' in page and THRESHOLDS[1]["response"] in page
    data = {
        "reviewed_at": timezone.localtime(timezone.now() - timedelta(minutes=5)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "what_changed": "No change in the pattern this week.",
        "next_review_date": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "next_review_what": "Money and visitors.",
        f"escalation_{conditions[0].pk}": "no",
    }
    missing = client.post(url, data)
    assert missing.status_code == 200 and f"#id_escalation_{conditions[1].pk}_0" in (
        missing.content.decode()
    )
    done = client.post(url, {**data, f"escalation_{conditions[1].pk}": "yes"})
    assert done.status_code == 302
    assert EscalationCheck.objects.filter(met=True, condition=conditions[1]).exists()
