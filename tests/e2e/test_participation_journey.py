"""Participants first, in Debian's chromium: Easy Read with one link, 'someone may be at risk' to the
safeguarding queue, what became of my idea, equality monitoring, paper responses and the accessibility
statement; axe-core's WCAG 2.2 AA rules (every impact) on every page, at 360 px and at 200% zoom."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from crowd.models import Access, CareRole, Participant
from crowd.models._base import utcnow
from crowd.services.declaration import easy_read
from crowd.services.workshop import contributions, safeguarding
from tests.e2e.conftest import check_accessibility, reflows_at_360, screenshot, sign_in

pytestmark = pytest.mark.e2e
WORRY = "Nobody answers when I ring at night and I do not feel safe."


def seed(live_server, seed_workshop):
    workshop, sections = seed_workshop("Participation journey: have your say")
    database = live_server.db
    with database.write() as session:
        people = {}
        for email, access, name in [
            ("pj-writer@example.org", Access.PARTICIPANT, "Wren Writer"),
            ("pj-reporter@example.org", Access.PARTICIPANT, "Rae Reporter"),
            ("pj-safe@example.org", Access.MODERATOR, "Sam Safeguard"),
            ("pj-lead@example.org", Access.LEAD, "Lou Lead"),
        ]:
            person = Participant(email=email, display_name=name, role=CareRole.SERVICE_USER, borough="Hackney",
                                 consent_privacy_at=utcnow(), access=access)  # fmt: skip
            session.add(person)
            session.flush()
            people[email] = person
        idea = contributions.post_idea(
            session,
            workshop=workshop,
            section_id=sections[0].id,
            author=people["pj-writer@example.org"],
            text=WORRY,
        ).contribution
        safeguarding.grant(session, actor_id=None, participant_id=people["pj-safe@example.org"].id, on=True)
        easy_read.save(session, actor_id=None, target_type="section", target_id=sections[0].id, points=[
            {"text": "We want to know you.", "picture": "people", "alt": "Two people talking"},
            {"text": "Tell us what matters to you.", "picture": "speech", "alt": "A speech bubble"},
        ])  # fmt: skip
    database.dispose()
    return workshop, sections, idea.id


def look(page: Page, name: str) -> None:
    check_accessibility(page, impacts=None)
    screenshot(page, f"participation-{name}")


def test_participants_first_journey(browser: Browser, live_server, seed_workshop):
    workshop, sections, idea_id = seed(live_server, seed_workshop)

    visitor = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    visitor.goto(f"{live_server.url}/w/{workshop.slug}")
    visitor.get_by_role("link", name="Easy Read", exact=True).first.click()
    expect(visitor.get_by_text("We want to know you.")).to_be_visible()
    expect(visitor.get_by_role("img", name="Two people talking")).to_be_visible()
    expect(visitor.get_by_text("There is no Easy Read version of this part yet.").first).to_be_visible()
    assert reflows_at_360(visitor)
    look(visitor, "easy-read")
    visitor.goto(f"{live_server.url}/accessibility")
    expect(visitor.get_by_role("heading", name="Accessibility statement for crowd")).to_be_visible()
    look(visitor, "accessibility")

    reporter = sign_in(browser, live_server, "pj-reporter@example.org")
    reporter.goto(f"{live_server.url}/w/{workshop.slug}/ideas/{idea_id}")
    reporter.get_by_text("Report this idea to a moderator").click()
    reporter.get_by_label("Why does it need a moderator?").fill("They sound frightened")
    reporter.get_by_label("Someone may be at risk").check()
    look(reporter, "flag-at-risk")
    reporter.get_by_role("button", name="Report").click()
    expect(reporter.get_by_text("It has gone to people trained in safeguarding")).to_be_visible()

    writer = sign_in(browser, live_server, "pj-writer@example.org")
    writer.goto(f"{live_server.url}/me")
    expect(writer.get_by_text("Where to get help now")).to_be_visible()
    expect(writer.get_by_text("116 123")).to_be_visible()
    look(writer, "my-activity")
    writer.goto(f"{live_server.url}/me/monitoring")
    writer.get_by_label("35 to 44").check()
    writer.get_by_label("What is your ethnic group?").select_option(label="Caribbean")
    look(writer, "monitoring-form")
    writer.get_by_role("button", name="Save my answers").click()
    expect(writer.get_by_text("never shown with your name")).to_be_visible()

    safe = sign_in(browser, live_server, "pj-safe@example.org")
    safe.goto(f"{live_server.url}/moderation")
    expect(safe.get_by_text("Escalated to safeguarding").first).to_be_visible()
    safe.goto(f"{live_server.url}/safeguarding")
    look(safe, "safeguarding-queue")
    safe.get_by_role("link", name=re.compile(r"Open case \d+")).first.click()
    expect(safe.get_by_text(WORRY)).to_be_visible()
    safe.get_by_label("Read the contribution, its thread and every flag reason").check()
    safe.get_by_label("What you did or decided").fill("Read it; rang the author's GP practice.")
    look(safe, "safeguarding-case")
    safe.get_by_role("button", name="Record").click()
    expect(safe.get_by_text("Recorded in the case.")).to_be_visible()
    expect(safe.locator("#case-record")).to_contain_text("rang the author's GP practice")

    lead = sign_in(browser, live_server, "pj-lead@example.org")
    lead.goto(f"{live_server.url}/manage/workshops/{workshop.id}/paper")
    lead.get_by_label("What they wrote or said").first.fill("Letters should be in plain English.")
    lead.get_by_label("They take part as").first.select_option(label="Carer")
    look(lead, "paper-entry")
    lead.get_by_role("button", name="Add these responses").click()
    expect(lead.get_by_text("1 response added to the workshop.")).to_be_visible()
    lead.goto(f"{live_server.url}/manage/monitoring")
    look(lead, "who-took-part")
    lead.goto(f"{live_server.url}/manage/easy-read/section/{sections[0].id}")
    look(lead, "easy-read-edit")
