"""Find and mask personal data in free text before anyone else sees it."""

from __future__ import annotations

import re
from dataclasses import dataclass

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
NHS_NUMBER = re.compile(r"(?<![\d-])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d-])")
UK_PHONE = re.compile(r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|\(?0)(?:\d[\s)-]{0,2}){8,9}\d(?!\d)")
POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s?\d[A-Z]{2}\b", re.IGNORECASE)

LABELS = {
    "email": "[email removed]",
    "nhs_number": "[NHS number removed]",
    "phone": "[phone number removed]",
    "postcode": "[postcode removed]",
}
DESCRIPTIONS = {
    "email": "an email address",
    "nhs_number": "an NHS number",
    "phone": "a phone number",
    "postcode": "a postcode",
}


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


def mask_personal_data(text: str) -> MaskResult:
    """Replace emails, valid NHS numbers, UK phone numbers and postcodes with a marker."""
    kinds: list[str] = []

    def sub(pattern: re.Pattern[str], kind: str, text: str, accept=lambda m: True) -> str:
        def replace(match: re.Match[str]) -> str:
            if not accept(match):
                return match.group(0)
            if kind not in kinds:
                kinds.append(kind)
            return LABELS[kind]

        return pattern.sub(replace, text)

    text = sub(EMAIL, "email", text)
    text = sub(NHS_NUMBER, "nhs_number", text, lambda m: valid_nhs_number("".join(m.groups())))
    text = sub(UK_PHONE, "phone", text)
    text = sub(POSTCODE, "postcode", text)
    return MaskResult(text=text, kinds=tuple(kinds))
