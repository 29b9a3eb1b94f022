"""Vote on ideas one at a time in Debian's chromium, on a 360 px phone screen: first without
JavaScript (plain forms, redirect to the next idea), then with it (htmx swaps the card in place).
Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import select

from crowd.models import CareRole, Vote
from tests.e2e.conftest import check_accessibility, screenshot, sign_in
from tests.opinions_app.camps import add_participant, post_statements

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
IDEAS = (
    "Every GP surgery should offer evening appointments.",
    "Carers should be asked what support they need.",
    "Hospital letters should be written in plain English.",
)


def seed(live_server, seed_workshop, title: str, voter_email: str) -> tuple[str, int]:
    workshop, sections = seed_workshop(title)
    database = live_server.db
    author = add_participant(database, f"author-{voter_email}", role=CareRole.OTHER, borough="Camden")
    post_statements(database, workshop, sections[0].id, author, IDEAS)
    voter = add_participant(database, voter_email, role=CareRole.CARER, borough="Hackney")
    database.dispose()
    return workshop.slug, voter


def fits_the_screen(page: Page) -> None:
    """Nothing in the page's main content reaches past the screen's right edge (no sideways scrolling).
    (The site header is left out: with JavaScript, NHS.UK's header navigation overflows at 360 px on
    every page.)"""
    wide = page.evaluate(
        "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > "
        + str(PHONE["width"])
        + ").slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"
    )
    assert wide == [], f"wider than the {PHONE['width']} px screen: {wide}"


def current_idea(page: Page) -> str:
    return page.locator("#next-idea-text").inner_text()


def votes_of(live_server, participant_id: int) -> list[Vote]:
    database = live_server.db
    with database.read() as session:
        rows = list(session.exec(select(Vote).where(Vote.participant_id == participant_id)))
    database.dispose()
    return rows


def test_voting_one_at_a_time_without_javascript_on_a_phone(browser: Browser, live_server, seed_workshop):
    slug, voter = seed(live_server, seed_workshop, "One at a time without JavaScript", "plain@example.org")
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    sign_in(page, live_server, "plain@example.org", f"/w/{slug}")
    page.goto(f"{live_server.url}/w/{slug}")
    page.get_by_role("link", name="Vote on ideas one at a time").click()
    expect(page.get_by_role("heading", name="Vote on ideas one at a time")).to_be_visible()
    fits_the_screen(page)
    screenshot(page, "one-at-a-time-360-no-js")

    seen = []
    for choice, important in (("Agree", True), ("Disagree", False), ("Pass or unsure", False)):
        expect(page.locator("#next-idea")).to_contain_text(f"Idea {len(seen) + 1} of 3")
        seen.append(current_idea(page))
        if important:
            page.get_by_label("This is important to me").check()
        page.get_by_role("button", name=choice, exact=True).click()
        expect(page.get_by_text("Your vote is recorded")).to_be_visible()
        assert page.url.endswith(f"/w/{slug}/one-at-a-time")  # redirected back, to the next idea
    expect(page.locator("#next-idea-done")).to_contain_text("You have voted on all 3 ideas")
    assert sorted(seen) == sorted(IDEAS)
    recorded = votes_of(live_server, voter)
    assert len(recorded) == 3 and sum(v.important for v in recorded) == 1
    context.close()


def test_voting_one_at_a_time_with_javascript_swaps_the_card(browser: Browser, live_server, seed_workshop):
    slug, voter = seed(live_server, seed_workshop, "One at a time with htmx", "htmx@example.org")
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(page, live_server, "htmx@example.org", f"/w/{slug}/one-at-a-time")
    page.goto(f"{live_server.url}/w/{slug}/one-at-a-time")
    page.wait_for_function("window.htmx !== undefined")
    fits_the_screen(page)
    check_accessibility(page)

    first = current_idea(page)
    with page.expect_response(lambda r: r.request.method == "POST" and "/one-at-a-time" in r.url) as posted:
        page.get_by_label("This is important to me").check()
        page.get_by_role("button", name="Disagree", exact=True).click()
    assert posted.value.status == 200 and posted.value.request.headers.get("hx-request") == "true"
    card = page.locator("#next-idea")
    expect(card).to_contain_text("Your vote is recorded: you disagreed and marked it important.")
    expect(card).to_contain_text("Idea 2 of 3")
    assert current_idea(page) != first
    expect(page.locator("#next-idea-text")).to_be_focused()  # focus moves to the new idea
    assert page.url.endswith(f"/w/{slug}/one-at-a-time")
    fits_the_screen(page)
    check_accessibility(page)
    screenshot(page, "one-at-a-time-360-htmx")

    page.get_by_role("button", name="Agree", exact=True).click()
    expect(card).to_contain_text("Idea 3 of 3")
    page.get_by_role("button", name="Agree", exact=True).click()
    expect(page.locator("#next-idea-done")).to_contain_text("You have voted on all 3 ideas")
    recorded = votes_of(live_server, voter)
    assert len(recorded) == 3 and [v.important for v in recorded].count(True) == 1
    context.close()


def test_the_all_statements_page_reads_on_a_phone_and_passes_axe(page: Page, live_server, seed_workshop):
    from crowd.services.opinions import runs as opinions
    from tests.opinions_app.camps import build_camps

    workshop, sections = seed_workshop("All statements in the browser")
    database = live_server.db
    build_camps(database, workshop, sections[0].id, email_prefix="all-")
    run = opinions.start_run(database, workshop_id=workshop.id, actor_id=None)
    database.dispose()
    assert run.status == "ok", run.message

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/w/{workshop.slug}/opinions")
    page.get_by_role("link", name=re.compile(r"All 11 statements, ranked")).click()
    expect(page.get_by_role("heading", name="All statements, ranked")).to_be_visible()
    assert page.locator("#opinion-statements li").count() == 11
    expect(page.locator("#opinion-statements")).to_contain_text("Agreed by every group")
    page.get_by_label("Order").select_option("division")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#opinion-statements li").first).to_contain_text("Splits the groups")
    fits_the_screen(page)
    check_accessibility(page)
    screenshot(page, "opinion-statements-360")
