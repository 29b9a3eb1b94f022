"""A live event in Debian's chromium: a lead presents, two phones answer, the presenter screen updates itself."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import col, select

from crowd.models import Access, CareRole, OutboxMessage, Participant
from crowd.models._base import utcnow
from tests.e2e.conftest import check_accessibility, follow_mailed_link, screenshot

pytestmark = pytest.mark.e2e
LEAD = "events.lead@example.org"


def _make_lead(live_server) -> None:
    database = live_server.db
    with database.write() as session:
        if session.exec(select(Participant).where(Participant.email == LEAD)).first() is None:
            session.add(
                Participant(
                    email=LEAD,
                    display_name="Events lead",
                    role=CareRole.STAFF,
                    borough="Camden",
                    consent_privacy_at=utcnow(),
                    access=Access.LEAD,
                )  # fmt: skip
            )
    database.dispose()


def _sign_in(page: Page, live_server) -> None:
    page.goto(f"{live_server.url}/auth/sign-in")
    page.get_by_label("Email address").fill(LEAD)
    page.get_by_role("button", name="Send me a sign-in link").click()
    database = live_server.db
    with database.read() as session:
        message = session.exec(
            select(OutboxMessage).where(OutboxMessage.to == LEAD).order_by(col(OutboxMessage.id).desc())
        ).first()
    database.dispose()
    follow_mailed_link(page, re.search(r"https?://\S+/auth/verify\?token=\S+", message.body).group(0))


def _attendee_answers(browser: Browser, base: str, code: str, option: str) -> Page:
    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    phone.goto(f"{base}/live")
    phone.get_by_label("Enter the code on the screen").fill(code.lower())
    phone.get_by_role("button", name="Join").click()
    expect(phone.get_by_text("What type of organisation are you representing today?")).to_be_visible()
    check_accessibility(phone)
    phone.get_by_label(option).check()
    phone.get_by_role("button", name="Send my answer").click()
    expect(phone.locator(".crowd-my-answer")).to_have_text(option)
    return phone


def test_presenter_sees_two_phones_answers_appear_without_reloading(
    browser: Browser, live_server, seed_workshop
):
    seed_workshop("Network event workshop")
    _make_lead(live_server)
    base = live_server.url
    lead_context = browser.new_context()
    manage = lead_context.new_page()
    _sign_in(manage, live_server)

    manage.goto(f"{base}/manage/live")
    manage.get_by_label("Event title").fill("Network event, May")
    manage.get_by_label("Workshop that open-text answers go into").select_option(
        label="Network event workshop"
    )
    manage.get_by_role("button", name="Create live event").click()
    code = re.search(r"code ([A-Z0-9]{6})", manage.locator(".nhsuk-caption-l").inner_text()).group(1)
    manage.get_by_label("Question", exact=True).fill("What type of organisation are you representing today?")
    manage.get_by_role("radio", name="Multiple choice").check()
    manage.get_by_label("Options (multiple choice only), one per line").fill(
        "NHS trust\nLocal authority\nVoluntary sector"
    )
    manage.get_by_role("button", name="Add question").click()
    manage.get_by_label("Question", exact=True).fill(
        "What is the most interesting thing you heard this morning?"
    )
    manage.get_by_role("radio", name="Open text").check()
    manage.get_by_role("button", name="Add question").click()
    manage.get_by_role("button", name="Open question 1").click()
    check_accessibility(manage)

    present = lead_context.new_page()
    present.goto(f"{base}/live/{code}/present")
    expect(present.locator(".crowd-live-code")).to_have_text(code)
    expect(present.locator(".crowd-live-qr svg")).to_be_visible()
    check_accessibility(present)
    expect(present.locator(".crowd-live-total")).to_have_text("0")

    first = _attendee_answers(browser, base, code, "Local authority")
    expect(present.locator('.crowd-live-bar[data-option="1"]')).to_have_attribute(
        "data-count", "1", timeout=5000
    )
    second = _attendee_answers(browser, base, code, "Voluntary sector")
    expect(present.locator('.crowd-live-bar[data-option="2"]')).to_have_attribute(
        "data-count", "1", timeout=5000
    )
    expect(present.locator(".crowd-live-total")).to_have_text("2")

    first.get_by_role("link", name="Change my answer").click()
    first.get_by_label("Voluntary sector").check()
    first.get_by_role("button", name="Change my answer").click()
    expect(first.locator(".crowd-my-answer")).to_have_text("Voluntary sector")
    expect(present.locator('.crowd-live-bar[data-option="2"]')).to_have_attribute(
        "data-count", "2", timeout=5000
    )
    expect(present.locator('.crowd-live-bar[data-option="1"]')).to_have_attribute("data-count", "0")
    screenshot(present, "live-presenter-choice")

    manage.get_by_role("button", name="Open question 2").click()
    for phone, words in ((first, "Social prescribing in Lambeth"), (second, "Shared care records")):
        box = phone.get_by_label("What is the most interesting thing you heard this morning?")
        expect(box).to_be_visible(timeout=6000)  # the waiting phone picks up the new question by itself
        box.fill(words)
        phone.get_by_role("button", name="Send my answer").click()
        expect(phone.locator(".crowd-my-answer")).to_have_text(words)
    expect(present.locator(".crowd-live-text")).to_have_count(2, timeout=5000)
    expect(present.locator("#live-results")).to_contain_text("Social prescribing in Lambeth")
    screenshot(first, "live-attendee-phone")
    screenshot(present, "live-presenter-open-text")
