"""A workshop with planted camps of opinion, built through the services (posting ideas, casting votes)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import select

from crowd.db import Database
from crowd.models import CareRole, Participant, Vote, VoteChoice, Workshop
from crowd.models._base import utcnow
from crowd.services.workshop import contributions, votes

CONSENSUS_TEXTS = (
    "Everyone should be able to see their own care record online.",
    "Carers should be asked what support they need.",
)
CAMP_TEXTS = {
    "staff": (
        "Staff need protected time for training.",
        "Rotas should be set six weeks ahead.",
        "Hospital teams should share one IT system.",
    ),
    "service_user": (
        "Appointments should be offered in the evening.",
        "I want to choose where I am treated.",
        "Letters should be written in plain English.",
    ),
    "carer": (
        "Carers need a named contact in every team.",
        "Respite care should be easier to book.",
        "Carers should get free parking at hospitals.",
    ),
}
ROLES = {"staff": CareRole.STAFF, "service_user": CareRole.SERVICE_USER, "carer": CareRole.CARER}
BOROUGHS = {"staff": "Camden", "service_user": "Hackney", "carer": "Lambeth"}


@dataclass
class Camps:
    workshop: Workshop
    author_id: int
    consensus_ids: list[int]
    camp_statement_ids: dict[str, list[int]]
    members: dict[str, list[int]] = field(default_factory=dict)

    def camp_of(self, participant_id: int) -> str:
        return next(camp for camp, ids in self.members.items() if participant_id in ids)


def add_participant(db: Database, email: str, *, role: CareRole, borough: str) -> int:
    with db.write() as session:
        person = Participant(
            email=email,
            display_name=email.split("@")[0].title(),
            role=role,
            borough=borough,
            consent_privacy_at=utcnow(),
        )
        session.add(person)
        session.flush()
        return person.id


def post_statements(db: Database, workshop: Workshop, section_id: int, author_id: int, texts) -> list[int]:
    ids = []
    with db.write() as session:
        author = session.get(Participant, author_id)
        for text in texts:
            posted = contributions.post_idea(
                session, workshop=workshop, section_id=section_id, author=author, text=text
            )
            ids.append(posted.contribution.id)
    return ids


def cast(db: Database, participant_id: int, contribution_id: int, choice: VoteChoice) -> None:
    with db.write() as session:
        votes.cast_vote(
            session, participant_id=participant_id, contribution_id=contribution_id, choice=choice
        )


def camp_votes(camps: Camps, camp: str, index: int) -> list[tuple[int, VoteChoice]]:
    """Agree with the consensus and the own camp's statements, disagree with the other camps' ones;
    each member passes on one or two other-camp statements (which, by `index`), so a camp is a spread
    of points rather than one point."""
    ballot = [(cid, VoteChoice.AGREE) for cid in camps.consensus_ids + camps.camp_statement_ids[camp]]
    others = [cid for other, ids in camps.camp_statement_ids.items() if other != camp for cid in ids]
    passes = {index % len(others), (index * 5 + 1) % len(others)} if index >= len(others) else {index}
    ballot += [(cid, VoteChoice.PASS if n in passes else VoteChoice.DISAGREE) for n, cid in enumerate(others)]
    return ballot


def vote_as_camp(db: Database, camps: Camps, participant_id: int, camp: str, index: int) -> None:
    """Cast a camp member's votes through the votes service (as the web app does)."""
    with db.write() as session:
        for cid, choice in camp_votes(camps, camp, index):
            votes.cast_vote(session, participant_id=participant_id, contribution_id=cid, choice=choice)


def insert_camp_votes(db: Database, camps: Camps, participant_id: int, camp: str, index: int) -> None:
    """The same votes written straight into the Vote table (the table the analysis reads): the votes
    service takes about 40 ms a vote on this shared machine, too slow for hundreds per test."""
    with db.write() as session:
        session.add_all(
            Vote(participant_id=participant_id, contribution_id=cid, choice=choice)
            for cid, choice in camp_votes(camps, camp, index)
        )


def build_camps(
    db: Database,
    workshop: Workshop,
    section_id: int,
    *,
    per_camp: int = 8,
    email_prefix: str = "",
    camps=("staff", "service_user", "carer"),
) -> Camps:
    author_id = add_participant(
        db, f"{email_prefix}author@example.org", role=CareRole.OTHER, borough="Camden"
    )
    texts = list(CONSENSUS_TEXTS) + [text for camp in camps for text in CAMP_TEXTS[camp]]
    ids = post_statements(db, workshop, section_id, author_id, texts)
    consensus_ids, rest = ids[: len(CONSENSUS_TEXTS)], ids[len(CONSENSUS_TEXTS) :]
    camp_ids = {camp: rest[3 * n : 3 * n + 3] for n, camp in enumerate(camps)}
    planted = Camps(workshop, author_id, consensus_ids, camp_ids)
    planted.members = {camp: [] for camp in camps}
    with db.write() as session:  # one transaction for every voter and vote: fast on a busy machine
        # the camps' members join in turn (staff 0, service user 0, carer 0, staff 1, ...): Pol.is starts
        # its k-means from the first distinct points in participant order, and three camps joined one
        # after the other would start all three groups inside the first camp (it then settles on k=2)
        for index in range(per_camp):
            for camp in camps:
                person = Participant(
                    email=f"{email_prefix}{camp.replace('_', '-')}{index}@example.org",
                    display_name=f"{camp.title()} {index}",
                    role=ROLES[camp],
                    borough=BOROUGHS[camp],
                    consent_privacy_at=utcnow(),
                )
                session.add(person)
                session.flush()
                session.add_all(
                    Vote(participant_id=person.id, contribution_id=cid, choice=choice)
                    for cid, choice in camp_votes(planted, camp, index)
                )
                planted.members[camp].append(person.id)
    return planted


def participant_id(db: Database, email: str) -> int:
    with db.read() as session:
        return session.exec(select(Participant.id).where(Participant.email == email)).one()
