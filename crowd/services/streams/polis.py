"""Pol.is conversations in and out: an export becomes a workshop; a workshop becomes a Pol.is export.

In: `read_export` checks the files of a Pol.is export (comments.csv, and votes.csv or
participants-votes.csv; summary.csv optional) and refuses the whole export with line numbers on the
first pass; `import_export` stores it as a closed workshop in the caller's one transaction: comments as
ideas (moderated-out ones hidden), each Pol.is participant as an anonymous account with no personal data,
votes with their times (the latest vote of a person on a comment counts, as in Pol.is).

Out: `export_files` writes the same four files from a workshop's ideas and current votes, with Pol.is's
numbers (agree = 1, disagree = -1, pass = 0; dense comment and participant ids), so that Pol.is's own
tools and `crowd opinions evaluate` read them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import insert
from sqlmodel import Session, col, select

from crowd.models import (
    Contribution,
    ContributionKind,
    ContributionStatus,
    Participant,
    Section,
    Stream,
    Vote,
    VoteChoice,
    Workshop,
    WorkshopStatus,
)
from crowd.services import audit
from crowd.services.errors import Conflict, DomainError
from crowd.services.masking import mask_personal_data
from crowd.services.workshop.contributions import wilson_lower_bound
from crowd.services.workshop.workshops import slugify
from exports.data import neutralise_formula

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_TEXT = 2000
MAX_PROBLEMS = 20
FILES = ("comments.csv", "votes.csv", "participants-votes.csv", "summary.csv")
COMMENT_COLUMNS = ("comment-id", "comment-body")
VOTE_COLUMNS = ("timestamp", "comment-id", "voter-id", "vote")
# participants-votes.csv: these columns describe the person; every other column must be a comment id
PARTICIPANT_COLUMNS = {"participant", "xid", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"}
TO_CHOICE = {1: VoteChoice.AGREE, -1: VoteChoice.DISAGREE, 0: VoteChoice.PASS}
TO_POLIS = {choice: number for number, choice in TO_CHOICE.items()}
PARTICIPANT_NAME = "Pol.is participant {}"


class PolisExportError(DomainError):
    """A Pol.is export that cannot be imported; `problems` are (file, line, message), the first few."""

    def __init__(self, problems: list[tuple[str, int, str]]):
        self.problems = problems
        shown = "; ".join(f"{name} line {line}: {message}" for name, line, message in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"This Pol.is export cannot be imported, nothing was stored: {shown}{more}")


@dataclass
class PolisComment:
    comment_id: int
    body: str
    author_id: int | None
    created_at: datetime | None
    moderated: int  # 1 accepted, 0 not moderated, -1 moderated out


@dataclass
class PolisExport:
    topic: str
    description: str
    comments: list[PolisComment]
    # (voter id, comment id) -> (vote 1/-1/0, time or None): the latest vote only
    votes: dict[tuple[int, int], tuple[int, datetime | None]] = field(default_factory=dict)
    has_times: bool = False
    repeated_lines: int = 0  # lines of votes.csv identical to an earlier one (counted once)

    @property
    def people(self) -> list[int]:
        """Pol.is participant numbers: everyone who voted or wrote a comment."""
        authors = {c.author_id for c in self.comments if c.author_id is not None}
        return sorted({voter for voter, _ in self.votes} | authors)


def _rows(name: str, data: bytes, problems: list) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    if len(data) > MAX_FILE_BYTES:
        problems.append((name, 0, f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB"))
        return [], []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problems.append((name, line, "the file is not UTF-8 text"))
        return [], []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader, [])]
        rows = []
        for values in reader:
            if any(v.strip() for v in values):
                if len(values) > len(header):
                    problems.append(
                        (name, reader.line_num, f"{len(values)} cells where the header has {len(header)}")
                    )
                rows.append((reader.line_num, dict(zip(header, values, strict=False))))
    except csv.Error as error:
        problems.append((name, reader.line_num, f"not a readable CSV ({error})"))
        return [], []
    return header, rows


def _missing(name: str, header: list[str], needed: tuple[str, ...], problems: list) -> bool:
    missing = [c for c in needed if c not in header]
    if missing:
        problems.append((name, 1, f"missing column(s): {', '.join(missing)}"))
    return bool(missing)


def _int(value: str | None) -> int | None:
    try:
        return int((value or "").strip())
    except ValueError:
        return None


def _time(value: str | None) -> datetime | None:
    number = _int(value)
    if number is None or number <= 0:
        return None
    # Pol.is writes milliseconds since 1970
    return datetime.fromtimestamp(number / 1000 if number > 10**11 else number, tz=UTC)


def _read_comments(data: bytes, problems: list) -> list[PolisComment]:
    header, rows = _rows("comments.csv", data, problems)
    if not header or _missing("comments.csv", header, COMMENT_COLUMNS, problems):
        return []
    comments, seen = [], set()
    for line, row in rows:
        comment_id = _int(row.get("comment-id"))
        body = " ".join((row.get("comment-body") or "").split())
        moderated = _int(row.get("moderated")) if "moderated" in header else 0
        if comment_id is None or comment_id < 0:
            problems.append(("comments.csv", line, f"comment-id {row.get('comment-id')!r} is not a number"))
            continue
        if comment_id in seen:
            problems.append(("comments.csv", line, f"comment-id {comment_id} appears twice"))
        if not body:
            problems.append(("comments.csv", line, "the comment-body is empty"))
        elif len(body) > MAX_TEXT:
            problems.append(("comments.csv", line, f"the comment-body is over {MAX_TEXT:,} characters"))
        if moderated not in (-1, 0, 1):
            problems.append(
                ("comments.csv", line, f"moderated must be -1, 0 or 1, not {row.get('moderated')!r}")
            )
        seen.add(comment_id)
        author = _int(row.get("author-id"))
        comments.append(PolisComment(comment_id, body, author, _time(row.get("timestamp")), moderated or 0))
    if not comments and not problems:
        problems.append(("comments.csv", 1, "there are no comments"))
    return comments


def _vote(raw: str | None) -> int | None:
    number = _int(raw)
    return number if number in TO_CHOICE else None


def _read_votes(data: bytes, known: set[int], export: PolisExport, problems: list) -> None:
    header, rows = _rows("votes.csv", data, problems)
    if not header or _missing("votes.csv", header, VOTE_COLUMNS, problems):
        return
    first_line: dict[tuple[int, int, str], tuple[int, int]] = {}
    for line, row in rows:
        voter, comment, vote = _int(row.get("voter-id")), _int(row.get("comment-id")), _vote(row.get("vote"))
        if voter is None or voter < 0:
            problems.append(("votes.csv", line, f"voter-id {row.get('voter-id')!r} is not a number"))
            continue
        if comment not in known:
            problems.append(
                ("votes.csv", line, f"comment-id {row.get('comment-id')!r} is not in comments.csv")
            )
            continue
        if vote is None:
            problems.append(("votes.csv", line, f"vote must be 1, -1 or 0, not {row.get('vote')!r}"))
            continue
        stamp = (row.get("timestamp") or "").strip()
        key = (voter, comment, stamp)
        if key in first_line:
            earlier_line, earlier_vote = first_line[key]
            if earlier_vote != vote:
                problems.append(("votes.csv", line, f"voter {voter} on comment {comment} at the same time as "
                                                    f"line {earlier_line}, with another vote"))  # fmt: skip
            else:
                export.repeated_lines += 1  # Pol.is exports repeat a line now and then: the same vote once
            continue
        first_line[key] = (line, vote)
        when = _time(stamp)
        earlier = export.votes.get((voter, comment))
        if earlier is None or (when and earlier[1] and when >= earlier[1]) or (not when and not earlier[1]):
            export.votes[(voter, comment)] = (vote, when)
    export.has_times = any(when for _, when in export.votes.values())


def _read_matrix(data: bytes, known: set[int], export: PolisExport, problems: list) -> None:
    header, rows = _rows("participants-votes.csv", data, problems)
    if not header or _missing("participants-votes.csv", header, ("participant",), problems):
        return
    comment_columns = []
    for column in header:
        if column in PARTICIPANT_COLUMNS:
            continue
        number = _int(column)
        if number is None or number not in known:
            problems.append(
                ("participants-votes.csv", 1, f"column {column!r} is not a comment id in comments.csv")
            )
        else:
            comment_columns.append((column, number))
    seen: dict[int, int] = {}
    for line, row in rows:
        voter = _int(row.get("participant"))
        if voter is None or voter < 0:
            problems.append(
                ("participants-votes.csv", line, f"participant {row.get('participant')!r} is not a number")
            )
            continue
        if voter in seen:
            problems.append(
                ("participants-votes.csv", line, f"participant {voter} already on line {seen[voter]}")
            )
            continue
        seen[voter] = line
        for column, comment in comment_columns:
            raw = (row.get(column) or "").strip()
            if not raw:
                continue
            vote = _vote(raw)
            if vote is None:
                problems.append(
                    ("participants-votes.csv", line, f"vote {raw!r} for comment {column} is not 1, -1 or 0")
                )
            else:
                export.votes[(voter, comment)] = (vote, None)


def _read_summary(data: bytes | None) -> tuple[str, str]:
    if not data:
        return "", ""
    try:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    except (UnicodeDecodeError, csv.Error):
        return "", ""
    values = {row[0].strip(): row[1].strip() for row in rows if len(row) >= 2}
    return values.get("topic", "")[:200], values.get("conversation-description", "")


def read_export(files: Mapping[str, bytes]) -> PolisExport:
    """Check and read an export given as {file name: bytes}; refuse it whole with line numbers."""
    problems: list[tuple[str, int, str]] = []
    unknown = sorted(set(files) - set(FILES))
    if unknown:
        problems.append((unknown[0], 0, f"not a file of a Pol.is export (expected {', '.join(FILES)})"))
    if "comments.csv" not in files:
        problems.append(("comments.csv", 0, "the export has no comments.csv"))
    if "votes.csv" not in files and "participants-votes.csv" not in files:
        problems.append(("votes.csv", 0, "the export needs votes.csv or participants-votes.csv"))
    if problems:
        raise PolisExportError(problems)
    comments = _read_comments(files["comments.csv"], problems)
    topic, description = _read_summary(files.get("summary.csv"))
    export = PolisExport(topic, description, comments)
    known = {c.comment_id for c in comments}
    if "votes.csv" in files:
        _read_votes(files["votes.csv"], known, export, problems)
    else:
        _read_matrix(files["participants-votes.csv"], known, export, problems)
    if problems:
        raise PolisExportError(problems[:MAX_PROBLEMS])
    return export


def import_export(
    session: Session, *, export: PolisExport, slug: str, title: str = "", actor_id: int | None
) -> Workshop:
    """Store a checked export as a new closed workshop with one section; all in the caller's transaction."""
    slug = slugify(slug)
    if session.exec(select(Workshop.id).where(Workshop.slug == slug)).first() is not None:
        raise Conflict(f"A workshop with the slug {slug!r} exists already: choose another.")
    now = datetime.now(UTC)
    workshop = Workshop(
        slug=slug,
        title=(title or export.topic or f"Pol.is conversation {slug}")[:200],
        intro=export.description,
        status=WorkshopStatus.CLOSED,
        closes_at=now,
    )
    session.add(workshop)
    session.flush()
    section = Section(workshop_id=workshop.id, position=0, title="The conversation")
    session.add(section)
    people = export.people
    accounts = {pid: Participant(email=None, display_name=PARTICIPANT_NAME.format(pid)) for pid in people}
    session.add_all(accounts.values())
    session.flush()
    ideas: dict[int, Contribution] = {}
    # in comment-id order, as participants are in Pol.is-number order: the ideas' ids then keep Pol.is's
    # order, which its clustering (columns and rows by id) depends on
    for comment in sorted(export.comments, key=lambda c: c.comment_id):
        masked = mask_personal_data(comment.body)
        idea = Contribution(
            workshop_id=workshop.id,
            section_id=section.id,
            author_id=accounts[comment.author_id].id if comment.author_id in accounts else None,
            kind=ContributionKind.IDEA,
            stream=Stream.ONLINE,
            status=ContributionStatus.HIDDEN if comment.moderated == -1 else ContributionStatus.VISIBLE,
            text=masked.text,
            masked=",".join(masked.kinds)[:200],
            moderated_at=now if comment.moderated else None,
            created_at=comment.created_at or now,
            updated_at=comment.created_at or now,
            source_ref=f"Pol.is comment {comment.comment_id}",
        )
        session.add(idea)
        ideas[comment.comment_id] = idea
    session.flush()
    counts: dict[int, dict[int, int]] = {cid: {1: 0, -1: 0, 0: 0} for cid in ideas}
    rows = []
    for (voter, comment), (vote, when) in export.votes.items():
        counts[comment][vote] += 1
        at = when or now
        rows.append({"participant_id": accounts[voter].id, "contribution_id": ideas[comment].id,
                     "choice": TO_CHOICE[vote], "important": False, "created_at": at, "updated_at": at})  # fmt: skip
    if rows:
        session.execute(insert(Vote), rows)
    for comment, idea in ideas.items():
        idea.agree_count, idea.disagree_count, idea.pass_count = (
            counts[comment][1],
            counts[comment][-1],
            counts[comment][0],
        )
        idea.support = wilson_lower_bound(idea.agree_count, idea.disagree_count)
        session.add(idea)
    audit.record(
        session,
        actor_id=actor_id,
        action="import.polis",
        target_type="workshop",
        target_id=workshop.id,
        after={"comments": len(ideas), "participants": len(accounts), "votes": len(rows)},
    )
    session.flush()
    return workshop


