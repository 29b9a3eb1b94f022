"""A workshop with people, contributions, votes, a poll, a theme, a published declaration and a draft.

The people have names and emails that an anonymised export must never contain; Bexley has only two
people, so an anonymised export must write it as '<5'.
"""

from __future__ import annotations

import io
import subprocess
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from crowd.models import (
    Assessment,
    AssessmentStatus,
    CareRole,
    ContributionStatus,
    Organisation,
    OrganisationKind,
    Participant,
    PollChoice,
    Signatory,
    Theme,
    ThemeMember,
    VoteChoice,
    Workshop,
)
from crowd.models._base import utcnow
from crowd.services.declaration import foundations, outcomes
from crowd.services.declaration import versions as declarations
from crowd.services.declaration.snapshot import outcome_key
from crowd.services.workshop import contributions, polls, votes
from tests.conftest import make_workshop

BASE_URL = "https://crowd.example.org"
# (display name, email, role, borough)
PEOPLE = [
    ("Zofia Kowalska", "zofia.kowalska@example.org", CareRole.CARER, "Hackney"),
    ("Rahima Begum", "rahima.begum@example.org", CareRole.SERVICE_USER, "Hackney"),
    ("Omar Haddad", "omar.haddad@example.org", CareRole.STAFF, "Hackney"),
    ("Grace Adeyemi", "grace.adeyemi@example.org", CareRole.STAFF, "Hackney"),
    ("Tom Fletcher", "tom.fletcher@example.org", CareRole.STAFF, "Hackney"),
    ("Priya Shah", "priya.shah@example.org", CareRole.STAFF, "Camden"),
    ("Liam Byrne", "liam.byrne@example.org", CareRole.SERVICE_USER, "Camden"),
    ("Aisha Noor", "aisha.noor@example.org", CareRole.CARER, "Camden"),
    ("Megan Price", "megan.price@example.org", CareRole.STAFF, "Camden"),
    ("Kwame Mensah", "kwame.mensah@example.org", CareRole.STAFF, "Camden"),
    ("Delphine Moreau", "delphine.moreau@example.org", CareRole.OTHER, "Bexley"),
    ("Wojciech Zieliński", "wojciech.zielinski@example.org", CareRole.STAFF, "Bexley"),
]
HIDDEN_TEXT = "This idea was hidden by a moderator and must never be exported"
WITHDRAWN_TEXT = "The author withdrew this idea and it must never be exported"


@dataclass
class Populated:
    workshop: Workshop
    people: list[Participant]
    shown_ids: list[int] = field(default_factory=list)
    hidden_ids: list[int] = field(default_factory=list)
    version_number: int = 1

    @property
    def names_and_emails(self) -> list[str]:
        return [p.display_name for p in self.people] + [p.email for p in self.people if p.email]


def build_declaration(db, *, actor_id: int | None = None, publish: bool = True) -> int | None:
    """Two foundations (one in Bengali and Polish with an emoji), an outcome and evidence; published as v1."""
    with db.write() as session:
        first = foundations.create_foundation(
            session,
            actor_id=actor_id,
            title="Get Personal",
            statement="We must see the whole person, their family and their community.",
            looks_like="People tell their story once.",
            how_to_achieve="Shared care records people can read.",
        )
        second = foundations.create_foundation(
            session,
            actor_id=actor_id,
            title="Make Boundaries Invisible",
            statement="We must work as one team: আমরা একসাথে কাজ করব, razem - Zażółć gęślą jaźń 🤝",
            looks_like="No one falls between services.",
            how_to_achieve="Joint budgets and named contacts.",
        )
        outcomes.save_outcome(
            session,
            actor_id=actor_id,
            foundation_id=first.id,
            form=outcomes.OutcomeForm(
                name="People with a personalised care plan",
                definition="Share of people with long-term conditions who have a care plan.",
                unit="percentage",
                direction="higher",
                baseline="40",
                target="75",
                period="2026/27",
                data_source="GP Patient Survey",
            ),
        )
        foundations.add_evidence(
            session,
            actor_id=actor_id,
            foundation_id=second.id,
            kind="case_study",
            title="Tower Hamlets Together",
            text="A joint discharge team cut delayed discharges by a third.",
        )
        draft = declarations.start_draft(session, actor_id=actor_id)
        declarations.save_draft(
            session,
            actor_id=actor_id,
            declaration_id=draft.id,
            title="Our Declaration for Health and Care in London",
            preamble="This declaration was written by the people who give and receive care in London.",
            foundation_ids=[first.id, second.id],
        )
        if not publish:
            return None
        published = declarations.publish(
            session,
            actor_id=actor_id,
            declaration_id=draft.id,
            change_note="First version.",
            base_url=BASE_URL,
        )
        return published.number


