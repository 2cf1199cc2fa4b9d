"""Exports and verification: atomic, validated, audited.

An export is requested (the register row, read-only from then on), rendered
(synchronously when small, by a background task when large) and completed: the
exact PDF, its SHA-256 and page count are written once, together with the
disclosure decision that records the export as a disclosure.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from auditlog.context import set_actor
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from chronology import access, integrations, signing, timeline
from chronology.models import (
    ChronologyExport,
    ExportStatus,
    SignatureStatus,
    VerificationAttempt,
)
from chronology.pdf import build_export_html, render_pdf
from chronology.profiles import Profile, rules_for
from chronology.redaction import Redactor, redact_items
from disclosures.drafts import RowField
from disclosures.models import DECISION_LOG_FIELDS
from incidents.models import Incident
from organisations import access as org_access
from organisations.models import Actor

logger = logging.getLogger(__name__)

CLASSIFICATION = "OFFICIAL-SENSITIVE"


def sync_limit() -> int:
    """Exports with more items than this render in the background."""
    return int(getattr(settings, "SAFEGUARD_EXPORT_SYNC_LIMIT", 200))


@dataclass
class ExportDocument:
    """Everything the PDF template needs, as plain values."""

    reference: str
    public_id: str
    summary: str
    initials: str
    service: str
    organisation: str
    profile_label: str
    includes_hr: bool
    recipient_name: str
    recipient_role: str
    recipient_organisation: str
    prepared_by: str
    prepared_by_role: str
    purpose: str
    lawful_basis: str
    date_range: str
    generated_at: datetime
    items: list[timeline.TimelineItem]
    counts: list[tuple[str, int]] = field(default_factory=list)
    classification: str = CLASSIFICATION
    # What the profile redacts and how often it did (the cover says both).
    names_statement: str = ""
    initials_only: bool = False
    # Whether photographs are in (profile and the exporter's tick) and why not.
    images_statement: str = ""
    redactions: int = 0
    adults: str = ""
    # The fact of restriction is on every cover (chronology/profiles.py).
    restricted: bool = False
    # How a reader checks the file (the cover's "Checking this document").
    verify_url: str = ""
    signing_fingerprint: str = ""

    @property
    def signing_fingerprint_label(self) -> str:
        return signing.fingerprint_label(self.signing_fingerprint)

    @property
    def title(self) -> str:
        return f"Safeguarding chronology {self.reference}"

    @property
    def generated_label(self) -> str:
        return timeline.when(self.generated_at)


def _date_range_label(date_from: date | None, date_to: date | None) -> str:
    if not date_from and not date_to:
        return "Whole record"
    start = date_from.strftime("%-d %b %Y") if date_from else "the start"
    end = date_to.strftime("%-d %b %Y") if date_to else "the latest entry"
    return f"{start} to {end}"


def query_for(export: ChronologyExport) -> timeline.TimelineQuery:
    return _query(
        actor=export.requested_by,
        incident=export.incident,
        profile=export.profile,
        kinds=list(export.kinds),
        date_from=export.date_from,
        date_to=export.date_to,
        include_images=export.include_images,
    )


def _query(
    *,
    actor: Actor,
    incident: Incident,
    profile: str,
    kinds: list[str],
    date_from: date | None,
    date_to: date | None,
    include_images: bool = False,
) -> timeline.TimelineQuery:
    """What an export for this audience may contain (chronology/profiles.py)."""
    rules = rules_for(profile)
    return timeline.TimelineQuery(
        incident=incident,
        kinds=frozenset(kinds),
        date_from=date_from,
        date_to=date_to,
        include_hr=rules.includes_hr and access.can_see_hr_detail(actor, incident),
        include_allegations=access.can_see_allegation_safeguarding(actor, incident),
        need_to_know_history=rules.need_to_know_history,
        hr_cross_reference=rules.hr_cross_reference,
        quality_audits=rules.quality_audits,
        linked_people=rules.linked_people,
        evidence_lists=rules.evidence_lists,
        body_maps=rules.body_maps,
        images=rules.images and rules.evidence_lists and include_images,
    )


def export_document(export: ChronologyExport) -> ExportDocument:
    incident = export.incident
    q = query_for(export)
    items = timeline.build(q)
    counts: dict[str, int] = {}
    for item in items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    kinds_in_order = [(k, label) for k, label in timeline.kind_choices(include_hr=True)]
    membership = org_access.membership_of(export.requested_by)
    people = list(incident.people.all())
    rules = rules_for(export.profile)
    # Initials for the people named on the incident as well (issue 21).
    named = [link.person for link in incident.person_links.select_related("person")]
    redactor = Redactor(people + named if rules.initials_only else [])
    redact_items(redactor, items)
    r = redactor.text
    document = ExportDocument(
        reference=incident.reference,
        public_id=export.public_id,
        summary=r(incident.summary),
        initials=", ".join(p.initials for p in people) or "—",
        adults=", ".join(p.initials if rules.initials_only else p.full_name for p in people) or "—",
        names_statement=rules.redaction_statement,
        images_statement=rules.images_statement(export.include_images),
        initials_only=rules.initials_only,
        restricted=incident.restricted,
        service=incident.service.name,
        organisation=incident.organisation.name,
        profile_label=Profile(export.profile).label,
        includes_hr=q.include_hr,
        recipient_name=r(export.recipient_name),
        recipient_role=r(export.recipient_role),
        recipient_organisation=r(export.recipient_organisation),
        prepared_by=r(timeline.name_of(export.requested_by)),
        prepared_by_role=r(membership.job_title or membership.get_role_display())
        if membership
        else "",
        purpose=r(export.purpose),
        lawful_basis=r(export.lawful_basis),
        date_range=_date_range_label(export.date_from, export.date_to),
        generated_at=timezone.now(),
        items=items,
        counts=[(label, counts[k]) for k, label in kinds_in_order if k in counts],
        verify_url=export.verify_url or public_check_url(),
        signing_fingerprint=signing.certificate_fingerprint(),
    )
    document.redactions = redactor.count
    return document


def public_check_url(site_url: str = "") -> str:
    """The public check page's address: ``SAFEGUARD_PUBLIC_URL`` when set, else
    the site the export was requested on (``https://host``)."""
    from django.urls import reverse

    base = getattr(settings, "SAFEGUARD_PUBLIC_URL", "") or site_url.rstrip("/")
    return f"{base}{reverse('check')}"


@transaction.atomic
def request_export(
    *,
    actor: Actor,
    incident: Incident,
    profile: str,
    recipient_name: str,
    recipient_role: str,
    recipient_organisation: str,
    purpose: str,
    lawful_basis: str,
    kinds: list[str],
    decision_log: Mapping[str, Any],
    date_from: date | None = None,
    date_to: date | None = None,
    quality_confirmed: str = "",
    site_url: str = "",
    include_images: bool = False,
) -> ChronologyExport:
    """Record an export request and render it now (small) or in the background.

    ``purpose`` is the reasoning in prose; ``lawful_basis`` a
    ``disclosures.models.LawfulBasis`` value. ``decision_log`` holds the rest
    of the disclosure decision the export is recorded as, with
    ``record_disclosure``'s names: ``purpose`` (a ``Purpose`` value),
    ``special_condition``, ``channel``, ``consent_position`` (and
    ``consent_reason``, ``consent_reason_detail``, ``consent_discussion``,
    ``understanding_checked``, ``override_authorised_by``, ``override_reason``
    as that position needs), ``proportionality``, ``confidentiality_measures``,
    ``review_date`` and ``review_what``. They are validated here, before
    anything is rendered, by the disclosure log's own rules. ``site_url``
    (``https://host`` of the request) makes the check page's address printed
    on the cover when ``SAFEGUARD_PUBLIC_URL`` is not set. ``include_images``
    is the exporter's tick for photographs (off unless ticked); they go in only
    where the profile allows them too, and the cover says which.

    The decision is also checked for record quality, as every decision is:
    when it has warnings, ``disclosures.services.QualityWarnings`` is raised
    and nothing is saved, until the exporter confirms exactly those warnings
    by passing their fingerprint as ``quality_confirmed``. The decision then
    says they were confirmed, which is true; it never claims a confirmation
    nobody gave.

    Returns the register row as it now stands: done or failed when rendered
    here, queued when it renders in the background.
    """
    if not access.can_export(actor, incident):
        raise PermissionDenied("Only a safeguarding lead can export a chronology.")
    if profile not in Profile.values:
        raise ValidationError({"profile": "Choose who the export is for."})
    errors: dict[str, Any] = {}
    for name, value, label in [
        ("recipient_name", recipient_name, "the recipient's name"),
        ("recipient_role", recipient_role, "the recipient's role"),
        ("recipient_organisation", recipient_organisation, "the recipient's organisation"),
        ("purpose", purpose, "why you are sending it"),
        ("lawful_basis", lawful_basis, "the lawful basis for sharing"),
    ]:
        if not value.strip():
            errors[name] = f"Enter {label}."
    include_hr = rules_for(profile).includes_hr and access.can_see_hr_detail(actor, incident)
    probe = _query(
        actor=actor, incident=incident, profile=profile, kinds=[], date_from=None, date_to=None
    )
    # Kinds the profile rules out are not asked for (nor listed in the register).
    allowed = {
        k for k, _ in timeline.kind_choices(include_hr=include_hr) if timeline.enabled(k, probe)
    }
    chosen = [k for k in dict.fromkeys(kinds) if k in allowed]
    if not chosen:
        errors["kinds"] = "Choose at least one kind of record to include."
    if date_from and date_to and date_from > date_to:
        errors["date_to"] = "The end date is before the start date."
    details = _decision_details(profile, lawful_basis, decision_log)
    errors.update(
        _disclosure_errors(
            recipient_name=recipient_name,
            recipient_role=recipient_role,
            recipient_organisation=recipient_organisation,
            purpose=purpose,
            details=details,
        )
    )
    if errors:
        raise ValidationError(errors)
    _check_quality(
        incident=incident,
        profile=profile,
        recipient_name=recipient_name,
        recipient_role=recipient_role,
        recipient_organisation=recipient_organisation,
        purpose=purpose,
        details=details,
        kinds=chosen,
        date_from=date_from,
        date_to=date_to,
        confirmed=quality_confirmed,
    )
    details["quality_confirmed"] = quality_confirmed
    q = _query(
        actor=actor,
        incident=incident,
        profile=profile,
        kinds=chosen,
        date_from=date_from,
        date_to=date_to,
        include_images=include_images,
    )
    item_count = timeline.count(q)
    if item_count == 0:
        raise ValidationError("Nothing in this record matches the dates and kinds you chose.")
    export = ChronologyExport(
        organisation_id=incident.organisation_id,
        incident=incident,
        profile=profile,
        recipient_name=recipient_name.strip(),
        recipient_role=recipient_role.strip(),
        recipient_organisation=recipient_organisation.strip(),
        purpose=purpose.strip(),
        lawful_basis=_lawful_basis_label(details),
        disclosure_details=details,
        date_from=date_from,
        date_to=date_to,
        kinds=chosen,
        include_images=include_images,
        item_count=item_count,
        background=item_count > sync_limit(),
        requested_by=org_access.acting_user(actor),
        verify_url=public_check_url(site_url),
    )
    export.full_clean(exclude=["pdf"])
    export.save()
    if export.background:
        from chronology.tasks import render_export

        # Enqueued in the same transaction as the row (database backend): the
        # job exists exactly when the request does.
        render_export.enqueue(export.pk)
        return export
    # generate() hands back the completed (or failed) row; the one in hand
    # still says "rendering".
    return generate(export)


# record_disclosure's names → the export request's names, for error messages.
ERROR_FIELDS: dict[str | RowField, str] = {
    "purpose": "purpose_category",
    "reasoning": "purpose",
    RowField("recipients", 0, "name"): "recipient_name",
    RowField("recipients", 0, "role"): "recipient_role",
    RowField("recipients", 0, "organisation"): "recipient_organisation",
    RowField("recipients", 0, "channel"): "channel",
}


def _decision_details(
    profile: str, lawful_basis: str, decision_log: Mapping[str, Any]
) -> dict[str, Any]:
    details: dict[str, Any] = {
        k: decision_log.get(k) or "" for k in DECISION_LOG_FIELDS if k != "review_date"
    }
    details = {k: v.strip() if isinstance(v, str) else v for k, v in details.items()}
    review = decision_log.get("review_date")
    details["review_date"] = review.isoformat() if isinstance(review, date) else (review or "")
    details["lawful_basis"] = lawful_basis
    details["recipient_category"] = rules_for(profile).recipient_category
    return details


def _disclosure_errors(
    *,
    recipient_name: str,
    recipient_role: str,
    recipient_organisation: str,
    purpose: str,
    details: dict[str, Any],
) -> dict[str, list[str]]:
    from disclosures.services import validate_decision

    draft = integrations.disclosure_draft(
        {
            "recipient_name": recipient_name,
            "recipient_role": recipient_role,
            "recipient_organisation": recipient_organisation,
            "purpose": purpose,
            "details": details,
        }
    )
    if not details.get("review_date"):
        draft = replace(draft, review_date=None)
    try:
        validate_decision(draft)
    except ValidationError as exc:
        found: dict[str, list[str]] = {}
        for key, messages in exc.message_dict.items():
            found.setdefault(ERROR_FIELDS.get(key, str(key)), []).extend(messages)
        return found
    return {}


def _check_quality(
    *,
    incident: Incident,
    profile: str,
    recipient_name: str,
    recipient_role: str,
    recipient_organisation: str,
    purpose: str,
    details: dict[str, Any],
    kinds: list[str],
    date_from: date | None,
    date_to: date | None,
    confirmed: str,
) -> None:
    from disclosures import quality
    from disclosures.services import QualityWarnings

    draft = integrations.disclosure_draft(
        {
            "recipient_name": recipient_name,
            "recipient_role": recipient_role,
            "recipient_organisation": recipient_organisation,
            "purpose": purpose,
            "details": details,
            "what_shared": integrations.export_what_shared(
                reference=incident.reference,
                page_count=None,
                item_count=None,
                kinds=kinds,
                date_from=date_from,
                date_to=date_to,
                profile=profile,
                public_id=None,
            ),
        }
    )
    findings = quality.check_for_incident(draft.values(), incident)
    if findings and confirmed != quality.fingerprint(findings):
        raise QualityWarnings(findings)


def _lawful_basis_label(details: Mapping[str, Any]) -> str:
    from disclosures.models import LawfulBasis, SpecialCondition

    basis = dict(LawfulBasis.choices).get(details["lawful_basis"], details["lawful_basis"])
    condition = dict(SpecialCondition.choices).get(
        details["special_condition"], details["special_condition"]
    )
    return f"{basis}; {condition}" if condition else basis


def _set_progress(export_id: int, message: str) -> None:
    ChronologyExport.objects.filter(pk=export_id, status__in=["queued", "rendering"]).update(
        progress=message[:120]
    )


def generate(export: ChronologyExport) -> ChronologyExport:
    """Render the export and complete its register row (or record the failure)."""
    if export.is_finished:
        return export
    ChronologyExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.RENDERING, progress="Collecting the record"
    )
    export.status = ExportStatus.RENDERING
    try:
        document = export_document(export)
        _set_progress(export.pk, f"Building {len(document.items)} items")
        html, fingerprint = build_export_html(document)
        rendered = render_pdf(html, progress=lambda m: _set_progress(export.pk, m))
    except Exception:
        logger.exception("Export %s failed to render", export.public_id)
        return _fail(export, "The PDF could not be produced. Nothing was sent; try again.")
    # The one place an export's final bytes are made: whichever renderer (one
    # process or several), synchronous or background, the stored file is signed.
    _set_progress(export.pk, "Signing the PDF")
    started = time.perf_counter()
    try:
        data = signing.sign(rendered.data)
    except signing.SigningError:
        logger.exception("Export %s could not be signed", export.public_id)
        return _fail(
            export,
            "The PDF could not be signed (signing certificate or timestamp authority "
            "unavailable). Nothing was sent; tell your administrator.",
        )
    logger.info("Export %s signed in %.3f s", export.public_id, time.perf_counter() - started)
    try:
        return _complete(
            export,
            data,
            rendered.page_count,
            fingerprint,
            signing_certificate=document.signing_fingerprint,
        )
    except (ValidationError, PermissionDenied) as exc:
        # E.g. the exporter lost their role while a background export ran: the
        # file is not released without its disclosure decision.
        reasons = " ".join(getattr(exc, "messages", [])) or "permission was withdrawn"
        return _fail(
            export, f"The disclosure decision could not be recorded ({reasons}). Nothing was sent."
        )


