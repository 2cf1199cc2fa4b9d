"""Writing agreed actions: agree, complete, reassign. Never edit, never delete."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from actions import access
from actions.models import SOURCE_FIELDS, Action, ActionCompletion, SourceKind
from organisations.access import acting_user, require_membership
from organisations.models import Actor, User


def _check_text(errors: dict[str, str], what: str, due_date: date | None, *, new: bool) -> None:
    if not what.strip():
        errors["what"] = "Say what is to be done."
    if due_date is None:
        errors["due_date"] = "Enter the date it is due by."
    elif new and due_date < timezone.localdate():
        errors["due_date"] = "The due date cannot be in the past."


def _insert(
    *,
    actor: Actor,
    kind: str,
    source: Any,
    what: str,
    owner: User,
    due_date: date,
    corrects: Action | None = None,
    reason: str = "",
    organisation_id: int | None = None,
) -> Action:
    membership = require_membership(actor)
    fields: dict[str, Any] = {}
    field = SOURCE_FIELDS.get(SourceKind(kind))
    if field is not None:
        fields[field] = source
    action = Action(
        organisation_id=organisation_id or membership.organisation_id,
        source_kind=kind,
        what=what.strip(),
        owner=owner,
        due_date=due_date,
        corrects=corrects,
        correction_reason=reason.strip(),
        created_by=acting_user(actor),
        **fields,
    )
    action.full_clean(exclude=["corrects"])
    action.save()
    return action


def check_owner_sees(action: Action) -> None:
    """Refuse (the caller's transaction rolls back) an owner who could not open
    the action's source: an action nobody can act on is no action."""
    if not access.visible_actions(action.owner).filter(pk=action.pk).exists():
        raise ValidationError(
            {
                "owner": "This person cannot see the record the action comes from. "
                "Choose someone who can."
            }
        )


@transaction.atomic
def agree_action(
    *,
    actor: Actor,
    source_kind: str,
    source: Any,
    what: str,
    owner: User | None,
    due_date: date | None,
) -> Action:
    """An action agreed at ``source`` (a decision, a meeting entry, a key decision)."""
    if source_kind == SourceKind.AUDIT or not access.can_agree_action_on(
        actor, source_kind, source
    ):
        raise PermissionDenied("You cannot agree actions on this record.")
    errors: dict[str, str] = {}
    _check_text(errors, what, due_date, new=True)
    if owner is None:
        errors["owner"] = "Choose who owns the action."
    if errors:
        raise ValidationError(errors)
    assert owner is not None and due_date is not None
    with transaction.atomic():
        action = _insert(
            actor=actor, kind=source_kind, source=source, what=what, owner=owner, due_date=due_date
        )
        check_owner_sees(action)
    return action


@transaction.atomic
def agree_audit_action(
    *, actor: Actor, organisation_id: int, what: str, owner: User, due_date: date
) -> Action:
    """The action row of a quality-audit finding. Only ``audits.quality.services``
    calls this, after its own checks, and then links the action to the finding
    and calls :func:`check_owner_sees` (the link is what makes it visible)."""
    errors: dict[str, str] = {}
    _check_text(errors, what, due_date, new=True)
    if errors:
        raise ValidationError(errors)
    return _insert(
        actor=actor,
        kind=SourceKind.AUDIT,
        source=None,
        what=what,
        owner=owner,
        due_date=due_date,
        organisation_id=organisation_id,
    )


ALREADY_CLOSED = "This action is already completed or was replaced."


def _open_for(actor: Actor, action: Action) -> Action:
    # No row lock (the app role may not UPDATE, so may not lock, an append-only
    # row): two people completing or replacing it at once are kept apart by
    # the one-to-one keys of ActionCompletion.action and Action.corrects.
    locked = Action.objects.get(pk=action.pk)
    if not access.visible_actions(actor).filter(pk=locked.pk).exists():
        raise PermissionDenied("You cannot see this action.")
    if not Action.objects.filter(pk=locked.pk).open().exists():
        raise ValidationError(ALREADY_CLOSED)
    return locked


@transaction.atomic
def complete_action(*, actor: Actor, action: Action, note: str) -> ActionCompletion:
    """Mark an action done, saying what was done."""
    locked = _open_for(actor, action)
    if not access.can_complete(actor, action):
        raise PermissionDenied("Only the owner, or whoever may agree actions here, completes it.")
    if not note.strip():
        raise ValidationError({"note": "Say what was done."})
    completion = ActionCompletion(
        organisation_id=locked.organisation_id,
        action=locked,
        note=note.strip(),
        completed_by=acting_user(actor),
    )
    completion.full_clean(exclude=["action"])
    try:
        with transaction.atomic():
            completion.save()
    except IntegrityError as exc:
        raise ValidationError(ALREADY_CLOSED) from exc
    return completion


@transaction.atomic
def reassign_action(
    *,
    actor: Actor,
    action: Action,
    what: str,
    owner: User | None,
    due_date: date | None,
    reason: str,
) -> Action:
    """A new action replacing ``action`` (new owner, date or wording), with the reason.
    The original stays as it was, closed by its replacement."""
    locked = _open_for(actor, action)
    source = action.source
    if not access.can_change(actor, action):
        raise PermissionDenied("You cannot change this action.")
    errors: dict[str, str] = {}
    _check_text(errors, what, due_date, new=False)
    if owner is None:
        errors["owner"] = "Choose who owns the action."
    if not reason.strip():
        errors["reason"] = "Say why the action is changed."
    if errors:
        raise ValidationError(errors)
    assert owner is not None and due_date is not None
    try:
        with transaction.atomic():
            replacement = _insert(
                actor=actor,
                kind=locked.source_kind,
                source=source,
                what=what,
                owner=owner,
                due_date=due_date,
                corrects=locked,
                reason=reason,
                organisation_id=locked.organisation_id,
            )
    except IntegrityError as exc:
        raise ValidationError(ALREADY_CLOSED) from exc
    for hook in _ON_REASSIGN:
        hook(locked, replacement)
    check_owner_sees(replacement)
    return replacement


# Apps above that hold a link to an action (quality audits) copy it to its
# replacement here, so the replacement is visible where the original was.
_ON_REASSIGN: list[Any] = []


def on_reassign(hook: Any) -> None:
    if hook not in _ON_REASSIGN:
        _ON_REASSIGN.append(hook)
