"""Audience profiles: who an export is for decides what it may contain.

Each profile's rules are decided here and documented, as a table, in
docs/chronology.md ("What each audience receives"); tests/chronology/
test_profiles.py checks every rule both ways on the extracted PDF text.

- Referrals and notifications (police, PiPoT, local authority, CQC, DBS,
  professional regulator) go to every audience: timely partner engagement is
  what inspectors, commissioners and partners test (seed 000).
- The fact that the record is restricted to a need-to-know list is on every
  cover. Its history (restricted when and by whom, each grant and revocation
  with its reason) goes to the internal record and to the local authority,
  which leads the section 42 enquiry and tests that information was "tightly
  controlled internally"; the other audiences get the fact, not the names of
  the provider's staff on the list.
- HR: seed 003, "cross-referencing is appropriate, duplication is not". HR
  *detail* (employment actions and outcomes) is never exported: only leads
  export and only HR may read HR detail. The internal record says that an HR
  record exists, its owner and its status; the local authority, the
  commissioner and CQC are told only that "an employment process is being
  followed"; the police get nothing about it (an employment process is not
  evidence, and naming it could prejudice either process).
- Record-quality audits that sampled a record of the incident (date,
  auditor, score, findings, actions) go to the internal record, CQC and the
  commissioner, who look at governance; not to the police or the local
  authority's enquiry, which are about the incident itself.
- People named on the incident (issue 21: source of harm with the SAC source
  of risk, witnesses, household and family members, advocates, professionals)
  go to every audience: who the source of risk is, is what SAC returns, CQC
  and enquiries ask. Exports that promise initials give theirs as initials too.
- Evidence files are listed (name, type, size, SHA-256, who added it, when) so
  a recipient can ask for exactly that file; never the files themselves. Every
  audience but the commissioner, whose contract monitoring needs no inventory
  of evidence.
- Names: exports for CQC and the commissioner replace every known name of the
  adults at risk (given, family, preferred) and of the people named on the
  incident with initials, in every printed
  field; the local authority and the police must identify the person, and the
  internal record is the organisation's own, so they carry names in full. The
  cover says which, and how many names were replaced.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class Profile(models.TextChoices):
    CQC = "cqc", "CQC inspector"
    COMMISSIONER = "commissioner", "Commissioner"
    LOCAL_AUTHORITY = "la", "Local-authority safeguarding team"
    POLICE = "police", "Police"
    INTERNAL = "internal", "Internal full record"


class HRCrossReference(models.TextChoices):
    NONE = "none", "Nothing about the HR side"
    PROCESS = "process", "Only that an employment process is being followed"
    OWNER_STATUS = "owner_status", "That an HR record exists, its owner and its status"


class Names(models.TextChoices):
    INITIALS = "initials", "Initials only"
    FULL = "full", "Names in full"


@dataclass(frozen=True)
class ProfileRules:
    # HR detail: only when the person exporting may also read it, which no
    # role can today (leads export, HR reads HR detail): see the module doc.
    includes_hr: bool
    # Recipient category of the disclosure decision this export is recorded as
    # (DESIGN.md recipient categories).
    recipient_category: str
    # Purpose category of that decision.
    purpose_category: str
    description: str
    referrals: bool = True
    need_to_know_history: bool = False
    hr_cross_reference: str = HRCrossReference.NONE
    quality_audits: bool = False
    names: str = Names.FULL
    # Issue 21: the people named on the incident (alleged source of harm with
    # the SAC source of risk, witnesses, household, family, advocates, other
    # professionals) and the list of evidence files (name, type, size, SHA-256,
    # who added it).
    linked_people: bool = True
    evidence_lists: bool = True
    # Injuries marked on an entry's body map: the outline with numbered
    # markers and the list of marks (region, description, size, colour, who
    # saw it when, corrections).
    body_maps: bool = True
    # Photographs themselves (entries' and decisions' image files) may go in,
    # when the exporter also ticks "include images" (default off): only for
    # audiences who need to see an injury and may identify the person.
    images: bool = False

    @property
    def initials_only(self) -> bool:
        return self.names == Names.INITIALS

    def images_statement(self, ticked: bool) -> str:
        """What the cover says about photographs."""
        if ticked and self.images:
            return (
                "Photographs on the records are included, as stored (location and camera "
                "details removed on upload); other files are listed only."
            )
        if self.images:
            return (
                "No photographs: the exporter did not choose to include them. "
                "Files are listed only."
            )
        return "No photographs: this audience does not receive them. Files are listed only."

    @property
    def redaction_statement(self) -> str:
        """What the cover promises about names."""
        if self.initials_only:
            return (
                "Every known name of the adult at risk (given, family, preferred) and of the "
                "people named on the incident is replaced by initials."
            )
        return "Names in full: this recipient needs to identify the person."


RULES: dict[str, ProfileRules] = {
    Profile.CQC: ProfileRules(
        includes_hr=False,
        recipient_category="cqc",
        purpose_category="regulatory_notification",
        description=(
            "Safeguarding record, every disclosure decision and referral, record-quality "
            "audits. Names as initials. No HR detail."
        ),
        hr_cross_reference=HRCrossReference.PROCESS,
        quality_audits=True,
        names=Names.INITIALS,
    ),
    Profile.COMMISSIONER: ProfileRules(
        includes_hr=False,
        recipient_category="commissioner",
        purpose_category="service_continuity",
        description=(
            "Safeguarding record, every disclosure decision and referral, record-quality "
            "audits. Names as initials. No HR detail, no list of evidence files, no body maps."
        ),
        evidence_lists=False,
        body_maps=False,
        hr_cross_reference=HRCrossReference.PROCESS,
        quality_audits=True,
        names=Names.INITIALS,
    ),
    Profile.LOCAL_AUTHORITY: ProfileRules(
        images=True,
        includes_hr=False,
        recipient_category="la_safeguarding",
        purpose_category="s42_enquiry",
        description=(
            "For a section 42 enquiry or protection planning: the record with names, "
            "referrals and who was told internally. No HR detail."
        ),
        need_to_know_history=True,
        hr_cross_reference=HRCrossReference.PROCESS,
    ),
    Profile.POLICE: ProfileRules(
        images=True,
        includes_hr=False,
        recipient_category="police",
        purpose_category="criminal_investigation",
        description=(
            "For a criminal investigation: the record with names and referrals. No HR detail."
        ),
    ),
    Profile.INTERNAL: ProfileRules(
        images=True,
        includes_hr=True,
        recipient_category="internal_lead",
        purpose_category="other",
        description=(
            "Everything a safeguarding lead may see, with the need-to-know history and the "
            "HR cross-reference (that an HR record exists, its owner and status). HR detail "
            "stays with HR. For internal review only."
        ),
        need_to_know_history=True,
        hr_cross_reference=HRCrossReference.OWNER_STATUS,
        quality_audits=True,
    ),
}


def rules_for(profile: str) -> ProfileRules:
    return RULES[Profile(profile)]
