"""The merged, time-ordered timeline of one incident.

Each kind of event comes from a small *provider*: a function that, given a
``TimelineQuery``, counts and yields ``TimelineItem``s of its kind. The web page
and the PDF render the same items (through a partial each: the PDF's markup is
kept lean for the renderer), so whatever a provider describes appears in both.
Adding a kind (disclosure decisions, reviews, allegation records, key decisions)
is adding a provider to ``PROVIDERS``; nothing else changes.

Items carry their content as labelled fields grouped in sections rather than
as model objects, so templates never reach back into the database and every
value is plain text that the template engine escapes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from incidents.bodymaps import PlacedMark, mark_summary, place
from incidents.models import (
    BodyMapMark,
    ChronologyAmendment,
    ChronologyEntry,
    EntryPresence,
    EvidenceFile,
    Incident,
    NeedToKnowGrant,
    PersonLink,
    Status,
    StatusTransition,
)
from organisations.models import User


@dataclass(slots=True)
class Field:
    label: str
    value: str
    # Prose (reasons, facts) gets its own block under the label; short values
    # sit beside it.
    prose: bool = False


@dataclass(slots=True)
class Section:
    heading: str
    fields: list[Field]
    # The item's body map marks: drawn as the outline, with this list beside it.
    body_map: bool = False


@dataclass(slots=True)
class Picture:
    """A stored photograph put into the PDF (``src`` is an ``sgevidence:`` URL
    that only the PDF's URL fetcher reads)."""

    name: str
    src: str


def pictures_of(files: Iterable[EvidenceFile]) -> list[Picture]:
    return [Picture(f.original_name, f"sgevidence:{f.storage_name}") for f in files if f.is_image]


@dataclass(slots=True)
class Amendment:
    at: datetime
    author: str
    reason: str
    new_text: str
    # Which field a correction targets, when an item has several.
    field_label: str = ""

    @classmethod
    def of(cls, record: Any, field_label: str = "") -> Amendment:
        """From any of the amendment models (created_at, author, reason, new_text)."""
        return cls(
            at=record.created_at,
            author=name_of(record.author),
            reason=record.reason,
            new_text=record.new_text,
            field_label=field_label,
        )


@dataclass(slots=True)
class TimelineItem:
    kind: str
    kind_label: str
    at: datetime
    pk: int
    title: str
    byline: str = ""
    text: str = ""
    text_label: str = ""
    fields: list[Field] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    amendments: list[Amendment] = field(default_factory=list)
    # A chronology entry's body map marks, numbered and placed on the outline
    # (drawn with the text list beside it on the page and in the PDF).
    body_marks: list[PlacedMark] = field(default_factory=list)
    # Photographs, in the PDF only (TimelineQuery.images).
    pictures: list[Picture] = field(default_factory=list)
    hr: bool = False
    # Known to the day only (a referral's date): printed without a time and
    # sorted after that day's timed events.
    date_only: bool = False
    # Tie-break for events at the same minute: the incident first, then status,
    # then entries, then decisions.
    order: int = 50

    @property
    def when_label(self) -> str:
        local = timezone.localtime(self.at)
        return local.strftime("%-d %b %Y") if self.date_only else local.strftime("%-d %b %Y %H:%M")

    @property
    def anchor(self) -> str:
        return f"{self.kind}-{self.pk}"

    @property
    def sort_key(self) -> tuple[datetime, int, int]:
        return (self.at, self.order, self.pk)


@dataclass
class TimelineQuery:
    incident: Incident
    kinds: frozenset[str]
    date_from: date | None = None
    date_to: date | None = None
    # HR detail only when both the audience and the user's role allow it.
    include_hr: bool = False
    # The safeguarding side of allegations against staff: only for users who
    # may read that side (chronology.access.can_see_allegation_safeguarding).
    include_allegations: bool = False
    # What the audience profile allows (chronology/profiles.py); the web page
    # sets them from the user's role.
    need_to_know_history: bool = False
    hr_cross_reference: str = "none"  # profiles.HRCrossReference
    quality_audits: bool = False
    # People named on the incident (besides the adults at risk), and the list
    # of evidence files on entries (name, type, size, SHA-256, who added it).
    linked_people: bool = False
    evidence_lists: bool = False
    # Body map marks on entries (outline with numbered markers, and the list).
    body_maps: bool = False
    # The photographs themselves: profile allows and exporter ticked (PDF only).
    images: bool = False

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """The date range as aware datetimes in local time (inclusive of date_to)."""
        tz = timezone.get_current_timezone()
        start = datetime.combine(self.date_from, time.min, tz) if self.date_from else None
        end = datetime.combine(self.date_to, time.max, tz) if self.date_to else None
        return start, end

    def in_range(self, qs: QuerySet[Any], field_name: str) -> QuerySet[Any]:
        start, end = self.bounds()
        if start:
            qs = qs.filter(**{f"{field_name}__gte": start})
        if end:
            qs = qs.filter(**{f"{field_name}__lte": end})
        return qs

    def at_in_range(self, at: datetime) -> bool:
        start, end = self.bounds()
        return (start is None or at >= start) and (end is None or at <= end)


@dataclass(frozen=True)
class Provider:
    kind: str
    label: str
    count: Callable[[TimelineQuery], int]
    items: Callable[[TimelineQuery], Iterable[TimelineItem]]
    hr: bool = False
    allegation: bool = False
    # Whether the query's audience may have this kind at all (a profile rule).
    enabled: Callable[[TimelineQuery], bool] = lambda q: True


def name_of(user: User | None) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


def when(value: datetime | None) -> str:
    """Dates in exports and on the page: local time, unambiguous, no locale surprises."""
    if value is None:
        return "Not known"
    return timezone.localtime(value).strftime("%-d %b %Y %H:%M")


# --- Providers over the incidents app ---------------------------------------


def _incident_count(q: TimelineQuery) -> int:
    return 1 if q.at_in_range(q.incident.became_aware_at) else 0


def _incident_items(q: TimelineQuery) -> Iterator[TimelineItem]:
    if q.at_in_range(q.incident.became_aware_at):
        found: dict[str, list[str]] = {}
        for source in REFERENCE_SOURCES:
            for slot, text in source(q):
                found.setdefault(slot, []).append(text)
        yield incident_item(q.incident, references=found)


# Where an incident's notification references come from besides its own fields
# (the referrals recorded on its allegations, chronology/integrations.py): each
# source yields ("la" | "police" | "cqc", text) for a query.
REFERENCE_SOURCES: list[Callable[[TimelineQuery], Iterable[tuple[str, str]]]] = []


def notification_fields(inc: Incident, references: dict[str, list[str]] | None) -> list[Field]:
    """One home for a reference: the referral that carries it. The incident's
    own fields remain for incidents without an allegation and for references
    typed there before referrals existed; one that repeats a referral's is
    not printed twice."""
    references = references or {}
    fields = []
    for slot, label, own in [
        ("la", "Local-authority reference", inc.la_reference),
        ("police", "Police reference", inc.police_reference),
        ("cqc", "CQC notification reference", inc.cqc_reference),
    ]:
        values = list(references.get(slot, []))
        if own and not any(v.split(" ", 1)[0] == own for v in values):
            values.append(f"{own} (recorded before notifications existed)")
        fields.append(Field(label, "; ".join(values) or "—"))
    return fields


def incident_item(inc: Incident, references: dict[str, list[str]] | None = None) -> TimelineItem:
    facts = [
        Field("Categories", ", ".join(inc.category_labels())),
        Field("Risk level", inc.get_risk_level_display()),
        Field("When it occurred", when(inc.occurred_at)),
        Field("When we became aware", when(inc.became_aware_at)),
        Field("Who raised it", inc.raised_by),
        Field("Logged", f"{when(inc.created_at)} by {name_of(inc.created_by)}"),
    ]
    person = [
        Field("The person's views", inc.persons_views or "Not recorded.", prose=True),
        Field(
            "Desired outcomes (Making Safeguarding Personal)",
            inc.desired_outcomes or "Not recorded.",
            prose=True,
        ),
        Field(
            "Mental capacity considerations",
            inc.capacity_considerations or "Not recorded.",
            prose=True,
        ),
    ]
    refs = notification_fields(inc, references)
    if inc.restricted:
        facts.append(
            Field("Access", "Restricted to a need-to-know list and the safeguarding leads")
        )
    return TimelineItem(
        kind="incident",
        kind_label="Incident raised",
        at=inc.became_aware_at,
        pk=inc.pk,
        title=inc.summary,
        byline=f"Raised by {inc.raised_by}",
        text=inc.what_happened,
        text_label="What happened (facts only)",
        fields=facts,
        sections=[Section("The person", person), Section("Notifications", refs)],
        order=0,
    )


def _transitions(q: TimelineQuery) -> QuerySet[StatusTransition]:
    return q.in_range(StatusTransition.objects.filter(incident=q.incident), "changed_at")


def _status_items(q: TimelineQuery) -> Iterator[TimelineItem]:
    for t in _transitions(q).select_related("changed_by").order_by("changed_at", "pk"):
        yield status_item(t)


def status_item(t: StatusTransition) -> TimelineItem:
    labels = dict(Status.choices)
    if t.from_status:
        title = f"{labels.get(t.from_status, t.from_status)} → {t.get_to_status_display()}"
    else:
        title = f"Logged as {t.get_to_status_display().lower()}"
    fields = []
    if t.closure_outcome:
        fields.append(Field("Closure outcome", t.get_closure_outcome_display()))
    return TimelineItem(
        kind="status",
        kind_label="Status change",
        at=t.changed_at,
        pk=t.pk,
        title=title,
        byline=f"By {name_of(t.changed_by)}",
        text=t.reason,
        text_label="Reason",
        fields=fields,
        order=10,
    )


def _entries(q: TimelineQuery) -> QuerySet[ChronologyEntry]:
    return q.in_range(ChronologyEntry.objects.filter(incident=q.incident), "occurred_at")


def _entry_items(q: TimelineQuery) -> Iterator[TimelineItem]:
    qs = (
        _entries(q)
        .select_related("recorded_by")
        .prefetch_related(
            Prefetch(
                "amendments",
                queryset=ChronologyAmendment.objects.select_related("author").order_by(
                    "created_at", "pk"
                ),
            )
        )
        .order_by("occurred_at", "pk")
    )
    if q.linked_people:
        qs = qs.prefetch_related(
            Prefetch(
                "presences",
                queryset=EntryPresence.objects.select_related("link__person").order_by("pk"),
            )
        )
    if q.evidence_lists:
        qs = qs.prefetch_related(
            Prefetch(
                "evidence",
                queryset=EvidenceFile.objects.select_related("uploaded_by").order_by(
                    "uploaded_at", "pk"
                ),
            )
        )
    if q.body_maps:
        qs = qs.prefetch_related(
            Prefetch(
                "body_marks",
                queryset=BodyMapMark.objects.select_related("recorded_by").order_by(
                    "recorded_at", "pk"
                ),
            )
        )
    # Chunked so that a 10,000-entry chronology is not one giant result set.
    for e in qs.iterator(chunk_size=1000):
        files = list(e.evidence.all()) if q.evidence_lists else []
        item = entry_item(
            e,
            present_people=list(e.presences.all()) if q.linked_people else [],
            evidence=files,
            body_marks=list(e.body_marks.all()) if q.body_maps else [],
        )
        if q.images:
            item.pictures = pictures_of(files)
        yield item


def entry_item(
    e: ChronologyEntry,
    *,
    present_people: list[EntryPresence] | None = None,
    evidence: list[EvidenceFile] | None = None,
    body_marks: list[BodyMapMark] | None = None,
) -> TimelineItem:
    # The heading carries when it happened; when it was recorded differs
    # and both matter. One byline, as for other records' authorship.
    byline = f"Recorded {when(e.recorded_at)} by {name_of(e.recorded_by)}"
    present = [
        f"{p.link.person.full_name} ({p.link.get_role_display().lower()})"
        for p in present_people or []
    ]
    if e.present:
        present.append(e.present)
    if present:
        byline += f" · Present: {'; '.join(present)}"
    amendments = list(e.amendments.all())
    sections = [evidence_section(evidence)] if evidence else []
    placed = []
    if body_marks:
        placed = place(body_marks, {m.pk: name_of(m.recorded_by) for m in body_marks})
    if placed:
        sections.append(body_map_section(placed))
    return TimelineItem(
        kind="entry",
        kind_label=f"Chronology · {e.get_kind_display()}",
        at=e.occurred_at,
        pk=e.pk,
        title="",
        byline=byline,
        text=e.facts,
        text_label="As first recorded" if amendments else "",
        sections=sections,
        amendments=[Amendment.of(a) for a in amendments],
        body_marks=placed,
        order=20,
    )


def body_map_section(placed: list[PlacedMark]) -> Section:
    """The marks as text: what the outline shows, readable without it."""
    fields = [Field(f"Mark {p.number}", mark_summary(p)) for p in placed]
    return Section("Body map marks", fields, body_map=True)


def evidence_section(files: Iterable[EvidenceFile]) -> Section:
    """Each file as a recipient can ask for exactly it: name, type, size,
    SHA-256, who added it and when (and what it corrects)."""
    fields = []
    for f in files:
        value = (
            f"{f.content_type}, {f.size:,} bytes, SHA-256 {f.sha256}; added "
            f"{when(f.uploaded_at)} by {name_of(f.uploaded_by)}"
        )
        if f.metadata_removed:
            value += "; location and camera details removed on upload"
        if f.description:
            value += f". {f.description}"
        if f.replaces_id:
            value += f". Corrects an earlier file: {f.correction_reason}"
        fields.append(Field(f.original_name, value))
    return Section("Evidence files", fields)


# --- People around the incident ----------------------------------------------


def _person_links(q: TimelineQuery) -> QuerySet[PersonLink]:
    return q.in_range(PersonLink.objects.filter(incident=q.incident), "created_at")


def _person_link_items(q: TimelineQuery) -> Iterator[TimelineItem]:
    for link in (
        _person_links(q).select_related("person", "created_by").order_by("created_at", "pk")
    ):
        yield person_link_item(link)


def person_link_item(link: PersonLink) -> TimelineItem:
    fields = [Field("Role on this incident", link.get_role_display())]
    if link.source_of_risk:
        sac = "Source of risk (Safeguarding Adults Collection)"
        fields.append(Field(sac, link.get_source_of_risk_display()))
    if link.relationship:
        fields.append(Field("Relationship to the adult at risk", link.relationship))
    if link.is_staff:
        fields.append(Field("Member of staff", "Yes"))
    if link.person.description:
        fields.append(Field("Who they are", link.person.description))
    return TimelineItem(
        kind="person",
        kind_label="Person named",
        at=link.created_at,
        pk=link.pk,
        title=f"{link.person.full_name}: {link.get_role_display().lower()}",
        byline=f"Added by {name_of(link.created_by)}",
        text=link.note,
        text_label="Note" if link.note else "",
        fields=fields,
        order=15,
    )


# --- Restriction and the need-to-know list -----------------------------------


def restriction_changes(inc: Incident) -> list[tuple[datetime, Any, bool, int]]:
    """(when, by whom, restricted, audit entry id) each time the restricted flag was set or
    changed, from the audit log (django-auditlog's public API), which has kept
    every change of the incident since it was created."""
    from auditlog import get_logentry_model

    changes = []
    entries = (
        get_logentry_model()
        .objects.get_for_object(inc)
        .select_related("actor")
        .order_by("timestamp", "pk")
    )
    previous = False
    for e in entries:
        change = e.changes_dict.get("restricted")
        if not change:
            continue
        now = str(change[-1]) == "True"
        if now != previous:
            changes.append((e.timestamp, e.actor, now, e.pk))
        previous = now
    return changes


def _grants(q: TimelineQuery) -> QuerySet[NeedToKnowGrant]:
    return NeedToKnowGrant.objects.filter(incident=q.incident)


def _need_to_know_items(q: TimelineQuery) -> list[TimelineItem]:
    items = []
    for at, actor, restricted, entry_id in restriction_changes(q.incident):
        if not q.at_in_range(at):
            continue
        items.append(
            TimelineItem(
                kind="need_to_know",
                kind_label="Need-to-know",
                at=at,
                # Anchors stay distinct from the grants' (need_to_know-<grant id>).
                pk=-entry_id,
                title=("Restricted to a need-to-know list" if restricted else "Restriction lifted"),
                byline=f"By {name_of(actor)}",
                order=5,
            )
        )
    for g in _grants(q).select_related("user", "granted_by", "revoked_by"):
        if q.at_in_range(g.granted_at):
            items.append(
                TimelineItem(
                    kind="need_to_know",
                    kind_label="Need-to-know",
                    at=g.granted_at,
                    pk=g.pk,
                    title=f"{name_of(g.user)} added to the need-to-know list",
                    byline=f"By {name_of(g.granted_by)}",
                    text=g.reason,
                    text_label="Why they need to know",
                    order=6,
                )
            )
        if g.revoked_at and q.at_in_range(g.revoked_at):
            items.append(
                TimelineItem(
                    kind="need_to_know",
                    kind_label="Need-to-know",
                    at=g.revoked_at,
                    pk=g.pk + 1_000_000_000,
                    title=f"{name_of(g.user)} removed from the need-to-know list",
                    byline=f"By {name_of(g.revoked_by)}",
                    text=g.revoke_reason,
                    text_label="Why access was removed",
                    order=7,
                )
            )
    return items


PROVIDERS: list[Provider] = [
    Provider("incident", "Incident raised", _incident_count, _incident_items),
    Provider("status", "Status changes", lambda q: _transitions(q).count(), _status_items),
    Provider("entry", "Chronology entries", lambda q: _entries(q).count(), _entry_items),
    Provider(
        "person",
        "People named on the incident",
        lambda q: _person_links(q).count(),
        _person_link_items,
        enabled=lambda q: q.linked_people,
    ),
    Provider(
        "need_to_know",
        "Restriction and need-to-know list",
        lambda q: len(_need_to_know_items(q)),
        _need_to_know_items,
        enabled=lambda q: q.need_to_know_history,
    ),
]


def register(provider: Provider) -> None:
    """Add a provider (used by the integrations module for other apps' records)."""
    if any(p.kind == provider.kind for p in PROVIDERS):
        return
    PROVIDERS.append(provider)


def providers() -> list[Provider]:
    from chronology import integrations

    integrations.load()
    return list(PROVIDERS)


def kind_choices(*, include_hr: bool) -> list[tuple[str, str]]:
    return [(p.kind, p.label) for p in providers() if include_hr or not p.hr]


def _active(q: TimelineQuery) -> list[Provider]:
    return [
        p
        for p in providers()
        if p.kind in q.kinds
        and (q.include_hr or not p.hr)
        and (q.include_allegations or not p.allegation)
        and p.enabled(q)
    ]


def enabled(kind: str, q: TimelineQuery) -> bool:
    """Whether the query's audience may have this kind at all."""
    return any(p.kind == kind and p.enabled(q) for p in providers())


def count(q: TimelineQuery) -> int:
    return sum(p.count(q) for p in _active(q))


def build(q: TimelineQuery) -> list[TimelineItem]:
    """Every item the query asks for, in time order."""
    items: list[TimelineItem] = []
    for p in _active(q):
        items.extend(p.items(q))
    items.sort(key=lambda i: i.sort_key)
    return items
