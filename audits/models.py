"""The audit trail: django-auditlog entries stored in our own append-only,
hash-chained table.

How an entry is made safe and tamper-evident:

1. ``AuditEntryManager`` (the manager auditlog calls) binds each entry to its
   target: a reference-only label ("Incident #12 (SG-2026-0012)"), the
   organisation, the incident it belongs to, the request id and the view.
   Changed values of free-text fields are replaced by keyed fingerprints
   (``audits.redaction``); ``serialized_data`` and ``changes_text`` stay empty.
2. ``content_hash`` is computed from every other column as the row is
   inserted (after auditlog has filled in actor and IP).
3. At commit, a deferred database trigger appends a ``ChainLink`` for the
   entry under an advisory lock: ``hash = sha256(prev_hash || content_hash)``.
   Holding the lock only for the commit, not the whole request, keeps many
   gunicorn processes from queueing behind a slow page.
4. Triggers refuse UPDATE, DELETE and TRUNCATE on both tables
   (``organisations.append_only``, like every append-only table).

``manage.py verify_audit_chain`` recomputes all of it. See docs/audit-trail.md.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import json
from datetime import UTC
from typing import Any

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst

from audits import redaction
from audits.redaction import FINGERPRINT_PREFIX
from organisations.append_only import append_only
from organisations.audit import current_source
from organisations.models import Actor

GENESIS_HASH = "0" * 64
HASH_VERSION = 1


class ContentHashField(models.CharField):
    """SHA-256 of the entry's canonical content, computed at insert time.

    ``pre_save`` runs after the ``pre_save`` signal (where auditlog sets the
    actor and IP address), so the hash covers exactly what is inserted.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["max_length"] = 64
        kwargs["editable"] = False
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_length", None)
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        if add:
            value = model_instance.compute_content_hash()
            setattr(model_instance, self.attname, value)
            return value
        return super().pre_save(model_instance, add)


class AuditEntryManager(LogEntryManager):
    """Replaces auditlog's writers so that no record text reaches the table."""

    def log_create(self, instance: Any, force_log: bool = False, **kwargs: Any) -> Any:
        if kwargs.get("changes") is None and not force_log:
            return None
        return self._write(instance, **kwargs)

    def log_m2m_changes(
        self, changed_queryset: Any, instance: Any, operation: str, field_name: str, **kwargs: Any
    ) -> Any:
        pks = list(changed_queryset.values_list("pk", flat=True))
        if not pks:
            return None
        model = changed_queryset.model
        kwargs["changes"] = {
            field_name: {
                "type": "m2m",
                "operation": operation,
                "objects": [redaction.label_for(model, pk) for pk in pks],
            }
        }
        kwargs.setdefault("action", AuditEntry.Action.UPDATE)
        return self._write(instance, **kwargs)

    def log_access(self, instance: Any, *, view: str) -> Any:
        return self._write(instance, action=AuditEntry.Action.ACCESS, view=view)

    def log_event(
        self,
        event: str,
        *,
        target: Any,
        view: str,
        actor: Actor | None,
        organisation_id: int | None,
        details: dict[str, Any],
        fingerprints: dict[str, str] | None = None,
    ) -> Any:
        action = AuditEntry.EVENT_ACTIONS[event]
        clean = {str(k)[:64]: v if not isinstance(v, str) else v[:64] for k, v in details.items()}
        for key, value in (fingerprints or {}).items():
            clean[str(key)[:64]] = redaction.fingerprint(value)
        kwargs: dict[str, Any] = {"action": action, "view": view}
        if clean:
            kwargs["additional_data"] = clean
        if actor is not None and getattr(actor, "is_authenticated", False):
            kwargs["actor"] = actor
            kwargs["actor_email"] = getattr(actor, "email", None) or None
        return self._write(target, organisation_id=organisation_id, actor_hint=actor, **kwargs)

    def _write(
        self,
        target: Any,
        *,
        organisation_id: int | None = None,
        actor_hint: Actor | None = None,
        **kwargs: Any,
    ) -> Any:
        from auditlog.cid import get_cid

        is_class = isinstance(target, type)
        model = target if is_class else target.__class__  # also through lazy objects
        model = model._meta.concrete_model or model
        entry = self.model(
            content_type=ContentType.objects.get_for_model(model),
            object_pk="" if is_class else str(target.pk),
            object_id=None if is_class or not isinstance(target.pk, int) else target.pk,
            object_repr=redaction.label_for(model, None if is_class else target.pk, target),
            organisation_id=organisation_id
            or redaction.organisation_of(None if is_class else target, actor_hint),
            incident_id=None if is_class else redaction.incident_of(target),
            cid=get_cid(),
            **{k: v for k, v in kwargs.items() if k not in {"object_repr", "serialized_data"}},
        )
        if entry.changes:
            entry.changes = redaction.redact_changes(model, entry.changes)
        if not entry.view:
            entry.view = current_source()
        entry.save()
        return entry


