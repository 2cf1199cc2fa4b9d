"""Sampling is reproducible (same seed + scope → same sample) and stays in scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InternalError, ProgrammingError, transaction
from hypothesis import given
from hypothesis import strategies as st

from audits.quality import sampling, services
from audits.quality.models import QualityAudit, SampledRecord


@given(
    ids=st.sets(st.integers(min_value=1, max_value=10_000), max_size=60),
    size=st.integers(min_value=1, max_value=80),
    seed=st.integers(min_value=1, max_value=sampling.MAX_SEED),
)
def test_draw_is_reproducible_and_within_population(ids: set[int], size: int, seed: int) -> None:
    first = sampling.draw(ids, size=size, seed=seed)
    assert first == sampling.draw(sorted(ids, reverse=True), size=size, seed=seed)
    assert set(first) <= ids
    assert len(first) == len(set(first)) == min(size, len(ids))


def test_different_seeds_give_different_samples() -> None:
    ids = range(1, 501)
    assert sampling.draw(ids, size=20, seed=1) != sampling.draw(ids, size=20, seed=2)


def _create(actor: Any, last_quarter: Any, **kw: Any) -> QualityAudit:
    start, end = last_quarter
    values = {
        "title": "Consent refused, last quarter",
        "date_from": start,
        "date_to": end,
        "consent_filter": "refused",
        "sample_size": 10,
    }
    values.update(kw)
    return services.create_audit(actor=actor, **values)


def _sampled(audit: QualityAudit) -> list[int]:
    return list(audit.samples.order_by("position").values_list("record_id", flat=True))


def test_consent_refused_last_quarter_samples_only_that_scope(
    world: Any, decisions: dict[str, Any], last_quarter: Any
) -> None:
    audit = _create(world.users["lead"], last_quarter)
    expected = {
        d.pk for d in decisions["refused_home"] + decisions["refused_dom"] + decisions["restricted"]
    }
    assert set(_sampled(audit)) == expected
    assert audit.population_count == len(expected)
    assert audit.seed >= 1


def test_service_filter_and_sample_size(
    world: Any, decisions: dict[str, Any], last_quarter: Any
) -> None:
    audit = _create(world.users["lead"], last_quarter, services=[world.dom], sample_size=5)
    assert _sampled(audit) == [decisions["refused_dom"][0].pk]
    small = _create(world.users["lead"], last_quarter, sample_size=2)
    assert len(_sampled(small)) == 2
    assert set(_sampled(small)) <= {d.pk for d in decisions["refused_home"]} | {
        decisions["refused_dom"][0].pk,
        decisions["restricted"][0].pk,
    }


def test_same_seed_and_scope_reproduce_the_sample(
    world: Any, decisions: dict[str, Any], last_quarter: Any
) -> None:
    lead = world.users["lead"]
    first = _create(lead, last_quarter, consent_filter="all", sample_size=4)
    again = _create(lead, last_quarter, consent_filter="all", sample_size=4, seed=first.seed)
    assert _sampled(first) == _sampled(again)
    assert services.reproduce(actor=lead, audit=first) == _sampled(first)


def test_auditor_sample_leaves_out_restricted_incidents(
    world: Any, decisions: dict[str, Any], last_quarter: Any
) -> None:
    audit = _create(world.users["auditor"], last_quarter)
    assert decisions["restricted"][0].pk not in _sampled(audit)
    assert audit.population_count == 4


def test_not_sought_and_refused_or_not_sought_filters(
    world: Any, decisions: dict[str, Any], last_quarter: Any
) -> None:
    lead = world.users["lead"]
    not_sought = _create(lead, last_quarter, consent_filter="not_sought")
    assert set(_sampled(not_sought)) == {d.pk for d in decisions["not_sought"]}
    both = _create(lead, last_quarter, consent_filter="refused_or_not_sought", sample_size=50)
    assert both.population_count == 7


def test_empty_scope_is_a_clear_error_and_saves_nothing(world: Any, last_quarter: Any) -> None:
    with pytest.raises(ValidationError, match="No records match"):
        _create(world.users["lead"], last_quarter)
    assert not QualityAudit.objects.exists()


@pytest.mark.parametrize("role", ["manager", "hr", "admin"])
def test_only_leads_and_auditors_create_audits(
    world: Any, decisions: dict[str, Any], last_quarter: Any, role: str
) -> None:
    with pytest.raises(PermissionDenied):
        _create(world.users[role], last_quarter)


def test_other_organisations_service_is_refused(
    world: Any, decisions: dict[str, Any], last_quarter: Any
) -> None:
    other_service = world.objects["other_incident"].service
    with pytest.raises(PermissionDenied):
        _create(world.users["lead"], last_quarter, services=[other_service])


def test_scope_and_sample_are_fixed_in_the_database(
    world: Any, decisions: dict[str, Any], last_quarter: Any
) -> None:
    audit = _create(world.users["lead"], last_quarter)
    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
        QualityAudit.objects.filter(pk=audit.pk).update(seed=audit.seed + 1)
    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
        SampledRecord.objects.filter(audit=audit).delete()
    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
        SampledRecord.objects.filter(audit=audit).update(record_id=0)
