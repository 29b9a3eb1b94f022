"""A new participant's journey in Debian's chromium: sign up through the emailed link, post, comment,
vote, change the vote in place, answer the straw poll; axe-core on every page; screenshots."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    PAGE_TIMEOUT,
    check_accessibility,
    follow_mailed_link,
    mailed_link,
    screenshot,
    settle_layout,
)

pytestmark = pytest.mark.e2e


def visit(page: Page, url: str) -> None:
    page.goto(url)
    check_accessibility(page)


def test_new_participant_signs_up_posts_comments_votes_and_answers_the_poll(
    page: Page, live_server, seed_workshop
):
    workshop, sections = seed_workshop("Our Declaration: have your say")
    base = live_server.url
    page.set_default_timeout(PAGE_TIMEOUT)
    visit(page, base)
    page.get_by_role("link", name="Our Declaration: have your say").click()
    check_accessibility(page)
    page.get_by_role("link", name="Sign in or sign up").click()
    check_accessibility(page)

    page.get_by_label("Email address").fill("new.carer@example.org")
    page.get_by_role("button", name="Send me a sign-in link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    check_accessibility(page)

    visit(page, mailed_link(live_server, "new.carer@example.org"))
    expect(page.get_by_text("You are signing in as new.carer@example.org")).to_be_visible()
    check_accessibility(page)  # the confirm page: opening the link signs nobody in (issue 19, finding 15)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="About you")).to_be_visible()
    page.get_by_role("button", name="Save and continue").click()  # nothing filled in: errors first
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("You must agree to the privacy notice")
    check_accessibility(page)
    page.get_by_label("Display name").fill("Priya")
    page.get_by_label("Carer").check()
    page.get_by_label("Or add your organisation").fill("Lambeth Carers Hub")
    page.get_by_label("Borough", exact=True).select_option("Lambeth")
    page.get_by_label("I have read the privacy notice").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name=workshop.title)).to_be_visible()
    check_accessibility(page)

    page.get_by_label("Which part of the draft is your idea about?").select_option(str(sections[0].id))
    page.get_by_label("Your idea", exact=True).fill(
        "Let carers see the care plan too. Call me on 07700 900123."
    )
    page.get_by_role("button", name="Post your idea").click()
    expect(page.get_by_text("your idea is posted")).to_be_visible()
    expect(page.get_by_text("we removed a phone number")).to_be_visible()
    expect(page.get_by_text("Call me on [phone number removed]")).to_be_visible()
    check_accessibility(page)
    idea_id = int(page.url.rsplit("/", 1)[1].split("#")[0])

    page.get_by_label("Add a comment").fill("And tell us when it changes.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".crowd-contribution--comment")).to_contain_text("And tell us when it changes.")
    check_accessibility(page)

    widget = page.locator(f"#votes-{idea_id}")
    page.evaluate("window.__notReloaded = true")
    widget.locator('button[data-choice="agree"]').click()
    expect(widget.locator('[data-count="agree"]')).to_have_text("1")
    expect(widget.locator('button[data-choice="agree"]')).to_have_attribute("aria-pressed", "true")
    widget.locator('button[data-choice="disagree"]').click()
    expect(widget.locator('[data-count="disagree"]')).to_have_text("1")
    expect(widget.locator('[data-count="agree"]')).to_have_text("0")
    assert page.evaluate("window.__notReloaded") is True, (
        "voting reloaded the page instead of swapping in place"
    )
    screenshot(page, "idea-after-vote")
    check_accessibility(page)

    visit(page, f"{base}/w/{workshop.slug}")
    poll = page.locator("#poll")
    expect(poll.locator("[data-poll-count]")).to_have_count(0)  # results only after answering
    page.evaluate("window.__notReloaded = true")
    poll.get_by_label("Mostly").check()
    poll.get_by_role("button", name="Send answer").click()
    expect(poll.get_by_text("You answered")).to_contain_text("Mostly")
    expect(poll.locator('[data-poll-count="mostly"]')).to_have_text("1")
    assert page.evaluate("window.__notReloaded") is True
    check_accessibility(page)
    screenshot(page, "workshop-desktop")

    visit(page, f"{base}/me")
    expect(page.get_by_text("My ideas (1)")).to_be_visible()
    expect(page.get_by_text("My votes (1)")).to_be_visible()

    page.set_viewport_size({"width": 360, "height": 740})
    visit(page, f"{base}/w/{workshop.slug}")
    settle_layout(page)  # if the page never fits, the overflow is measured and reported below
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at 360px wide"
    screenshot(page, "workshop-mobile-360")
    visit(page, f"{base}/w/{workshop.slug}/ideas/{idea_id}")
    screenshot(page, "idea-mobile-360")


def test_admin_reads_sign_in_links_in_the_outbox(browser, live_server):
    base = live_server.url
    admin = browser.new_context().new_page()
    admin.goto(f"{base}/auth/sign-in")
    admin.get_by_label("Email address").fill("admin@example.org")
    admin.get_by_role("button", name="Send me a sign-in link").click()
    follow_mailed_link(admin, mailed_link(live_server, "admin@example.org"))
    admin.get_by_label("Display name").fill("Admin")
    admin.get_by_label("Staff").check()
    admin.get_by_label("Borough", exact=True).select_option("City of London")
    admin.get_by_label("I have read the privacy notice").check()
    admin.get_by_role("button", name="Save and continue").click()

    visitor = browser.new_context().new_page()
    visitor.goto(f"{base}/auth/sign-in")
    visitor.get_by_label("Email address").fill("visitor@example.org")
    visitor.get_by_role("button", name="Send me a sign-in link").click()

    visit(admin, f"{base}/admin/outbox")
    body = admin.locator('[data-outbox-to="visitor@example.org"]').first.inner_text()
    assert "only the recipient can use it" in body  # the outbox shows no usable link (issue 19)
    follow_mailed_link(visitor, mailed_link(live_server, "visitor@example.org"))
    expect(visitor.get_by_role("heading", name="About you")).to_be_visible()
    screenshot(admin, "admin-outbox")