@transaction.atomic
def _complete(
    export: ChronologyExport,
    data: bytes,
    page_count: int,
    fingerprint: str,
    *,
    signing_certificate: str = "",
) -> ChronologyExport:
    export = ChronologyExport.objects.select_for_update().get(pk=export.pk)
    export.pdf = data
    export.signing_certificate = signing_certificate
    export.sha256 = hashlib.sha256(data).hexdigest()
    export.content_fingerprint = fingerprint
    export.page_count = page_count
    export.size_bytes = len(data)
    export.completed_at = timezone.now()
    export.status = ExportStatus.DONE
    export.progress = ""
    with set_actor(export.requested_by):
        export.disclosure_decision_id = integrations.record_export_disclosure(export)
        export.save()
    return export


@transaction.atomic
def _fail(export: ChronologyExport, reason: str) -> ChronologyExport:
    export = ChronologyExport.objects.select_for_update().get(pk=export.pk)
    export.status = ExportStatus.FAILED
    export.failure = reason
    export.completed_at = timezone.now()
    with set_actor(export.requested_by):
        export.save()
    return export


def signature_status(data: bytes, match: ChronologyExport | None = None) -> str:
    """What the file's signature says, as a ``SignatureStatus`` value.

    "intact" needs pyHanko's validator to find the signature intact, valid and
    covering the whole file, made with our current certificate or the one the
    register recorded for the matching export (so files signed before a
    certificate rotation still check). A valid signature by anyone else is
    "foreign".
    """
    result = signing.check(data)
    if result.status != SignatureStatus.INTACT:
        return result.status
    ours = {signing.certificate_fingerprint()}
    if match is not None and match.signing_certificate:
        ours.add(match.signing_certificate)
    return SignatureStatus.INTACT if result.signer_fingerprint in ours else SignatureStatus.FOREIGN


