"""The board and the theme workspace in the browser's terms: pages, htmx partials, refusals, the audit log."""

from __future__ import annotations

import re

from sqlmodel import select

from crowd.app import ROUTES
from crowd.models import Access, AuditEntry, CurationAction, Theme, ThemeStatus
from tests.curation.conftest import Themed

MODERATOR_ROUTES_GET = [
    "/manage/workshops/{w}/themes/board",
    "/manage/themes/{t}/curate",
]
MODERATOR_ROUTES_POST = [
    "/manage/workshops/{w}/themes/merge",
    "/manage/themes/{t}/rename",
    "/manage/themes/{t}/marks",
    "/manage/themes/{t}/split",
    "/manage/themes/{t}/move",
    "/manage/themes/{t}/pin",
    "/manage/themes/{t}/group",
    "/manage/themes/{t}/promote",
    "/manage/candidates/1/promote",
    "/manage/curation/1/undo",
]


def label_of(db, theme_id: int) -> str:
    with db.read() as session:
        return session.get(Theme, theme_id).label


def test_participants_are_refused_every_curation_route(db, person, themed: Themed):
    ann = person("ann@example.org")
    gp = themed.theme_of(db, "gp")
    fill = {"w": themed.workshop.id, "t": gp.id}
    for path in MODERATOR_ROUTES_GET:
        assert ann.client.get(path.format(**fill)).status_code == 403, path
    for path in MODERATOR_ROUTES_POST:
        assert (
            ann.post(path.format(**fill), {"label": "Mine", "theme_ids": [gp.id, gp.id]}).status_code == 403
        ), path
    assert label_of(db, gp.id) != "Mine"


def test_moderator_reads_the_board_with_support_and_who_each_theme_speaks_for(db, person, themed: Themed):
    mod = person("mod@example.org", access=Access.MODERATOR)
    page = mod.client.get(f"/manage/workshops/{themed.workshop.id}/themes/board")
    assert page.status_code == 200
    for topic in ("gp", "mental", "carers", "transport"):
        assert themed.theme_of(db, topic).label in page.text
    assert "staff 4 · service user 4 · carer 4" in page.text  # who wrote it, by role
    assert "online 12" in page.text and "Lambeth 12" in page.text  # by stream and borough
    partial = mod.client.get(
        f"/manage/workshops/{themed.workshop.id}/themes/board?sort=label&q=carers",
        headers={"HX-Request": "true", "HX-Target": "board-table"},
    )
    assert partial.text.lstrip().startswith('<div id="board-table">')
    assert themed.theme_of(db, "carers").label in partial.text
    assert themed.theme_of(db, "gp").label not in partial.text


def test_rename_with_htmx_returns_the_workspace_partial_and_tags_it_curated(db, person, themed: Themed):
    mod = person("mod@example.org", access=Access.MODERATOR)
    gp = themed.theme_of(db, "gp")
    answer = mod.post(
        f"/manage/themes/{gp.id}/rename",
        {"label": "Seeing a GP", "description": "Appointments", "version": gp.version},
        headers={"HX-Request": "true", "HX-Target": "curate-theme"},
    )
    assert answer.status_code == 200
    assert answer.text.lstrip().startswith('<div id="curate-theme">')
    assert "Seeing a GP" in answer.text and "Curated" in answer.text and "Undo the last change" in answer.text
    assert label_of(db, gp.id) == "Seeing a GP"


def test_an_empty_name_is_refused_and_nothing_is_stored(db, person, themed: Themed):
    mod = person("mod@example.org", access=Access.MODERATOR)
    gp = themed.theme_of(db, "gp")
    answer = mod.post(f"/manage/themes/{gp.id}/rename", {"label": "   ", "version": gp.version})
    assert answer.status_code == 400
    assert "Enter a name for the theme" in answer.text
    assert label_of(db, gp.id) == gp.label
    with db.read() as session:
        assert session.exec(select(CurationAction)).all() == []


def test_the_second_of_two_moderators_editing_a_theme_sees_a_conflict(db, person, themed: Themed):
    first = person("first@example.org", access=Access.MODERATOR)
    second = person("second@example.org", access=Access.MODERATOR)
    gp = themed.theme_of(db, "gp")
    page = second.client.get(f"/manage/themes/{gp.id}/curate").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    assert (
        first.post(
            f"/manage/themes/{gp.id}/rename", {"label": "First", "version": version}, follow_redirects=False
        ).status_code
        == 303
    )
    answer = second.post(f"/manage/themes/{gp.id}/rename", {"label": "Second", "version": version})
    assert answer.status_code == 409
    assert "Someone else changed this theme" in answer.text
    assert label_of(db, gp.id) == "First"


