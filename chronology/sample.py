"""A synthetic export document of any size, built in memory (no database).

For the benchmark (`make bench`) and for measuring the renderer:

    from chronology.sample import sample_document
    from chronology.pdf import build_export_html, render_pdf
    html, fingerprint = build_export_html(sample_document(1000))
    pdf = render_pdf(html)

Entries look like the demo story's: a few sentences of facts, who was present,
when it was recorded, and an amendment on every tenth entry.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from chronology.services import ExportDocument
from chronology.timeline import Amendment, TimelineItem, when

FACTS = [
    "Bruising approx. 3 cm across the inside of the left wrist, purple. She pulled her sleeve "
    "down when I looked.",
    "Her son stayed in the doorway throughout personal care and answered questions for her.",
    'When her son went to the kitchen she said quietly: "don\'t tell anyone".',
    "Structured handover by phone to the on-call manager: injury, quote, no private space.",
    "Cash tin count £45 short against the signed balance sheet after a two-hour visit.",
    "Welfare call made at 11:00 while she was alone; she said she was eating and sleeping well.",
    "Advocacy referral sent through the secure portal; acknowledgement received.",
    "Visit times varied as agreed in the safe-contact plan; no written material left in the home.",
]
KINDS = ["Observation", "Direct quote", "Conversation", "Call", "Meeting", "Action taken"]
PEOPLE = [
    "Priya Shah (care worker)",
    "Maya Okafor (on-call manager)",
    "Lee Morgan (support worker)",
]


def sample_items(n: int, *, seed: int = 42) -> list[TimelineItem]:
    rng = random.Random(seed)  # noqa: S311 - sample data, not security
    start = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    items = []
    for i in range(n):
        at = start + timedelta(minutes=37 * i)
        facts = " ".join(rng.sample(FACTS, rng.randint(1, 3)))
        amendments = []
        if i % 10 == 9:
            amendments.append(
                Amendment(
                    at=at + timedelta(hours=3),
                    author="Maya Okafor",
                    reason="Time corrected from the call log.",
                    new_text=facts.replace("approx.", "approximately"),
                )
            )
        items.append(
            TimelineItem(
                kind="entry",
                kind_label=f"Chronology · {rng.choice(KINDS)}",
                at=at,
                pk=i + 1,
                title="",
                byline=(
                    f"Recorded {when(at + timedelta(minutes=25))} by Priya Shah"
                    f" · Present: {'; '.join(rng.sample(PEOPLE, 2))}"
                ),
                text=facts,
                text_label="As first recorded" if amendments else "",
                amendments=amendments,
                order=20,
            )
        )
    return items


def sample_document(n: int, *, seed: int = 42) -> ExportDocument:
    return ExportDocument(
        reference="SG-2026-0042",
        public_id="EX-SAMPLE01",
        summary="Suspected coercive control; bruising to left wrist",
        initials="J.H.",
        service="Riverside Home Care",
        organisation="Riverside Care Group",
        profile_label="CQC inspector",
        includes_hr=False,
        recipient_name="Sam Inspector",
        recipient_role="Inspector",
        recipient_organisation="Care Quality Commission",
        prepared_by="Daniel Reyes",
        prepared_by_role="Safeguarding lead",
        purpose="Inspection of safeguarding practice.",
        lawful_basis="Art. 6(1)(c); Art. 9(2)(g) with DPA 2018 Sch. 1 para 18.",
        date_range="Whole record",
        generated_at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
        items=sample_items(n, seed=seed),
        counts=[("Chronology entries", n)],
    )