class AuditEntry(AbstractLogEntry):
    # No access rule reads the trail: writing an entry (every record view
    # does) leaves the request's access lists as read (organisations/request_memo.py).
    keeps_request_memo = True

    class Action(AbstractLogEntry.Action):
        LOGIN = 10
        LOGOUT = 11
        LOGIN_FAILED = 12
        EXPORT = 13

        choices = (
            *AbstractLogEntry.Action.choices,
            (LOGIN, "login"),
            (LOGOUT, "logout"),
            (LOGIN_FAILED, "failed login"),
            (EXPORT, "export"),
        )

    ACTION_LABELS = {
        Action.CREATE: "Created",
        Action.UPDATE: "Changed",
        Action.DELETE: "Deleted",
        Action.ACCESS: "Viewed",
        Action.LOGIN: "Logged in",
        Action.LOGOUT: "Logged out",
        Action.LOGIN_FAILED: "Failed login",
        Action.EXPORT: "Exported",
    }

    EVENT_ACTIONS = {
        "access": Action.ACCESS,
        "export": Action.EXPORT,
        "login": Action.LOGIN,
        "logout": Action.LOGOUT,
        "login_failed": Action.LOGIN_FAILED,
    }

    action: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(
        choices=Action.choices, verbose_name="action", db_index=True
    )
    organisation_id: models.BigIntegerField[int | None, int | None] = models.BigIntegerField(
        null=True, blank=True, db_index=True
    )
    # The incident the target belongs to, so an incident's history is one query.
    incident_id: models.BigIntegerField[int | None, int | None] = models.BigIntegerField(
        null=True, blank=True
    )
    # The page, export or command through which it happened ("incident",
    # "audit_search_csv", "command:seed_demo").
    view: models.CharField[str, str] = models.CharField(max_length=80, blank=True)
    content_hash = ContentHashField()

    objects = AuditEntryManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"
        ordering = ["-timestamp", "-id"]
        indexes = [
            # An incident's history, newest first, in exactly the order shown.
            models.Index(fields=["incident_id", "-timestamp", "-id"], name="audit_incident_idx"),
            models.Index(fields=["organisation_id", "-timestamp"], name="audit_org_time_idx"),
        ]
        triggers = append_only("audit_entry", refuse_truncate=True)

    def __str__(self) -> str:
        return f"Audit entry #{self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("Audit entries are append-only.")
        # Nothing but labels, field names and fingerprints is kept.
        self.serialized_data = None
        self.changes_text = ""
        super().save(*args, **kwargs)

    # --- Hashing ----------------------------------------------------------

    def canonical_content(self) -> bytes:
        """Every column except ``id`` and ``content_hash``, normalised so the
        values read back from PostgreSQL give the same bytes as at insert."""

        def text(value: Any) -> str | None:
            return None if value is None else str(value)

        def integer(value: Any) -> int | None:
            return None if value is None else int(value)

        addr = self.remote_addr
        if addr:
            addr = ipaddress.ip_address(addr).compressed
        content = {
            "v": HASH_VERSION,
            "action": integer(self.action),
            "actor_email": text(self.actor_email),
            "actor_id": integer(self.actor_id),
            "additional_data": self.additional_data,
            "changes": self.changes,
            "changes_text": self.changes_text or "",
            "cid": text(self.cid),
            "content_type_id": integer(self.content_type_id),
            "incident_id": integer(self.incident_id),
            "object_id": integer(self.object_id),
            "object_pk": text(self.object_pk),
            "object_repr": text(self.object_repr),
            "organisation_id": integer(self.organisation_id),
            "remote_addr": addr or None,
            "remote_port": integer(self.remote_port),
            "serialized_data": self.serialized_data,
            "timestamp": self.timestamp.astimezone(UTC).isoformat(timespec="microseconds"),
            "view": self.view or "",
        }
        return json.dumps(
            content, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode("utf-8")

    def compute_content_hash(self) -> str:
        return hashlib.sha256(self.canonical_content()).hexdigest()

    # --- Display ----------------------------------------------------------

    @property
    def actor_label(self) -> str:
        if self.actor is not None:
            return self.actor.get_full_name() or self.actor.get_username()
        if self.actor_email:
            return f"{self.actor_email} (account removed)"
        if self.view.startswith("command:"):
            # "System (seed demo)": the command's name in words, as ``where`` shows it.
            return f"System ({self.view.removeprefix('command:').replace('_', ' ')})"
        return "Anonymous" if self.action == self.Action.LOGIN_FAILED else "System"

    @property
    def action_label(self) -> str:
        return self.ACTION_LABELS.get(self.action, str(self.action))

    def change_summary(self) -> list[str]:
        """For changes: "Status: open → closed", "Facts: text changed",
        "Services: added Service #2". Creates list no fields (the record shows them)."""
        if self.action != self.Action.UPDATE or not isinstance(self.changes, dict):
            return []
        model = self.content_type.model_class() if self.content_type_id else None
        lines = []
        for name, change in sorted(self.changes.items()):
            label = name.replace("_", " ")
            if model is not None:
                with contextlib.suppress(FieldDoesNotExist):
                    label = str(model._meta.get_field(name).verbose_name)
            label = capfirst(label)
            if isinstance(change, dict):
                verb = "added" if change.get("operation") == "add" else "removed"
                lines.append(f"{label}: {verb} {', '.join(change.get('objects', []))}")
            elif isinstance(change, list) and len(change) == 2:
                if any(str(v).startswith(FINGERPRINT_PREFIX) for v in change):
                    lines.append(f"{label}: text changed")
                else:
                    old, new = (_display_value(model, name, v) for v in change)
                    lines.append(f"{label}: {old} → {new}")
        return lines

    def listed_summary(self) -> list[str]:
        """For a list, search or dashboard: which records it showed, by id
        ("Incidents shown (page 2): #12, #15")."""
        data = self.additional_data if isinstance(self.additional_data, dict) else {}
        lines = []
        for key, value in sorted(data.items()):
            if not isinstance(value, list) or not all(isinstance(v, int) for v in value):
                continue
            if key == "shown":
                model = self.content_type.model_class() if self.content_type_id else None
                label = str(capfirst(model._meta.verbose_name_plural)) if model else "Records"
                if "page" in data:
                    label += f" (page {data['page']})"
            else:
                label = capfirst(key.replace("_", " "))
            ids = ", ".join(f"#{pk}" for pk in value) or "none"
            lines.append(f"{label} shown: {ids}")
        return lines


def _display_value(model: Any, name: str, value: Any) -> str:
    """A kept value as people read it: "Under enquiry" for a choice code, "yes"/"no"."""
    if value in (None, "", "None"):
        return "—"
    if value in ("True", "False"):
        return "yes" if value == "True" else "no"
    if model is not None:
        with contextlib.suppress(FieldDoesNotExist):
            choices = dict(model._meta.get_field(name).flatchoices)
            return str(choices.get(value, value))
    return str(value)


class ChainLink(models.Model):
    """One link of the hash chain, appended at commit by a database trigger.

    ``seq`` is gapless (previous + 1 under the lock), so a removed link shows
    as a gap and as a ``prev_hash`` that no longer matches.
    """

    seq = models.BigIntegerField(primary_key=True)
    entry = models.OneToOneField(AuditEntry, on_delete=models.PROTECT, related_name="chain_link")
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        triggers = append_only("chain_link", refuse_truncate=True)

    def __str__(self) -> str:
        return f"Chain link {self.seq}"

    @staticmethod
    def link_hash(prev_hash: str, entry_hash: str) -> str:
        return hashlib.sha256((prev_hash + entry_hash).encode("ascii")).hexdigest()


# Record-quality audits live in their own module (audits/quality/models.py).
from audits.quality.models import *  # noqa: E402, F403
