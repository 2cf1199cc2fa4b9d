"""Scoring, findings and actions, closing, and the report (page and PDF)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import InternalError, ProgrammingError, transaction
from django.urls import reverse
from django.utils import timezone

from audits.quality import services
from audits.quality.models import CRITERION_NAMES, QualityAudit, RecordScore, score_percent

ALL_MET = dict.fromkeys(CRITERION_NAMES, "met")


@pytest.fixture
def audit(world: Any, decisions: dict[str, Any], last_quarter: Any) -> QualityAudit:
    start, end = last_quarter
    return services.create_audit(
        actor=world.users["lead"],
        title="Consent refused, last quarter",
        date_from=start,
        date_to=end,
        consent_filter="refused",
        sample_size=3,
        services=[world.home],
    )


def test_score_percent_counts_partly_as_half_and_ignores_not_applicable() -> None:
    assert score_percent(ALL_MET) == 100
    mixed = dict(ALL_MET, facts_only="partly", purpose="not_met", outcome="na")
    # 7 applicable: 5 met (10) + 1 partly (1) + 1 not met (0) = 11 of 14.
    assert score_percent(mixed) == round(100 * 11 / 14)
    assert score_percent(dict.fromkeys(CRITERION_NAMES, "na")) is None


def test_score_is_stored_once_and_fixed(world: Any, audit: QualityAudit) -> None:
    sample = audit.samples.first()
    score = services.score_record(
        actor=world.users["lead"],  # the sample may include the restricted incident
        sample=sample,
        results=dict(ALL_MET, harm_minimisation="not_met"),
        notes="No safe-contact plan.",
    )
    assert score.percent == round(100 * 14 / 16)
    with pytest.raises(ValidationError, match="already been scored"):
        services.score_record(actor=world.users["lead"], sample=sample, results=ALL_MET)
    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
        RecordScore.objects.filter(pk=score.pk).update(percent=100)


def test_every_criterion_needs_a_result(world: Any, audit: QualityAudit) -> None:
    results = dict(ALL_MET)
    del results["purpose"]
    with pytest.raises(ValidationError) as exc:
        services.score_record(
            actor=world.users["lead"], sample=audit.samples.first(), results=results
        )
    assert "purpose" in exc.value.message_dict
    assert not RecordScore.objects.exists()


def test_closing_needs_every_record_scored_and_a_summary(world: Any, audit: QualityAudit) -> None:
    lead = world.users["lead"]
    with pytest.raises(ValidationError, match="not scored yet"):
        services.close_audit(actor=lead, audit=audit, summary="Fine.")
    for sample in audit.samples.all():
        services.score_record(actor=lead, sample=sample, results=ALL_MET)
    with pytest.raises(ValidationError):
        services.close_audit(actor=lead, audit=audit, summary="  ")
    closed = services.close_audit(actor=lead, audit=audit, summary="Consent reasons well recorded.")
    assert closed.is_closed
    with pytest.raises(ValidationError, match="closed"):
        services.add_action(
            actor=lead,
            audit=closed,
            finding="x",
            action="y",
            owner=world.users["manager"],
            due_date=timezone.localdate(),
        )
    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
        QualityAudit.objects.filter(pk=audit.pk).update(summary="Rewritten")


def test_action_validation(world: Any, audit: QualityAudit) -> None:
    with pytest.raises(ValidationError) as exc:
        services.add_action(
            actor=world.users["lead"],
            audit=audit,
            finding="",
            action="Retrain",
            owner=world.users["outsider"],
            due_date=timezone.localdate() - timedelta(days=1),
        )
    assert set(exc.value.message_dict) == {"finding", "owner", "due_date"}
    # The owner must be able to open the audit (an action is visible where its source is).
    with pytest.raises(ValidationError) as exc:
        services.add_action(
            actor=world.users["lead"],
            audit=audit,
            finding="Two records say 'reported to safeguarding' with no detail.",
            action="Refresher on recording what was shared.",
            owner=world.users["manager"],
            due_date=timezone.localdate() + timedelta(days=30),
        )
    assert set(exc.value.message_dict) == {"owner"}
    item = services.add_action(
        actor=world.users["lead"],
        audit=audit,
        finding="Two records say 'reported to safeguarding' with no detail.",
        action="Refresher on recording what was shared.",
        owner=world.users["auditor"],
        due_date=timezone.localdate() + timedelta(days=10),  # due within My work's fortnight
        sample=audit.samples.first(),
    )
    # One agreed action (actions.Action) linked to the audit by the finding.
    from actions.access import visible_actions

    assert item.action.owner == world.users["auditor"] and item.action.source_kind == "audit"
    seen = {r for r in ("lead", "auditor", "manager", "hr", "admin", "outsider")
            if visible_actions(world.users[r]).filter(pk=item.action_id).exists()}  # fmt: skip
    assert seen == {"lead", "auditor"}
    my_work = world.client("auditor").get(reverse("my_work")).content.decode()
    assert item.action.reference in my_work


def test_the_flow_through_the_pages(world: Any, audit: QualityAudit) -> None:
    client = world.client("lead")
    detail = client.get(reverse("audits:quality_detail", args=[audit.pk]))
    assert detail.status_code == 200
    assert str(audit.seed).encode() in detail.content
    sample_url = reverse("audits:quality_sample", args=[audit.pk, 1])
    page = client.get(sample_url)
    assert b"Automatic quality checks" in page.content
    assert b"Submit score" in page.content
    for position in range(1, audit.samples.count() + 1):
        response = client.post(
            reverse("audits:quality_sample", args=[audit.pk, position]),
            dict(ALL_MET, notes="Clear record."),
        )
        assert response.status_code == 302
    assert RecordScore.objects.filter(sample__audit=audit).count() == audit.samples.count()
    response = client.post(
        reverse("audits:quality_action", args=[audit.pk]),
        {
            "finding": "Review points were set but one was reviewed late.",
            "action": "Add review dates to the weekly huddle.",
            "owner": world.users["auditor"].pk,
            "due_date": (timezone.localdate() + timedelta(days=14)).isoformat(),
            "sample": "1",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("audits:quality_close", args=[audit.pk]), {"summary": "Good practice overall."}
    )
    assert response.status_code == 302
    report = client.get(reverse("audits:quality_report", args=[audit.pk]))
    assert b"Good practice overall." in report.content
    assert b"100%" in report.content
    pdf = client.get(reverse("audits:quality_report_pdf", args=[audit.pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_invalid_score_form_shows_errors_and_saves_nothing(world: Any, audit: QualityAudit) -> None:
    response = world.client("lead").post(
        reverse("audits:quality_sample", args=[audit.pk, 1]), {"facts_only": "met"}
    )
    assert response.status_code == 200
    assert b"This field is required" in response.content
    assert not RecordScore.objects.exists()


def test_auditor_cannot_read_or_score_a_restricted_sampled_record(
    world: Any, decisions: dict[str, Any], last_quarter: Any
) -> None:
    start, end = last_quarter
    audit = services.create_audit(
        actor=world.users["lead"],
        title="Restricted included",
        date_from=start,
        date_to=end,
        consent_filter="refused",
        sample_size=10,
    )
    sample = audit.samples.get(record_id=decisions["restricted"][0].pk)
    response = world.client("auditor").get(
        reverse("audits:quality_sample", args=[audit.pk, sample.position])
    )
    assert response.status_code == 200
    assert b"not visible to you" in response.content
    assert decisions["restricted"][0].what_shared[:30].encode() not in response.content
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied
        services.score_record(actor=world.users["auditor"], sample=sample, results=ALL_MET)


def test_pdf_fetcher_refuses_anything_but_our_static_css() -> None:
    from organisations.pdf_fetcher import static_path_for

    assert static_path_for("sgstatic:css/quality_report.css") is not None
    for url in (
        "file:///etc/passwd",
        "http://example.org/x.css",
        "sgstatic:../settings.py",
        "sgstatic:/etc/passwd",
        "sgstatic:js/disclosure_form.js",
        "data:text/css,body{}",
    ):
        assert static_path_for(url) is None, url
