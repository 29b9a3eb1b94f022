"""Every form, fuzzed: hypothesis posts hostile values (unicode, control characters, NUL, huge strings,
HTML and script, SQL-ish text, numbers as text, missing fields) to every POST route in the route table,
as a signed-in user of the level the route needs with a valid CSRF token. The app never answers 500,
and when it refuses (4xx) nothing is stored: every table keeps its row count."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crowd.models import Access
from tests.hostile.forms import form_values, post_routes, row_counts
from tests.web.conftest import idea_id_of, post_idea
from tests.web.test_access_matrix import fill

# signing out ends the session the remaining examples need; it takes no fields
ROUTES = [(path, endpoint) for path, endpoint in post_routes() if path != "/auth/sign-out"]
UPLOADS = {"/manage/imports"}


@pytest.fixture
def world(person, open_workshop):
    workshop, sections = open_workshop
    author = person("author@example.org")
    idea = idea_id_of(post_idea(author, workshop, sections[0], "Evening GP appointments for working people"))
    author.post(f"/w/{workshop.slug}/ideas/{idea}/comments", {"text": "Yes, and at weekends too"})
    values = {"slug": workshop.slug, "workshop_id": workshop.id, "section_id": sections[0].id}
    return values | {"contribution_id": idea, "idea_id": idea}


@pytest.fixture
def signed_in() -> dict:
    return {}


def check(response, before: dict[str, int], db) -> dict[str, int]:
    assert response.status_code < 500, response.text[:2000]
    after = row_counts(db)
    if 400 <= response.status_code < 500:
        changed = {name: (before[name], after[name]) for name in before if before[name] != after[name]}
        assert changed == {}, f"refused with {response.status_code} but stored {changed}"
    return after


@pytest.mark.parametrize(
    "database_url", ["sqlite"], indirect=True
)  # the refusal logic is the app's, not the database's
@pytest.mark.parametrize(("path", "endpoint"), ROUTES, ids=[path for path, _ in ROUTES])
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_hostile_form_values_never_crash_the_app_and_refusals_store_nothing(
    person, db, world, signed_in, path, endpoint, data
):
    level = endpoint.access or Access.PARTICIPANT
    if level not in signed_in:  # signed in once, then reused by every example
        signed_in[level] = person(f"{level.value}@example.org", access=level)
    who = signed_in[level]
    url = fill(path, world)
    form = data.draw(form_values(path), label="form")
    files = None
    if path in UPLOADS:
        content = data.draw(
            st.one_of(
                st.binary(max_size=3000),
                st.text(max_size=400).map(
                    lambda t: ("text,borough,role\n" + t).encode("utf-8", "surrogatepass")
                ),
                st.just(b"text\n" + b"<script>alert(1)</script>\n" * 50),
            ),
            label="file",
        )
        name = data.draw(
            st.sampled_from(["notes.csv", "notes.txt", "../../x.csv", "n\u00e9.xlsx", ""]), label="name"
        )
        files = {"file": (name, content, "text/csv")}
        form.pop("file", None)
    before = row_counts(db)
    response = who.client.post(url, data={**form, "csrf_token": who.csrf("/profile")}, files=files)
    check(response, before, db)
