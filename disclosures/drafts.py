"""What a caller hands ``record_disclosure``: frozen, typed drafts of a
decision and its rows, instead of dozens of keyword arguments and lists of
dicts.

A draft is *unvalidated* input: every field has an empty default, so a form
that is only partly valid can still be checked against the rules
(``validate_decision``) and every problem shown at once. The service decides
what is required.

Errors about one row are keyed by a :class:`RowField` (which row set, the
row's index in the draft, the field), so a caller puts them on its own row or
field without parsing strings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from organisations.models import User


@dataclass(frozen=True)
class RowField:
    """The key of an error about one recipient, consultation or escalation row:
    ``rows`` is ``"recipients"``, ``"consultations"`` or ``"escalations"``,
    ``index`` the row's place in the draft (from 0), ``field`` the row's field."""

    rows: str
    index: int
    field: str

    def __str__(self) -> str:
        return f"{self.rows}[{self.index}].{self.field}"


@dataclass(frozen=True, kw_only=True)
class RecipientDraft:
    """Who received the information (or, in a decision not to share, who was
    considered). ``category`` is a ``RecipientCategory``, ``channel`` a
    ``Channel``; ``shared_at`` is required when sharing and ``None`` otherwise."""

    name: str = ""
    role: str = ""
    organisation: str = ""
    category: str = ""
    channel: str = ""
    shared_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class ConsultationDraft:
    """Someone whose advice was sought before deciding."""

    name: str = ""
    role: str = ""
    advice: str = ""


@dataclass(frozen=True, kw_only=True)
class EscalationDraft:
    """A threshold for escalating: if ``condition`` happens, ``response`` is done."""

    condition: str = ""
    response: str = ""


@dataclass(frozen=True, kw_only=True)
class DecisionDraft:
    """One disclosure decision as its author states it. Field names and values
    are those of ``DisclosureDecision`` (choices from ``disclosures.models``);
    ``record_disclosure`` documents which are required when."""

    decision: str = ""
    decided_at: datetime | None = None
    decided_by: User | None = None
    purpose: str = ""
    reasoning: str = ""
    what_shared: str = ""
    what_withheld: str = ""
    information_considered: str = ""
    recipients: tuple[RecipientDraft, ...] = ()
    consultations: tuple[ConsultationDraft, ...] = ()
    escalations: tuple[EscalationDraft, ...] = ()
    lawful_basis: str = ""
    special_condition: str = ""
    consent_position: str = ""
    consent_reason: str = ""
    consent_reason_detail: str = ""
    consent_discussion: str = ""
    understanding_checked: str = ""
    override_authorised_by: str = ""
    override_reason: str = ""
    proportionality: str = ""
    confidentiality_measures: str = ""
    retaliation_risk: str = ""
    safe_contact: str = ""
    dissenting_views: str = ""
    outcome: str = ""
    review_date: date | None = None
    review_what: str = ""
    shared_file_name: str = ""
    shared_file_sha256: str = ""

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> DecisionDraft:
        """A draft from a mapping keyed by the field names (rows as mappings
        or drafts); keys that are not fields are left out, and ``None`` for a
        text field counts as empty."""
        names = {f.name for f in fields(cls)}
        given = {k: v for k, v in values.items() if k in names}
        text = {f.name for f in fields(cls) if f.type == "str"}
        given.update({k: "" for k in text if k in given and given[k] is None})
        given["recipients"] = _rows(RecipientDraft, given.get("recipients"))
        given["consultations"] = _rows(ConsultationDraft, given.get("consultations"))
        given["escalations"] = _rows(EscalationDraft, given.get("escalations"))
        return cls(**given)

    def values(self) -> dict[str, Any]:
        """The draft as plain values (rows as dicts), for the quality checks."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["recipients"] = [asdict(r) for r in self.recipients]
        out["consultations"] = [asdict(c) for c in self.consultations]
        out["escalations"] = [asdict(c) for c in self.escalations]
        return out


def _rows(kind: Any, rows: Iterable[Any] | None) -> tuple[Any, ...]:
    names = {f.name for f in fields(kind)}
    return tuple(
        row if isinstance(row, kind) else kind(**{k: v for k, v in row.items() if k in names})
        for row in rows or ()
    )