@pytest.fixture
def populated(db) -> Populated:
    workshop, sections = make_workshop(db)
    with db.write() as session:
        org = Organisation(name="Homerton Healthcare", kind=OrganisationKind.NHS_TRUST, borough="Hackney")
        session.add(org)
        session.flush()
        people = []
        for index, (name, email, role, borough) in enumerate(PEOPLE):
            person = Participant(
                email=email,
                display_name=name,
                role=role,
                borough=borough,
                organisation_id=org.id if index % 2 == 0 else None,
                consent_privacy_at=utcnow(),
            )
            session.add(person)
            people.append(person)
        session.flush()
    result = Populated(workshop=workshop, people=people)
    with db.write() as session:
        workshop = session.get(Workshop, workshop.id)
        for index, person in enumerate(people):
            text = f"Idea {index}: more time with the same GP, please"
            posted = contributions.post_idea(
                session, workshop=workshop, section_id=sections[index % 3].id, author=person, text=text
            )
            result.shown_ids.append(posted.contribution.id)
        reply = contributions.post_comment(
            session,
            workshop=workshop,
            parent_id=result.shown_ids[0],
            author=people[1],
            text="Yes: =SUM(A1:A9)",
        )
        result.shown_ids.append(reply.contribution.id)
        hidden = contributions.post_idea(
            session, workshop=workshop, section_id=sections[0].id, author=people[2], text=HIDDEN_TEXT
        ).contribution
        hidden.status = ContributionStatus.HIDDEN
        withdrawn = contributions.post_idea(
            session, workshop=workshop, section_id=sections[1].id, author=people[3], text=WITHDRAWN_TEXT
        ).contribution
        withdrawn.withdrawn_at = utcnow()
        session.add_all([hidden, withdrawn])
        result.hidden_ids += [hidden.id, withdrawn.id]
        for person in people:
            for choice, target in zip(
                (VoteChoice.AGREE, VoteChoice.DISAGREE, VoteChoice.PASS), result.shown_ids[:3], strict=True
            ):
                votes.cast_vote(session, participant_id=person.id, contribution_id=target, choice=choice)
            polls.answer(session, workshop=workshop, participant_id=person.id, choice=PollChoice.MOSTLY)
        theme = Theme(
            workshop_id=workshop.id,
            label="Continuity of care",
            keywords=["gp", "same"],
            size=5,
            description="Seeing the same GP matters. Nobody should repeat their story.",
            # a drafted description: sentence 1 from the first two ideas, sentence 2 from a hidden one too
            description_ids=[result.shown_ids[:2], [result.shown_ids[2], *result.hidden_ids[:1]]],
        )
        session.add(theme)
        session.flush()
        for contribution_id in result.shown_ids[:5] + result.hidden_ids:
            session.add(ThemeMember(theme_id=theme.id, contribution_id=contribution_id, score=0.9))
    result.version_number = build_declaration(db, actor_id=None)
    with db.write() as session:
        version = declarations.published_version(session, result.version_number)
        signatory = Signatory(
            declaration_id=version.id,
            organisation_id=org.id,
            organisation_name="Homerton Healthcare",
            kind=OrganisationKind.NHS_TRUST,
            borough="Hackney",
            signer_name="Zofia Kowalska",
            signer_role="Chief executive",
            participant_id=people[0].id,
        )
        session.add(signatory)
        session.flush()
        session.add(
            Assessment(
                signatory_id=signatory.id,
                outcome_key=outcome_key("get-personal", 0),
                period="2026/27",
                value=52.0,
                status=AssessmentStatus.PARTLY,
                evidence="Board paper, ask zofia.kowalska@example.org",
                recorded_by=people[0].id,
                recorded_at=datetime(2026, 11, 1, tzinfo=UTC),
            )
        )
    return result


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "check.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_page_size(data: bytes, tmp_path) -> str:
    path = tmp_path / "size.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return next(line for line in info.splitlines() if line.startswith("Page size:"))


def every_text_in_zip(data: bytes) -> str:
    """Every file of the zip as text, XLSX workbooks read cell by cell (their XML is compressed)."""
    parts = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            raw = archive.read(name)
            if name.endswith(".xlsx"):
                book = load_workbook(io.BytesIO(raw), read_only=True)
                for sheet in book.worksheets:
                    for row in sheet.iter_rows(values_only=True):
                        parts.append(" ".join("" if v is None else str(v) for v in row))
                book.close()
                with zipfile.ZipFile(io.BytesIO(raw)) as inner:
                    parts += [inner.read(n).decode("utf-8", "replace") for n in inner.namelist()]
            else:
                parts.append(raw.decode("utf-8-sig"))
    return "\n".join(parts)
