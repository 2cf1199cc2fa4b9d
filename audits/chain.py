"""Walk the hash chain end to end and say where, if anywhere, it breaks."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from audits.models import GENESIS_HASH, AuditEntry, ChainLink

BATCH = 2000


@dataclass
class ChainReport:
    count: int
    head_hash: str
    head_entry_id: int | None
    problem: str = ""
    entry_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problem


def chain_pending() -> None:
    """Chain this transaction's own new entries now rather than at commit
    (only matters inside a transaction, e.g. in tests)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS audits_chain_on_commit IMMEDIATE")


def verify_chain(anchor: str = "") -> ChainReport:
    """Recompute every entry's content hash and every link, in chain order.

    Detects: an altered entry (content no longer matches its hash), an altered
    or removed link (previous hash or position does not follow), a removed
    entry (its link points nowhere), an entry slipped in without a link, and
    (with ``anchor``) a chain rewritten since the anchor hash was recorded.
    """
    if connection.in_atomic_block:
        chain_pending()
    prev, expected, head_entry = GENESIS_HASH, 1, None
    anchor_seen = not anchor
    last_seq = 0

    def fail(message: str, entry_id: int | None) -> ChainReport:
        return ChainReport(expected - 1, prev, head_entry, message, entry_id)

    while True:
        links = list(ChainLink.objects.filter(seq__gt=last_seq).order_by("seq")[:BATCH])
        if not links:
            break
        entries = AuditEntry.objects.in_bulk([link.entry_id for link in links])
        for link in links:
            where = f"entry #{link.entry_id} (chain position {link.seq})"
            if link.seq != expected or link.prev_hash != prev:
                return fail(
                    f"{where} does not follow the entry before it (expected position "
                    f"{expected}, previous hash {prev[:12]}…): an earlier entry or link was "
                    "removed or altered.",
                    link.entry_id,
                )
            if link.hash != ChainLink.link_hash(link.prev_hash, link.entry_hash):
                return fail(f"the chain link of {where} was altered.", link.entry_id)
            entry = entries.get(link.entry_id)
            if entry is None:
                return fail(f"{where} has been removed from the log.", link.entry_id)
            if entry.content_hash != link.entry_hash or (
                entry.compute_content_hash() != link.entry_hash
            ):
                return fail(
                    f"{where} has been altered: its content no longer matches its hash.",
                    link.entry_id,
                )
            prev, head_entry, expected = link.hash, link.entry_id, expected + 1
            anchor_seen = anchor_seen or link.hash == anchor
            last_seq = link.seq
    orphan = (
        AuditEntry.objects.filter(chain_link__isnull=True)
        .order_by("id")
        .values_list("id", flat=True)
    ).first()
    if orphan is not None:
        return fail(
            f"entry #{orphan} is not in the chain (written while the chaining trigger was off).",
            orphan,
        )
    if not anchor_seen:
        return fail(
            f"the anchor hash {anchor[:12]}… is not in the chain: the log was rewritten or cut "
            "back since that hash was recorded.",
            None,
        )
    return ChainReport(expected - 1, prev, head_entry)