def _stamp(when: datetime) -> tuple[str, str]:
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    return str(int(when.timestamp() * 1000)), when.astimezone(UTC).strftime("%a %b %d %H:%M:%S UTC %Y")


def _csv(header: list[str], rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def export_files(session: Session, *, workshop: Workshop) -> dict[str, bytes]:
    """The workshop's ideas and current votes as the four files of a Pol.is export."""
    ideas = session.exec(
        select(Contribution)
        .where(Contribution.workshop_id == workshop.id, Contribution.kind == ContributionKind.IDEA)
        .where(col(Contribution.withdrawn_at).is_(None))
        .order_by(col(Contribution.created_at), col(Contribution.id))
    ).all()
    comment_ids = {idea.id: number for number, idea in enumerate(ideas)}
    votes = session.exec(
        select(Vote)
        .where(col(Vote.contribution_id).in_(list(comment_ids)))
        .order_by(col(Vote.updated_at), col(Vote.id))
    ).all() if comment_ids else []  # fmt: skip
    people = sorted(
        {v.participant_id for v in votes} | {i.author_id for i in ideas if i.author_id is not None}
    )
    voter_ids = {pid: number for number, pid in enumerate(people)}
    comment_rows = []
    for idea in ideas:
        stamp, shown = _stamp(idea.created_at)
        moderated = -1 if idea.status == ContributionStatus.HIDDEN else (1 if idea.moderated_at else 0)
        comment_rows.append([stamp, shown, comment_ids[idea.id], voter_ids.get(idea.author_id, ""),
                             idea.agree_count, idea.disagree_count, moderated, neutralise_formula(idea.text)])  # fmt: skip
    vote_rows, matrix = [], {pid: {} for pid in people}
    for vote in votes:
        stamp, shown = _stamp(vote.updated_at)
        number = TO_POLIS[VoteChoice(vote.choice)]
        vote_rows.append(
            [stamp, shown, comment_ids[vote.contribution_id], voter_ids[vote.participant_id], number]
        )
        matrix[vote.participant_id][comment_ids[vote.contribution_id]] = number
    authored: dict[int, int] = {}
    for idea in ideas:
        if idea.author_id is not None:
            authored[idea.author_id] = authored.get(idea.author_id, 0) + 1
    participant_rows = []
    for pid in people:
        mine = matrix[pid]
        participant_rows.append(
            [voter_ids[pid], "", authored.get(pid, 0), len(mine), sum(1 for v in mine.values() if v == 1),
             sum(1 for v in mine.values() if v == -1)] + [mine.get(n, "") for n in range(len(ideas))]
        )  # fmt: skip
    summary = [
        ["topic", neutralise_formula(workshop.title)],
        ["url", ""],
        ["voters", len({v.participant_id for v in votes})],
        ["voters-in-conv", len({v.participant_id for v in votes})],
        ["commenters", len(authored)],
        ["comments", len(ideas)],
        ["groups", ""],
        ["conversation-description", neutralise_formula(workshop.intro)],
    ]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(summary)
    return {
        "comments.csv": _csv(
            [
                "timestamp",
                "datetime",
                "comment-id",
                "author-id",
                "agrees",
                "disagrees",
                "moderated",
                "comment-body",
            ],
            comment_rows,
        ),
        "votes.csv": _csv(["timestamp", "datetime", "comment-id", "voter-id", "vote"], vote_rows),
        "participants-votes.csv": _csv(
            ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]
            + [str(n) for n in range(len(ideas))],
            participant_rows,
        ),
        "summary.csv": out.getvalue().encode("utf-8"),
    }
