"""Rows that belong to an organisation, and the database rule that a child's
organisation is its parent's.

Every organisation-scoped model but the tenancy core (``Service``,
``Membership``, ``ReferenceCounter``: their organisation *is* their parent)
derives from :class:`OrganisationOwned`, which declares the ``organisation``
foreign key once. A model names the foreign keys whose target carries the
organisation it must share::

    class ChronologyEntry(OrganisationOwned):
        organisation_parents = ("incident",)
        incident = models.ForeignKey(Incident, ...)

and gets one trigger, ``same_organisation``, that refuses an INSERT, or an
UPDATE of ``organisation`` or of a parent key, whose organisation differs from
a parent's (a null parent key is not checked). The error is a
``check_violation`` (SQLSTATE 23514), which Django raises as ``IntegrityError``.
A model with no parent but its organisation (``QualityAudit``) leaves
``organisation_parents`` empty and gets no trigger.

Why a trigger and not a composite foreign key ``(organisation_id, parent_id)
→ parent(organisation_id, id)``: Django has no composite foreign keys, so those
would be hand-written SQL the migration autodetector cannot see, and each
parent would need an extra unique index over ``(organisation_id, id)``. The
trigger is declared with the model (django-pgtrigger, in migrations like every
other trigger), costs one primary-key probe per parent on insert, and the
parents' ``organisation`` is itself read-only (their own triggers), so checking
the child's writes is enough. Being ``UPDATE OF`` named columns, it does not
count as "refuses UPDATE" for ``safeguard.dbroles``.

:func:`check_existing_rows` is the migration step that runs before the trigger
is added: it fails the migration, naming the table and rows, if existing data
already breaks the rule (nothing is rewritten).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

import pgtrigger
from django.db import migrations, models
from django.db.models.signals import class_prepared

TRIGGER_NAME = "same_organisation"


class OrganisationOwned(models.Model):
    """A row that belongs to one organisation: that of each of its parents."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )

    # Names of foreign keys (on this model) whose target's organisation this
    # row's must equal. Empty: the organisation is the only parent.
    organisation_parents: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def mismatch_condition(model: Any, parents: Iterable[str], row: str) -> str:
    """SQL that is true when ``row`` (``NEW`` in the trigger, a table alias in a
    check) has an organisation other than one of its non-null parents'. Names
    come from the models, never from input."""
    own = f"{row}.{_q(model._meta.get_field('organisation').column)}"
    tests = []
    for name in parents:
        field = model._meta.get_field(name)
        parent = field.related_model._meta
        parent_org = _q(parent.get_field("organisation").column)
        target = _q(field.target_field.column)
        key = f"{row}.{_q(field.column)}"
        table = _q(parent.db_table)
        probe = f"SELECT p.{parent_org} FROM {table} p WHERE p.{target} = {key}"  # noqa: S608
        tests.append(f"({key} IS NOT NULL AND {own} IS DISTINCT FROM ({probe}))")
    return " OR ".join(tests) or "FALSE"


class SameOrganisation(pgtrigger.Trigger):
    """BEFORE INSERT OR UPDATE OF (organisation, parents): refuse a row whose
    organisation differs from a parent's. The SQL is built from the model when
    compiled (from the migration state's model too: the parents are kept on
    the trigger), so parents named lazily resolve."""

    when = pgtrigger.Before

    def __init__(self, *, parents: tuple[str, ...], **kwargs: Any) -> None:
        self.parents = parents
        super().__init__(**kwargs)

    def get_func(self, model: Any) -> str:
        return self.format_sql(f"""
            IF {mismatch_condition(model, self.parents, "NEW")} THEN
                RAISE EXCEPTION 'organisation of this % row differs from its parent''s',
                    TG_TABLE_NAME
                    USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        """)


def same_organisation_trigger(model: Any) -> SameOrganisation:
    parents = tuple(model.organisation_parents)
    columns = [model._meta.get_field(name).column for name in ("organisation", *parents)]
    return SameOrganisation(
        name=TRIGGER_NAME,
        operation=pgtrigger.Insert | pgtrigger.UpdateOf(*columns),
        parents=parents,
    )


def _declare_trigger(sender: Any, **kwargs: Any) -> None:
    # Concrete OrganisationOwned models only; the migration state's copies of
    # them do not derive from the base and carry the trigger in their Meta.
    if sender in owned_models([sender]) and not any(
        t.name == TRIGGER_NAME for t in getattr(sender._meta, "triggers", [])
    ):
        same_organisation_trigger(sender).register(sender)


class_prepared.connect(_declare_trigger, dispatch_uid="organisation_owned_trigger")


def owned_models(app_models: Iterable[Any]) -> list[Any]:
    """The concrete organisation-owned models among ``app_models`` that have parents."""
    return [
        m
        for m in app_models
        if issubclass(m, OrganisationOwned) and not m._meta.abstract and m.organisation_parents
    ]


def check_existing_rows(
    app_label: str, parents: dict[str, tuple[str, ...]]
) -> migrations.RunPython:
    """A migration step: fail, naming what to fix, if any existing row of these
    models (name → parent foreign keys, frozen in the migration) already has an
    organisation other than its parent's. Reads only."""

    def check(apps: Any, schema_editor: Any) -> None:
        problems = []
        for name, fields in parents.items():
            model = apps.get_model(app_label, name)
            pk, table = _q(model._meta.pk.column), _q(model._meta.db_table)
            sql = (
                f"SELECT t.{pk} FROM {table} t "  # noqa: S608 (names from the model)
                f"WHERE {mismatch_condition(model, fields, 't')} ORDER BY 1 LIMIT 20"
            )
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)
                ids = [row[0] for row in cursor.fetchall()]
            if ids:
                problems.append(f"{model._meta.db_table} (ids {', '.join(map(str, ids))})")
        if problems:
            raise RuntimeError(
                "Rows whose organisation differs from their parent's: "
                + "; ".join(problems)
                + ". Correct their organisation (or parent) before migrating; nothing was changed."
            )

    noop: Callable[..., None] = migrations.RunPython.noop
    return migrations.RunPython(check, noop, elidable=False)
