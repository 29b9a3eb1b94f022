"""Every POST route in the route table refuses a missing, forged or another session's CSRF token with 403,
and stores nothing. (tests/web/test_csrf_and_rate_limits.py checks the messages on one form in depth.)"""

from __future__ import annotations

import pytest

from crowd.models import Access
from tests.hostile.forms import fields_of, post_routes, row_counts
from tests.hostile.test_fuzz_forms import world  # noqa: F401 - the fixture
from tests.web.test_access_matrix import fill


@pytest.mark.parametrize("token", ["missing", "forged", "another session's"])
def test_every_form_refuses_a_bad_csrf_token_and_stores_nothing(person, db, world, token):  # noqa: F811
    admin = person("admin@example.org", access=Access.ADMIN)
    other = person("other@example.org")
    given = {"missing": None, "forged": "x" * 43, "another session's": other.csrf("/profile")}[token]
    for path, _ in post_routes():
        form = {name: "1" for name in fields_of(path)} | {"text": "A fine idea", "title": "A title"}
        if given is not None:
            form["csrf_token"] = given
        before = row_counts(db)
        response = admin.client.post(fill(path, world), data=form)
        assert response.status_code == 403, f"{path}: {response.status_code}"
        assert row_counts(db) == before, path
    assert admin.client.get("/profile").status_code == 200  # still signed in: refusals end nothing
