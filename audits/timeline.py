"""Record-quality audits in an incident's chronology.

``audits`` may read everything, so it adds its own kind to the chronology
(chronology.timeline.register) rather than the chronology reaching up for it:
each audit that sampled one of the incident's records (a disclosure decision,
or an allegation's safeguarding key decision) with its date, auditor, score,
findings and actions. Shown where the audience profile allows
(chronology/profiles.py, ``quality_audits``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from chronology.timeline import Field, Provider, Section, TimelineItem, TimelineQuery, name_of, when


def _samples(q: TimelineQuery) -> QuerySet[Any]:
    from allegations.models import SafeguardingDecision
    from audits.quality.models import SampledRecord, Source
    from disclosures.models import DisclosureDecision

    decisions = DisclosureDecision.objects.filter(incident=q.incident).values("pk")
    sg_decisions = SafeguardingDecision.objects.filter(
        record__allegation__incident=q.incident
    ).values("pk")
    qs = SampledRecord.objects.filter(
        Q(audit__source=Source.DECISIONS, record_id__in=decisions)
        | Q(audit__source=Source.ALLEGATION_DECISIONS, record_id__in=sg_decisions)
    )
    return q.in_range(qs, "audit__created_at")


def _count(q: TimelineQuery) -> int:
    return _samples(q).count()


def _record_label(sample: Any) -> str:
    from allegations.models import SafeguardingDecision
    from audits.quality.models import Source
    from disclosures.models import DisclosureDecision

    if sample.audit.source == Source.DECISIONS:
        d = DisclosureDecision.objects.filter(pk=sample.record_id).first()
        return f"Disclosure decision {d.number}" if d else "A disclosure decision"
    sg = SafeguardingDecision.objects.filter(pk=sample.record_id).first()
    return f"Allegation key decision of {when(sg.decided_at)}" if sg else "A key decision"


def _items(q: TimelineQuery) -> Iterator[TimelineItem]:
    from audits.quality.models import AuditFinding, RecordScore

    qs = (
        _samples(q)
        .select_related("audit__created_by", "audit__closed_by")
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=AuditFinding.objects.current().select_related("action__owner"),
            )
        )
        .order_by("audit__created_at", "pk")
    )
    for sample in qs:
        audit = sample.audit
        score = RecordScore.objects.filter(sample=sample).select_related("scored_by").first()
        fields = [
            Field("Audit", audit.title),
            Field("Record sampled", _record_label(sample)),
            Field("Sampled", f"{when(audit.created_at)} by {name_of(audit.created_by)}"),
        ]
        sections = []
        if score is not None:
            fields += [
                Field("Auditor", name_of(score.scored_by)),
                Field("Scored", when(score.scored_at)),
                Field("Score", f"{score.percent}%" if score.percent is not None else "Not scored"),
            ]
            results = [Field(label, result) for label, _, result in score.results()]
            if score.notes:
                results.append(Field("Findings (auditor's notes)", score.notes, prose=True))
            sections.append(Section("Findings", results))
        else:
            fields.append(Field("Score", "Not yet scored"))
        actions = [
            Field(
                f"Action, owner {name_of(a.action.owner)}, due {a.action.due_date:%-d %b %Y}",
                f"Finding: {a.finding} Action: {a.action.what}",
                prose=True,
            )
            for a in sample.actions.all()
        ]
        if actions:
            sections.append(Section("Actions", actions))
        if audit.closed_at:
            fields.append(
                Field("Audit closed", f"{when(audit.closed_at)} by {name_of(audit.closed_by)}")
            )
        yield TimelineItem(
            kind="quality_audit",
            kind_label="Record-quality audit",
            at=score.scored_at if score is not None else audit.created_at,
            pk=sample.pk,
            title=f"{_record_label(sample)} sampled",
            fields=fields,
            sections=sections,
            order=45,
        )


def register() -> None:
    from chronology.timeline import register as add

    add(
        Provider(
            "quality_audit",
            "Record-quality audits",
            _count,
            _items,
            enabled=lambda q: q.quality_audits,
        )
    )
