"""What the exports read from the database: the data snapshot, the engagement report and declarations.

Everything here reads; nothing writes. The data snapshot is a dict of generators (``exports.contracts``
``DataSnapshot``): each table's rows are fetched in batches (``yield_per``; a server-side cursor on
PostgreSQL) while ``exports.data.write_data_zip`` consumes them, so an export of any size holds one
batch in memory. The session must stay open until the zip is written.

Hidden and withdrawn contributions are left out of every table. Personal columns (names, emails,
signers) are only selected for a full export; an anonymised export never reads them at all.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from enum import Enum

from sqlalchemy import case, func, true, union
from sqlmodel import Session, col, select

from crowd.models import (
    Access,
    Assessment,
    CareRole,
    Contribution,
    ContributionKind,
    DeclarationVersion,
    MemberRank,
    Organisation,
    OrganisationKind,
    Participant,
    PollAnswer,
    PollChoice,
    Section,
    Signatory,
    Stream,
    Theme,
    ThemeMember,
    ThemeStatus,
    Vote,
    VoteChoice,
    Workshop,
)
from crowd.models._base import LONDON, utcnow
from crowd.services.boroughs import LONDON_BOROUGHS, OUTSIDE_LONDON
from crowd.services.declaration import versions as declarations
from crowd.services.declaration.snapshot import outcomes_by_key
from crowd.services.errors import DomainError, NotFound
from crowd.services.masking import mask_personal_data
from crowd.services.workshop.contributions import shown_clause
from crowd.settings import Settings

BATCH = 1_000
NOT_GIVEN = "not_given"

CONTRIBUTION_COLUMNS = [
    "id", "workshop", "section", "kind", "stream", "parent_id", "author_id", "author_role", "borough",
    "organisation_type", "text", "agree", "disagree", "pass", "created_at", "status",
]  # fmt: skip
PERSONAL_CONTRIBUTION_COLUMNS = ["author_name", "author_email"]  # full exports only, after author_id
VOTE_COLUMNS = ["contribution_id", "segment_kind", "segment", "participants", "agree", "disagree", "pass"]
THEME_COLUMNS = [
    "id",
    "workshop",
    "label",
    "description",
    "description_sources",
    "keywords",
    "status",
    "size",
]
MEMBER_COLUMNS = ["theme_id", "contribution_id", "rank", "score", "source"]
POLL_COLUMNS = ["workshop", "answer", "answers", "share"]
OUTCOME_COLUMNS = [
    "version", "outcome_key", "foundation", "name", "definition", "unit", "direction", "baseline", "target",
    "period", "data_source",
]  # fmt: skip
ASSESSMENT_COLUMNS = [
    "organisation", "organisation_type", "borough", "version", "outcome_key", "outcome", "period", "value",
    "status", "evidence", "recorded_at", "assessor_id",
]  # fmt: skip
PERSONAL_ASSESSMENT_COLUMNS = ["signer_name", "signer_role"]  # full exports only

COLUMN_DESCRIPTIONS: dict[str, dict[str, str]] = {
    "contributions": {
        "id": "Contribution id (the same id in every table)",
        "workshop": "The workshop's short name (slug)",
        "section": "The part of the draft it answers (empty for notes without a section)",
        "kind": "idea, comment (a reply to parent_id) or note (imported from a focus group, literature or event)",
        "stream": "online, focus_group, literature or event",
        "parent_id": "For a comment: the idea it replies to",
        "author_id": "Who wrote it: a pseudonym P-xxxxxxxx in anonymised exports (the same person has the same "
        "pseudonym in every export); empty for imported notes",
        "author_name": "Display name (full exports only)",
        "author_email": "Email (full exports only)",
        "author_role": "staff, service_user, carer or other; '<5' where fewer than 5 people share it",
        "borough": "London borough (or Outside London); '<5' where fewer than 5 people share it",
        "organisation_type": "Type of the author's organisation; '<5' where fewer than 5 people share it",
        "text": "What was written, with personal data (NHS numbers, phones, emails, postcodes) masked",
        "agree": "Agree votes",
        "disagree": "Disagree votes",
        "pass": "Pass votes",
        "created_at": "When it was posted (UTC, ISO 8601)",
        "status": "visible or flagged (hidden and withdrawn contributions are never exported)",
    },
    "votes_by_item_segment": {
        "contribution_id": "The contribution voted on",
        "segment_kind": "role or borough",
        "segment": "The voters' role or borough",
        "participants": "People in the segment who voted ('<5' when fewer than 5: then the counts are '<5' too)",
        "agree": "Agree votes in the segment",
        "disagree": "Disagree votes in the segment",
        "pass": "Pass votes in the segment",
    },
    "themes": {
        "id": "Theme id",
        "workshop": "The workshop it was found in",
        "label": "The theme's label",
        "description": "The description: drafted by crowd from contributions until a moderator edits it",
        "description_sources": "For a drafted description, the contributions each sentence came from "
        "('1: 12 15 | 2: 40' = sentence 1 from contributions 12 and 15); empty once a moderator edited it",
        "keywords": "Keywords, separated by '; '",
        "status": "active, out_of_scope, merged or split",
        "size": "Contributions that are mainly about this theme",
    },
    "theme_members": {
        "theme_id": "The theme",
        "contribution_id": "A contribution in it",
        "rank": "primary (mainly about the theme) or secondary (touches it too)",
        "score": "Similarity to the theme's centre (0 to 1)",
        "source": "pipeline (placed by a theme run), moderator, or assigned (arrived after the run)",
    },
    "poll_results": {
        "workshop": "The workshop whose draft was polled",
        "answer": "completely, mostly, partly or not_at_all",
        "answers": "People who gave this answer",
        "share": "Share of the workshop's answers (0 to 1)",
    },
    "outcomes": {
        "version": "The published declaration version",
        "outcome_key": "How assessments name the outcome: the foundation's slug and the outcome's number",
        "foundation": "The foundation it measures",
        "name": "Outcome",
        "definition": "What is measured",
        "unit": "percentage, count, rate, yes_no or scale",
        "direction": "higher or lower is better",
        "baseline": "Where we start",
        "target": "Where we aim to be",
        "period": "The period of the target",
        "data_source": "Where the figure comes from",
    },
    "assessments": {
        "organisation": "The signatory organisation",
        "organisation_type": "Its type",
        "borough": "Its borough",
        "version": "The declaration version it signed",
        "outcome_key": "The outcome assessed (the foundation's slug and the outcome's number)",
        "outcome": "The outcome's name",
        "period": "The period assessed",
        "value": "The value recorded (for measured outcomes)",
        "status": "met, partly or not_yet (for yes/no outcomes)",
        "evidence": "The evidence given",
        "recorded_at": "When it was recorded (UTC)",
        "assessor_id": "Who recorded it (a pseudonym in anonymised exports)",
        "signer_name": "Who signed for the organisation (full exports only)",
        "signer_role": "Their role (full exports only)",
    },
}


def pseudonym_secret(settings: Settings) -> str:
    """The key of the exports' pseudonyms: PSEUDONYM_KEY (required in production), so leaking or rotating
    the session key neither reveals nor changes them; outside production, derived from SECRET_KEY."""
    if settings.pseudonym_key:
        return settings.pseudonym_key
    if settings.environment == "production" or not settings.secret_key:
        raise DomainError(
            "Anonymised exports need their own key: ask whoever runs crowd to set PSEUDONYM_KEY "
            "(a long random value, not SECRET_KEY) and restart it."
        )
    return hmac.new(settings.secret_key.encode(), b"crowd-export-pseudonyms", hashlib.sha256).hexdigest()


def _plain(value: object) -> object:
    return value.value if isinstance(value, Enum) else value


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _streamed(session: Session, query) -> Iterator:
    yield from session.exec(query.execution_options(yield_per=BATCH))


def _in_workshop(workshop_id: int | None):
    return (col(Contribution.workshop_id) == workshop_id) if workshop_id else true()


def _exported():
    from crowd.services.workshop.safeguarding import open_case_ids  # an open safeguarding case stays out

    return shown_clause() & col(Contribution.id).not_in(open_case_ids())


# --- contributions ---------------------------------------------------------------------------------


def contribution_columns(*, full: bool) -> list[str]:
    at = CONTRIBUTION_COLUMNS.index("author_id") + 1
    extra = PERSONAL_CONTRIBUTION_COLUMNS if full else []
    return [*CONTRIBUTION_COLUMNS[:at], *extra, *CONTRIBUTION_COLUMNS[at:]]


def contribution_rows(
    session: Session, *, workshop_id: int | None = None, full: bool = False
) -> Iterator[tuple]:
    """One row per visible or flagged contribution, in id order, streamed."""
    personal = [Participant.display_name, Participant.email] if full else []
    query = (
        select(
            Contribution.id,
            Workshop.slug,
            Section.title,
            Contribution.kind,
            Contribution.stream,
            Contribution.parent_id,
            Contribution.author_id,
            *personal,
            Contribution.source_role,
            Participant.role,
            Contribution.source_borough,
            Participant.borough,
            Organisation.kind,
            Contribution.text,
            Contribution.agree_count,
            Contribution.disagree_count,
            Contribution.pass_count,
            Contribution.created_at,
            Contribution.status,
        )  # fmt: skip
        .join(Workshop, col(Workshop.id) == col(Contribution.workshop_id))
        .outerjoin(Section, col(Section.id) == col(Contribution.section_id))
        .outerjoin(Participant, col(Participant.id) == col(Contribution.author_id))
        .outerjoin(Organisation, col(Organisation.id) == col(Participant.organisation_id))
        .where(_exported(), _in_workshop(workshop_id))
        .order_by(col(Contribution.id))
    )
    for row in _streamed(session, query):
        values = list(row)
        head, rest = values[: 7 + len(personal)], values[7 + len(personal) :]
        source_role, role, source_borough, borough, org_kind, text, agree, disagree, passes, at, status = rest
        yield (
            *(_plain(v) for v in head),
            _plain(source_role or role) or NOT_GIVEN,
            source_borough or borough or NOT_GIVEN,
            _plain(org_kind) or NOT_GIVEN,
            # masked again with today's rules: text posted before a rule existed is covered too
            text if full else mask_personal_data(text).text, agree, disagree, passes, _iso(at), _plain(status),
        )  # fmt: skip


def group_sizes(session: Session, *, workshop_id: int | None = None) -> dict[str, dict[str, int]]:
    """People behind each author_role, borough and organisation_type value of the contributions table.

    A person counts once per value (distinct authors); an unattributed imported note counts as one voice.
    Values held by fewer than five are written as '<5' in an anonymised export.
    """
    people = func.count(func.distinct(Contribution.author_id)) + func.sum(
        case((col(Contribution.author_id).is_(None), 1), else_=0)
    )
    # (stored on the contribution when posted, the author's profile) pairs, combined in Python
    expressions = {
        "author_role": (Contribution.source_role, Participant.role),
        "borough": (Contribution.source_borough, Participant.borough),
        "organisation_type": (Organisation.kind, Organisation.kind),
    }
    sizes: dict[str, dict[str, int]] = {}
    for column, (stored, profile) in expressions.items():
        query = (
            select(stored, profile, people)
            .select_from(Contribution)
            .outerjoin(Participant, col(Participant.id) == col(Contribution.author_id))
            .outerjoin(Organisation, col(Organisation.id) == col(Participant.organisation_id))
            .where(_exported(), _in_workshop(workshop_id))
            .group_by(stored, profile)
        )
        counts: Counter = Counter()
        for first, second, count in session.exec(query):
            counts[_plain(first or second) or NOT_GIVEN] += int(count or 0)
        sizes[column] = dict(counts)
    return sizes


QUASI_IDENTIFIERS = ("organisation_type", "borough", "author_role")  # generalised in this order


def quasi_identifier_sizes(session: Session, *, workshop_id: int | None = None) -> dict[tuple, int]:
    """People behind each (organisation_type, borough, author_role) of the contributions table, as the
    table writes them; an unattributed imported note counts as one voice. For k-anonymity."""
    query = (
        select(
            Contribution.id,
            Contribution.author_id,
            Contribution.source_borough,
            Participant.borough,
            Organisation.kind,
            Contribution.source_role,
            Participant.role,
        )
        .outerjoin(Participant, col(Participant.id) == col(Contribution.author_id))
        .outerjoin(Organisation, col(Organisation.id) == col(Participant.organisation_id))
        .where(_exported(), _in_workshop(workshop_id))
    )
    people: dict[tuple, set] = {}
    for cid, author, source_borough, borough, org_kind, source_role, role in _streamed(session, query):
        combo = (
            _plain(org_kind) or NOT_GIVEN,
            source_borough or borough or NOT_GIVEN,
            _plain(source_role or role) or NOT_GIVEN,
        )
        people.setdefault(combo, set()).add(author if author is not None else f"note:{cid}")
    return {combo: len(who) for combo, who in people.items()}


# --- votes per item and segment --------------------------------------------------------------------


def vote_segment_rows(session: Session, *, workshop_id: int | None = None) -> Iterator[dict]:
    """Votes per (contribution, voters' role) and per (contribution, voters' borough), streamed."""

    def tally(choice: VoteChoice):
        return func.sum(case((col(Vote.choice) == choice, 1), else_=0))

    for kind, segment in (("role", Participant.role), ("borough", Participant.borough)):
        query = (
            select(
                Vote.contribution_id,
                segment,
                func.count(),
                tally(VoteChoice.AGREE),
                tally(VoteChoice.DISAGREE),
                tally(VoteChoice.PASS),
            )  # fmt: skip
            .join(Contribution, col(Contribution.id) == col(Vote.contribution_id))
            .join(Participant, col(Participant.id) == col(Vote.participant_id))
            .where(_exported(), _in_workshop(workshop_id))
            .group_by(Vote.contribution_id, segment)
            .order_by(Vote.contribution_id, segment)
        )
        for contribution_id, value, voters, agree, disagree, passes in _streamed(session, query):
            yield {
                "contribution_id": contribution_id,
                "segment_kind": kind,
                "segment": _plain(value) or NOT_GIVEN,
                "participants": int(voters),
                "agree": int(agree or 0),
                "disagree": int(disagree or 0),
                "pass": int(passes or 0),
            }


# --- themes, poll, outcomes, assessments -----------------------------------------------------------


def theme_rows(session: Session, *, workshop_id: int | None = None) -> Iterator[tuple]:
    query = select(Theme, Workshop.slug).join(Workshop, col(Workshop.id) == col(Theme.workshop_id))
    if workshop_id:
        query = query.where(Theme.workshop_id == workshop_id)
    found = list(session.exec(query.order_by(col(Theme.id))))
    cited = {int(i) for theme, _ in found for ids in theme.description_ids or [] for i in ids}
    exported = set(
        session.exec(select(Contribution.id).where(col(Contribution.id).in_(cited), _exported()))
    ) if cited else set()  # fmt: skip
    for theme, slug in found:
        yield (theme.id, slug, theme.label, theme.description, _sources(theme, exported),
               "; ".join(map(str, theme.keywords)), _plain(theme.status), theme.size)  # fmt: skip


def _sources(theme: Theme, exported: set[int]) -> str:
    """Which contributions each sentence of a drafted description came from (only exported ones)."""
    if theme.curated or not theme.description_ids:
        return ""
    return " | ".join(
        f"{n}: {' '.join(str(i) for i in ids if int(i) in exported)}"
        for n, ids in enumerate(theme.description_ids, start=1)
    )


def theme_member_rows(session: Session, *, workshop_id: int | None = None) -> Iterator[tuple]:
    query = (
        select(
            ThemeMember.theme_id,
            ThemeMember.contribution_id,
            ThemeMember.rank,
            ThemeMember.score,
            ThemeMember.source,
        )  # fmt: skip
        .join(Contribution, col(Contribution.id) == col(ThemeMember.contribution_id))
        .where(col(ThemeMember.rank) != MemberRank.EXCLUDED, _exported(), _in_workshop(workshop_id))
        .order_by(col(ThemeMember.theme_id), col(ThemeMember.contribution_id))
    )
    for theme_id, contribution_id, rank, score, source in _streamed(session, query):
        yield (
            theme_id,
            contribution_id,
            _plain(rank),
            None if score is None else round(score, 4),
            _plain(source),
        )


def poll_rows(session: Session, *, workshop_id: int | None = None) -> Iterator[tuple]:
    query = (
        select(Workshop.slug, PollAnswer.choice, func.count())
        .join(Workshop, col(Workshop.id) == col(PollAnswer.workshop_id))
        .group_by(Workshop.slug, PollAnswer.choice)
    )
    if workshop_id:
        query = query.where(PollAnswer.workshop_id == workshop_id)
    counts: dict[str, Counter] = {}
    for slug, choice, count in session.exec(query):
        counts.setdefault(slug, Counter())[PollChoice(choice)] += int(count)
    for slug in sorted(counts):
        total = sum(counts[slug].values())
        for choice in PollChoice:
            answers = counts[slug][choice]
            yield slug, choice.value, answers, round(answers / total, 4) if total else 0.0


def _published_snapshots(session: Session) -> dict[int, dict]:
    return {v.id: v.snapshot for v in declarations.published_versions(session) if v.snapshot}


def outcome_rows(session: Session) -> Iterator[tuple]:
    """The outcomes of the latest published version (what signatories are measured against)."""
    latest = declarations.latest_published(session)
    if latest is None or not latest.snapshot:
        return
    for key, (foundation, outcome) in outcomes_by_key(latest.snapshot).items():
        yield (
            latest.number, key, foundation["title"], outcome["name"], outcome["definition"], outcome["unit"],
            outcome["direction"], outcome["baseline"], outcome["target"], outcome["period"],
            outcome["data_source"],
        )  # fmt: skip


def assessment_columns(*, full: bool) -> list[str]:
    return [*ASSESSMENT_COLUMNS, *(PERSONAL_ASSESSMENT_COLUMNS if full else [])]


def assessment_rows(session: Session, *, full: bool = False) -> Iterator[tuple]:
    snapshots = _published_snapshots(session)
    numbers = {v.id: v.number for v in declarations.published_versions(session)}
    names = {
        version_id: {key: outcome["name"] for key, (_, outcome) in outcomes_by_key(snapshot).items()}
        for version_id, snapshot in snapshots.items()
    }
    personal = [Signatory.signer_name, Signatory.signer_role] if full else []
    query = (
        select(
            Signatory.organisation_name,
            Signatory.kind,
            Signatory.borough,
            Signatory.declaration_id,
            Assessment.outcome_key,
            Assessment.period,
            Assessment.value,
            Assessment.status,
            Assessment.evidence,
            Assessment.recorded_at,
            Assessment.recorded_by,
            *personal,
        )  # fmt: skip
        .join(Signatory, col(Signatory.id) == col(Assessment.signatory_id))
        .order_by(col(Signatory.organisation_name), col(Assessment.outcome_key), col(Assessment.period))
    )
    for row in _streamed(session, query):
        organisation, kind, borough, declaration_id, key, period, value, status, evidence, at, by, *extra = (
            row
        )
        yield (
            organisation, _plain(kind), borough, numbers.get(declaration_id), key,
            names.get(declaration_id, {}).get(key, ""), period, value, _plain(status), evidence, _iso(at), by,
            *extra,
        )  # fmt: skip


def data_snapshot(session: Session, *, workshop_id: int | None = None, full: bool = False) -> dict:
    """Every table of the data export as (columns, generator of rows); read while the zip is written."""
    return {
        "contributions": (contribution_columns(full=full),
                          contribution_rows(session, workshop_id=workshop_id, full=full)),
        "votes_by_item_segment": (VOTE_COLUMNS, vote_segment_rows(session, workshop_id=workshop_id)),
        "themes": (THEME_COLUMNS, theme_rows(session, workshop_id=workshop_id)),
        "theme_members": (MEMBER_COLUMNS, theme_member_rows(session, workshop_id=workshop_id)),
        "poll_results": (POLL_COLUMNS, poll_rows(session, workshop_id=workshop_id)),
        "outcomes": (OUTCOME_COLUMNS, outcome_rows(session)),
        "assessments": (assessment_columns(full=full), assessment_rows(session, full=full)),
    }  # fmt: skip


def table_totals(session: Session, *, workshop_id: int | None = None) -> dict[str, int]:
    """Roughly how many rows each big table will have (for a progress bar)."""
    contributions = session.exec(
        select(func.count()).select_from(Contribution).where(_exported(), _in_workshop(workshop_id))
    ).one()
    members = session.exec(
        select(func.count())
        .select_from(ThemeMember)
        .join(Contribution, col(Contribution.id) == col(ThemeMember.contribution_id))
        .where(_exported(), _in_workshop(workshop_id))
    ).one()
    return {"contributions": int(contributions), "theme_members": int(members)}


# --- the engagement report -------------------------------------------------------------------------


def _people_ids(workshop_id: int | None):
    """Everyone who took part: posted a visible contribution, voted on one, or answered the poll."""
    authors = select(Contribution.author_id.label("pid")).where(
        col(Contribution.author_id).is_not(None), _exported(), _in_workshop(workshop_id)
    )
    voters = (
        select(Vote.participant_id.label("pid"))  # type: ignore[attr-defined]  # SQLModel types a column as its Python value; on the class it is a SQLAlchemy column
        .join(Contribution, col(Contribution.id) == col(Vote.contribution_id))
        .where(_exported(), _in_workshop(workshop_id))
    )
    answerers = select(PollAnswer.participant_id.label("pid"))  # type: ignore[attr-defined]  # SQLModel types a column as its Python value; on the class it is a SQLAlchemy column
    if workshop_id:
        answerers = answerers.where(PollAnswer.workshop_id == workshop_id)
    return union(authors, voters, answerers).subquery()


def people_who_took_part(workshop_id: int | None = None):
    """A subquery (column `pid`) of everyone who took part; equality monitoring counts the same people."""
    return _people_ids(workshop_id)


def _people_by(session: Session, column, workshop_id: int | None, *, with_org: bool = False) -> Counter:
    ids = _people_ids(workshop_id)
    query = select(column, func.count()).select_from(Participant)
    if with_org:
        query = query.outerjoin(Organisation, col(Organisation.id) == col(Participant.organisation_id))
    query = query.where(col(Participant.id).in_(select(ids.c.pid))).group_by(column)
    return Counter({value: int(n) for value, n in session.exec(query)})


def _london_day(value: datetime) -> date:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LONDON).date()


def activity_by_day(session: Session, *, workshop_id: int | None = None) -> list[tuple[str, int, int, int]]:
    """(London date, ideas and notes, comments, votes) for every day from the first activity to the last."""
    days: dict[date, list[int]] = {}
    posts = select(Contribution.kind, Contribution.created_at).where(_exported(), _in_workshop(workshop_id))
    for kind, at in _streamed(session, posts):
        slot = 1 if ContributionKind(kind) == ContributionKind.COMMENT else 0
        days.setdefault(_london_day(at), [0, 0, 0])[slot] += 1
    votes = (
        select(Vote.created_at)
        .join(Contribution, col(Contribution.id) == col(Vote.contribution_id))
        .where(_exported(), _in_workshop(workshop_id))
    )
    for at in _streamed(session, votes):
        days.setdefault(_london_day(at), [0, 0, 0])[2] += 1
    if not days:
        return []
    first, last = min(days), max(days)
    span = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [(day.isoformat(), *days.get(day, [0, 0, 0])) for day in span]


def engagement_report(session: Session, *, workshop_id: int | None = None, title: str | None = None) -> dict:
    """The figures of ``exports.contracts.EngagementReport``, counted now."""
    workshop = session.get(Workshop, workshop_id) if workshop_id else None
    if workshop_id and workshop is None:
        raise NotFound("There is no such workshop.")
    roles = _people_by(session, Participant.role, workshop_id)
    orgs = _people_by(session, Organisation.kind, workshop_id, with_org=True)
    boroughs = _people_by(session, Participant.borough, workshop_id)
    by_borough = {name: boroughs.get(name, 0) for name in LONDON_BOROUGHS}
    by_borough[OUTSIDE_LONDON] = boroughs.get(OUTSIDE_LONDON, 0)
    sections = Counter()
    several = workshop_id is None and len(session.exec(select(Workshop.id)).all()) > 1
    query = (
        select(Section.title, Workshop.title, func.count())
        .select_from(Contribution)
        .join(Workshop, col(Workshop.id) == col(Contribution.workshop_id))
        .outerjoin(Section, col(Section.id) == col(Contribution.section_id))
        .where(_exported(), _in_workshop(workshop_id))
        .group_by(Section.title, Workshop.title)
    )
    for section, workshop_title, n in session.exec(query):
        label = section or "No section"
        sections[f"{label} ({workshop_title})" if several else label] += int(n)
    streams = session.exec(
        select(Contribution.stream, func.count())
        .where(_exported(), _in_workshop(workshop_id))
        .group_by(Contribution.stream)
    )
    poll = Counter()
    answers = select(PollAnswer.choice, func.count()).group_by(PollAnswer.choice)
    if workshop_id:
        answers = answers.where(PollAnswer.workshop_id == workshop_id)
    for choice, n in session.exec(answers):
        poll[PollChoice(choice).value] += int(n)
    themes = select(Theme.label, Theme.size).where(Theme.status == ThemeStatus.ACTIVE, Theme.size > 0)
    if workshop_id:
        themes = themes.where(Theme.workshop_id == workshop_id)
    return {
        "title": title
        or (f"How people shaped {workshop.title}" if workshop else "How London shaped the declaration"),
        "generated_at": utcnow().isoformat(timespec="seconds"),
        "participants_by_role": {
            (CareRole(role).label if role else "Not given"): n for role, n in roles.most_common()
        },
        "participants_by_org_type": {
            (OrganisationKind(kind).label if kind else "No organisation given"): n
            for kind, n in orgs.most_common()
        },
        "participants_by_borough": by_borough,
        "activity_by_day": activity_by_day(session, workshop_id=workshop_id),
        "contributions_by_section": dict(sections.most_common()),
        "contributions_by_stream": {Stream(stream).label: int(n) for stream, n in streams},
        "poll": {choice.value: poll.get(choice.value, 0) for choice in PollChoice},
        "themes": [
            {"label": label, "size": int(size)}
            for label, size in session.exec(themes.order_by(col(Theme.size).desc()))
        ],
        "equality": equality_of_people(session, workshop_id=workshop_id),
    }


def equality_board(session: Session, *, workshop_id: int | None = None, threshold: int | None = None) -> list:
    """The equality monitoring tables for everyone who took part (posted, voted or answered a poll), as
    the report counts them (here, not in people/monitoring.py, which this module already uses)."""
    from crowd.services.people import monitoring

    kwargs = {"threshold": threshold} if threshold else {}
    return monitoring.tables(session, people=_people_ids(workshop_id), **kwargs)


def equality_of_people(
    session: Session, *, workshop_id: int | None = None, threshold: int | None = None
) -> list:
    """Who took part by the equality monitoring categories, suppressed (see people/monitoring.py)."""
    from crowd.services.people import monitoring

    kwargs = {"threshold": threshold} if threshold else {}
    return monitoring.report_rows(monitoring.tables(session, people=_people_ids(workshop_id), **kwargs))


# --- declarations ----------------------------------------------------------------------------------


def published_versions(session: Session) -> list[DeclarationVersion]:
    return declarations.published_versions(session)


def published_declaration(session: Session, *, number: int | None = None) -> dict:
    """The frozen snapshot of published version ``number`` (the latest when None)."""
    version = declarations.published_version(session, number)
    if not version.snapshot:
        raise NotFound("That version has no frozen text to export.")
    return dict(version.snapshot)


def draft_declaration(session: Session, *, base_url: str) -> dict:
    """The current draft as a declaration dict with status "draft" (watermarked on a poster)."""
    return declarations.snapshot_of_draft(session, base_url=base_url)


def may_export_full(user: Participant | None) -> bool:
    """Full data (names and emails) is for admins; the CLI (no user) has the database anyway."""
    return user is None or user.access == Access.ADMIN
