"""The opinion map in Debian's chromium: a workshop with three camps of voters, analysed on the live
server's database; the map draws a point per participant, lists the consensus, passes axe-core, and a
signed-in participant sees their own point. Screenshots go to test-results/screenshots/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from crowd.services.opinions import runs as opinions
from tests.e2e.conftest import check_accessibility, screenshot, sign_in
from tests.opinions_app.camps import CONSENSUS_TEXTS, build_camps

pytestmark = pytest.mark.e2e


def test_the_opinion_map_shows_the_groups_the_consensus_and_where_you_sit(
    page: Page, live_server, seed_workshop
):
    workshop, sections = seed_workshop("Opinion map in the browser")
    database = live_server.db
    camps = build_camps(database, workshop, sections[0].id, email_prefix="map-")
    run = opinions.start_run(database, workshop_id=workshop.id, actor_id=None)
    database.dispose()
    assert run.status == "ok", run.message
    clustered = run.counts["participants_clustered"]
    path = f"/w/{workshop.slug}/opinions"

    page.set_viewport_size({"width": 1024, "height": 900})
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", name="Opinion map", exact=True)).to_be_visible()
    assert page.locator("svg[role=img] g.opinion-point:not([data-group=''])").count() == clustered == 24
    consensus = page.locator("#opinion-consensus")
    for text in CONSENSUS_TEXTS:
        expect(consensus).to_contain_text(text)
    expect(page.locator("#opinion-groups-table")).to_contain_text("Group C")
    check_accessibility(page)
    screenshot(page, "opinion-map")

    sign_in(page, live_server, "map-carer2@example.org", path)
    page.goto(f"{live_server.url}{path}")
    expect(page.locator("#opinion-you")).to_contain_text(re.compile(r"You are in group [ABC]\."))
    assert page.locator("g.opinion-point--mine").count() == 1
    check_accessibility(page)
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, "opinion-map-participant-360")
    assert camps.members["carer"]
