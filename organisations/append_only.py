"""The one way to declare an append-only table.

``Meta.triggers = append_only("entry")`` gives the table an unconditional
``BEFORE UPDATE OR DELETE ... FOR EACH ROW`` trigger (django-pgtrigger's
``Protect``, named ``entry_append_only``) that refuses both to everybody,
the table's owner included. ``safeguard.dbroles`` reads such triggers from the
catalogue and grants the app role neither UPDATE nor DELETE on the table, so a
new append-only model needs nothing else.

``refuse_truncate=True`` (the audit log) adds a statement trigger refusing
TRUNCATE as well, except in a database named ``test_*`` whose session has set
``safeguard.allow_audit_truncate = on``: pytest-django empties every table with
TRUNCATE between transactional tests, and only the test harness
(tests/conftest.py) sets it. A production database is never named ``test_*``.
Other append-only tables need no such trigger: the app role has no TRUNCATE
privilege on any table.

Tables whose rows change in a few fixed ways (a grant revoked once, an export
finished once) are not append-only: ``Meta.triggers = [*never_deleted("grant",
read_only=[...]), ...]`` refuses DELETE and any change to the fields fixed when
the row was written, and a conditional ``pgtrigger.Protect`` beside it, where
there is one, freezes the row once its one allowed change has happened.
"""

from __future__ import annotations

from collections.abc import Sequence

import pgtrigger

TRUNCATE_SETTING = "safeguard.allow_audit_truncate"


class RefuseTruncate(pgtrigger.Trigger):
    """BEFORE TRUNCATE, per statement: refuse, but for the test harness's flush."""

    level = pgtrigger.Statement
    when = pgtrigger.Before
    operation = pgtrigger.Truncate
    func = f"""
        IF coalesce(current_setting('{TRUNCATE_SETTING}', true), '') = 'on'
           AND current_database() LIKE 'test\\_%' THEN
            RETURN NULL;
        END IF;
        RAISE EXCEPTION '% is append-only: TRUNCATE refused.', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    """


def append_only(name: str, *, refuse_truncate: bool = False) -> list[pgtrigger.Trigger]:
    """Triggers for ``Meta.triggers`` making a table append-only; ``name`` prefixes
    the trigger names (``<name>_append_only``, ``<name>_no_truncate``)."""
    triggers: list[pgtrigger.Trigger] = [
        pgtrigger.Protect(name=f"{name}_append_only", operation=pgtrigger.Update | pgtrigger.Delete)
    ]
    if refuse_truncate:
        triggers.append(RefuseTruncate(name=f"{name}_no_truncate"))
    return triggers


def never_deleted(
    name: str, *, read_only: Sequence[str], suffix: str = "fields_read_only"
) -> list[pgtrigger.Trigger]:
    """Triggers for ``Meta.triggers`` refusing DELETE (``<name>_no_delete``) and
    any UPDATE of the ``read_only`` fields (``<name>_<suffix>``) to everybody,
    the table's owner included."""
    return [
        pgtrigger.Protect(name=f"{name}_no_delete", operation=pgtrigger.Delete),
        pgtrigger.ReadOnly(name=f"{name}_{suffix}", fields=list(read_only)),
    ]
