"""Moderators see flagged contributions and those with personal data removed, and hide or restore them."""

from sqlmodel import select

from crowd.models import Access, AuditEntry, Contribution, ContributionStatus


def _idea(person, workshop, section, text):
    response = person.post(f"/w/{workshop.slug}/ideas", {"section_id": section.id, "text": text})
    assert response.status_code == 200
    return int(str(response.url.path).rsplit("/", 1)[1])


def test_flagged_and_masked_contributions_reach_the_queue(person, open_workshop):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    flagged = _idea(ann, workshop, sections[0], "This idea is rude about a named nurse.")
    masked = _idea(ann, workshop, sections[1], "Call me on 07700 900123 about this.")
    _idea(ann, workshop, sections[2], "A perfectly ordinary idea.")
    bob = person("bob@example.org")
    assert bob.post(f"/c/{flagged}/flag", {"reason": "Names a member of staff"}).status_code == 200

    mod = person("mod@example.org", access=Access.MODERATOR)
    page = mod.client.get("/moderation").text
    assert f'id="c{flagged}"' in page and "Names a member of staff" in page
    assert f'id="c{masked}"' in page and "Personal data removed: phone" in page
    assert "A perfectly ordinary idea." not in page


def test_three_flags_mark_a_contribution_flagged(person, open_workshop, db):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    idea = _idea(ann, workshop, sections[0], "Something people object to.")
    for name in ("b", "c", "d"):
        person(f"{name}@example.org").post(f"/c/{idea}/flag", {"reason": "Offensive"})
    with db.read() as session:
        assert session.get(Contribution, idea).status == ContributionStatus.FLAGGED


def test_hidden_idea_drops_out_of_lists_and_votes_and_can_be_restored(person, open_workshop, db):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    idea = _idea(ann, workshop, sections[0], "Hide me please moderators.")
    mod = person("mod@example.org", access=Access.MODERATOR)

    refused = mod.post(f"/moderation/{idea}", {"action": "hide", "reason": ""})
    assert refused.status_code == 400 and "Give a reason" in refused.text
    with db.read() as session:
        assert session.get(Contribution, idea).status == ContributionStatus.VISIBLE

    assert mod.post(f"/moderation/{idea}", {"action": "hide", "reason": "Abusive"}).status_code == 200
    assert "Hide me please moderators." not in ann.client.get(f"/w/{workshop.slug}").text
    vote = ann.client.post(f"/c/{idea}/vote", data={"choice": "agree", "csrf_token": ann.csrf()})
    assert vote.status_code == 404
    hidden_page = mod.client.get("/moderation?show=hidden").text
    assert "Hide me please moderators." in hidden_page

    mod.post(f"/moderation/{idea}", {"action": "restore", "reason": "Misread it"})
    with db.read() as session:
        row = session.get(Contribution, idea)
        assert row.status == ContributionStatus.VISIBLE and row.text == "Hide me please moderators."
        actions = [
            e.action
            for e in session.exec(
                select(AuditEntry).where(
                    AuditEntry.target_id == idea, AuditEntry.target_type == "contribution"
                )
            )
        ]
    assert actions == ["hide_contribution", "restore_contribution"]


def test_hiding_a_comment_updates_its_ideas_comment_count(person, open_workshop, db):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    idea = _idea(ann, workshop, sections[0], "An idea with a comment.")
    ann.post(f"/w/{workshop.slug}/ideas/{idea}/comments", {"text": "A comment to hide."})
    with db.read() as session:
        comment = session.exec(select(Contribution).where(Contribution.parent_id == idea)).one()
    mod = person("mod@example.org", access=Access.MODERATOR)
    mod.post(f"/moderation/{comment.id}", {"action": "hide", "reason": "Off topic"})
    with db.read() as session:
        assert session.get(Contribution, idea).comment_count == 0


def test_participants_cannot_moderate(person, open_workshop):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    idea = _idea(ann, workshop, sections[0], "Mine.")
    assert ann.client.get("/moderation").status_code == 403
    assert ann.post(f"/moderation/{idea}", {"action": "hide", "reason": "x"}).status_code == 403
