"""The declaration's journey in Debian's chromium: a moderator drafts a foundation with evidence and a
suggested outcome, a lead publishes, a visitor reads the public pages, comments on a paragraph and
says they support it, an organisation signs up and records an assessment, and the benchmark shows it
green; axe-core on every page; screenshots."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import select

from crowd.models import Access, CareRole, Contribution, Participant
from crowd.models._base import utcnow
from crowd.services.workshop import contributions
from tests.e2e.conftest import PAGE_TIMEOUT, check_accessibility, screenshot, sign_in

pytestmark = pytest.mark.e2e

QUOTES = [
    "I want to tell my story once, not to every new nurse.",
    "Please stop making me tell my story again at every appointment.",
    "Ask me what matters to me, then write it down and share it.",
]


def seed(live_server, seed_workshop) -> list[int]:
    """People with profiles (a moderator, a lead, an organisation's director) and quotable ideas."""
    workshop, sections = seed_workshop("Declaration journey: have your say")
    database = live_server.db
    with database.write() as session:
        people = {}
        for email, access, name, consent in [
            ("declaration-mod@example.org", Access.MODERATOR, "Mo Moderator", False),
            ("lead@example.org", Access.LEAD, "Lee Lead", False),
            ("director@example.org", Access.PARTICIPANT, "Dee Director", False),
            ("quoted@example.org", Access.PARTICIPANT, "Quin Quoted", True),
        ]:
            person = Participant(
                email=email,
                display_name=name,
                role=CareRole.SERVICE_USER if consent else CareRole.STAFF,
                borough="Lambeth",
                consent_privacy_at=utcnow(),
                consent_quote=consent,
                access=access,
            )
            session.add(person)
            session.flush()
            people[email] = person
        ids = [
            contributions.post_idea(
                session,
                workshop=workshop,
                section_id=sections[0].id,
                author=people["quoted@example.org"],
                text=text,
            ).contribution.id
            for text in QUOTES
        ]
    database.dispose()
    return ids


def visit(page: Page, url: str) -> None:
    page.goto(url)
    check_accessibility(page)


def test_declaration_from_draft_to_benchmark(browser: Browser, live_server, seed_workshop):
    quote_ids = seed(live_server, seed_workshop)
    base = live_server.url

    # a moderator drafts a foundation, its evidence and an outcome from the suggestion
    mod = sign_in(browser, live_server, "declaration-mod@example.org")
    visit(mod, f"{base}/foundations")
    mod.get_by_label("Title").fill("Get Personal")
    mod.get_by_label("Statement").fill("We must know the person in front of us.")
    mod.get_by_role("button", name="Create foundation").click()
    expect(mod.get_by_text('Foundation "Get Personal" created')).to_be_visible()
    check_accessibility(mod)
    mod.get_by_label("What it should look like").fill("People tell their story once.")
    mod.get_by_label("How it can be achieved").fill("Ask what matters; share one plan.")
    mod.get_by_role("button", name="Save foundation").click()
    expect(mod.get_by_text("Foundation saved.")).to_be_visible()
    for contribution_id in quote_ids[:2]:
        mod.locator("summary", has_text="Add evidence").click()
        mod.get_by_label("Kind of evidence").select_option("quote")
        mod.get_by_label("Contribution number (for a crowd quote)").fill(str(contribution_id))
        mod.get_by_role("button", name="Add evidence").click()
        expect(mod.get_by_text("Evidence added.")).to_be_visible()
    expect(mod.get_by_text("Quin Quoted, Service user, Lambeth").first).to_be_visible()
    mod.get_by_role("link", name="Suggest outcome wording").click()
    expect(mod.get_by_text("A suggestion, not an answer")).to_be_visible()
    check_accessibility(mod)
    name = mod.get_by_label("Name", exact=True)
    assert "tell my story" in name.input_value()
    name.fill("Percentage of people who say they told their story once")
    mod.get_by_label("Baseline").fill("40")
    mod.get_by_label("Target").fill("75")
    mod.get_by_label("Period", exact=True).fill("by March 2028")
    mod.get_by_role("button", name="Save outcome").click()
    expect(mod.get_by_text("Outcome saved.")).to_be_visible()
    screenshot(mod, "declaration-foundation-workspace")

    visit(mod, f"{base}/declaration/drafts")
    mod.get_by_role("button", name="Start a new draft").click()
    mod.get_by_label("Preamble").fill(
        "We are staff, service users and carers across London.\n\nWe wrote this together."
    )
    mod.get_by_role("checkbox", name="Get Personal").check()
    mod.get_by_label("Position of Get Personal").fill("1")
    mod.get_by_role("button", name="Save draft").click()
    expect(mod.get_by_text("Draft saved.")).to_be_visible()
    expect(mod.get_by_text("Only a lead can publish")).to_be_visible()
    check_accessibility(mod)
    screenshot(mod, "declaration-draft")

    # a lead publishes
    lead = sign_in(browser, live_server, "lead@example.org")
    visit(lead, f"{base}/declaration/drafts")
    lead.get_by_label("Change note").fill("The first version, from the workshop.")
    lead.get_by_role("button", name="Publish this version").click()
    expect(lead.get_by_text("Version 1 is published")).to_be_visible()

    # a visitor reads, comments on a paragraph and answers the support question
    visitor = browser.new_context().new_page()
    visitor.set_default_timeout(PAGE_TIMEOUT)
    visit(visitor, f"{base}/declaration")
    expect(visitor.get_by_role("heading", name="1. Get Personal")).to_be_visible()
    screenshot(visitor, "declaration-public")
    visitor.locator("#preamble-2").get_by_role("link", name=re.compile("Comment on this paragraph")).click()
    expect(visitor.locator("#quoted-paragraph")).to_contain_text("We wrote this together.")
    visitor.get_by_label("Your comment", exact=True).fill("Say who 'we' is: name the boroughs.")
    visitor.get_by_role("button", name="Send comment").click()
    expect(visitor.get_by_text("your comment is recorded")).to_be_visible()
    expect(visitor.locator("#feedback-list")).to_contain_text("Preamble, paragraph 2:")
    expect(visitor.locator("#feedback-list")).to_contain_text("name the boroughs")
    visitor.evaluate("window.__notReloaded = true")
    support = visitor.locator("#support")
    support.get_by_label("Mostly").check()
    support.get_by_role("button", name="Send answer").click()
    expect(visitor.locator("#support")).to_contain_text("You answered Mostly")
    assert visitor.evaluate("window.__notReloaded") is True, "the support answer reloaded the page"
    check_accessibility(visitor)
    visit(visitor, f"{base}/declaration/foundations/get-personal")
    expect(visitor.get_by_text("Quin Quoted, Service user, Lambeth").first).to_be_visible()
    screenshot(visitor, "declaration-foundation-public")

    # an organisation signs up and records an assessment
    director = sign_in(browser, live_server, "director@example.org")
    visit(director, f"{base}/declaration/signatories")
    director.get_by_role("link", name="Sign up your organisation").click()
    check_accessibility(director)
    director.get_by_label("Organisation name").fill("Lambeth Community Health")
    director.get_by_label("Type of organisation").select_option("nhs_trust")
    director.get_by_label("Borough").select_option("Lambeth")
    director.get_by_label("Their role").fill("Director of Nursing")
    director.get_by_role("button", name="Sign up").click()
    expect(director.get_by_text("Lambeth Community Health has signed up to version 1")).to_be_visible()
    check_accessibility(director)
    director.get_by_label("Period").fill("2026 Q4")
    director.get_by_label("Value").fill("140")
    director.get_by_role("button", name="Save assessment").click()
    expect(director.locator(".nhsuk-error-summary")).to_contain_text(
        "A percentage must be between 0 and 100."
    )
    director.get_by_label("Value").fill("80")
    director.get_by_role("button", name="Save assessment").click()
    expect(director.get_by_text("Assessment for 2026 Q4 saved.")).to_be_visible()
    screenshot(director, "declaration-assessment")

    # the benchmark shows it green (80% against a 75% target, higher is better)
    visit(visitor, f"{base}/declaration/benchmark")
    cell = visitor.locator('[data-org="Lambeth Community Health"]')
    expect(cell).to_have_attribute("data-rag", "green")
    expect(cell).to_have_class(re.compile("nhsuk-tag--green"))
    screenshot(visitor, "declaration-benchmark")
    visit(visitor, f"{base}/declaration/signatories")
    expect(visitor.get_by_text("Lambeth Community Health")).to_be_visible()

    visitor.set_viewport_size({"width": 360, "height": 740})
    for path, name in [
        ("/declaration", "declaration-mobile-360"),
        ("/declaration/benchmark", "benchmark-mobile-360"),
    ]:
        visit(visitor, f"{base}{path}")
        overflow = visitor.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 360px wide"
        screenshot(visitor, name)

    database = live_server.db
    with database.read() as session:
        feedback = session.exec(select(Contribution).where(Contribution.source_ref.is_not(None))).all()  # type: ignore[union-attr]
    database.dispose()
    assert [c.source_ref for c in feedback] == ["declaration-v1#preamble-2"]
