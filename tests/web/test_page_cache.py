"""The workshop page and idea pages come partly from a cache of what everyone sees alike
(crowd/page_cache.py); whatever anyone does shows on the very next page."""

from tests.web.conftest import idea_id_of, post_idea, vote


def test_a_vote_a_new_idea_and_a_withdrawal_show_on_the_next_page(person, open_workshop):
    workshop, sections = open_workshop
    ann, ben = person("ann@example.org"), person("ben@example.org")
    first = idea_id_of(post_idea(ann, workshop, sections[0], "A named contact for every carer."))
    page = ben.client.get(f"/w/{workshop.slug}")  # fills the cache
    assert 'data-count="agree">0<' in page.text
    assert vote(ann, first, "agree").status_code == 200
    for path in (f"/w/{workshop.slug}", f"/w/{workshop.slug}/ideas/{first}"):
        assert 'data-count="agree">1<' in ben.client.get(path).text
    second = idea_id_of(post_idea(ann, workshop, sections[1], "Interpreters booked with the appointment."))
    assert "Interpreters booked" in ben.client.get(f"/w/{workshop.slug}").text
    withdrawn = ann.post(f"/c/{second}/withdraw", follow_redirects=False)
    assert withdrawn.status_code == 303
    assert "Interpreters booked" not in ben.client.get(f"/w/{workshop.slug}").text
    assert ben.client.get(f"/w/{workshop.slug}/ideas/{second}").status_code == 404


def test_each_person_sees_their_own_vote_on_the_shared_list(person, open_workshop):
    workshop, sections = open_workshop
    ann, ben = person("ann@example.org"), person("ben@example.org")
    idea = idea_id_of(post_idea(ann, workshop, sections[0], "Evening appointments at the surgery."))
    vote(ann, idea, "disagree")
    mine = 'aria-pressed="true" data-choice="disagree"'
    assert mine in ann.client.get(f"/w/{workshop.slug}").text
    assert mine not in ben.client.get(f"/w/{workshop.slug}").text
    assert ann.csrf() in ann.client.get(f"/w/{workshop.slug}").text  # each person's own form token


def test_an_edited_idea_and_a_renamed_author_show_on_the_next_page(person, open_workshop):
    """Each card's who-and-what is rendered once into the cache: an edit or a new display name drops it."""
    from tests.web.test_profile import profile_form

    workshop, sections = open_workshop
    ann, ben = person("ann@example.org"), person("ben@example.org")
    idea = idea_id_of(post_idea(ann, workshop, sections[0], "A named contact for every carer."))
    pages = (f"/w/{workshop.slug}", f"/w/{workshop.slug}/ideas/{idea}")
    for path in pages:  # fill the cache
        assert "A named contact for every carer." in ben.client.get(path).text
    edited = ann.post(f"/c/{idea}/edit", {"text": "A named contact for every carer and family."})
    assert edited.status_code == 200  # followed to /me
    renamed = ann.post("/profile", profile_form(display_name="Ann the carer"), follow_redirects=False)
    assert renamed.status_code == 303
    for path in pages:
        page = ben.client.get(path).text
        assert "A named contact for every carer and family." in page
        assert "Ann the carer, Carer" in page


def test_a_poll_answer_shows_in_everyones_counts_on_the_next_page(person, open_workshop):
    """The poll's counts are kept in the page cache; answering drops them, each person's answer is their own."""
    workshop, _ = open_workshop
    ann, ben = person("ann@example.org"), person("ben@example.org")
    ben.post(f"/w/{workshop.slug}/poll", {"choice": "partly"})
    assert 'data-poll-count="partly">1<' in ben.client.get(f"/w/{workshop.slug}").text  # cached now
    ann.post(f"/w/{workshop.slug}/poll", {"choice": "partly"})
    page = ben.client.get(f"/w/{workshop.slug}").text
    assert 'data-poll-count="partly">2<' in page
    assert "You answered <strong>Partly</strong>" in page
    assert "You answered" not in person("cat@example.org").client.get(f"/w/{workshop.slug}").text
