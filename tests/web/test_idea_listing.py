"""Sorting ideas by newest, most supported and most discussed; search; pagination."""

from sqlmodel import select

from crowd.models import Contribution, Participant
from crowd.services.workshop.contributions import post_idea as post_idea_service
from tests.web.conftest import idea_id_of, post_idea, vote


def order_in(page: str, texts: list[str]) -> list[str]:
    return sorted(texts, key=page.index)


def test_ideas_sort_by_newest_most_supported_and_most_discussed(person, open_workshop):
    workshop, sections = open_workshop
    ann, bob, cat = (person(f"{n}@example.org") for n in ("ann", "bob", "cat"))
    liked = idea_id_of(post_idea(ann, workshop, sections[0], "Liked idea"))
    talked = idea_id_of(post_idea(ann, workshop, sections[0], "Talked-about idea"))
    post_idea(ann, workshop, sections[0], "Newest idea")
    for who in (ann, bob, cat):
        vote(who, liked, "agree")
    vote(bob, talked, "agree")
    vote(cat, talked, "disagree")
    for n, who in enumerate((bob, cat)):
        who.post(f"/w/{workshop.slug}/ideas/{talked}/comments", {"text": f"Comment {n}"})
    texts = ["Liked idea", "Talked-about idea", "Newest idea"]
    url = f"/w/{workshop.slug}"
    assert order_in(ann.client.get(url).text, texts) == ["Newest idea", "Talked-about idea", "Liked idea"]
    supported = ann.client.get(url, params={"sort": "supported"}).text
    assert order_in(supported, texts)[0] == "Liked idea"
    discussed = ann.client.get(url, params={"sort": "discussed"}).text
    assert order_in(discussed, texts)[0] == "Talked-about idea"
    assert "2 comments" in discussed


def test_search_finds_ideas_by_text_and_partial_swaps_only_the_list(person, open_workshop):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    post_idea(ann, workshop, sections[0], "More evening GP appointments")
    post_idea(ann, workshop, sections[0], "Interpreters at every clinic")
    post_idea(ann, workshop, sections[0], "100% of carers get a break")
    page = ann.client.get(f"/w/{workshop.slug}", params={"q": "gp appointments"}).text
    assert "More evening GP appointments" in page and "Interpreters" not in page
    assert "1 idea matching" in page
    percent = ann.client.get(f"/w/{workshop.slug}", params={"q": "100%"}).text
    assert "100% of carers" in percent and "Interpreters" not in percent
    partial = ann.client.get(
        f"/w/{workshop.slug}",
        params={"q": "interpreters"},
        headers={"HX-Request": "true", "HX-Target": "idea-list"},
    )
    assert partial.text.lstrip().startswith('<div id="idea-list">')
    assert "Interpreters at every clinic" in partial.text and "<html" not in partial.text


def test_ideas_are_paginated_twenty_at_a_time(person, db, open_workshop):
    workshop, sections = open_workshop
    person("ann@example.org")
    with db.write() as session:
        ann = session.exec(select(Participant)).one()
        for n in range(25):
            post_idea_service(
                session, workshop=workshop, section_id=sections[0].id, author=ann, text=f"Idea #{n:02d}"
            )
    bob = person("bob@example.org")
    first = bob.client.get(f"/w/{workshop.slug}").text
    assert "25 ideas" in first and "Idea #24" in first and "Idea #04" not in first
    assert "Page 2 of 2" in first
    second = bob.client.get(f"/w/{workshop.slug}", params={"page": "2"}).text
    assert "Idea #04" in second and "Idea #00" in second and "Idea #05" not in second
    beyond = bob.client.get(f"/w/{workshop.slug}", params={"page": "99"})
    assert beyond.status_code == 200 and "Idea #00" in beyond.text
    garbage = bob.client.get(f"/w/{workshop.slug}", params={"page": "abc", "sort": "nonsense"})
    assert garbage.status_code == 200 and "Idea #24" in garbage.text


def test_hidden_and_withdrawn_ideas_are_not_listed(person, db, open_workshop):
    workshop, sections = open_workshop
    ann = person("ann@example.org")
    gone = idea_id_of(post_idea(ann, workshop, sections[0], "Withdrawn idea"))
    ann.post(f"/c/{gone}/withdraw")
    hidden = idea_id_of(post_idea(ann, workshop, sections[0], "Hidden idea"))
    with db.write() as session:
        row = session.get(Contribution, hidden)
        row.status = "hidden"
        session.add(row)
    page = person("bob@example.org").client.get(f"/w/{workshop.slug}").text
    assert "Withdrawn idea" not in page and "Hidden idea" not in page
    assert ann.client.get(f"/w/{workshop.slug}/ideas/{hidden}").status_code == 404
