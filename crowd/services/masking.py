"""Find and mask personal data in free text before anyone else sees it.

Rules, not a model: they run on every post (a few tens of microseconds for a typical one) and are
measured on a labelled set of real-looking lines (`bench/data/masking_labelled.jsonl`, `bench/masking.py`:
recall and precision per kind). What is found:

- email addresses, also written with full-width characters (``ann＠example．org``) or spelled out
  (``john dot smith at gmail dot com``, ``ann [at] nhs [dot] net``);
- NHS numbers (with a valid check digit), UK phone numbers, postcodes, National Insurance numbers;
- dates of birth: a date after "DOB", "date of birth", "born (on)" or "birthday";
- street addresses (``14 Acacia Avenue``, ``Flat 3, 22 Mare Street``);
- names next to a title (``Dr Patel``: the title stays), a relation (``my son Jack``: the relation
  stays), an introduction (``my name is Sarah Jones``), a street address (``John Smith, 14 ...``), or
  a common first name followed by a surname (``Mary Okonkwo told me``).

Matching runs on the text folded to compatibility form (NFKC: full-width letters and ``＠`` become
plain ones), and the spans found are mapped back onto the text as written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_TLD = r"(?:com|org|net|uk|co|gov|nhs|ac|edu|io|info|me|london|biz)"
_DOT = r"(?:\s*(?:\.|\(dot\)|\[dot\]|\{dot\})\s*|\s+dot\s+)"
_AT = r"(?:\s*(?:\(at\)|\[at\]|\{at\})\s*|\s+at\s+)"
SPELLED_EMAIL = re.compile(
    rf"\b[A-Za-z0-9_%+-]+(?:{_DOT}[A-Za-z0-9_%+-]+)*{_AT}[A-Za-z0-9-]+(?:{_DOT}[A-Za-z0-9-]+)*{_DOT}{_TLD}\b",
    re.IGNORECASE,
)
NHS_NUMBER = re.compile(r"(?<![\d-])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d-])")
UK_PHONE = re.compile(r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|\(?0)(?:\d[\s)-]{0,2}){8,9}\d(?!\d)")
POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s?\d[A-Z]{2}\b", re.IGNORECASE)
NI_NUMBER = re.compile(
    r"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b",
    re.IGNORECASE,
)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = (
    rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\.?,?\s+\d{{4}}"
    rf"|{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
)
DATE_OF_BIRTH = re.compile(
    rf"\b(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|born(?:\s+on)?|birthday(?:\s+is)?|b\.)\s*(?:is\s+|was\s+|:\s*|-\s*)?({_DATE})",
    re.IGNORECASE,
)
_STREET = (
    r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Drive|Way|Court|Ct|Crescent|Cres|Gardens|Gdns|Grove|"
    r"Place|Pl|Terrace|Square|Sq|Hill|Mews|Walk|Rise|Row|Parade|Estate|Green)"
)
ADDRESS = re.compile(
    rf"(?:\b(?:Flat|Apartment|Apt|Unit)\s+\d+[A-Za-z]?,?\s+)?\b\d{{1,4}}[A-Za-z]?,?\s+"
    rf"(?:[A-Z][a-z'’]+\s+){{1,3}}{_STREET}\b\.?"
)
_NAME_WORD = r"(?:Mc|Mac|O['’])?[A-Z][a-z'’]+(?:-(?:Mc|Mac|O['’])?[A-Z][a-z'’]+)?"
_NAME = rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}}"
TITLED = re.compile(
    rf"\b(?:Dr|Doctor|Mr|Mrs|Ms|Miss|Mx|Prof|Professor|Nurse|Sister|Matron|Sir|Dame|Cllr|Councillor)\.?\s+"
    rf"((?:[A-Z]\.\s*)*{_NAME})"
)
_RELATION = (
    r"(?:son|daughter|child|kid|boy|girl|baby|husband|wife|partner|mum|mom|mother|dad|father|brother|sister|"
    r"grandson|granddaughter|grandmother|grandfather|nan|nana|gran|grandma|grandad|granddad|aunt|auntie|uncle|"
    r"nephew|niece|cousin|friend|neighbour|carer|stepson|stepdaughter|fiance|fiancee|twin|twins)"
)
RELATED = re.compile(
    rf"\b(?:[Mm]y|[Oo]ur|[Hh]is|[Hh]er|[Tt]heir)\s+(?:(?:little|eldest|youngest|older|younger|late|"
    rf"\d+[- ]year[- ]old)\s+)*{_RELATION}(?:'s name is|,| called| named| is called)?\s+({_NAME})"
)
INTRODUCED = re.compile(
    rf"\b(?:[Mm]y name is|[Mm]y name's|I'm called|I am called|[Cc]all me|[Ss]igned|[Rr]egards,|[Tt]hanks,)"
    rf"\s+({_NAME})"
)
NAME_BEFORE_ADDRESS = re.compile(
    rf"\b({_NAME_WORD}\s+{_NAME_WORD}),?\s+(?=(?:Flat\s+\d+,?\s+)?\d{{1,4}}[A-Za-z]?,?\s+[A-Z])"
)
# a lookahead, so "When Peter Obi" is tried at "Peter" too
FULL_NAME = re.compile(rf"(?=\b([A-Z][a-z]+)\s+({_NAME_WORD})\b)")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Common first names in London (the first word of a "First Last" pair is checked against these).
FIRST_NAMES = _words(
    """
    aaliyah abdul abigail adam adebayo ade adeola adrian agnieszka ahmed aisha ajay alan albert alex alexander
    alfie ali alice alison amanda amara amelia amina amir amit amy ana andrea andrew angela anita ann anna
    anne annie anthony anton arjun arthur asif aston barbara ben benjamin beth bethany bilal bob bogdan brian
    bridget callum carl carlos carol caroline catherine charles charlie charlotte chen chidi chloe chris
    christine christopher claire clare colin craig dale daniel danny darren david dawn dean deborah declan
    deepa denise dennis derek diana diane dominic donna dorothy douglas duncan dylan eddie edward eileen
    elaine eleanor elena eliza elizabeth ella ellie emeka emily emma eric erin ethan eva evelyn faisal
    fatima fatuma femi finn fiona frances francesca frank freddie gareth gary gemma geoffrey george georgia
    gerald gloria gordon grace graham greg hamza hannah harry harvey hassan hazel heather helen henry hollie
    holly hussein ian ibrahim imran irene isaac isabella isabelle jack jackie jacob jade james jamie jan
    jane janet janice jasmine jason javier jay jayden jean jeff jennifer jenny jeremy jessica jill jim joan
    joanna joanne joe joel john jonathan jordan joseph josephine josh joshua joy joyce judith julia julie
    justin kamal karen karim kate katherine kathleen kathryn katie kayode keith kelly ken kenneth kerry kevin
    khadija kim kirsty kofi kwame kyle laura lauren lee leo leon lesley lewis liam lily linda lisa liz
    lorraine louise lucas lucy luke lynn mandy marcus margaret maria marie marion mark martha martin mary
    matthew maureen megan melanie michael michelle mike mohamed mohammed molly monica muhammad nadia naomi
    natalie nathan neil nicholas nicola nicole nigel niamh nina noah norma oliver olivia omar oscar owen
    pamela patricia patrick paul paula pauline peter petra philip phoebe pippa piotr priya rachel raj rajesh
    ravi rebecca richard rita rob robert robin rohan ronald rose rosie ross ruby ruth ryan sadia sally
    sam samantha samir samuel sandra sara sarah scott sean shabnam sharon shaun sheila shirley simon sofia
    sophie stacey stanley stella stephanie stephen steve steven stuart susan suzanne tanya tariq teresa
    terry thomas tim timothy tina toby tom tony tracey tracy trevor valerie vanessa vera victor vincent
    wayne wendy william yasmin yusuf zainab zara zoe zofia
    """
)
# Capitalised words that start a sentence or a phrase rather than a name.
NOT_NAMES = _words(
    """
    i the a an and but so then when while after before because if in on at to of for with every each she he
    they we it this that these those there here what who why how my our his her their nhs gp a&e monday
    tuesday wednesday thursday friday saturday sunday january february march april may june july august
    september october november december is was has had does did can could would will should please yes no
    """
)
# Capitalised words after a first name that make it a place or a thing, not a surname.
NOT_SURNAMES = _words(
    """
    street road avenue lane close drive way hospital ward ward's centre center house clinic surgery practice
    station line park garden gardens square court unit trust foundation team service services school college
    university nhs council mental health hall road's place bridge market
    """
)

LABELS = {
    "email": "[email removed]",
    "nhs_number": "[NHS number removed]",
    "phone": "[phone number removed]",
    "postcode": "[postcode removed]",
    "ni_number": "[National Insurance number removed]",
    "date_of_birth": "[date of birth removed]",
    "address": "[address removed]",
    "name": "[name removed]",
}
DESCRIPTIONS = {
    "email": "an email address",
    "nhs_number": "an NHS number",
    "phone": "a phone number",
    "postcode": "a postcode",
    "ni_number": "a National Insurance number",
    "date_of_birth": "a date of birth",
    "address": "a street address",
    "name": "a name",
}


@dataclass(frozen=True)
class Found:
    """Personal data found at text[start:end]."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class MaskResult:
    text: str
    kinds: tuple[str, ...]

    @property
    def message(self) -> str:
        if not self.kinds:
            return ""
        found = ", ".join(DESCRIPTIONS[k] for k in self.kinds)
        return f"To protect privacy we removed {found} from what you wrote."


