"""The read API's tests: a published declaration, an organisation signed up to it, and its tokens."""

from __future__ import annotations

import re

import pytest

from tests.declaration.conftest import publish_declaration
from tests.declaration.test_signatories import SIGN


@pytest.fixture
def published(db):
    return publish_declaration(db)


@pytest.fixture
def signed(person, published):
    """(the signer, signatory id) of Hackney Central PCN, signed up to version 1."""
    priya = person("priya@example.org")
    page = priya.post("/declaration/v/1/sign", SIGN)
    assert page.status_code == 200, page.text
    return priya, int(page.url.path.split("/")[3])


def make_token(who, signatory_id: int, *, scopes=("write:assessments",), days="30", name="Dashboard") -> str:
    page = who.post(
        f"/declaration/signatories/{signatory_id}/tokens",
        {"name": name, "days": days, "scopes": list(scopes)},
    )
    assert page.status_code == 200, page.text
    return re.search(r'<code id="token-secret">([^<]+)</code>', page.text).group(1)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
