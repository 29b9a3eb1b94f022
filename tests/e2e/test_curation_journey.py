"""A moderator curates themes in Debian's chromium: runs themes (progress bar), renames, merges, splits,
pins quotes to a foundation made from a theme, then re-runs after new contributions and finds every
decision intact. Runs are executed by this test as the worker would (a stand-in embedder and PCA keep
them to a second); axe-core on every curation page; screenshots in artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import col, select

from crowd.models import Access, CareRole, Evidence, Participant, Theme, ThemeRun
from crowd.models._base import utcnow
from crowd.services.themes import runs as theme_runs
from tests.curation.conftest import TopicEmbedder, make_people, post
from tests.e2e.conftest import PAGE_TIMEOUT, check_accessibility, follow_mailed_link, mailed_link, screenshot
from tests.themes.corpus import MORE, TOPICS

pytestmark = pytest.mark.e2e


def execute_queued(live_server) -> ThemeRun:
    """Claim and execute the queued run, as `crowd worker` would."""
    from clustering.reduce import PcaReducer

    db = live_server.db
    run_id = theme_runs.claim_next(db, worker="e2e")
    assert run_id is not None
    run = theme_runs.execute_run(db, run_id=run_id, model=TopicEmbedder(), reducer=PcaReducer(n_components=5))
    db.dispose()
    assert run.status.value == "succeeded", run.message
    return run


def theme_id_holding(live_server, text: str) -> int:
    from crowd.models import Contribution, MemberRank, ThemeMember

    db = live_server.db
    with db.read() as session:
        theme_id = session.exec(
            select(ThemeMember.theme_id)
            .join(Contribution, col(Contribution.id) == ThemeMember.contribution_id)
            .where(Contribution.text == text, ThemeMember.rank == MemberRank.PRIMARY)
        ).first()
    db.dispose()
    return theme_id


def visit(page: Page, url: str) -> None:
    page.goto(url)
    check_accessibility(page)


def test_moderator_curates_themes_and_the_curation_survives_a_rerun(page: Page, live_server, seed_workshop):
    workshop, sections = seed_workshop("Our Declaration: curation journey")
    db = live_server.db
    people = make_people(db)
    authors = [people["staff"][5], people["service_user"][5], people["carer"][5]]
    for i in range(12):
        for texts in TOPICS.values():
            post(db, workshop, sections[i % 3], authors[i % 3], texts[i])
    with db.write() as session:
        session.add(
            Participant(
                email="mod@example.org",
                display_name="Morgan",
                role=CareRole.STAFF,
                borough="Hackney",
                access=Access.MODERATOR,
                consent_privacy_at=utcnow(),
            )
        )
    base = live_server.url
    page.set_default_timeout(PAGE_TIMEOUT)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{base}/auth/sign-in")
    page.get_by_label("Email address").fill("mod@example.org")
    page.get_by_role("button", name="Send me a sign-in link").click()
    follow_mailed_link(page, mailed_link(live_server, "mod@example.org"))

    # start a run from the web page and watch its progress bar
    visit(page, f"{base}/manage/workshops/{workshop.id}/themes")
    page.get_by_text("Run the theme pipeline").click()
    page.get_by_role("button", name="Start a theme run").click()
    expect(page.locator("progress")).to_be_visible()
    screenshot(page, "curation-01-run-queued")
    execute_queued(live_server)
    expect(page.get_by_role("link", name="See the themes")).to_be_visible()

    # the board
    visit(page, f"{base}/manage/workshops/{workshop.id}/themes/board")
    expect(page.locator("#board-table tbody tr")).to_have_count(4)
    screenshot(page, "curation-02-board")

    # names a person would write, and candidate foundations whose every sentence links to its sources
    with db.read() as session:
        names = [t.label for t in session.exec(select(Theme).where(Theme.workshop_id == workshop.id))]
    for name in names:
        assert "," not in name and 2 <= len(name.split()) <= 7, name
        expect(page.locator("#board-table")).to_contain_text(name)
    card = page.locator(".crowd-candidate").first
    expect(card).to_contain_text(re.compile(r"Drafted by crowd from \d+ contributions - edit before use"))
    expect(card.locator(".crowd-draft-statement")).to_contain_text("We must ")
    source = card.locator(".crowd-draft-statement sup a").first
    cited = int(re.search(r"/ideas/(\d+)", source.get_attribute("href")).group(1))
    with db.read() as session:
        from crowd.models import Contribution

        cited_text = session.get(Contribution, cited).text
    source.click()
    expect(page.locator(f"#c{cited}")).to_contain_text(cited_text)
    screenshot(page, "curation-02b-cited-contribution")

    gp = theme_id_holding(live_server, TOPICS["gp"][0])
    transport = theme_id_holding(live_server, TOPICS["transport"][0])
    carers = theme_id_holding(live_server, TOPICS["carers"][0])

    # rename (htmx swaps the workspace in place)
    visit(page, f"{base}/manage/themes/{carers}/curate")
    page.get_by_text("Rename and describe").click()
    page.get_by_label("Name", exact=True).fill("Support for unpaid carers")
    page.get_by_role("button", name="Save name").click()
    expect(page.get_by_role("heading", name="Support for unpaid carers")).to_be_visible()
    expect(page.locator("#curate-theme")).to_contain_text("Curated")
    check_accessibility(page)

    # merge two themes on the board
    visit(page, f"{base}/manage/workshops/{workshop.id}/themes/board")
    page.locator(f"#merge-{gp}").check()
    page.locator(f"#merge-{transport}").check()
    page.get_by_role("button", name="Merge the ticked themes").click()
    expect(page.locator("#board-table")).to_contain_text("Merged into")
    expect(page.locator("#board-table tbody tr")).to_have_count(3)
    screenshot(page, "curation-03-merged")

    # split the merged theme back into two parts
    with db.read() as session:  # the ticked themes joined the first one on the board (sorted by size, name)
        kept = gp if session.get(Theme, gp).status.value == "active" else transport
    visit(page, f"{base}/manage/themes/{kept}/curate")
    page.get_by_text("Split into parts").click()
    page.get_by_label("Number of parts").fill("2")
    page.get_by_role("button", name="Split", exact=True).click()
    expect(page.locator("#curate-theme")).to_contain_text("Split into 2 themes")
    check_accessibility(page)
    parts = [
        int(i)
        for i in re.findall(
            r"/manage/themes/(\d+)/curate\">theme", page.locator("#curate-theme").inner_html()
        )
    ]
    parts = [p for p in parts if p not in (gp, transport)]
    assert len(parts) == 2
    screenshot(page, "curation-04-split")

    # a foundation from the carers theme, with two pinned quotes as evidence
    visit(page, f"{base}/manage/themes/{carers}/curate")
    page.get_by_role("button", name="Make it a foundation").click()
    expect(page.locator("#curate-theme")).to_contain_text("Support for unpaid carers")
    pins = page.get_by_role("button", name=re.compile("^Pin as evidence"))
    pins.first.click()
    expect(page.locator("#curate-theme")).to_contain_text("Pinned as evidence.")
    page.get_by_role("button", name=re.compile("^Pin as evidence")).first.click()
    expect(page.locator("#curate-theme .nhsuk-tag--purple")).to_have_count(2)
    check_accessibility(page)
    screenshot(page, "curation-05-pinned")
    from crowd.models import Contribution

    with db.read() as session:
        quotes = session.exec(select(Evidence)).all()
        quoted = [session.get(Contribution, q.contribution_id).text for q in quotes]
    assert len(quotes) == 2
    page.locator("#curate-theme").get_by_role("link", name="Support for unpaid carers").click()
    expect(page.get_by_role("heading", name="Support for unpaid carers")).to_be_visible()
    for text in quoted:
        expect(page.locator("body")).to_contain_text(text)
    screenshot(page, "curation-06-foundation")

    # new contributions arrive; a second run from the web page
    for texts in MORE.values():
        for text in texts:
            post(db, workshop, sections[0], authors[0], text)
    visit(page, f"{base}/manage/workshops/{workshop.id}/themes")
    page.get_by_text("Run the theme pipeline").click()
    page.get_by_role("button", name="Start a theme run").click()
    expect(page.locator("progress")).to_be_visible()
    execute_queued(live_server)
    expect(page.get_by_role("link", name="See the themes")).to_be_visible()

    visit(page, f"{base}/manage/workshops/{workshop.id}/themes/board")
    board = page.locator("#board-table")
    expect(board).to_contain_text("Support for unpaid carers")
    expect(board.locator(f"#board-theme-{carers}")).to_contain_text("Curated")
    for part in parts:
        expect(board.locator(f"#board-theme-{part}")).to_be_visible()
    screenshot(page, "curation-07-after-rerun")
    page.set_viewport_size({"width": 360, "height": 800})
    page.reload()
    expect(page.locator(f"#board-theme-{carers}")).to_contain_text("Support for unpaid carers")
    screenshot(page, "curation-07b-board-360px")
    page.set_viewport_size({"width": 1280, "height": 900})
    with db.read() as session:
        assert session.get(Theme, carers).label == "Support for unpaid carers"
        assert len(session.exec(select(Evidence)).all()) == 2
    visit(page, f"{base}/manage/themes/{carers}/curate")
    expect(page.locator("#curate-theme .nhsuk-tag--purple")).to_have_count(2)  # pinned quotes stay pinned
    expect(page.locator("#curate-theme")).to_contain_text(MORE["carers"][0])  # a new carers idea joined
    visit(page, f"{base}/admin/audit?action=curation.")
    screenshot(page, "curation-08-audit")
    db.dispose()
