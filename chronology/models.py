"""The export register: every chronology PDF that left the building, byte for byte.

One ``ChronologyExport`` row per export. The request (who asked, for whom, why,
which profile, which range) is written once and is read-only. The result (the
exact PDF bytes, their SHA-256, page count) is written once, when rendering
finishes, and is then frozen too; a failed export records why and is frozen as
well. Nothing is ever deleted.

The PDF lives in the row itself (``bytea``), not in a file under MEDIA_ROOT:
the bytes are then covered by the same append-only triggers as the hash that
describes them, they are saved in the same transaction as the register row and
the disclosure decision (nothing half-saved, no orphaned or missing files), and
they are backed up and restored with the database. Exports are a few hundred
kilobytes to a few megabytes, well within what PostgreSQL stores comfortably
(TOAST); list queries defer the column.
"""

from __future__ import annotations

import secrets

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from chronology.profiles import Profile
from incidents.models import Incident
from organisations.append_only import append_only, never_deleted
from organisations.models import Organisation
from organisations.owned import OrganisationOwned


def new_public_id() -> str:
    """Printed on every page. Random rather than sequential, so it says nothing
    about how many exports anyone else has made."""
    return "EX-" + secrets.token_hex(4).upper()


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RENDERING = "rendering", "Rendering"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class SignatureStatus(models.TextChoices):
    """What a checked file's signature said (chronology/signing.py)."""

    INTACT = "intact", "Signature intact"
    BROKEN = "broken", "Signature broken: the file was changed after it was signed"
    UNSIGNED = "unsigned", "Not signed"
    FOREIGN = "foreign", "Signed, but not with our certificate"
    UNREADABLE = "unreadable", "Not a readable PDF"


class ExportQuerySet(models.QuerySet["ChronologyExport"]):
    def without_pdf(self) -> ExportQuerySet:
        return self.defer("pdf")


REQUEST_FIELDS = [
    "organisation",
    "incident",
    "public_id",
    "profile",
    "recipient_name",
    "recipient_role",
    "recipient_organisation",
    "purpose",
    "lawful_basis",
    "date_from",
    "date_to",
    "kinds",
    "disclosure_details",
    "item_count",
    "background",
    "requested_by",
    "requested_at",
    "verify_url",
]


class ChronologyExport(OrganisationOwned):
    organisation_parents = ("incident", "disclosure_decision")
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="exports")
    public_id = models.CharField(max_length=16, unique=True, default=new_public_id)
    profile = models.CharField("Audience", max_length=16, choices=Profile.choices)
    recipient_name = models.CharField("Recipient's name", max_length=200)
    recipient_role = models.CharField("Recipient's role", max_length=200)
    recipient_organisation = models.CharField("Recipient's organisation", max_length=200)
    purpose = models.TextField("Purpose of sharing")
    lawful_basis = models.TextField("Lawful basis")
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)
    kinds = ArrayField(models.CharField(max_length=32))
    # The exporter's tick (issue 21): photographs go in only when it is set AND
    # the audience profile allows them (profiles.ProfileRules.images).
    include_images = models.BooleanField("Include photographs", default=False)
    # The decision-log details (consent position, lawful basis and condition,
    # proportionality, channel, review point...) recorded with the disclosure
    # decision once the file exists; validated when the export is requested.
    disclosure_details = models.JSONField(default=dict, blank=True)
    item_count = models.PositiveIntegerField()
    background = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    # The public check page's address, printed on the cover (fixed at request
    # time: a background export has no request to take it from).
    verify_url = models.CharField("Check page address", max_length=300, blank=True)

    # Written while rendering, then frozen.
    status = models.CharField(max_length=16, choices=ExportStatus.choices, default="queued")
    progress = models.CharField(max_length=120, blank=True)
    pdf = models.BinaryField(null=True, blank=True)
    sha256 = models.CharField("SHA-256 of the PDF file", max_length=64, blank=True, db_index=True)
    content_fingerprint = models.CharField(
        "Content fingerprint",
        max_length=64,
        blank=True,
        help_text="SHA-256 of the export's content; its first 16 digits are printed in the footer.",
    )
    page_count = models.PositiveIntegerField(null=True, blank=True)
    size_bytes = models.PositiveIntegerField(null=True, blank=True)
    # Blank for exports made before signing existed: they verify by hash only.
    signing_certificate = models.CharField(
        "SHA-256 of the signing certificate", max_length=64, blank=True
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    failure = models.TextField(blank=True)
    # The disclosure decision recorded for this export. A real foreign key now
    # that chronology sits above disclosures in the checked layers.
    disclosure_decision = models.ForeignKey(
        "disclosures.DisclosureDecision",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    objects = ExportQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "-requested_at"]),
            models.Index(fields=["incident", "-requested_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="done")
                | (models.Q(pdf__isnull=False) & ~models.Q(sha256="")),
                name="export_done_has_file",
            ),
        ]
        triggers = [
            *never_deleted("export", suffix="request_read_only", read_only=REQUEST_FIELDS),
            # Once finished (ready or failed) the row is frozen for good.
            pgtrigger.Protect(
                name="export_frozen_when_finished",
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(old__status__in=["done", "failed"]),
            ),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def short_fingerprint(self) -> str:
        return self.content_fingerprint[:16]

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)

    @property
    def filename(self) -> str:
        return f"{self.incident.reference}-chronology-{self.public_id}.pdf"


class VerificationAttempt(OrganisationOwned):
    """Someone checked a PDF against the register. Kept whether or not it matched."""

    organisation_parents = ("matched",)
    # Null only for an operator's ``manage.py verify_export`` with no match:
    # that check belongs to no organisation. The one organisation-owned model
    # whose organisation may be missing, so it narrows the base's field type.
    organisation = models.ForeignKey(  # type: ignore[assignment]
        Organisation, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    checked_at = models.DateTimeField(default=timezone.now)
    sha256 = models.CharField(max_length=64)
    size_bytes = models.PositiveIntegerField()
    matched = models.ForeignKey(
        ChronologyExport, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    via = models.CharField(max_length=16, default="web")
    # What the file's signature said (SignatureStatus); blank when only a hash
    # was given, or for checks made before signing existed.
    signature = models.CharField(max_length=16, choices=SignatureStatus.choices, blank=True)
    # The public page: a keyed hash of the client's address (for its rate
    # limit; the address itself is not kept) and why an upload was refused.
    client = models.CharField(max_length=64, blank=True)
    rejected = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["-checked_at", "-pk"]
        indexes = [models.Index(fields=["client", "-checked_at"], name="verification_client_idx")]
        triggers = append_only("verification")

    def __str__(self) -> str:
        return f"Verification {self.sha256[:12]} → {self.matched_id or 'no match'}"
