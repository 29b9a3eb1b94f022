"""A lead runs a live event; attendees answer on their phones without an account."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from crowd.models import Access, Contribution, LiveEvent, LiveQuestion, Stream
from crowd.services.streams import live
from tests.streams.conftest import Attendee, answers, count, notes


def _event(lead, workshop) -> LiveEvent:
    page = lead.post("/manage/live", {"title": "Network event, May", "workshop_id": str(workshop.id)})
    assert page.status_code == 200, page.text[:1000]
    event_id = int(str(page.url.path).rsplit("/", 1)[1])
    code = re.search(r"code ([A-Z0-9]{6})", page.text).group(1)
    return LiveEvent(id=event_id, code=code, title="Network event, May", workshop_id=workshop.id)


def _question(
    lead, db, event, *, prompt: str, kind: str, options: str = "", open_it: bool = True
) -> LiveQuestion:
    page = lead.post(
        f"/manage/live/{event.id}/questions", {"prompt": prompt, "kind": kind, "options": options}
    )
    assert page.status_code == 200 and "Question added." in page.text
    with db.read() as session:
        question = session.exec(select(LiveQuestion).where(LiveQuestion.prompt == prompt)).one()
    if open_it:
        lead.post(f"/manage/live/{event.id}/open", {"question_id": str(question.id)})
    return question


@pytest.fixture
def event(lead, open_workshop):
    workshop, _ = open_workshop
    return _event(lead, workshop)


ORGS = "NHS trust\nLocal authority\nVoluntary sector"


def test_attendee_joins_by_code_answers_and_changes_the_answer(app, lead, db, event):
    question = _question(
        lead, db, event, prompt="What type of organisation are you representing?", kind="choice", options=ORGS
    )
    phone = Attendee(app, event.code)
    joined = phone.client.get(f"/live?code={event.code.lower()}", follow_redirects=True)
    assert str(joined.url.path) == f"/live/{event.code}"
    assert "What type of organisation are you representing?" in joined.text
    phone.join()
    thanks = phone.answer(question.id, "1", htmx=True)
    assert thanks.status_code == 200
    assert "your answer is in" in thanks.text and "Local authority" in thanks.text
    assert phone.answer(question.id, "2").status_code == 303
    [stored] = answers(db)
    assert stored.option == 2 and stored.changes == 1


def test_an_unknown_code_is_explained(app):
    phone = Attendee(app, "NOPE99")
    response = phone.client.get("/live?code=nope99")
    assert response.status_code == 404
    assert "There is no live event with that code" in response.text
    assert phone.client.get("/live/NOPE99").status_code == 404
    empty = phone.client.get("/live?code=")
    assert empty.status_code == 400 and "Enter the code shown on the screen." in empty.text


def test_a_bad_answer_is_shown_again_with_a_message_and_nothing_is_stored(app, lead, db, event):
    question = _question(lead, db, event, prompt="Pick one", kind="choice", options=ORGS)
    phone = Attendee(app, event.code)
    phone.join()
    response = phone.answer(question.id, "7")
    assert response.status_code == 400 and "Choose one of the options." in response.text
    words = _question(lead, db, event, prompt="One word", kind="word_cloud")
    response = phone.answer(words.id, "x" * 41)
    assert response.status_code == 400 and "Keep it to 40 characters or fewer." in response.text
    assert answers(db) == []


def test_answers_to_a_closed_question_are_refused(app, lead, db, event):
    first = _question(lead, db, event, prompt="First", kind="word_cloud")
    _question(lead, db, event, prompt="Second", kind="word_cloud")
    phone = Attendee(app, event.code)
    phone.join()
    response = phone.answer(first.id, "late")
    assert response.status_code == 409 and "That question has closed" in response.text
    assert answers(db) == []


def test_anonymous_attendee_needs_the_csrf_token_from_the_page(app, lead, db, event):
    question = _question(lead, db, event, prompt="Pick one", kind="choice", options=ORGS)
    phone = Attendee(app, event.code)
    phone.join()
    phone.token = "forged"
    assert phone.answer(question.id, "0").status_code == 403
    assert answers(db) == []


def test_a_flood_from_one_device_gets_429_and_stores_nothing_extra(app, lead, db, event):
    question = _question(lead, db, event, prompt="Most interesting thing you heard?", kind="open_text")
    phone = Attendee(app, event.code)
    phone.join()
    statuses = [phone.answer(question.id, f"Answer number {n}").status_code for n in range(25)]
    accepted = live.MAX_CHANGES + 1
    assert statuses[:accepted] == [303] * accepted
    assert set(statuses[accepted:]) == {429}
    [stored] = answers(db)
    assert stored.text == f"Answer number {accepted - 1}"
    [note] = notes(db, stream=Stream.EVENT)
    assert note.text == f"Answer number {accepted - 1}"


def test_open_text_answers_become_event_stream_notes_in_the_workshop(app, lead, db, event, open_workshop):
    workshop, _ = open_workshop
    question = _question(lead, db, event, prompt="Most interesting thing you heard?", kind="open_text")
    for text in ("Social prescribing in Lambeth", "Call me on 07700 900123 about carers"):
        phone = Attendee(app, event.code)
        phone.join()
        assert phone.answer(question.id, text).status_code == 303
    stored = notes(db, stream=Stream.EVENT)
    assert [n.text for n in stored] == [
        "Social prescribing in Lambeth",
        "Call me on [phone number removed] about carers",
    ]
    assert all(
        n.kind.value == "note" and n.author_id is None and n.workshop_id == workshop.id for n in stored
    )
    assert stored[0].source_ref == "Network event, May: Most interesting thing you heard?"


def test_presenter_sees_counts_words_and_texts_as_they_arrive(app, lead, db, event):
    choice = _question(lead, db, event, prompt="Organisation?", kind="choice", options=ORGS)
    phones = [Attendee(app, event.code) for _ in range(3)]
    for phone, value in zip(phones, ("0", "0", "2"), strict=True):
        phone.join()
        phone.answer(choice.id, value)
    page = lead.client.get(f"/live/{event.code}/present")
    assert page.status_code == 200 and event.code in page.text and "<svg" in page.text
    assert 'hx-trigger="every 1s"' in page.text
    partial = lead.client.get(f"/live/{event.code}/results", headers={"HX-Request": "true"}).text
    assert re.findall(r'data-count="(\d+)"', partial) == ["2", "0", "1"]
    assert "NHS trust: <strong>2</strong> (67%)" in partial

    words = _question(lead, db, event, prompt="One word for today", kind="word_cloud")
    for phone, value in zip(phones, ("Hopeful", "hopeful ", "<b>tired</b>"), strict=True):
        phone.answer(words.id, value)
    partial = lead.client.get(f"/live/{event.code}/results").text
    assert re.search(r'data-count="2" style="[^"]*font-size:3\.25rem[^"]*"[^>]*>hopeful<', partial)
    assert "&lt;b&gt;tired&lt;/b&gt;" in partial and "<b>tired</b>" not in partial

    _question(lead, db, event, prompt="What did you hear?", kind="open_text")
    partial = lead.client.get(f"/live/{event.code}/results").text
    assert "What did you hear?" in partial and 'data-total="0"' in partial


@pytest.mark.parametrize("access", [Access.PARTICIPANT, Access.MODERATOR])
def test_people_below_lead_cannot_run_or_present_events(person, lead, db, event, open_workshop, access):
    workshop, _ = open_workshop
    other = person(f"{access.value}@example.org", access=access)
    assert other.client.get("/manage/live").status_code == 403
    assert other.client.get(f"/manage/live/{event.id}").status_code == 403
    assert other.client.get(f"/live/{event.code}/present").status_code == 403
    assert other.client.get(f"/live/{event.code}/results").status_code == 403
    assert other.post("/manage/live", {"title": "Mine", "workshop_id": str(workshop.id)}).status_code == 403
    assert (
        other.post(f"/manage/live/{event.id}/questions", {"prompt": "Q", "kind": "word_cloud"}).status_code
        == 403
    )
    assert other.post(f"/manage/live/{event.id}/open", {}).status_code == 403
    assert count(db, LiveEvent) == 1 and count(db, LiveQuestion) == 0


def test_the_event_and_question_forms_explain_what_is_missing(lead, db, event):
    response = lead.post("/manage/live", {"title": "", "workshop_id": ""})
    assert response.status_code == 400
    assert "Give the event a title." in response.text and "Choose the workshop" in response.text
    response = lead.post(
        f"/manage/live/{event.id}/questions", {"prompt": "Pick", "kind": "choice", "options": "Only one"}
    )
    assert response.status_code == 400 and "Give between 2 and 12 options, one per line." in response.text
    assert count(db, LiveEvent) == 1 and count(db, LiveQuestion) == 0
    with db.read() as session:
        assert session.exec(select(Contribution)).all() == []