def _find_export(candidates: Any, digest: str) -> ChronologyExport | None:
    found: ChronologyExport | None = (
        candidates.without_pdf()
        .filter(sha256=digest, status=ExportStatus.DONE)
        .select_related("incident", "requested_by", "organisation")
        .first()
    )
    return found


@transaction.atomic
def verify_pdf(*, actor: Actor | None, data: bytes, via: str = "web") -> VerificationAttempt:
    """Does this file match an export byte for byte, and is its signature
    intact? Logged either way.

    With an ``actor`` (the web page) only that organisation's register is
    searched; without one (an operator's command) every organisation's is.
    """
    if actor is not None and not access.can_verify_exports(actor):
        raise PermissionDenied
    digest = hashlib.sha256(data).hexdigest()
    candidates = (
        access.visible_exports(actor) if actor is not None else ChronologyExport.objects.all()
    )
    match = _find_export(candidates, digest)
    membership = org_access.membership_of(actor) if actor is not None else None
    return VerificationAttempt.objects.create(
        organisation_id=membership.organisation_id
        if membership
        else (match.organisation_id if match else None),
        checked_by=None if actor is None else org_access.acting_user(actor),
        sha256=digest,
        size_bytes=len(data),
        matched=match,
        via=via,
        signature=signature_status(data, match),
    )