def test_merging_a_theme_with_itself_on_the_board_shows_the_message(db, person, themed: Themed):
    mod = person("mod@example.org", access=Access.MODERATOR)
    gp = themed.theme_of(db, "gp")
    answer = mod.post(f"/manage/workshops/{themed.workshop.id}/themes/merge", {"theme_ids": [gp.id, gp.id]})
    assert answer.status_code == 400
    assert "cannot be merged with itself" in answer.text


def test_merge_split_and_undo_from_the_pages(db, person, themed: Themed):
    mod = person("mod@example.org", access=Access.MODERATOR)
    gp, transport = themed.theme_of(db, "gp"), themed.theme_of(db, "transport")
    merged = mod.post(
        f"/manage/workshops/{themed.workshop.id}/themes/merge",
        {"theme_ids": [gp.id, transport.id]},
        follow_redirects=False,
    )
    assert merged.status_code == 303
    with db.read() as session:
        assert session.get(Theme, transport.id).status == ThemeStatus.MERGED
    page = mod.client.get(f"/manage/themes/{gp.id}/curate").text
    assert f'href="/manage/themes/{transport.id}/curate">theme {transport.id}</a>' in page  # provenance
    split = mod.post(f"/manage/themes/{gp.id}/split", {"mode": "kmeans", "k": "30"})
    assert split.status_code == 400 and "split it into 2 to 12 parts" in split.text
    split = mod.post(f"/manage/themes/{gp.id}/split", {"mode": "kmeans", "k": "2"}, follow_redirects=False)
    assert split.status_code == 303
    with db.read() as session:
        action = session.exec(select(CurationAction).order_by(CurationAction.id.desc())).first()  # type: ignore[union-attr]
    undone = mod.post(f"/manage/curation/{action.id}/undo", {"back": gp.id}, follow_redirects=False)
    assert undone.status_code == 303
    with db.read() as session:
        assert session.get(Theme, gp.id).status == ThemeStatus.ACTIVE


def test_the_audit_log_filters_by_actor_action_object_and_date(db, person, themed: Themed):
    mod = person("mod@example.org", access=Access.MODERATOR)
    gp, mental = themed.theme_of(db, "gp"), themed.theme_of(db, "mental")
    mod.post(f"/manage/themes/{gp.id}/rename", {"label": "Renamed GP"})
    mod.post(f"/manage/themes/{mental.id}/marks", {"reviewed": "yes"})
    page = mod.client.get(
        f"/admin/audit?actor=mod@example.org&action=curation.&object_type=theme&object_id={gp.id}"
    )
    assert "curation.rename" in page.text and "curation.mark" not in page.text
    page = mod.client.get("/admin/audit?action=curation.mark&from=2000-01-01&to=2999-12-31")
    assert "curation.mark" in page.text and "curation.rename" not in page.text
    assert "No entries" in mod.client.get("/admin/audit?action=curation.&to=2000-01-01").text
    bad = mod.client.get("/admin/audit?from=yesterday&actor=nobody@example.org")
    assert bad.status_code == 400 and "Enter a date like" in bad.text and "No one has that email" in bad.text


def test_audit_entries_cannot_be_edited_or_deleted_through_the_app(db, person, themed: Themed):
    admin = person("admin@example.org", access=Access.ADMIN)
    gp = themed.theme_of(db, "gp")
    admin.post(f"/manage/themes/{gp.id}/rename", {"label": "Audited"})
    with db.read() as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "curation.rename")).one()
    audit_routes = [r for r in ROUTES if "audit" in getattr(r, "path", "")]
    assert audit_routes and all(r.methods <= {"GET", "HEAD"} for r in audit_routes)
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        for path in ("/admin/audit", f"/admin/audit/{entry.id}"):
            answer = admin.client.request(method, path, headers={"X-CSRF-Token": admin.csrf()})
            assert answer.status_code in (404, 405), (method, path)
    with db.read() as session:
        assert session.get(AuditEntry, entry.id).after["label"] == "Audited"


def test_promoting_a_theme_opens_the_foundation_grouped_with_it(db, person, themed: Themed):
    mod = person("mod@example.org", access=Access.MODERATOR)
    gp = themed.theme_of(db, "gp")
    answer = mod.post(f"/manage/themes/{gp.id}/promote", {}, follow_redirects=False)
    assert answer.status_code == 303
    page = mod.client.get(f"/manage/themes/{gp.id}/curate").text
    match = re.search(r'href="/foundations/(\d+)">', page)
    assert match
    listing = mod.client.get(f"/foundations/{match.group(1)}/themes").text
    assert gp.label in listing
