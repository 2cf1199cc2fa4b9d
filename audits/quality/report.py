"""Summaries of an audit's scores, computed in the database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Q

from audits.quality.models import CRITERIA, QualityAudit, RecordScore, Result, criteria_for


@dataclass
class CriterionSummary:
    name: str
    label: str
    met: int
    partly: int
    not_met: int
    not_applicable: int

    @property
    def applicable(self) -> int:
        return self.met + self.partly + self.not_met

    @property
    def met_percent(self) -> int | None:
        return round(100 * self.met / self.applicable) if self.applicable else None


def criterion_summaries(audit: QualityAudit) -> list[CriterionSummary]:
    scores = RecordScore.objects.filter(sample__audit=audit)
    aggregates: dict[str, Any] = {}
    for name, _, _ in CRITERIA:
        for result in Result.values:
            aggregates[f"{name}__{result}"] = Count("pk", filter=Q(**{name: result}))
    counts = scores.aggregate(**aggregates)
    return [
        CriterionSummary(
            name=name,
            label=label,
            met=counts[f"{name}__{Result.MET}"],
            partly=counts[f"{name}__{Result.PARTLY}"],
            not_met=counts[f"{name}__{Result.NOT_MET}"],
            not_applicable=counts[f"{name}__{Result.NOT_APPLICABLE}"],
        )
        for name, label, _ in criteria_for(audit.source)
    ]


def overall(audit: QualityAudit) -> dict[str, Any]:
    scores = RecordScore.objects.filter(sample__audit=audit)
    totals = scores.aggregate(average=Avg("percent"), scored=Count("pk"))
    average = totals["average"]
    return {
        "scored": totals["scored"],
        "sampled": audit.samples.count(),
        "average": round(average) if average is not None else None,
    }