def valid_nhs_number(digits: str) -> bool:
    """The NHS number's modulus-11 check digit."""
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _folded(text: str) -> tuple[str, list[int]]:
    """NFKC-folded text and, for each of its characters, the index of the original character."""
    if text.isascii():
        return text, []
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = unicodedata.normalize("NFKC", char) if ord(char) > 127 else char
        out.append(folded)
        origin.extend([index] * len(folded))
    return "".join(out), origin


def _first_name(word: str) -> bool:
    return word.lower() in FIRST_NAMES


def find_personal_data(text: str) -> list[Found]:
    """Every piece of personal data in ``text``, as (kind, start, end) spans of ``text``, without overlaps."""
    folded, origin = _folded(text)
    found: list[Found] = []

    def add(kind: str, start: int, end: int) -> None:
        found.append(Found(kind, start, end))

    for pattern, kind in ((EMAIL, "email"), (SPELLED_EMAIL, "email"), (NI_NUMBER, "ni_number")):
        for m in pattern.finditer(folded):
            add(kind, m.start(), m.end())
    for m in DATE_OF_BIRTH.finditer(folded):
        add("date_of_birth", m.start(1), m.end(1))
    for m in NHS_NUMBER.finditer(folded):
        if valid_nhs_number("".join(m.groups())):
            add("nhs_number", m.start(), m.end())
    for m in UK_PHONE.finditer(folded):
        add("phone", m.start(), m.end())
    for m in ADDRESS.finditer(folded):
        add("address", m.start(), m.end())
    for m in POSTCODE.finditer(folded):
        add("postcode", m.start(), m.end())
    for pattern in (TITLED, RELATED, INTRODUCED, NAME_BEFORE_ADDRESS):
        for m in pattern.finditer(folded):
            start, end = m.start(1), m.end(1)
            words = folded[start:end].split()
            while words and words[-1].lower().strip(".,") in NOT_SURNAMES | NOT_NAMES:
                words.pop()
            if words and words[0].lower() in NOT_NAMES:
                continue
            if words:
                add("name", start, start + len(" ".join(words)))
    for m in FULL_NAME.finditer(folded):
        if _first_name(m.group(1)) and m.group(2).lower() not in NOT_SURNAMES:
            add("name", m.start(1), m.end(2))
    spans = _without_overlaps(found)
    if origin:
        spans = [Found(f.kind, origin[f.start], origin[f.end - 1] + 1) for f in spans]
    return spans


_PRIORITY = {kind: n for n, kind in enumerate(LABELS)}  # an email beats a name inside it, and so on


def _without_overlaps(found: list[Found]) -> list[Found]:
    kept: list[Found] = []
    for item in sorted(found, key=lambda f: (_PRIORITY[f.kind], -(f.end - f.start), f.start)):
        if all(item.end <= k.start or item.start >= k.end for k in kept):
            kept.append(item)
    return sorted(kept, key=lambda f: f.start)


def mask_personal_data(text: str) -> MaskResult:
    """Replace every piece of personal data found with a marker; say which kinds were removed."""
    spans = find_personal_data(text)
    if not spans:
        return MaskResult(text=text, kinds=())
    pieces: list[str] = []
    last = 0
    kinds: list[str] = []
    for span in spans:
        pieces += [text[last : span.start], LABELS[span.kind]]
        last = span.end
        if span.kind not in kinds:
            kinds.append(span.kind)
    pieces.append(text[last:])
    return MaskResult(text="".join(pieces), kinds=tuple(kinds))
