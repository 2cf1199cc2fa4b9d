"""Where the chronology meets the apps below it (disclosures, allegations).

Chronology is the top app: it may import disclosures and allegations, never
the other way round. This module is the one place that does, so the timeline
and the export pipeline stay the same whichever of those apps is present.

- ``load()`` registers the timeline providers for their records;
- ``record_export_disclosure(export)`` records an export as a disclosure
  decision and returns its id.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from chronology.timeline import (
    REFERENCE_SOURCES,
    Amendment,
    Field,
    Provider,
    Section,
    TimelineItem,
    TimelineQuery,
    evidence_section,
    name_of,
    pictures_of,
    register,
    when,
)
from disclosures.drafts import DecisionDraft, RecipientDraft

if TYPE_CHECKING:
    from chronology.models import ChronologyExport

_loaded = False


def load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    register(Provider("decision", "Disclosure decisions", _decision_count, _decision_items))
    register(Provider("review", "Reviews of decisions", _review_count, _review_items))
    # Allegations against staff: the safeguarding side only. HR records never
    # enter a timeline (HR cannot open incidents; exports carry no HR detail).
    register(
        Provider(
            "allegation",
            "Allegations against staff",
            _allegation_count,
            _allegation_items,
            allegation=True,
        )
    )
    register(
        Provider(
            "allegation_entry",
            "Allegation: safeguarding record entries",
            _sg_entry_count,
            _sg_entry_items,
            allegation=True,
        )
    )
    register(
        Provider(
            "allegation_decision",
            "Allegation: safeguarding key decisions",
            _sg_decision_count,
            _sg_decision_items,
            allegation=True,
        )
    )
    register(
        Provider(
            "referral",
            "Referrals and notifications",
            _referral_count,
            _referral_items,
            allegation=True,
        )
    )
    register(
        Provider(
            "hr_link",
            "HR record cross-reference",
            _hr_link_count,
            _hr_link_items,
            allegation=True,
            enabled=lambda q: q.hr_cross_reference != "none",
        )
    )
    REFERENCE_SOURCES.append(_referral_references)
    from chronology import notification_items

    for provider in notification_items.PROVIDERS:
        register(provider)
    REFERENCE_SOURCES.append(_notification_references)
    # Agreed actions (never those of the HR side): chronology/action_items.py.
    from chronology import action_items

    action_items.load()


# --- Disclosure decisions ----------------------------------------------------


def _decisions(q: TimelineQuery) -> QuerySet[Any]:
    from disclosures.models import DisclosureDecision

    return q.in_range(DisclosureDecision.objects.filter(incident=q.incident), "decided_at")


def _decision_count(q: TimelineQuery) -> int:
    return _decisions(q).count()


def _prose(label: str, value: str, *, empty: str = "") -> list[Field]:
    if value:
        return [Field(label, value, prose=True)]
    return [Field(label, empty)] if empty else []


# A decision not to share, or to share part, is as much about what was held back.
WHAT_HEADINGS = {
    "share": "What was shared",
    "share_part": "What was shared and what was withheld",
    "do_not_share": "What was not shared",
}


def _recipient(r: Any) -> Field:
    """Name, then role and organisation (with the kind of recipient when the
    organisation's name does not already say it), how, and when."""
    organisation = r.recipient_organisation
    category = r.get_category_display()
    if category.lower() not in organisation.lower():
        organisation = f"{organisation} ({category})"
    shared = f"shared {when(r.shared_at)}" if r.shared_at else "not shared"
    return Field(r.name, f"{r.role}, {organisation} · {r.get_channel_display()}, {shared}")


def decision_item(d: Any, *, evidence: list[Any] | None = None) -> TimelineItem:
    """Every decision-log field, grouped in the order a reviewer reasons:
    what, with whom, why, consent, proportionality and harm, who was consulted,
    outcome and review point."""
    recipients = list(d.recipients.all())
    shared: list[Field] = []
    shared += _prose("What was shared (facts only)", d.what_shared)
    shared += _prose("What was withheld, and why", d.what_withheld)
    if d.shared_file_name or d.shared_file_sha256:
        shared.append(
            Field("File shared", f"{d.shared_file_name} (SHA-256 {d.shared_file_sha256})")
        )
    whom = [_recipient(r) for r in recipients] or [Field("Recipients", "None named")]
    why = [
        Field("Purpose", d.get_purpose_display()),
        *_prose("Information considered", d.information_considered),
        *_prose("Reasoning", d.reasoning),
        Field("Lawful basis (UK GDPR Art. 6)", d.get_lawful_basis_display() or "Not applicable"),
        Field(
            "Special-category condition",
            d.get_special_condition_display() or "Not applicable",
        ),
    ]
    consent = [Field("Consent position", d.get_consent_position_display())]
    if d.consent_reason:
        consent.append(Field("Reason", d.get_consent_reason_display()))
    consent += _prose("The reason, in this case", d.consent_reason_detail)
    consent += _prose("What was discussed with the person", d.consent_discussion)
    consent += _prose("How understanding was checked", d.understanding_checked)
    if d.override_authorised_by:
        consent.append(Field("Refusal overridden, authorised by", d.override_authorised_by))
    consent += _prose("Why the refusal was overridden", d.override_reason)
    harm = [
        *_prose("Why this is the minimum necessary", d.proportionality, empty="Not recorded"),
        *_prose("How confidentiality was protected", d.confidentiality_measures),
        *_prose("Retaliation risk and how it is managed", d.retaliation_risk),
        *_prose("Safe-contact arrangements", d.safe_contact),
    ]
    consulted = [Field(f"{c.name}, {c.role}", c.advice) for c in d.consultations.all()]
    consulted += _prose("Dissenting views", d.dissenting_views)
    outcome = [
        *_prose("Outcome: actions agreed", d.outcome),
        Field("Review point", d.review_date.strftime("%-d %b %Y")),
        *_prose("What will be reviewed", d.review_what),
        # Thresholds for escalating (seed 000, example 2), each with its response.
        *(
            Field(f"Escalate if: {c.condition}", f"Then: {c.response}", prose=True)
            for c in d.escalation_conditions.all()
        ),
    ]
    sections = [
        Section(
            WHAT_HEADINGS.get(d.decision, "What was shared"),
            shared or [Field("What was shared", "Nothing")],
        ),
        # Not sharing still names who it would have gone to.
        Section("Considered sharing with" if d.decision == "do_not_share" else "With whom", whom),
        Section("Why", why),
        Section("Consent", consent),
        Section("Proportionality and harm minimisation", harm),
    ]
    if consulted:
        sections.append(Section("Who was consulted", consulted))
    sections.append(Section("Outcome and review point", outcome))
    if evidence:
        sections.append(evidence_section(evidence))
    if recipients:
        title = "; ".join(f"{r.name} ({r.recipient_organisation})" for r in recipients)
    else:
        title = ""
    return TimelineItem(
        kind="decision",
        kind_label=f"Disclosure decision {d.number} · {d.get_decision_display()}",
        at=d.decided_at,
        pk=d.pk,
        title=title,
        byline=(
            f"Decided by {name_of(d.decided_by)} · recorded {when(d.recorded_at)} "
            f"by {name_of(d.recorded_by)}"
        ),
        sections=sections,
        amendments=[Amendment.of(a, a.get_field_display()) for a in d.amendments.all()],
        order=30,
    )


def _decision_items(q: TimelineQuery) -> Iterator[TimelineItem]:
    from disclosures.models import DecisionAmendment, DecisionEvidence

    qs = (
        _decisions(q)
        .select_related("decided_by", "recorded_by")
        .prefetch_related(
            "recipients",
            "consultations",
            "escalation_conditions",
            Prefetch(
                "amendments",
                queryset=DecisionAmendment.objects.select_related("author").order_by(
                    "created_at", "pk"
                ),
            ),
        )
        .order_by("decided_at", "pk")
    )
    if q.evidence_lists:
        qs = qs.prefetch_related(
            Prefetch(
                "evidence_links",
                queryset=DecisionEvidence.objects.select_related("file__uploaded_by").order_by(
                    "file__uploaded_at", "pk"
                ),
            )
        )
    for d in qs:
        files = [link.file for link in d.evidence_links.all()] if q.evidence_lists else []
        item = decision_item(d, evidence=files)
        if q.images:
            item.pictures = pictures_of(files)
        yield item


# --- Reviews of decisions ----------------------------------------------------


def _reviews(q: TimelineQuery) -> QuerySet[Any]:
    from disclosures.models import DecisionReview

    return q.in_range(DecisionReview.objects.filter(decision__incident=q.incident), "reviewed_at")


def _review_count(q: TimelineQuery) -> int:
    return _reviews(q).count()


def _review_items(q: TimelineQuery) -> Iterator[TimelineItem]:
    reviews = _reviews(q).select_related("decision", "reviewed_by")
    reviews = reviews.prefetch_related("escalation_checks__condition")
    for r in reviews.order_by("reviewed_at", "pk"):
        yield review_item(r)


def review_item(r: Any) -> TimelineItem:
    fields = [Field("Review point reviewed", r.review_point_date.strftime("%-d %b %Y"))]
    if r.next_review_date:
        fields.append(Field("Next review point", r.next_review_date.strftime("%-d %b %Y")))
        fields += _prose("What will be reviewed next", r.next_review_what)
    else:
        fields += _prose("Why no further review is needed", r.no_further_review_reason)
    for c in r.escalation_checks.all():
        found = "Met" if c.met else "Not met"
        fields.append(
            Field(f"Escalate if: {c.condition.condition}", f"{found}. {c.note}".strip(), prose=True)
        )
    return TimelineItem(
        kind="review",
        kind_label=f"Review of decision {r.decision.number}",
        at=r.reviewed_at,
        pk=r.pk,
        title="",
        byline=f"Reviewed by {name_of(r.reviewed_by)}",
        text=r.what_changed,
        text_label="What has changed",
        fields=fields,
        order=40,
    )


# --- Recording an export as a disclosure decision ----------------------------


def export_what_shared(
    *,
    reference: str,
    page_count: int | None,
    item_count: int | None,
    kinds: list[str],
    date_from: Any,
    date_to: Any,
    profile: str,
    public_id: str | None,
) -> str:
    """What an export decision says was shared (also checked for quality
    before the file exists, so the exporter sees the warnings it will carry),
    in the words the timeline's filter uses for each kind of record (never the
    internal kind codes) and dates as people write them."""
    from chronology.profiles import Profile
    from chronology.timeline import kind_choices

    labels = dict(kind_choices(include_hr=True))
    kind_words = "; ".join(labels.get(kind, kind) for kind in kinds)

    def day(value: Any, empty: str) -> str:
        if isinstance(value, str) and value:
            value = date.fromisoformat(value)
        return value.strftime("%-d %b %Y") if value else empty

    pages = f"{page_count} pages" if page_count is not None else "pages to be counted"
    records = f"{item_count} records" if item_count is not None else "records"
    export_id = f" Export {public_id}." if public_id else ""
    return (
        f"Chronology of {reference} exported as PDF ({pages}, "
        f"{records} of these kinds: {kind_words}; "
        f"from {day(date_from, 'the start')} to {day(date_to, 'the latest')}), "
        f"for the audience: {Profile(profile).label}.{export_id}"
    )


def record_export_disclosure(export: ChronologyExport) -> int | None:
    """Record the export as a "share" decision naming the exact file.

    The decision-log details the exporter gave (consent position, lawful basis,
    proportionality, review point...) were validated when the export was
    requested and are kept on the register row until the file exists. So were
    its record-quality warnings: the decision is saved as "confirmed by the
    author" only when the exporter confirmed exactly these warnings; warnings
    nobody saw stop the file (ValidationError) rather than be claimed as
    confirmed.
    """
    from django.core.exceptions import ValidationError

    from disclosures import services as disclosure_services

    details = dict(export.disclosure_details or {})
    if not details:
        return None
    confirmed = details.pop("quality_confirmed", "")
    now = timezone.now()
    what = export_what_shared(
        reference=export.incident.reference,
        page_count=export.page_count,
        item_count=export.item_count,
        kinds=list(export.kinds),
        date_from=export.date_from,
        date_to=export.date_to,
        profile=export.profile,
        public_id=export.public_id,
    )
    draft = DecisionDraft.from_values(
        {
            **details,
            "decision": "share",
            "decided_at": export.requested_at,
            "what_shared": what,
            "recipients": [
                RecipientDraft(
                    name=export.recipient_name,
                    role=export.recipient_role,
                    organisation=export.recipient_organisation,
                    category=details.pop("recipient_category"),
                    channel=details.pop("channel"),
                    shared_at=now,
                )
            ],
            "reasoning": export.purpose,
            "outcome": details.pop("outcome", "")
            or f"Chronology sent to {export.recipient_name}, {export.recipient_organisation}.",
            "review_date": _date(details.pop("review_date", None))
            or (now + timedelta(days=28)).date(),
            "shared_file_name": export.filename,
            "shared_file_sha256": export.sha256,
        }
    )
    try:
        decision = disclosure_services.record_confirmed(
            actor=export.requested_by, incident=export.incident, draft=draft, confirmed=confirmed
        )
    except disclosure_services.QualityWarnings as exc:
        raise ValidationError("it has record-quality warnings the exporter was not shown") from exc
    return int(decision.pk)


def _date(value: Any) -> Any:
    from datetime import date

    if isinstance(value, str) and value:
        return date.fromisoformat(value)
    return value


def disclosure_draft(export_fields: dict[str, Any]) -> DecisionDraft:
    """The decision an export request will record, for validation before
    anything is rendered."""
    now = timezone.now()
    details = dict(export_fields["details"])
    details.pop("quality_confirmed", None)
    recipient = RecipientDraft(
        name=export_fields["recipient_name"],
        role=export_fields["recipient_role"],
        organisation=export_fields["recipient_organisation"],
        category=details.pop("recipient_category"),
        channel=details.pop("channel"),
        shared_at=now,
    )
    return DecisionDraft.from_values(
        {
            **details,
            "decision": "share",
            "decided_at": now,
            "what_shared": export_fields.get("what_shared") or "Chronology PDF",
            "recipients": [recipient],
            "reasoning": export_fields["purpose"],
            "outcome": details.pop("outcome", "") or "Chronology sent.",
            "review_date": _date(details.pop("review_date", None)) or now.date(),
        }
    )


# --- Allegations against staff: the safeguarding side ------------------------


def _allegations(q: TimelineQuery) -> QuerySet[Any]:
    from allegations.models import Allegation

    return q.in_range(Allegation.objects.filter(incident=q.incident), "raised_at")


def _allegation_count(q: TimelineQuery) -> int:
    return _allegations(q).count()


def _allegation_items(q: TimelineQuery) -> Iterator[TimelineItem]:
    for a in (
        _allegations(q).select_related("staff_member", "created_by").order_by("raised_at", "pk")
    ):
        yield TimelineItem(
            kind="allegation",
            kind_label="Allegation against staff",
            at=a.raised_at,
            pk=a.pk,
            title=f"{a.staff_member.name}, {a.staff_member.job_title}",
            byline=(
                f"Raised by {a.raised_by} · recorded {when(a.created_at)} "
                f"by {name_of(a.created_by)}"
            ),
            text=a.what_is_alleged,
            text_label="What is alleged",
            fields=[Field("Status", a.get_status_display())]
            + ([Field("Outcome", a.get_outcome_display())] if a.outcome else []),
            order=35,
        )


def _sg_entries(q: TimelineQuery) -> QuerySet[Any]:
    from allegations.models import SafeguardingEntry

    return q.in_range(
        SafeguardingEntry.objects.filter(record__allegation__incident=q.incident), "occurred_at"
    )


def _sg_entry_count(q: TimelineQuery) -> int:
    return _sg_entries(q).count()


def _sg_entry_items(q: TimelineQuery) -> Iterator[TimelineItem]:
    from allegations.models import SafeguardingAmendment

    qs = (
        _sg_entries(q)
        .select_related("recorded_by")
        .prefetch_related(
            Prefetch(
                "amendments",
                queryset=SafeguardingAmendment.objects.select_related("author").order_by(
                    "created_at", "pk"
                ),
            )
        )
        .order_by("occurred_at", "pk")
    )
    for e in qs:
        yield TimelineItem(
            kind="allegation_entry",
            kind_label=f"Allegation · safeguarding record · {e.get_kind_display()}",
            at=e.occurred_at,
            pk=e.pk,
            title="",
            byline=f"Recorded {when(e.recorded_at)} by {name_of(e.recorded_by)}",
            text=e.text,
            amendments=[Amendment.of(a) for a in e.amendments.all()],
            order=36,
        )


def _sg_decisions(q: TimelineQuery) -> QuerySet[Any]:
    from allegations.models import SafeguardingDecision

    return q.in_range(
        SafeguardingDecision.objects.filter(record__allegation__incident=q.incident), "decided_at"
    )


def _sg_decision_count(q: TimelineQuery) -> int:
    return _sg_decisions(q).count()


def _sg_decision_items(q: TimelineQuery) -> Iterator[TimelineItem]:
    from allegations.models import AMENDABLE_FIELDS, SafeguardingAmendment

    labels = dict(AMENDABLE_FIELDS["decision"])
    qs = (
        _sg_decisions(q)
        .select_related("recorded_by")
        .prefetch_related(
            Prefetch(
                "amendments",
                queryset=SafeguardingAmendment.objects.select_related("author").order_by(
                    "created_at", "pk"
                ),
            )
        )
        .order_by("decided_at", "pk")
    )
    for d in qs:
        fields = [
            *_prose("The decision", d.decision),
            *_prose("Information considered", d.information_considered),
            *_prose("Who was consulted", d.consulted),
            *_prose("Rationale", d.rationale),
            *_prose("Dissenting views", d.dissenting_views, empty="None recorded"),
        ]
        yield TimelineItem(
            kind="allegation_decision",
            kind_label="Allegation · safeguarding key decision",
            at=d.decided_at,
            pk=d.pk,
            title="",
            byline=(
                f"Decided by {d.decided_by} · recorded {when(d.recorded_at)} "
                f"by {name_of(d.recorded_by)}"
            ),
            sections=[Section("Key decision", fields)],
            amendments=[Amendment.of(a, labels.get(a.field, a.field)) for a in d.amendments.all()],
            order=37,
        )


# --- Referrals and notifications on allegations -------------------------------


def _referrals(q: TimelineQuery) -> QuerySet[Any]:
    from allegations.models import Referral

    qs = Referral.objects.filter(allegation__incident=q.incident)
    start, end = q.bounds()
    if start:
        qs = qs.filter(referred_on__gte=timezone.localtime(start).date())
    if end:
        qs = qs.filter(referred_on__lte=timezone.localtime(end).date())
    return qs


def _referral_count(q: TimelineQuery) -> int:
    return _referrals(q).count()


def _referral_at(r: Any) -> Any:
    """A referral is dated, not timed: the end of its day, after that day's events."""
    from datetime import datetime, time

    return datetime.combine(r.referred_on, time(23, 59), timezone.get_current_timezone())


def _referral_items(q: TimelineQuery) -> Iterator[TimelineItem]:
    qs = _referrals(q).select_related("allegation__staff_member", "recorded_by", "corrects")
    for r in qs.order_by("referred_on", "pk"):
        fields = [
            Field("Referred to", r.body),
            Field("Date referred", r.referred_on.strftime("%-d %b %Y")),
            Field("Their reference", r.reference or "Not yet given"),
            Field("Outcome", r.outcome or "Not yet known"),
            Field("About", f"The allegation against {r.allegation.staff_member.name}"),
        ]
        if r.corrects_id:
            fields.append(
                Field(
                    "Corrects",
                    f"The {r.corrects.get_kind_display()} referral recorded "
                    f"{when(r.corrects.recorded_at)}",
                )
            )
            fields += _prose("Why it was corrected", r.correction_reason)
        superseded = any(True for _ in r.corrections.all())
        if superseded:
            fields.append(Field("Status", "Superseded by a correction (below)"))
        yield TimelineItem(
            kind="referral",
            kind_label=f"Referral · {r.get_kind_display()}",
            at=_referral_at(r),
            date_only=True,
            pk=r.pk,
            title=f"{r.body}{f' · ref. {r.reference}' if r.reference else ''}",
            byline=f"Recorded {when(r.recorded_at)} by {name_of(r.recorded_by)}",
            fields=fields,
            order=38,
        )


def _referral_references(q: TimelineQuery) -> Iterator[tuple[str, str]]:
    """The current reference of each police, local-authority and CQC referral."""
    if not q.include_allegations:
        return
    from allegations.references import current_references

    yield from current_references(q.incident)


def _notification_references(q: TimelineQuery) -> Iterator[tuple[str, str]]:
    """The references held by the incident's sent notifications (their one home)."""
    from notifications.panels import incident_references

    yield from incident_references(q.incident)


# --- The HR side: a cross-reference, never its content ------------------------


def _hr_records(q: TimelineQuery) -> QuerySet[Any]:
    from allegations.models import HRRecord

    return q.in_range(HRRecord.objects.filter(allegation__incident=q.incident), "created_at")


def _hr_link_count(q: TimelineQuery) -> int:
    return _hr_records(q).count()


def _hr_link_items(q: TimelineQuery) -> Iterator[TimelineItem]:
    for record in _hr_records(q).select_related("owner", "allegation__staff_member"):
        if q.hr_cross_reference == "owner_status":
            fields = [
                Field("HR record", "Exists; its content is kept by HR and is not in this record"),
                Field("Owner", name_of(record.owner) if record.owner else "Not yet assigned"),
                Field("Status", record.get_status_display()),
            ]
            title = f"HR record for the allegation against {record.allegation.staff_member.name}"
        else:
            closed = record.status == "closed"
            fields = [
                Field(
                    "Employment process",
                    "An employment process was followed."
                    if closed
                    else "An employment process is being followed.",
                )
            ]
            title = "Employment process"
        yield TimelineItem(
            kind="hr_link",
            kind_label="HR cross-reference",
            at=record.created_at,
            pk=record.pk,
            title=title,
            fields=fields,
            order=39,
        )
