"""Names to initials, for exports whose profile promises initials only.

Every known name of each adult at risk linked to the incident (given, family
and preferred, as recorded on the person) becomes that person's initials,
case-insensitively and on word boundaries, in every string the export prints.
A full name ("June Hartley", "HARTLEY, June") becomes the initials once, not
twice. The redactor counts what it replaced so the cover can say so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# Word boundaries as a reader (or a search) sees them: "Edith's" and
# "Edith-Ann" contain the name "Edith", "Edithson" does not.
_BOUNDARY_BEFORE = r"(?<!\w)"
_BOUNDARY_AFTER = r"(?!\w)"


def known_names(person: Any) -> list[str]:
    names = [person.given_name, person.family_name, getattr(person, "preferred_name", "")]
    return [n.strip() for n in names if n and n.strip()]


@dataclass
class Redactor:
    """Replaces names with initials; ``count`` is how many it replaced."""

    people: list[Any]
    count: int = 0
    _pattern: re.Pattern[str] | None = field(default=None, init=False, repr=False)
    _initials: dict[str, str] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        alternatives: list[str] = []
        for person in self.people:
            initials = person.initials
            names = known_names(person)
            firsts = [n for n in names if n != person.family_name.strip()]
            family = person.family_name.strip()
            # Whole names first, so "June Hartley" is one replacement.
            forms = [f"{f} {family}" for f in firsts if family]
            forms += [f"{family}, {f}" for f in firsts if family]
            forms += [f"{family} {f}" for f in firsts if family]
            forms += names
            for form in forms:
                key = form.casefold()
                self._initials.setdefault(key, initials)
                alternatives.append(form)
        if alternatives:
            unique = sorted(set(alternatives), key=len, reverse=True)
            body = "|".join(re.escape(a).replace(r"\ ", r"\s+") for a in unique)
            self._pattern = re.compile(
                f"{_BOUNDARY_BEFORE}(?:{body}){_BOUNDARY_AFTER}", re.IGNORECASE
            )

    def _replace(self, match: re.Match[str]) -> str:
        self.count += 1
        key = " ".join(match.group(0).split()).casefold()
        return self._initials.get(key, "[name]")

    def text(self, value: str) -> str:
        if not value or self._pattern is None:
            return value
        return self._pattern.sub(self._replace, value)


def redact_items(redactor: Redactor, items: Iterable[Any]) -> None:
    """Every printed string of every timeline item, in place."""
    for item in items:
        item.kind_label = redactor.text(item.kind_label)
        item.title = redactor.text(item.title)
        item.byline = redactor.text(item.byline)
        item.text = redactor.text(item.text)
        item.text_label = redactor.text(item.text_label)
        for f in item.fields:
            f.label, f.value = redactor.text(f.label), redactor.text(f.value)
        for s in item.sections:
            s.heading = redactor.text(s.heading)
            for f in s.fields:
                f.label, f.value = redactor.text(f.label), redactor.text(f.value)
        for a in item.amendments:
            a.author = redactor.text(a.author)
            a.reason = redactor.text(a.reason)
            a.new_text = redactor.text(a.new_text)
            a.field_label = redactor.text(a.field_label)
