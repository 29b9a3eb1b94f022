"""Equality monitoring: voluntary answers, kept apart from the profile and from contributions.

Only the person sees their own answers (and gets them in their data download; they go when the account
is erased). Everyone else sees counts of the people who took part, per category, with small cells
suppressed by exports.suppression (primary and secondary, so no hidden count can be worked out from the
total and the shown counts), next to the reference shares a lead entered (for example the borough's 2021
census figures), with the groups that are certainly under-represented marked.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import delete
from sqlmodel import Session, col, select

from crowd.models import MonitoringAnswer, ReferenceShare
from crowd.models._base import utcnow
from crowd.services import audit
from crowd.services.errors import DomainError, ValidationFailed
from exports.suppression import DEFAULT_THRESHOLD, SUPPRESSED, suppress_counts

PREFER_NOT = "Prefer not to say"
# A group is marked under-represented when its share is below this fraction of its reference share.
UNDER_RATIO = 0.8

ETHNIC_GROUPS: dict[str, tuple[str, ...]] = {  # the 2021 census categories for England
    "Asian, Asian British or Asian Welsh": (
        "Bangladeshi", "Chinese", "Indian", "Pakistani", "Any other Asian background",
    ),
    "Black, Black British, Black Welsh, Caribbean or African": (
        "African", "Caribbean", "Any other Black, Black British or Caribbean background",
    ),
    "Mixed or Multiple ethnic groups": (
        "White and Asian", "White and Black African", "White and Black Caribbean",
        "Any other Mixed or Multiple ethnic background",
    ),
    "White": (
        "English, Welsh, Scottish, Northern Irish or British", "Irish", "Gypsy or Irish Traveller", "Roma",
        "Any other White background",
    ),
    "Other ethnic group": ("Arab", "Any other ethnic group"),
}  # fmt: skip


@dataclass(frozen=True)
class Question:
    key: str
    title: str  # the category's name in reports
    question: str
    options: tuple[str, ...]
    hint: str = ""
    groups: Mapping[str, tuple[str, ...]] | None = None  # answers grouped for reporting

    def group_of(self, answer: str) -> str:
        if self.groups:
            for group, answers in self.groups.items():
                if answer in answers:
                    return group
        return answer

    @property
    def report_groups(self) -> tuple[str, ...]:
        return (*self.groups, PREFER_NOT) if self.groups else self.options


QUESTIONS: tuple[Question, ...] = (
    Question("age_band", "Age", "What is your age?",
             ("Under 18", "18 to 24", "25 to 34", "35 to 44", "45 to 54", "55 to 64", "65 to 74", "75 or over",
              PREFER_NOT)),
    Question("sex", "Sex", "What is your sex?", ("Female", "Male", PREFER_NOT),
             hint="This is about your sex, not your gender identity; there is a question about that next."),
    Question("gender_identity", "Gender identity",
             "Is the gender you identify with the same as your sex registered at birth?",
             ("Yes", "No", PREFER_NOT)),
    Question("ethnic_group", "Ethnic group", "What is your ethnic group?",
             (*(f"{group}: {answer}" for group, answers in ETHNIC_GROUPS.items() for answer in answers),
              PREFER_NOT),
             hint="The categories of the 2021 census for England.", groups={
                 group: tuple(f"{group}: {answer}" for answer in answers)
                 for group, answers in ETHNIC_GROUPS.items()}),
    Question("disability", "Disability",
             "Do you have a physical or mental health condition or illness lasting or expected to last 12 months "
             "or more that reduces your ability to carry out day-to-day activities?",
             ("Yes, a lot", "Yes, a little", "No", PREFER_NOT),
             hint="The Equality Act 2010 asks this to find out whether people are disabled."),
    Question("religion", "Religion", "What is your religion?",
             ("No religion", "Christian", "Buddhist", "Hindu", "Jewish", "Muslim", "Sikh", "Any other religion",
              PREFER_NOT)),
    Question("sexual_orientation", "Sexual orientation",
             "Which of the following best describes your sexual orientation?",
             ("Straight or heterosexual", "Gay or lesbian", "Bisexual", "Other sexual orientation", PREFER_NOT)),
)  # fmt: skip
BY_KEY = {q.key: q for q in QUESTIONS}


def answers_of(session: Session, *, participant_id: int) -> MonitoringAnswer | None:
    return session.exec(
        select(MonitoringAnswer).where(MonitoringAnswer.participant_id == participant_id)
    ).first()


def save_answers(session: Session, *, participant_id: int, form: Mapping[str, object]) -> MonitoringAnswer:
    """Store the person's answers ('' = not answered). Any answer outside the lists refuses the whole form
    and changes nothing."""
    values: dict[str, str | None] = {}
    errors: dict[str, str] = {}
    for question in QUESTIONS:
        raw = str(form.get(question.key, "") or "").strip()
        if raw and raw not in question.options:
            errors[question.key] = f"Choose one of the answers to “{question.question}”"
        values[question.key] = raw or None
    if errors:
        raise ValidationFailed(errors)
    found = answers_of(session, participant_id=participant_id) or MonitoringAnswer(
        participant_id=participant_id
    )
    for key, value in values.items():
        setattr(found, key, value)
    found.updated_at = utcnow()
    session.add(found)
    session.flush()
    return found


def erase(session: Session, *, participant_id: int) -> None:
    session.exec(delete(MonitoringAnswer).where(col(MonitoringAnswer.participant_id) == participant_id))


def download(session: Session, *, participant_id: int) -> dict | None:
    found = answers_of(session, participant_id=participant_id)
    if found is None:
        return None
    return {q.key: getattr(found, q.key) for q in QUESTIONS} | {"updated_at": found.updated_at.isoformat()}


# --- reference shares ------------------------------------------------------------------------------


def reference_shares(session: Session) -> dict[str, dict[str, ReferenceShare]]:
    out: dict[str, dict[str, ReferenceShare]] = {}
    for row in session.exec(select(ReferenceShare)):
        out.setdefault(row.category, {})[row.group] = row
    return out


def _percent(raw: object, where: str) -> float | None:
    text = str(raw or "").strip().rstrip("%").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise DomainError(f"{where}: write a percentage between 0 and 100, like 12.5.") from None
    if not 0 <= value <= 100:
        raise DomainError(f"{where}: write a percentage between 0 and 100, like 12.5.")
    return value / 100


def save_reference(
    session: Session, *, actor_id: int | None, category: str, shares: Mapping[str, object], source: str
) -> int:
    """Set the reference shares (percentages) of one category's groups; an empty value removes one."""
    question = BY_KEY.get(category)
    if question is None:
        raise DomainError("Choose one of the monitoring categories.", field="category")
    parsed: dict[str, float | None] = {}
    for group, raw in shares.items():
        if group not in question.report_groups or group == PREFER_NOT:
            raise DomainError(f"“{group}” is not a group of {question.title.lower()}.", field="shares")
        parsed[group] = _percent(raw, f"{question.title}, {group}")
    if sum(v for v in parsed.values() if v) > 1.0001:
        raise DomainError(
            f"The shares for {question.title.lower()} add up to more than 100%.", field="shares"
        )
    existing = reference_shares(session).get(category, {})
    for group, value in parsed.items():
        row = existing.get(group)
        if value is None:
            if row is not None:
                session.delete(row)
            continue
        row = row or ReferenceShare(category=category, group=group, share=value)
        row.share, row.source, row.created_by = value, source.strip()[:200], actor_id
        session.add(row)
    audit.record(
        session,
        actor_id=actor_id,
        action="save_reference_shares",
        target_type="reference_share",
        after={"category": category, "shares": {g: v for g, v in parsed.items() if v is not None}},
    )
    return sum(1 for v in parsed.values() if v is not None)