@dataclass(frozen=True)
class PublicAnswer:
    """All the public check page may say about a file: nothing else is passed
    to its template, so nothing else can leak (no recipient, incident or
    content)."""

    genuine: bool
    sha256: str
    export_id: str = ""
    organisation: str = ""
    issued: datetime | None = None
    page_count: int | None = None
    # A SignatureStatus value; blank when only a hash was given.
    signature: str = ""


@transaction.atomic
def check_publicly(*, data: bytes | None = None, sha256: str = "", client: str) -> PublicAnswer:
    """The public, no-account check of a file (``data``) or of its SHA-256.

    Every organisation's register is searched: the reader does not know (and
    need not say) who issued the file. Logged as a ``VerificationAttempt``
    with the hash and size only, never the file, and ``client`` (a keyed hash
    of the address, for the rate limit).
    """
    digest = hashlib.sha256(data).hexdigest() if data is not None else sha256.lower()
    match = _find_export(ChronologyExport.objects.all(), digest)
    signature = signature_status(data, match) if data is not None else ""
    VerificationAttempt.objects.create(
        organisation_id=match.organisation_id if match else None,
        sha256=digest,
        size_bytes=len(data) if data is not None else 0,
        matched=match,
        via="public",
        signature=signature,
        client=client,
    )
    if match is None:
        return PublicAnswer(genuine=False, sha256=digest, signature=signature)
    return PublicAnswer(
        genuine=True,
        sha256=digest,
        export_id=match.public_id,
        organisation=match.organisation.name,
        issued=match.completed_at,
        page_count=match.page_count,
        signature=signature,
    )


def record_refused_public_check(*, client: str, size_bytes: int, reason: str) -> None:
    """A public check refused before any hash existed (too large, empty, not a
    PDF): still logged, and counted against the address's rate limit."""
    VerificationAttempt.objects.create(
        sha256="",
        size_bytes=min(max(size_bytes, 0), 2**31 - 1),
        via="public",
        client=client,
        rejected=reason[:32],
    )
