"""The curation board counts the "this is important to me" marks of the one-at-a-time view (issue 14)."""

from __future__ import annotations

from crowd.models import Access, VoteChoice
from crowd.services.curation import board as curation_board
from crowd.services.opinions import next_idea
from tests.curation.conftest import Themed


def test_the_board_shows_how_often_a_themes_ideas_were_marked_important(db, person, themed: Themed):
    carers = [cid for cid, topic in themed.topic_of.items() if topic == "carers"]
    voters = themed.people["staff"][:3] + themed.people["carer"][:2]
    with db.write() as session:
        for voter in voters:
            for cid in carers[:2]:
                next_idea.vote_and_mark(
                    session,
                    workshop_id=themed.workshop.id,
                    participant_id=voter.id,
                    contribution_id=cid,
                    choice=VoteChoice.AGREE,
                    important=cid == carers[0],
                )
    theme = themed.theme_of(db, "carers")

    with db.read() as session:
        rows = curation_board.board(session, workshop_id=themed.workshop.id, sort="important").rows
    assert rows[0].theme.id == theme.id and rows[0].important == len(voters)
    assert all(r.important == 0 for r in rows[1:])

    page = person("mod@example.org", access=Access.MODERATOR).client.get(
        f"/manage/workshops/{themed.workshop.id}/themes/board?sort=important"
    )
    assert f"Important to {len(voters)}" in page.text