def upload_reference(session: Session, *, actor_id: int | None, content: bytes, source: str) -> int:
    """A CSV with the columns category, group, percent (a header row first). All rows or none."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError("Save the file as CSV in UTF-8 and try again.", field="file") from None
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows or not {"category", "group", "percent"} <= set(rows[0]):
        raise DomainError(
            "The file needs a header row with the columns category, group, percent.", field="file"
        )
    by_category: dict[str, dict[str, object]] = {}
    titles = {q.title.lower(): q.key for q in QUESTIONS} | {q.key: q.key for q in QUESTIONS}
    for number, row in enumerate(rows, start=2):
        key = titles.get(str(row["category"]).strip().lower())
        if key is None:
            raise DomainError(
                f"Row {number}: “{row['category']}” is not a monitoring category.", field="file"
            )
        by_category.setdefault(key, {})[str(row["group"]).strip()] = row["percent"]
    saved = 0
    for category, shares in by_category.items():
        try:
            saved += save_reference(
                session, actor_id=actor_id, category=category, shares=shares, source=source
            )
        except DomainError as error:
            raise DomainError(error.message, field="file") from None
    return saved


# --- aggregates ------------------------------------------------------------------------------------


@dataclass
class GroupRow:
    group: str
    shown: int | str  # a count, or SUPPRESSED
    share: str  # "12%" or "" when hidden
    reference: str  # "15%" or ""
    under: bool  # certainly under-represented, judged only from what is shown


@dataclass
class CategoryTable:
    key: str
    title: str
    total: int | str
    rows: list[GroupRow] = field(default_factory=list)
    hidden_note: str = ""


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def tables(session: Session, *, people, threshold: int = DEFAULT_THRESHOLD) -> list[CategoryTable]:
    """Per category, the people (of the `people` subquery, column `pid`) by group, suppressed.

    Under-representation uses only published figures: a shown count's share, or for hidden counts the
    most they can add up to (total minus the shown counts), so marking leaks nothing suppression hides.
    """
    answers = list(
        session.exec(
            select(MonitoringAnswer).where(col(MonitoringAnswer.participant_id).in_(select(people.c.pid)))
        )
    )
    references = reference_shares(session)
    out = []
    for question in QUESTIONS:
        counts = Counter(
            question.group_of(value) for a in answers if (value := getattr(a, question.key)) is not None
        )
        ordered = {group: counts.get(group, 0) for group in question.report_groups}
        suppressed = suppress_counts(ordered, threshold)
        shown = suppressed.shown()
        total = suppressed.total()
        hidden_sum = (
            total - sum(v for v in shown.values() if isinstance(v, int)) if isinstance(total, int) else None
        )
        table = CategoryTable(question.key, question.title, total)
        for group in question.report_groups:
            value = shown[group]
            reference = references.get(question.key, {}).get(group)
            ref_share = reference.share if reference else None
            share = value / total if isinstance(value, int) and isinstance(total, int) and total else None
            if share is not None:
                under = ref_share is not None and share < UNDER_RATIO * ref_share
            else:
                bound = (
                    hidden_sum / total
                    if hidden_sum is not None and isinstance(total, int) and total
                    else None
                )
                under = ref_share is not None and bound is not None and bound < UNDER_RATIO * ref_share
            table.rows.append(
                GroupRow(
                    group,
                    value if isinstance(value, int) else SUPPRESSED,
                    _pct(share) if share is not None else "",
                    _pct(ref_share) if ref_share is not None else "",
                    under,
                )
            )
        if suppressed.hidden():
            table.hidden_note = (
                f"{SUPPRESSED} means fewer than {threshold} people, or a count hidden so that one that is "
                "cannot be worked out from the total."
            )
        out.append(table)
    return out


CSV_COLUMNS = ("category", "group", "people", "share", "reference_share", "under_represented")


def tables_csv(report: list[CategoryTable]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for table in report:
        for row in table.rows:
            writer.writerow(
                [table.title, row.group, row.shown, row.share, row.reference, "yes" if row.under else ""]
            )
        writer.writerow([table.title, "Total", table.total, "", "", ""])
    return buffer.getvalue()


def report_rows(report: list[CategoryTable]) -> list[dict]:
    """The tables as plain data for exports.contracts.EngagementReport['equality']."""
    return [
        {
            "title": t.title,
            "total": t.total,
            "note": t.hidden_note,
            "rows": [
                {
                    "group": r.group,
                    "people": r.shown,
                    "share": r.share,
                    "reference": r.reference,
                    "under": r.under,
                }
                for r in t.rows
            ],
        }
        for t in report
    ]
