"""How well the record-quality checks separate weak texts from strong ones.

Reads the labelled corpus in ``tests/disclosures/quality_corpus/`` and runs
each text through the same check the decision form, the chronology entry and
the quality audit use. Prints, per field, how many weak texts were flagged and
how many strong ones were wrongly flagged. ``make quality-report``;
``tests/disclosures/test_quality_corpus.py`` holds the floors.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from incidents.quality import Finding, check_entry_facts

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "disclosures" / "quality_corpus"


def _decision_field(name: str) -> Callable[[str], list[Finding]]:
    def run(text: str) -> list[Finding]:
        from disclosures.quality import check_text

        return check_text(name, text)

    return run


# Corpus file → the check that reads that field.
CHECKS: dict[str, Callable[[str], list[Finding]]] = {
    "what_shared": _decision_field("what_shared"),
    "reasoning": _decision_field("reasoning"),
    "proportionality": _decision_field("proportionality"),
    "harm_minimisation": _decision_field("confidentiality_measures"),
    "consent_reason": _decision_field("consent_reason_detail"),
    "outcome": _decision_field("outcome"),
    "chronology_facts": check_entry_facts,
}


@dataclass(frozen=True)
class Sample:
    field: str
    weak: bool
    why: str
    text: str


_HEADER = re.compile(r"^=== (weak|strong)(?::\s*(.*))?$")


def load(directory: Path = CORPUS) -> list[Sample]:
    samples = []
    for path in sorted(directory.glob("*.txt")):
        # Each header opens a text; the lines up to the next header are it.
        blocks: list[tuple[bool, str, list[str]]] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            match = _HEADER.match(line)
            if match:
                blocks.append((match.group(1) == "weak", (match.group(2) or "").strip(), []))
            elif blocks:
                blocks[-1][2].append(line)
        for weak, why, lines in blocks:
            text = "\n".join(lines).strip()
            if text:
                samples.append(Sample(path.stem, weak, why, text))
    return samples


@dataclass
class Score:
    weak: int = 0
    weak_flagged: int = 0
    strong: int = 0
    strong_flagged: int = 0
    missed: list[Sample] = field(default_factory=list)
    false_alarms: list[tuple[Sample, list[Finding]]] = field(default_factory=list)

    @property
    def weak_rate(self) -> float:
        return self.weak_flagged / self.weak if self.weak else 1.0

    @property
    def false_rate(self) -> float:
        return self.strong_flagged / self.strong if self.strong else 0.0


def measure(samples: list[Sample] | None = None) -> dict[str, Score]:
    scores: dict[str, Score] = {}
    for sample in load() if samples is None else samples:
        score = scores.setdefault(sample.field, Score())
        findings = CHECKS[sample.field](sample.text)
        if sample.weak:
            score.weak += 1
            if findings:
                score.weak_flagged += 1
            else:
                score.missed.append(sample)
        else:
            score.strong += 1
            if findings:
                score.strong_flagged += 1
                score.false_alarms.append((sample, findings))
    return scores


def report(scores: dict[str, Score], *, verbose: bool = False) -> str:
    out = [
        f"{'field':<20} {'weak flagged':>14} {'strong flagged':>15}",
        f"{'-' * 20} {'-' * 14} {'-' * 15}",
    ]
    total = Score()
    for name, s in sorted(scores.items()):
        out.append(
            f"{name:<20} {s.weak_flagged:>3}/{s.weak:<3} {s.weak_rate:>6.0%} "
            f"{s.strong_flagged:>3}/{s.strong:<3} {s.false_rate:>6.0%}"
        )
        total.weak += s.weak
        total.weak_flagged += s.weak_flagged
        total.strong += s.strong
        total.strong_flagged += s.strong_flagged
    out.append(
        f"{'all fields':<20} {total.weak_flagged:>3}/{total.weak:<3} {total.weak_rate:>6.0%} "
        f"{total.strong_flagged:>3}/{total.strong:<3} {total.false_rate:>6.0%}"
    )
    if verbose:
        for name, s in sorted(scores.items()):
            for sample in s.missed:
                out.append(f"MISSED  {name}: {sample.why} :: {sample.text[:70]!r}")
            for sample, findings in s.false_alarms:
                codes = ", ".join(f"{f.code} ({f.excerpt})" for f in findings)
                out.append(f"FALSE   {name}: {sample.text[:70]!r} -> {codes}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses and false alarms")
    args = parser.parse_args(argv)
    import django

    django.setup()
    samples = load()
    print(f"Record-quality corpus: {len(samples)} texts in {CORPUS.relative_to(Path.cwd())}")
    print(report(measure(samples), verbose=args.verbose))
    return 0


if __name__ == "__main__":
    sys.exit(main())
