"""`crowd demo` shows the participants-first screens with real content: themes under each foundation,
Easy Read texts, monitoring answers for most participants, a safeguarding case and paper responses."""

from sqlmodel import func, select

from crowd.demo.journey import build_demo_journey
from crowd.demo.participation import build_demo_participation
from crowd.models import (
    Contribution,
    DeclarationVersion,
    EasyRead,
    FoundationTheme,
    MonitoringAnswer,
    Participant,
    SafeguardingCase,
    Stream,
)
from crowd.services.declaration import provenance


def test_demo_has_participants_first_content(db):
    from crowd.demo import build_demo

    build_demo(db, participants=40, seed=7)
    build_demo_journey(db)
    made = build_demo_participation(db, seed=7)
    with db.read() as session:
        people = session.exec(
            select(func.count()).select_from(Participant).where(Participant.role.is_not(None))
        ).one()
        monitored = session.exec(select(func.count()).select_from(MonitoringAnswer)).one()
        version = session.exec(select(DeclarationVersion).where(DeclarationVersion.number == 1)).one()
        shaped = provenance.shaped_by(session, version=version)
        papers = session.exec(select(Contribution).where(Contribution.stream == Stream.PAPER)).all()
        case = session.exec(select(SafeguardingCase)).one()
        assert session.exec(select(FoundationTheme)).first() is not None
        assert session.exec(select(func.count()).select_from(EasyRead)).one() >= 8
    assert monitored == made.monitored and monitored >= 0.6 * people
    assert sum(1 for s in shaped if s.total > 0) >= 3
    assert len(papers) == 12 and all(p.author_id is None for p in papers) and any(p.masked for p in papers)
    assert case.id == made.case_id and case.status.value == "open"
    assert version.snapshot["easy_read"]["preamble"]
    assert "get-personal" in version.snapshot["easy_read"]["foundations"]
    assert "focus-on-outcomes" not in version.snapshot["easy_read"]["foundations"]  # the fallback shows
    assert "Safeguarding case" in str(made)
