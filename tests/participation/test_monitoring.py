"""Equality monitoring: voluntary answers kept apart, only the person sees them, erased with the account,
in the data download; leads see totals only, with small cells suppressed so that none can be worked out
from the totals (page, CSV and engagement report), compared with reference shares."""

from __future__ import annotations

import csv
import io
import itertools
import json

from sqlmodel import select

from crowd.models import Access, MonitoringAnswer, Participant
from crowd.models._base import utcnow
from crowd.services.people import monitoring
from tests.conftest import csrf_of

ANSWERS = {
    "age_band": "25 to 34",
    "sex": "Female",
    "gender_identity": "Yes",
    "ethnic_group": "Black, Black British, Black Welsh, Caribbean or African: Caribbean",
    "disability": "Yes, a little",
    "religion": "No religion",
    "sexual_orientation": "Prefer not to say",
}


def test_participant_answers_sees_only_their_own_and_gets_them_in_the_download(person, db):
    ann = person("ann@example.org")
    page = ann.client.get("/me/monitoring")
    assert page.status_code == 200 and "Prefer not to say" in page.text and "Roma" in page.text
    saved = ann.post("/me/monitoring", ANSWERS, follow_redirects=True)
    assert "never shown with your name" in saved.text
    with db.read() as session:
        row = session.exec(select(MonitoringAnswer)).one()
        profile = session.get(Participant, ann.id)
    assert row.participant_id == ann.id and row.ethnic_group.endswith("Caribbean")
    assert not hasattr(profile, "ethnic_group")  # kept apart from the profile
    again = ann.client.get("/me/monitoring").text
    assert 'value="Yes, a little" checked' in again
    download = json.loads(ann.client.get("/me/data").text)
    assert download["equality_monitoring"]["religion"] == "No religion"
    lead = person("lead@example.org", access=Access.LEAD)
    board = lead.client.get("/manage/monitoring").text
    assert "ann@example.org" not in board and "Ann" not in board


def test_an_answer_outside_the_lists_is_refused_and_changes_nothing(person, db):
    ann = person("ann@example.org")
    ann.post("/me/monitoring", ANSWERS)
    bad = ann.post("/me/monitoring", {**ANSWERS, "religion": "Jedi", "sex": "Female"})
    assert bad.status_code == 400 and "Choose one of the answers" in bad.text
    with db.read() as session:
        assert session.exec(select(MonitoringAnswer)).one().religion == "No religion"


def test_answers_are_erased_with_the_account(person, db):
    ann = person("ann@example.org")
    ann.post("/me/monitoring", ANSWERS)
    erased = ann.post("/me/erase", {"keep": "no", "confirm": "yes"})
    assert erased.status_code == 200
    with db.read() as session:
        assert session.exec(select(MonitoringAnswer)).all() == []


def test_participant_deletes_their_answers(person, db):
    ann = person("ann@example.org")
    ann.post("/me/monitoring", ANSWERS)
    ann.post("/me/monitoring", {"action": "delete"})
    with db.read() as session:
        assert session.exec(select(MonitoringAnswer)).all() == []


def _crowd(db, ages: dict[str, int]) -> None:
    """People who took part (each answered a poll), with the given age bands."""
    from crowd.models import PollAnswer, PollChoice
    from tests.conftest import make_workshop

    workshop, _ = make_workshop(db)
    with db.write() as session:
        n = 0
        for age, count in ages.items():
            for _ in range(count):
                n += 1
                p = Participant(email=f"p{n}@example.org", display_name=f"P{n}", consent_privacy_at=utcnow())
                session.add(p)
                session.flush()
                session.add(
                    PollAnswer(participant_id=p.id, workshop_id=workshop.id, choice=PollChoice.MOSTLY)
                )
                session.add(MonitoringAnswer(participant_id=p.id, age_band=age))


