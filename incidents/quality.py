"""Record-quality checks that read the text, not only count it.

The seeds name the weak practice inspectors find: vague entries ("reported to
safeguarding"), no detail of what was shared, speculation where facts belong,
consent not explained, bullet points in place of reasoning; seed 003 adds that
missing records "are often interpreted as missing actions". Each check here
looks for what a good answer *contains* (a risk, a reason and the person in a
reasoning; what was left out in a proportionality; an owner and a date in an
outcome; a concrete measure in harm minimisation) and for what a facts-only
field must not contain (opinion, judgement, unsourced hearsay), leaving alone
what is inside quotation marks or attributed to someone ("she said…"): a quote
is a fact.

Plain Python on purpose: every finding names the words that triggered it (or
quotes the text that lacks something) and says how to fix it, so a lead can
see why it fired. Measured against the labelled corpus in
``tests/disclosures/quality_corpus/`` (``make quality-report``).

This module lives in ``incidents`` (the lowest app with free text) so that
chronology entries use it; ``disclosures.quality`` builds the decision checks
on it. No Django imports: the corpus report runs without a database.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Finding:
    code: str
    field: str
    message: str
    # The words that triggered the finding, or (for something missing) the
    # start of the text that lacks it.
    excerpt: str = ""


EXCERPT_MAX = 80


def excerpt_of(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_MAX else text[: EXCERPT_MAX - 1].rstrip() + "…"


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w'’])(?:" + "|".join(alternatives) + r")(?![\w])", re.IGNORECASE)


def _words(text: str) -> list[str]:
    return re.findall(r"[\w£%:/.'’-]*\w", text or "")


def word_count(text: str) -> int:
    return len(_words(text))


# --- Quotes and attributed speech are facts ----------------------------------

_QUOTED = [
    re.compile(r"“[^”]*”?"),
    re.compile(r'"[^"]*"?'),
    # Single quotes, but not apostrophes: the opening one follows a space,
    # a bracket or a colon; the closing one is not followed by a letter.
    re.compile(r"(?:(?<=^)|(?<=[\s(:]))['‘](?:.(?!['’](?!\w)))*.?['’](?!\w)", re.DOTALL),
]


def without_quotes(text: str) -> str:
    """The text with every quoted passage replaced by a neutral marker."""
    for pattern in _QUOTED:
        text = pattern.sub(" «quote» ", text)
    return text


_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")
# A reporting verb with a speaker before it: "she said", "Mr Grant told us",
# "her daughter told me". What follows is what they said: attributed, so a fact.
_REPORTING = _rx(
    r"said",
    r"says",
    r"told",
    r"tells",
    r"stated",
    r"states",
    r"reported",
    r"reports",
    r"explained",
    r"described",
    r"alleged",
    r"alleges",
    r"disclosed",
    r"mentioned",
    r"asked",
    r"complained",
    r"claimed",
    r"claims",
    r"added",
    r"replied",
    r"answered",
    r"shouted",
    r"whispered",
    r"wrote",
    r"according to",
)
_SPEAKER = re.compile(
    r"\b(?:she|he|they|her|his|their|mr|mrs|ms|miss|mx|dr|pc|dc|ds|daughter|son|wife|husband|"
    r"partner|mother|father|brother|sister|friend|neighbour|neighbor|resident|tenant|carer|"
    r"worker|officer|nurse|gp|doctor|manager|lead|police|person|nephew|niece|visitor|member)\b"
    r"|\b[A-Z][a-z]+\b",
)
_FIRST_PERSON_OR_NONE = re.compile(r"(?:^|\b(?:i|we)\s+(?:\w+ly\s+)?)$", re.IGNORECASE)
_UNNAMED_SPEAKER = re.compile(
    r"\b(?:someone|somebody|people|staff|colleagues|others|everyone|everybody)\s+$", re.IGNORECASE
)


def _attribution_at(sentence: str) -> int | None:
    """Where attributed speech starts in ``sentence`` (after its reporting
    verb), or None. A verb with no speaker ("Told the council…"), with "I"/"we"
    as the speaker, or with an unnamed one ("someone said") attributes nothing."""
    for match in _REPORTING.finditer(sentence):
        before = sentence[: match.start()]
        if not before.strip() or _FIRST_PERSON_OR_NONE.search(before.strip() + " "):
            continue
        if _UNNAMED_SPEAKER.search(before):
            continue
        recent = " ".join(before.split()[-6:])
        if match.group(0).lower() == "according to" or _SPEAKER.search(recent):
            return match.end()
    return None


@dataclass(frozen=True)
class _Part:
    """A sentence with quotes masked, and where its attributed speech starts."""

    text: str
    attributed_from: int


def _parts(text: str) -> list[_Part]:
    parts = []
    for sentence in _SENTENCE_END.split(without_quotes(text)):
        if sentence.strip():
            at = _attribution_at(sentence)
            parts.append(_Part(sentence, len(sentence) if at is None else at))
    return parts


# --- Placeholders, non-answers, vague phrases, empty text ---------------------

_PLACEHOLDER = re.compile(
    r"^(?:n/?a|na|none|nil|nothing|no|yes|ok|okay|done|tbc|tba|tbd|todo|to do|to follow|"
    r"x+|\?+|-+|\.+|unknown|not known|not applicable|see (?:above|below|notes?|file|attached|"
    r"previous|record|email)|as above|as before|as previous|ditto|same|same as (?:above|before)|"
    r"nfa|no further action(?: required| needed)?|nothing (?:to (?:add|report|note|say)|further"
    r"(?: needed| required)?(?: at (?:this|the moment|present)(?: stage| time)?)?)|"
    r"(?:consent )?not (?:sought|possible|obtained|required|needed)|considered|noted|various|etc|"
    r"test|testing|awaiting(?: response| reply| outcome)?|pending|in progress|ongoing|"
    r"as discussed|as per policy|per policy|as appropriate|shared|not shared|"
    r"decision made(?: to share| not to share)?|risk|safeguarding|concerns?|information|"
    r"details?(?: of the concern)?|lorem ipsum.*)$",
    re.IGNORECASE,
)

VAGUE_PHRASES = [
    "reported to safeguarding",
    "informed relevant parties",
    "relevant parties informed",
    "informed the relevant people",
    "as discussed",
    "as per policy",
    "as appropriate",
    "shared as necessary",
    "passed on to the relevant",
    "passed on to the appropriate",
    "all relevant agencies",
    "relevant agencies",
    "appropriate agencies",
    "relevant people",
    "appropriate people",
    "relevant parties",
    "all relevant information",
    "the relevant information",
    "appropriate action",
    "appropriate actions",
    "as and when",
    "usual procedure",
    "see above",
    "see notes",
    "as above",
]
_VAGUE = _rx(*(re.escape(p) for p in VAGUE_PHRASES))


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STOP = _wordset(
    """a an the and or but if of to in on at by for with from into onto over under about as
    is are was were be been being am do does did done have has had having will would shall
    should can could may might must it its it's this that these those there here then than
    so such not no nor very too also just only any some all each every both either neither
    which who whom whose what when where why how i we you they he she him her his hers our
    their them us me my your yours one ones own same other another more most less least
    further again once up down out off now yet still ever even"""
)
# Words that fill a sentence without telling a reviewer anything about this
# case: the vocabulary of long-but-empty answers.
_GENERIC = _wordset(
    """information info relevant appropriate appropriately necessary necessarily concern
    concerns concerned issue issues incident incidents situation situations matter matters
    thing things detail details parties party agencies agency people policy policies procedure
    procedures process processes practice guidance standard usual normal nature circumstances
    circumstance occasion time stage basis regard regards respect line accordance accordingly
    required requirement requirements needed need needs shared share sharing passed discussed
    discussion informed inform aware awareness considered consider consideration carefully
    careful fully full everything everyone everybody anything relevant safeguarding safeguard
    adult adults proportionate proportionality minimum purpose purposes measures measure
    actions action taken take made make continue continued continues monitored monitor
    managed manage involved raised approach right organisation organisational organization
    multi-agency data law legislation confidentiality maintained keep kept place case cases
    etc various felt deemed judged seen thought way ways best possible applicable protection
    protect protected person individual closely necessary required decision decisions made
    reported report appropriate responsibility spoke speak consent sought seek seeking
    obtain obtained"""
)


def concrete_words(text: str) -> list[str]:
    """Words that could only have been written about this case: not filler,
    not the generic vocabulary of safeguarding prose. Numbers count."""
    words = []
    for word in _words(without_quotes(text)):
        lower = word.lower().strip("'’").removesuffix("'s").removesuffix("’s")
        if any(c.isdigit() for c in lower) or (
            len(lower) > 2 and lower not in _STOP and lower not in _GENERIC
        ):
            words.append(word)
    return words + ["«quote»"] * (without_quotes(text).count("«quote»"))


_BULLET = re.compile(r"^\s*(?:[-*•·–]|\d+[.)])\s+(.*)$")


def _bullets(text: str) -> list[str]:
    lines = [line for line in text.splitlines() if line.strip()]
    items = [m.group(1) for line in lines if (m := _BULLET.match(line))]
    return items if len(items) >= 2 and len(items) == len(lines) else []


def _placeholder(field: str, label: str, text: str) -> Finding | None:
    bare = re.sub(r"[\s.!,;:]+$", "", " ".join(text.split())).strip()
    if _PLACEHOLDER.match(bare) or (bare and not re.search(r"\w", bare)):
        return Finding(
            "placeholder",
            field,
            f"{label}: “{excerpt_of(bare)}” is a placeholder, not an answer. "
            "Write what actually happened or was decided, for this person.",
            excerpt_of(bare),
        )
    return None


def _vague(field: str, label: str, text: str) -> Finding | None:
    match = _VAGUE.search(without_quotes(text))
    if match:
        return Finding(
            "vague",
            field,
            f"{label}: “{match.group(0)}” is vague. Say who, what exactly, and when.",
            match.group(0),
        )
    return None


MIN_CONCRETE_WORDS = 2


def _empty(field: str, label: str, text: str) -> Finding | None:
    if len(concrete_words(text)) < MIN_CONCRETE_WORDS:
        return Finding(
            "says_nothing",
            field,
            f"{label}: “{excerpt_of(text)}” does not say anything specific to this case "
            "(no names, facts, dates or details). Write what a reviewer could check.",
            excerpt_of(text),
        )
    return None


# --- Facts-only fields: opinion, judgement, unsourced hearsay ------------------

OPINION = _rx(
    r"i\s+(?:really\s+|honestly\s+|personally\s+|do\s+not\s+|don'?t\s+|don’t\s+)?"
    r"(?:think|thought|believe|believed|feel|felt|suspect|suspected|assume|assumed|reckon|"
    r"guess|expect|imagine|doubt)",
    r"in my (?:opinion|view)",
    r"seems?",
    r"seemed",
    r"seemingly",
    # "appeared fearful" describes how someone presented (the seeds' own
    # words); "appeared to have been hit" is a guess at what happened.
    r"appear(?:s|ed|ing)?\s+(?:to|like|as\s+if|as\s+though)",
    r"look(?:s|ed)?\s+(?:like|as if|as though|to be)",
    r"sound(?:s|ed)?\s+(?:like|as if|as though)",
    r"probably",
    r"possibly",
    r"presumably",
    r"perhaps",
    r"maybe",
    r"likely",
    r"unlikely",
    r"obviously",
    r"evidently",
    r"undoubtedly",
    r"no doubt",
    r"surely",
    r"(?:was|is|were|are|been)\s+clearly",
    r"clearly\s+(?:was|is|were|had|has|wanted|upset|frightened|scared|distressed|afraid|lying)",
    r"must\s+(?:have|be)",
    r"might\s+(?:have|be)",
    r"may\s+have",
    r"could\s+have\s+been",
)
JUDGEMENT = _rx(
    r"aggressive(?:ly)?",
    r"abusive",
    r"manipulative",
    r"attention[- ]seeking",
    r"(?:being|was|is|very|so|really|quite)\s+(?:difficult|challenging)(?!\s+to\b)",
    r"non-?compliant",
    r"uncooperative",
    r"demanding",
    r"hysterical",
    r"lazy",
    r"rude",
    r"liar",
    r"lying",
    r"drunk",
    r"inappropriate(?:ly)?",
    r"unreasonable",
    r"dramatic",
    r"exaggerating",
    r"fabricating",
    r"making it up",
    r"not credible",
    r"unreliable",
    r"controlling",
    r"nasty",
    r"horrible",
    r"evil",
    r"vile",
    r"disgusting",
    r"dodgy",
    r"shifty",
    r"volatile",
    r"paranoid",
    r"needy",
    r"bad[- ]tempered",
)
HEARSAY = _rx(
    r"apparently",
    r"reportedly",
    r"allegedly",
    r"supposedly",
    r"rumou?rs?",
    r"rumou?red",
    r"gossip",
    r"it(?: is|'s|’s| was) (?:said|believed|understood|thought|known|rumou?red)",
    r"word is",
    r"(?:everyone|everybody) knows",
    r"(?:is|are|was|were) known to",
    r"heard(?! from\b)\s+(?:that|he|she|they|the|his|her|it|about)",
    r"(?:i|we)\s+(?:have\s+|'ve\s+|’ve\s+)?heard(?! from\b)",
    r"(?:was|were|been|am|is|are)\s+told\s+(?:that|he|she|they|his|her|the|it)(?! by\b)",
    # "Staff said…" with nobody named; not "staff told not to…" (an instruction).
    r"(?:someone|somebody|people|staff|colleagues|others|everyone|everybody)\s+"
    r"(?:have\s+|has\s+)?(?:said|say|says|told|reported|mentioned)(?!\s+(?:not\s+)?to\b)",
)


def _facts_only(field: str, label: str, text: str) -> list[Finding]:
    findings = []
    for part in _parts(text):
        own_words = part.text[: part.attributed_from]
        hearsay = HEARSAY.search(part.text)
        if hearsay and hearsay.start() < part.attributed_from:
            findings.append(
                Finding(
                    "hearsay",
                    field,
                    f"{label} should hold facts only; “{hearsay.group(0)}” passes on something "
                    "without saying who said it. Name the source (“her daughter told me at "
                    "18:20 that…”) or leave it out.",
                    hearsay.group(0),
                )
            )
        for pattern, code, advice in (
            (
                OPINION,
                "speculation",
                "reads as opinion or speculation. Record what was seen, heard or said; "
                "put the person's own words in quotation marks.",
            ),
            (
                JUDGEMENT,
                "judgement",
                "is a judgement about a person. Describe what they did or said that "
                "led to it (“shouted and hit the table”, “smelled of alcohol”).",
            ),
        ):
            match = pattern.search(own_words)
            if match:
                findings.append(
                    Finding(
                        code,
                        field,
                        f"{label} should hold facts only; “{match.group(0)}” {advice}",
                        match.group(0),
                    )
                )
    # One finding per kind is enough to act on.
    seen: set[str] = set()
    return [f for f in findings if not (f.code in seen or seen.add(f.code))]  # type: ignore[func-returns-value]


# --- Reasoning: a risk, a reason, and this person ------------------------------

_RISK = _rx(
    r"risks?",
    r"risky",
    r"harm(?:ed|ful|s)?",
    r"hurt",
    r"injur\w*",
    r"bruis\w*",
    r"danger\w*",
    r"unsafe",
    r"safe(?:ty|r|ly)?",
    r"abuse[ds]?",
    r"exploit\w*",
    r"coerc\w*",
    r"controlling",
    r"control",
    r"retaliat\w*",
    r"threat\w*",
    r"violen\w*",
    r"assault\w*",
    r"hit",
    r"neglect\w*",
    r"loss(?:es)?",
    r"lost",
    r"missing",
    r"money",
    r"£\d[\d,]*",
    r"financ\w*",
    r"fear\w*",
    r"frighten\w*",
    r"scared",
    r"intimidat\w*",
    r"protect\w*",
    r"welfare",
    r"well-?being",
    r"vulnerab\w*",
    r"allegations?",
    r"alleged",
    r"rough",
    r"pain",
    r"falls?",
    r"fell",
    r"suicid\w*",
    r"self-harm\w*",
    r"crime",
    r"criminal",
    r"contaminat\w*",
    r"wellbeing",
)
_REASON = _rx(
    r"because",
    r"since",
    r"so",
    r"so that",
    r"therefore",
    r"thus",
    r"hence",
    r"given",
    r"due to",
    r"owing to",
    r"otherwise",
    r"outweighs?",
    r"unless",
    r"until",
    r"before",
    r"in order to",
    r"lets",
    r"allows?",
    r"enables?",
    r"means?",
    r"would",
    r"could",
    r"must",
    r"needs? to",
    r"needs?",
    r"needed",
    r"asked\s+(?:for|us|that)",
    r"cannot",
    r"can'?t",
    r"can’t",
    r"if",
    r"while",
    r"whereas",
    r"as (?:she|he|they|her|his|their|the|it|we)",
    r"which",
)
_PERSON = re.compile(
    r"(?<![\w'’])(?:she|he|her|his|him|hers|herself|himself|they|their|them|"
    r"the (?:person|resident|tenant|adult at risk|service user|client|individual|woman|man)|"
    r"(?:mr|mrs|ms|miss|mx|dr)\.?\s+[a-z]+)(?![\w])",
    re.IGNORECASE,
)
# A name: a capitalised word that is not the first of its sentence and not
# an organisation's or a law's.
_NOT_A_NAME = {
    "cqc",
    "regulation",
    "council",
    "police",
    "gp",
    "i",
    "hr",
    "nhs",
    "la",
    "dpa",
    "gdpr",
    "uk",
    "act",
    "care",
    "section",
    "article",
    "schedule",
}


def _names(text: str) -> list[str]:
    names = []
    for sentence in _SENTENCE_END.split(without_quotes(text)):
        for word in re.findall(r"[A-Za-z][\w'’-]*", sentence)[1:]:
            if word[0].isupper() and not word.isupper() and word.lower() not in _NOT_A_NAME:
                names.append(word)
    return names


def names_this_person(text: str) -> bool:
    return bool(_PERSON.search(without_quotes(text)) or _names(text))


# Enough case-specific words (amounts, events, people's roles) that the text
# cannot have been copied from another record, even without a pronoun or name.
CASE_SPECIFIC_WORDS = 4


def about_this_case(text: str) -> bool:
    return names_this_person(text) or len(concrete_words(text)) >= CASE_SPECIFIC_WORDS


def _reasoning(field: str, label: str, text: str) -> list[Finding]:
    findings = []
    bullets = _bullets(text)
    if bullets and sum(word_count(b) for b in bullets) / len(bullets) <= 6:
        findings.append(
            Finding(
                "bullet_points",
                field,
                f"{label} is a list of bullet points (“{excerpt_of(bullets[0])}”…). Bullet "
                "points do not replace reasoning: write sentences that explain the judgement.",
                excerpt_of(bullets[0]),
            )
        )
    missing = []
    plain = without_quotes(text)
    if not _RISK.search(plain):
        missing.append("the risk or harm it is about")
    if not _REASON.search(plain):
        missing.append("the reason for this decision (“because…”, “so that…”)")
    if not about_this_case(text):
        missing.append("how it applies to this person")
    if missing:
        findings.append(
            Finding(
                "reasoning_incomplete",
                field,
                f"{label} (“{excerpt_of(text)}”) does not say "
                + "; ".join(missing)
                + ". A reviewer must be able to follow the judgement for this person, now.",
                excerpt_of(text),
            )
        )
    return findings


# --- Proportionality: what was left out ----------------------------------------

_TAUTOLOGY = _rx(
    r"(?:only\s+)?(?:the\s+)?minimum(?:\s+(?:necessary|needed|required|amount))?"
    r"(?:\s+(?:information|info))?(?:\s+(?:was|were|has been))?(?:\s+(?:shared|disclosed))?",
    r"(?:on\s+a\s+)?need[- ]to[- ]know(?:\s+basis)?",
    r"(?:was|is|were|being)\s+proportionate",
    r"only\s+(?:what\s+was|what\s+is|information\s+that\s+was|the\s+information|"
    r"relevant\s+information|necessary\s+information)"
    r"(?:\s+(?:necessary|needed|required|relevant))?",
    r"as\s+appropriate",
)
_LEFT_OUT = _rx(
    r"not",
    r"n't",
    r"no\s+(?:other|more|further)",
    r"nothing\s+(?:more|else)",
    r"without",
    r"withheld",
    r"withhold\w*",
    r"left\s+out",
    r"leave\s+out",
    r"omitted",
    r"omit\w*",
    r"excluded",
    r"exclud\w*",
    r"except",
    r"redact\w*",
    r"initials",
    r"kept\s+(?:back|internal|in-house|with\s+us)",
    r"held\s+back",
    r"stayed\s+with",
    r"remained\s+with",
    r"rather\s+than",
    r"instead\s+of",
    r"only",
    r"limited\s+to",
    r"no\s+more\s+than",
    r"but\s+not",
)


def _proportionality(field: str, label: str, text: str) -> list[Finding]:
    rest = _TAUTOLOGY.sub(" ", without_quotes(text).replace("n’t", "n't"))
    rest = rest.replace("n't", " n't")
    if not _LEFT_OUT.search(rest) or len(concrete_words(rest)) < MIN_CONCRETE_WORDS:
        return [
            Finding(
                "proportionality_no_limit",
                field,
                f"{label} (“{excerpt_of(text)}”) does not say what was left out. Name what "
                "was not shared (and why), so a reviewer can see the amount shared was the "
                "minimum necessary.",
                excerpt_of(text),
            )
        ]
    return []


# --- Harm minimisation: a measure ----------------------------------------------

_MEASURE = _rx(
    r"secure\w*",
    r"encrypt\w*",
    r"password\w*",
    r"pin",
    r"initials",
    r"redact\w*",
    r"anonymi[sz]\w*",
    r"pseudonym\w*",
    r"portal",
    r"restrict\w*",
    r"lock\w*",
    r"private\w*",
    r"alone",
    r"separate\w*",
    r"var(?:y|ied|ying)",
    r"code\s+(?:word|phrase)",
    r"safe\s+(?:word|phrase|contact|place|number)",
    r"advoca\w*",
    r"welfare\s+calls?",
    r"calls?",
    r"phone\w*",
    r"visit(?:s|ing)?\s+times",
    r"rota\w*",
    r"suspen\w*",
    r"moved",
    r"remov\w*",
    r"block\w*",
    r"barred",
    r"sign(?:s|ed)?\s+in",
    r"reception",
    r"key\s*safe",
    r"alarm\w*",
    r"chang(?:e|ed|ing)",
    r"(?:told|instructed|asked|reminded|briefed)\s+(?:\w+\s+){0,3}(?:not\s+to|to\s+not|never)",
    r"not\s+to\s+(?:discuss|contact|leave|mention|tell|visit|share)",
    r"no\s+(?:written|paper|leaflets?|letters?)",
    r"only",
    r"need[- ]to[- ]know\s+list",
    r"roster\w*",
    r"no\s+contact",
    r"(?:meet|meets|meeting|met|see|seen)\s+(?:\w+\s+){0,3}(?:at|in|away\s+from)\s+",
    r"checks?\s+(?:in|on)",
    r"named\s+(?:\w+\s+)?(?:carer|worker|contact|person|member\s+of\s+staff)",
    r"can\s+(?:speak|talk)\s+to",
    r"office",
    r"visitors?\s+access",
    r"access",
    r"safety\s+plan",
    r"(?:not|off)\s+on\s+site",
    r"off\s+site",
)


def harm_minimisation(fields: Iterable[tuple[str, str, str]]) -> list[Finding]:
    """``fields``: (name, label, text) of the harm-minimisation boxes, read
    together: at least one must name a concrete measure."""
    filled = [(name, label, text) for name, label, text in fields if text.strip()]
    findings = []
    for name, label, text in filled:
        found = _placeholder(name, label, text) or _vague(name, label, text)
        if found:
            findings.append(found)
    # A placeholder already says the measure is missing; one finding is enough.
    if (
        filled
        and not findings
        and not any(_MEASURE.search(without_quotes(text)) for _, _, text in filled)
    ):
        name, label, text = filled[0]
        findings.append(
            Finding(
                "harm_no_measure",
                name,
                f"Harm minimisation (“{excerpt_of(text)}”) names no measure. Say what was "
                "done: e.g. secure email or initials only, record restricted, staff told not "
                "to discuss it, varied visit times, a safe way to contact the person.",
                excerpt_of(text),
            )
        )
    return findings


# --- Outcome: action, owner, date ---------------------------------------------

_ACTION = _rx(
    r"will",
    r"to\s+(?:\w+\s+)?(?:visit|call|arrange|refer|review|send|complete|meet|contact|book|update|"
    r"record|notify|attend|hold|convene|chase|make|request|provide|apply|install|change|assess|"
    r"organi[sz]e|brief|take|revisit|tell|write|check|monitor|be\s+\w+ed)",
    r"agreed",
    r"arrang\w*",
    r"refer\w*",
    r"visit\w*",
    r"review\w*",
    r"send|sent",
    r"meet\w*",
    r"contact\w*",
    r"book\w*",
    r"notif\w*",
    r"attend\w*",
    r"hold|held",
    r"convene\w*",
    r"organi[sz]\w*",
    r"brief\w*",
    r"assess\w*",
    r"statement",
)
_OWNER = re.compile(
    r"(?<![\w])(?:manager|lead|worker|social\s+worker|keyworker|key\s+worker|officer|nurse|"
    r"gp|doctor|co-?ordinator|hr|advocate|police|pc|dc|ds|team\s+leader|deputy|carer|director|"
    r"matron|i)(?![\w])"
    r"|\b[A-Z]\.\s?[A-Z][a-z]+"
    r"|\b(?:Mr|Mrs|Ms|Miss|Dr|Mx)\.?\s+[A-Z]"
    r"|\b[A-Z][a-z]+\s+[A-Z][a-z]+",
    re.IGNORECASE,
)
_OWNER_NAMES = re.compile(
    r"\b[A-Z]\.\s?[A-Z][a-z]+|\b(?:Mr|Mrs|Ms|Miss|Dr|Mx|PC|DC|DS)\.?\s+[A-Z]|"
    r"\b[A-Z][a-z]+\s+[A-Z][a-z]+"
)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
_DAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_DATE = _rx(
    r"\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?",
    r"\d{4}-\d{2}-\d{2}",
    r"\d{1,2}(?:st|nd|rd|th)?\s+" + _MONTH,
    _MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?",
    _DAY + "s?",
    r"today",
    r"tonight",
    r"tomorrow",
    r"this\s+(?:morning|afternoon|evening|week|month)",
    r"next\s+(?:week|month|" + _DAY + ")",
    r"within\s+\d+\s+(?:hours?|days?|weeks?|working\s+days?)",
    r"within\s+(?:a|one|two|three|seven|fourteen|24|48|72)\s+(?:hours?|days?|weeks?)",
    r"\d{1,2}:\d{2}",
    r"\d{1,2}\s?(?:am|pm)",
    r"daily",
    r"weekly",
    r"fortnightly",
    r"at\s+once",
    r"immediately",
    r"end\s+of\s+(?:the\s+)?(?:day|week|month|shift)",
)


def _has_owner(text: str) -> bool:
    plain = without_quotes(text)
    if _OWNER_NAMES.search(plain):
        return True
    return bool(
        re.search(
            r"(?<![\w])(?:manager|lead|worker|keyworker|officer|nurse|gp|doctor|co-?ordinator|"
            r"hr|advocate|police|pc|dc|ds|leader|deputy|carer|director|matron|authority|council|"
            r"team|cqc|advocacy|chair)(?![\w])",
            plain,
            re.IGNORECASE,
        )
        or re.search(r"(?<![\w])I(?![\w'’])", plain)
    )


# A future action needs an owner and a date; an action already taken ("referral
# made", "meeting booked") is complete as it stands.
_VERBS = (
    r"(?:visit|call|arrange|refer|review|send|complete|meet|contact|book|update|record|notify|"
    r"attend|hold|convene|chase|make|request|provide|apply|install|change|assess|organi[sz]e|"
    r"brief|take|revisit|tell|write|check|monitor|plan|decide|ask|agree|speak|discuss|share|"
    r"follow|explore|consider|seek|support|offer|report|escalate|liaise|confirm|look)"
)
_FUTURE = _rx(
    r"(?:will|shall|'ll|’ll)\s+(?:\w+ly\s+)?(?:be\s+)?[a-z]+",
    r"to\s+be\s+[a-z]+(?:ed|en|t)",
    r"to\s+(?:\w+ly\s+)?" + _VERBS,
    r"agreed\s+(?:that|to)",
    r"awaiting",
    r"pending",
)
_DONE = _rx(
    r"made",
    r"booked",
    r"submitted",
    r"sent",
    r"opened",
    r"started",
    r"completed",
    r"held",
    r"accepted",
    r"acknowledged",
    r"arranged",
    r"referred",
    r"notified",
    r"moved",
    r"suspended",
    r"changed",
    r"installed",
    r"given",
    r"in\s+place",
    r"kept",
    r"closed",
    r"agreed",
    r"confirmed",
    r"recorded",
    r"reported\s+to\s+\w+\s+\w+",
    r"told",
    r"explained",
    r"reassured",
    r"offered",
    r"provided",
    r"advised",
    r"supported",
    r"visited",
    r"called",
    r"spoke",
    r"shared",
)


def _outcome(field: str, label: str, text: str) -> list[Finding]:
    plain = without_quotes(text)
    missing = []
    future = _FUTURE.search(plain)
    if future:
        if not _has_owner(text):
            missing.append("who will do it (a name or role)")
        if not _DATE.search(plain):
            missing.append("by when (a date, a day or “within 24 hours”)")
    elif not (_DONE.search(plain) or _ACTION.search(plain)):
        missing.append("what was done or will be done, by whom and by when")
    elif not _DONE.search(plain) and not (_has_owner(text) and _DATE.search(plain)):
        missing.append("who will do it and by when")
    if missing:
        return [
            Finding(
                "outcome_incomplete",
                field,
                f"{label} (“{excerpt_of(text)}”) does not say " + "; ".join(missing) + ". "
                "A missing owner or date is read as a missing action.",
                excerpt_of(text),
            )
        ]
    return []


# --- Consent: the reason, for this person --------------------------------------

_CONSENT_REASON = _rx(
    r"because",
    r"as",
    r"since",
    r"so",
    r"could",
    r"would",
    r"might",
    r"risks?",
    r"alert\w*",
    r"retaliat\w*",
    r"prejudice\w*",
    r"cannot",
    r"can'?t",
    r"can’t",
    r"could\s+not",
    r"unable",
    r"not\s+able",
    r"lacks?",
    r"lacking",
    r"capacity",
    r"assessed",
    r"best[- ]interests?",
    r"asked\s+(?:us|me|for|that)",
    r"unconscious",
    r"sedated",
    r"hospital",
    r"reach\w*",
    r"present",
    r"threat\w*",
    r"coerc\w*",
    r"controll?\w*",
    r"must",
    r"required",
    r"law",
    r"regulation",
    r"duty",
    r"investigation",
    r"enquiry",
)
_PRESUMED_REFUSAL = _rx(
    r"(?:would|will)(?:\s+not|n'?t|n’t)?\s+(?:have\s+)?(?:agreed|consented|agree|consent|"
    r"refused|refuse|said\s+no|say\s+no)",
    r"(?:would|will)\s+(?:probably|likely|just)\s+(?:refuse|say\s+no|not\s+agree)",
)
_CAPACITY_WORD = _rx(r"capacity", r"lacks?\s+capacity", r"incapacit\w*")
_CAPACITY_DETAIL = _rx(
    r"assess\w*",
    r"best[- ]interests?",
    r"understand\w*",
    r"retain\w*",
    r"weigh\w*",
    r"communicat\w*",
    r"for\s+this\s+decision",
    r"this\s+decision",
    r"mca",
    r"mental\s+capacity\s+act",
)


def _consent_reason(field: str, label: str, text: str) -> list[Finding]:
    findings = []
    plain = without_quotes(text)
    presumed = _PRESUMED_REFUSAL.search(plain)
    if presumed:
        findings.append(
            Finding(
                "presumed_refusal",
                field,
                f"{label}: “{presumed.group(0)}” guesses what the person would have said. "
                "That is not a reason not to ask: record why asking was unsafe or not possible.",
                presumed.group(0),
            )
        )
    if _CAPACITY_WORD.search(plain) and not _CAPACITY_DETAIL.search(plain):
        findings.append(
            Finding(
                "capacity_unexplained",
                field,
                f"{label}: “{excerpt_of(text)}” mentions capacity without saying for which "
                "decision, how it was assessed and what was decided in the person's best "
                "interests.",
                excerpt_of(text),
            )
        )
    missing = []
    if not _CONSENT_REASON.search(plain):
        missing.append("why consent could not be sought or given")
    if not about_this_case(text):
        missing.append("how that applies to this person")
    if missing:
        findings.append(
            Finding(
                "consent_reason_generic",
                field,
                f"{label} (“{excerpt_of(text)}”) does not say " + " or ".join(missing) + ". "
                "Explain, for this person, now: e.g. who else is present, what asking would risk.",
                excerpt_of(text),
            )
        )
    return findings


# --- Per-field reading ---------------------------------------------------------

Reader = Callable[[str, str, str], list[Finding]]

FACTS_ONLY = "facts"
REASONING = "reasoning"
PROPORTIONALITY = "proportionality"
OUTCOME = "outcome"
CONSENT_REASON = "consent_reason"
NARRATIVE = "narrative"

_READERS: dict[str, Reader] = {
    FACTS_ONLY: _facts_only,
    REASONING: _reasoning,
    PROPORTIONALITY: _proportionality,
    OUTCOME: _outcome,
    CONSENT_REASON: _consent_reason,
    NARRATIVE: lambda field, label, text: [],
}


def read(field: str, label: str, text: str, kind: str) -> list[Finding]:
    """Findings for one field's text, read as ``kind`` (a facts-only field, a
    reasoning, …). Empty text gives none: a missing answer is the form's
    validation, or a separate finding of the caller."""
    text = (text or "").strip()
    if not text:
        return []
    placeholder = _placeholder(field, label, text)
    if placeholder:
        return [placeholder]
    findings = [f for f in (_vague(field, label, text),) if f]
    findings += _READERS[kind](field, label, text)
    if not findings and kind != NARRATIVE:
        empty = _empty(field, label, text)
        if empty:
            findings.append(empty)
    return findings


def check_entry_facts(facts: str) -> list[Finding]:
    """A chronology entry's facts: facts only, specific, no placeholder."""
    return read("facts", "What happened", facts, FACTS_ONLY)


