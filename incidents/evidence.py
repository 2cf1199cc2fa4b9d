"""Evidence files on a chronology entry (issue 21, part 2): photographs,
scanned letters, emails saved as PDF.

Saved once, never replaced: a correction is a new file naming the one it
corrects and why (``replaces``, ``correction_reason``), like an amendment.
The row is append-only and the bytes live in the ``evidence`` storage
(``settings.STORAGES``) under a random name; only the download view, which
applies the incident's access rules, reads them. What was checked and
changed on the way in is ``incidents/uploads.py``.

Imported by ``incidents.models`` so Django registers the model with the app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from incidents.models import ChronologyEntry, Incident
from organisations.append_only import append_only
from organisations.owned import OrganisationOwned


class EvidenceFile(OrganisationOwned):
    organisation_parents = ("incident", "entry", "replaces")
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="evidence")
    entry = models.ForeignKey(
        ChronologyEntry, on_delete=models.PROTECT, related_name="evidence", null=True, blank=True
    )
    # The name in the evidence storage: random, never the uploader's.
    storage_name = models.CharField(max_length=200, unique=True, editable=False)
    original_name = models.CharField("File name as uploaded", max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField("Size in bytes (as stored)")
    sha256 = models.CharField("SHA-256 (as stored)", max_length=64)
    original_sha256 = models.CharField("SHA-256 as uploaded", max_length=64)
    metadata_removed = models.BooleanField(
        default=False, help_text="An image re-encoded without its EXIF/GPS metadata."
    )
    description = models.CharField(max_length=300, blank=True)
    replaces = models.ForeignKey(
        "self", on_delete=models.PROTECT, related_name="corrections", null=True, blank=True
    )
    correction_reason = models.TextField(blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = "evidence file"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(replaces__isnull=True, correction_reason="")
                | (models.Q(replaces__isnull=False) & ~models.Q(correction_reason="")),
                name="evidence_correction_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["entry", "uploaded_at"], name="evidence_entry_idx")]
        triggers = append_only("evidence")

    def __str__(self) -> str:
        return f"Evidence file #{self.pk}"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