def _recoverable(shown: list, total: int) -> bool:
    """Whether some hidden count is pinned down by the total and the shown counts: brute force over every
    way the hidden cells (each 0 or 1..4 if primary, or >= 5 when secondary) can add up."""
    hidden = [i for i, v in enumerate(shown) if v == "<5"]
    if not hidden:
        return False
    rest = total - sum(v for v in shown if isinstance(v, int))
    possible = {i: set() for i in hidden}
    for values in itertools.product(range(rest + 1), repeat=len(hidden)):
        if sum(values) == rest and all(v != 0 for v in values):  # a hidden cell is never 0 (zeros are shown)
            for i, v in zip(hidden, values, strict=True):
                possible[i].add(v)
    return any(len(values) <= 1 for values in possible.values())


def test_board_csv_and_report_suppress_small_cells_so_none_can_be_worked_out(person, db):
    _crowd(db, {"18 to 24": 12, "25 to 34": 3, "35 to 44": 9, "45 to 54": 7})
    with db.write() as session:
        monitoring.save_reference(
            session,
            actor_id=None,
            category="age_band",
            shares={"25 to 34": "30", "18 to 24": "10"},
            source="ONS",
        )
    lead = person("lead@example.org", access=Access.LEAD)
    rows = list(csv.DictReader(io.StringIO(lead.client.get("/manage/monitoring.csv").text)))
    ages = [r for r in rows if r["category"] == "Age"]
    by_group = {r["group"]: r["people"] for r in ages}
    assert by_group["25 to 34"] == "<5"  # primary
    shown = [int(v) if v.isdigit() else v for g, v in by_group.items() if g != "Total"]
    assert shown.count("<5") >= 2  # and a secondary cell, so the 3 cannot be had by subtraction
    assert int(by_group["Total"]) == 31
    assert not _recoverable(shown, 31)
    marked = {r["group"]: r["under_represented"] for r in ages}
    assert marked["18 to 24"] == ""  # 12 of 31 is well above 10%
    page = lead.client.get("/manage/monitoring").text
    assert "Under-represented" in page or "under-represented" in page
    report = lead.client.get("/exports/report").text
    assert "Who took part: age" in report
    section = report.split("Who took part: age")[1].split("</section>")[0]
    assert "&lt;5" in section and ">3<" not in section and "(10%" not in section


def test_reference_shares_entered_uploaded_and_refused(person, db):
    _crowd(db, {"18 to 24": 20, "25 to 34": 10, "65 to 74": 1, "75 or over": 2})
    lead = person("lead@example.org", access=Access.LEAD)
    page = lead.client.get("/manage/monitoring").text
    bad = lead.post("/manage/monitoring/reference", {"category": "age_band", "share-0": "abc"})
    assert bad.status_code == 400 and "percentage between 0 and 100" in bad.text
    too_much = lead.post(
        "/manage/monitoring/reference", {"category": "age_band", "share-1": "80", "share-2": "30"}
    )
    assert too_much.status_code == 400 and "more than 100%" in too_much.text
    content = b"category,group,percent\nAge,65 to 74,20\nAge,75 or over,10\n"
    uploaded = lead.client.post(
        "/manage/monitoring/upload",
        data={"csrf_token": csrf_of(page), "source": "Census 2021"},
        files={"file": ("census.csv", content, "text/csv")},
        follow_redirects=True,
    )
    assert uploaded.status_code == 200 and "2 reference shares saved" in uploaded.text
    rows = {
        r["group"]: r for r in csv.DictReader(io.StringIO(lead.client.get("/manage/monitoring.csv").text))
    }
    # 65 to 74 is hidden; the hidden cells add up to 3 of 33 (9%) < 80% of 20%: certainly under-represented
    assert rows["65 to 74"]["people"] == "<5" and rows["65 to 74"]["under_represented"] == "yes"
    assert rows["75 or over"]["under_represented"] == ""  # at most 9% against 80% of 10%: cannot say
    wrong = lead.client.post(
        "/manage/monitoring/upload",
        data={"csrf_token": csrf_of(page)},
        files={"file": ("x.csv", b"category,group,percent\nShoe size,9,50\n", "text/csv")},
    )
    assert wrong.status_code == 400 and "not a monitoring category" in wrong.text
    assert person("p@example.org").client.get("/manage/monitoring").status_code == 403