# --- Across the record: timeliness and completeness -----------------------------
# Values in, findings out (no database): ``incidents.services`` stores them as
# ``RecordFinding`` rows when the record is written, and the incident page
# shows what is still missing.


def check_entry_timeliness(
    *, occurred_at: datetime, recorded_at: datetime, late_reason: str, late_after_hours: int
) -> list[Finding]:
    """Regulation 17 asks for contemporaneous records: an entry recorded long
    after it happened needs a reason."""
    hours = (recorded_at - occurred_at).total_seconds() / 3600
    if hours <= late_after_hours:
        return []
    late = f"recorded {_duration(hours)} after it happened"
    reason = (late_reason or "").strip()
    if not reason:
        return [
            Finding(
                "late_entry",
                "late_reason",
                f"This entry was {late}, with no reason given. Records should be "
                "contemporaneous: say why it was recorded late (e.g. “told to me on my return "
                "from leave on 4 May”).",
                late,
            )
        ]
    placeholder = _placeholder("late_reason", "Why it is recorded late", reason)
    return [placeholder] if placeholder else []


def _duration(hours: float) -> str:
    if hours < 48:
        return f"{round(hours)} hours"
    return f"{round(hours / 24)} days"


def check_views(
    *, views_status: str, persons_views: str, desired_outcomes: str, views_not_asked_reason: str
) -> list[Finding]:
    """Making Safeguarding Personal: the person's views and desired outcomes
    asked for and recorded, or why they were not asked."""
    views = (persons_views or "").strip()
    outcomes = (desired_outcomes or "").strip()
    if not views_status:
        return [
            Finding(
                "views_not_recorded",
                "views_status",
                "The record does not say whether the person was asked for their views and "
                "desired outcomes (Making Safeguarding Personal). Record what they said, that "
                "they expressed none, or why they were not asked.",
                "(not recorded)",
            )
        ]
    if views_status == "asked_expressed" and not (views or outcomes):
        return [
            Finding(
                "views_missing",
                "persons_views",
                "The person expressed views or desired outcomes, but none are recorded. Write "
                "them down, in their own words where possible.",
                "(views and desired outcomes empty)",
            )
        ]
    if views_status == "not_asked":
        reason = (views_not_asked_reason or "").strip()
        placeholder = reason and _placeholder("views_not_asked_reason", "Why not asked", reason)
        if not reason or placeholder:
            return [
                placeholder
                or Finding(
                    "views_not_asked_no_reason",
                    "views_not_asked_reason",
                    "The person was not asked for their views, and the record does not say "
                    "why. Record the reason (e.g. asking would alert the person causing harm) "
                    "and when they will be asked.",
                    "(no reason recorded)",
                )
            ]
    return []


def check_closure(*, views_status: str, outcomes_achieved: str) -> list[Finding]:
    """At closure: were the person's desired outcomes achieved fully, partly
    or not at all?"""
    if views_status == "asked_expressed" and not outcomes_achieved:
        return [
            Finding(
                "outcomes_not_reviewed",
                "outcomes_achieved",
                "The incident was closed without saying whether the person's desired outcomes "
                "were achieved fully, partly or not. Ask them, and record it.",
                "(not recorded at closure)",
            )
        ]
    return []
