"""The benchmark's sample chronology costs what a real export costs: it is built
by the timeline's own item builders and mixes the kinds a long record has."""

from __future__ import annotations

from collections import Counter

from chronology.sample import sample_document

DECISION_LOG_LABELS = {
    "What was shared (facts only)",
    "What was withheld, and why",
    "Purpose",
    "Reasoning",
    "Lawful basis (UK GDPR Art. 6)",
    "Special-category condition",
    "Consent position",
    "Reason",
    "The reason, in this case",
    "What was discussed with the person",
    "How understanding was checked",
    "Refusal overridden, authorised by",
    "Why the refusal was overridden",
    "Why this is the minimum necessary",
    "How confidentiality was protected",
    "Retaliation risk and how it is managed",
    "Safe-contact arrangements",
    "Dissenting views",
    "Outcome: actions agreed",
    "Review point",
    "What will be reviewed",
}


def test_sample_mixes_the_kinds_of_a_real_chronology() -> None:
    document = sample_document(1000)
    assert len(document.items) == 1000
    kinds = Counter(item.kind for item in document.items)
    assert kinds == {"incident": 1, "status": 3, "entry": 921, "decision": 50, "review": 25}
    assert dict(document.counts)["Disclosure decisions"] == 50
    assert [i.sort_key for i in document.items] == sorted(i.sort_key for i in document.items)
    amended = Counter(item.kind for item in document.items if item.amendments)
    assert amended["entry"] >= 90 and amended["decision"] >= 15


def test_sample_decisions_fill_in_the_whole_decision_log() -> None:
    decisions = [i for i in sample_document(200).items if i.kind == "decision"]
    labels = {f.label for d in decisions for s in d.sections for f in s.fields}
    assert labels >= DECISION_LOG_LABELS, DECISION_LOG_LABELS - labels
    headings = {s.heading for d in decisions for s in d.sections}
    assert {"With whom", "Consent", "Who was consulted", "Outcome and review point"} <= headings
