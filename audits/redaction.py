"""Keep record text out of the audit trail.

The record itself holds the narrative (append-only); the log only needs to say
*which* fields changed and to let someone later prove *what* a value was. So a
changed free-text value is stored as a keyed fingerprint, and objects are
named by type, id and reference, never by their ``__str__``.

Values kept as they are: choice codes (status "open"), booleans, numbers,
foreign-key ids and date-times. Everything else (text, names, dates of birth,
JSON) is fingerprinted. To check a value later: ``fingerprint(value)`` with the
same key gives the same string.
"""

from __future__ import annotations

import hmac
import re
from hashlib import sha256
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst

if TYPE_CHECKING:
    from organisations.models import Actor

FINGERPRINT_PREFIX = "fp:"
_EMPTY = {"", "None"}
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_.-]{0,39}$")
_KEPT_TYPES = (
    models.BooleanField,
    models.IntegerField,
    models.FloatField,
    models.DecimalField,
    models.DateTimeField,
    models.UUIDField,
)


def _key() -> bytes:
    key = getattr(settings, "AUDIT_FINGERPRINT_KEY", "") or settings.SECRET_KEY
    return hmac.new(key.encode(), b"safeguard.audits.fingerprint", sha256).digest()


def fingerprint(value: Any) -> str:
    """A 64-bit keyed fingerprint of ``str(value)``: enough to tell two values
    apart or confirm one, useless for reading or guessing short values without
    the key."""
    digest = hmac.new(_key(), str(value).encode("utf-8"), sha256).hexdigest()
    return FINGERPRINT_PREFIX + digest[:16]


def keeps_value(model: Any, field_name: str) -> bool:
    try:
        field = model._meta.get_field(field_name)
    except FieldDoesNotExist:
        return False
    if getattr(field, "choices", None):
        return True
    base = getattr(field, "base_field", None)
    if base is not None and getattr(base, "choices", None):
        return True
    if field.is_relation:
        return True
    return isinstance(field, _KEPT_TYPES)


def _redact_value(value: Any) -> Any:
    if value is None or (isinstance(value, str) and value in _EMPTY):
        return value
    return fingerprint(value)


def redact_changes(model: Any, changes: dict[str, Any]) -> dict[str, Any]:
    """auditlog's ``{field: [old, new]}`` with free text fingerprinted. m2m
    changes are built from labels by the manager and pass through."""
    result: dict[str, Any] = {}
    for name, change in changes.items():
        if _is_reverse_relation(model, name):
            continue  # auditlog lists reverse relations ("entries") as changed on create
        if isinstance(change, dict) and change.get("type") == "m2m":
            result[name] = change
        elif keeps_value(model, name) and isinstance(change, list | tuple):
            result[name] = [None if v is None else str(v) for v in change]
        elif isinstance(change, list | tuple):
            result[name] = [_redact_value(v) for v in change]
        else:
            result[name] = _redact_value(change)
    return result


def _is_reverse_relation(model: Any, name: str) -> bool:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return bool(field.auto_created and not field.concrete)


def label_for(model: Any, pk: Any, instance: Any = None) -> str:
    """ "Incident #12 (SG-2026-0012)", "Adult at risk #3", or "Audit entries"
    for a model class. Only a short reference code is ever added."""
    meta = model._meta
    if pk is None:
        return str(capfirst(meta.verbose_name_plural))
    label = f"{capfirst(meta.verbose_name)} #{pk}"
    reference = getattr(instance, "reference", None) if instance is not None else None
    if isinstance(reference, str) and _REFERENCE.match(reference):
        try:
            field = meta.get_field("reference")
        except FieldDoesNotExist:
            return label
        # Only a reference the system gave the record (an incident's
        # SG-2026-0012, not editable). One typed in from outside (the police's
        # or the local authority's reference on a referral or a notification)
        # is record content like any other text, fingerprinted, never a label.
        if not getattr(field, "editable", True):
            label += f" ({reference})"
    return label


def _context_actor() -> Any:
    from auditlog.context import auditlog_value

    data = auditlog_value.get(None)
    return data.get("actor") if data else None


def organisation_of(target: Any, actor: Actor | None = None) -> int | None:
    """The target's organisation; for users their membership's; otherwise the
    acting user's."""
    from django.contrib.auth import get_user_model

    from organisations.models import Organisation

    if target is not None:
        if isinstance(target, Organisation):
            return target.pk
        org_id = getattr(target, "organisation_id", None)
        if isinstance(org_id, int):
            return org_id
        if isinstance(target, get_user_model()):
            return _membership_org(target.pk)
    actor = actor if actor is not None else _context_actor()
    actor_pk = getattr(actor, "pk", None)
    if isinstance(actor_pk, int):
        return _membership_org(actor_pk)
    return None


def _membership_org(user_id: int) -> int | None:
    from organisations.models import Membership

    return (
        Membership.objects.filter(user_id=user_id).values_list("organisation_id", flat=True).first()
    )


def incident_of(target: Any) -> int | None:
    """The incident a record belongs to: itself, its ``incident``, or its
    parent's (up to three steps: an allegation side's entry reaches the
    incident through its record and allegation). Every entry about a record
    of an incident then carries the incident, and the audit trail hides it
    wherever the incident is hidden (``audits.access``)."""
    meta = target._meta
    if meta.label == "incidents.Incident":
        return target.pk
    path = _path_to_incident(meta.label)
    if path is None:
        return None
    obj = target
    for name in path:
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return getattr(obj, "incident_id", None)


_PATHS: dict[str, tuple[str, ...] | None] = {}


def _path_to_incident(label: str, depth: int = 3) -> tuple[str, ...] | None:
    """The foreign keys from a model to the nearest model with an ``incident``
    (read from the models' metadata only, cached): () when the model has one."""
    if label in _PATHS:
        return _PATHS[label]
    from django.apps import apps

    found = _search_path(apps.get_model(label)._meta, depth)
    _PATHS[label] = found
    return found


def _search_path(meta: Any, depth: int) -> tuple[str, ...] | None:
    if _has_incident_fk(meta):
        return ()
    if depth <= 1:
        return None
    for field in meta.concrete_fields:
        related = field.related_model
        if not field.many_to_one or related is None or related._meta.app_label == "auth":
            continue
        rest = _search_path(related._meta, depth - 1)
        if rest is not None:
            return (field.name, *rest)
    return None


def _has_incident_fk(meta: Any) -> bool:
    try:
        field = meta.get_field("incident")
    except FieldDoesNotExist:
        return False
    return bool(field.many_to_one and field.related_model._meta.label == "incidents.Incident")
