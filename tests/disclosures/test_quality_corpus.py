"""The record-quality checks, measured on the labelled corpus
(``quality_corpus/``): per field, how many weak texts are flagged and how many
strong ones are wrongly flagged. The floors are the issue's acceptance (≥ 95%
of weak texts flagged, ≤ 5% of strong ones); the figures are in
docs/disclosures.md and ``make quality-report`` prints them."""

from __future__ import annotations

import pytest

from bench.quality_report import CHECKS, load, measure, report

WEAK_FLAGGED_FLOOR = 0.95
STRONG_FLAGGED_CEILING = 0.05

SAMPLES = load()
SCORES = measure(SAMPLES)


def test_the_corpus_is_large_balanced_and_labelled() -> None:
    assert len(SAMPLES) >= 80
    assert set(SCORES) == set(CHECKS)
    for name, score in SCORES.items():
        assert score.weak >= 7 and score.strong >= 7, name
        assert abs(score.weak - score.strong) <= 1, name
    assert all(s.why for s in SAMPLES if s.weak), "every weak text says why it is weak"


@pytest.mark.parametrize("field", sorted(CHECKS))
def test_weak_texts_are_flagged_and_strong_ones_are_not(field: str) -> None:
    score = SCORES[field]
    detail = report({field: score}, verbose=True)
    assert score.weak_rate >= WEAK_FLAGGED_FLOOR, detail
    assert score.false_rate <= STRONG_FLAGGED_CEILING, detail


def test_every_finding_on_the_corpus_quotes_its_trigger_and_says_what_to_do() -> None:
    for sample in SAMPLES:
        for finding in CHECKS[sample.field](sample.text):
            assert finding.excerpt, (sample, finding)
            assert finding.field and finding.code, (sample, finding)
            # The message quotes the trigger (or the text lacking something).
            assert finding.excerpt in finding.message, (sample, finding)
            assert len(finding.message.split()) >= 10, (sample, finding)
