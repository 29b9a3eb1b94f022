"""Network systems read the declaration, signatories and benchmark as JSON, and push values with a token."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from crowd.models import ApiToken, Assessment, AuditEntry
from crowd.models._base import utcnow
from tests.api.conftest import bearer, make_token
from tests.declaration.test_signatories import KEY, _assess


def test_published_version_with_its_outcomes_needs_no_token(client, published):
    listing = client.get("/api/v1/declarations")
    assert listing.status_code == 200 and listing.headers["content-type"] == "application/json"
    assert [v["number"] for v in listing.json()["items"]] == [1]
    version = client.get("/api/v1/declarations/1").json()
    first = version["foundations"][0]
    assert first["title"] == "Get Personal"
    outcome = first["outcomes"][0]
    assert outcome["key"] == KEY
    assert {"definition", "unit", "direction", "baseline", "target", "data_source"} <= set(outcome)
    missing = client.get("/api/v1/declarations/9")
    assert missing.status_code == 404 and "No declaration" in missing.json()["error"]["message"]


def test_an_unchanged_answer_is_a_304_for_its_etag(client, published):
    first = client.get("/api/v1/declarations/1")
    etag = first.headers["etag"]
    again = client.get("/api/v1/declarations/1", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert client.get("/api/v1/declarations/1", headers={"If-None-Match": '"old"'}).status_code == 200


def test_lists_come_in_pages_with_a_cursor(client, person, published):
    for n in range(3):
        who = person(f"org{n}@example.org")
        assert who.post("/declaration/v/1/sign", {"organisation_name": f"Practice {n}", "kind": "gp_pcn",
                        "borough": "Hackney", "signer_name": "Dr A", "signer_role": "Lead"}).status_code == 200  # fmt: skip
    first = client.get("/api/v1/declarations/1/signatories?limit=2").json()
    assert first["total"] == 3 and len(first["items"]) == 2 and first["next_cursor"]
    second = client.get(f"/api/v1/declarations/1/signatories?limit=2&cursor={first['next_cursor']}").json()
    assert len(second["items"]) == 1 and second["next_cursor"] is None
    names = [s["organisation"] for s in first["items"] + second["items"]]
    assert sorted(names) == ["Practice 0", "Practice 1", "Practice 2"]
    bad = client.get("/api/v1/declarations/1/signatories?cursor=nonsense")
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "cursor"
    assert client.get("/api/v1/declarations/1/signatories?limit=0").json()["error"]["field"] == "limit"


def test_a_token_pushes_values_that_the_benchmark_shows_and_the_audit_records(client, signed, db):
    priya, signatory_id = signed
    token = make_token(priya, signatory_id)
    response = client.post(
        "/api/v1/assessments",
        json={"period": "2026 Q4", "values": [{"outcome": KEY, "value": 62, "evidence": "From our audit"}]},
        headers=bearer(token),
    )
    assert response.status_code == 201, response.text
    assert response.json()["saved"] == [{"outcome": KEY, "value": 62.0, "status": None}]
    rows = client.get("/api/v1/declarations/1/benchmark").json()["items"]
    assert [(r["organisation"], r["period"], r["value"], r["rag"]) for r in rows] == [
        ("Hackney Central PCN", "2026 Q4", "62%", "amber")
    ]
    with db.read() as session:
        actions = [e.action for e in session.exec(select(AuditEntry))]
        stored = session.exec(select(ApiToken)).one()
    assert "api.push_assessments" in actions and "api_token.create" in actions
    assert token not in stored.token_hash and stored.token_hash != token  # only the hash is kept
    assert stored.last_used_at is not None


def test_the_same_validation_as_the_form_and_nothing_stored_on_a_bad_value(client, signed, db):
    priya, signatory_id = signed
    token = make_token(priya, signatory_id)
    bad = [
        ({"period": "2026 Q4", "values": [{"outcome": KEY, "value": 140}]}, f"{KEY}-value",
         "A percentage must be between 0 and 100."),
        ({"period": "2026 Q4", "values": [{"outcome": "nope-o9", "value": 1}]}, "nope-o9-value",
         "not part of the version"),
        ({"period": "", "values": [{"outcome": KEY, "value": 50}]}, "period", "Enter the period"),
        ({"period": "2026 Q4", "values": []}, "values", "values must be a list"),
        ({"values": [{"outcome": KEY, "value": 5}]}, "period", "period is needed"),
    ]  # fmt: skip
    for body, field, message in bad:
        answer = client.post("/api/v1/assessments", json=body, headers=bearer(token))
        assert answer.status_code == 422, body
        assert answer.json()["error"]["field"] == field and message in answer.json()["error"]["message"]
    not_json = client.post("/api/v1/assessments", content=b"period=1", headers=bearer(token))
    assert not_json.status_code == 415
    broken = client.post(
        "/api/v1/assessments", content=b"{", headers={**bearer(token), "Content-Type": "application/json"}
    )
    assert broken.status_code == 400
    with db.read() as session:
        assert session.exec(select(Assessment)).all() == []


def test_expired_revoked_wrong_scope_and_malformed_tokens_are_refused_and_change_nothing(client, signed, db):
    priya, signatory_id = signed
    push = {"period": "2026 Q4", "values": [{"outcome": KEY, "value": 50}]}
    reader = make_token(priya, signatory_id, scopes=("read",), name="Reader")
    writer = make_token(priya, signatory_id, name="Writer")
    answers = {
        "none": client.post("/api/v1/assessments", json=push),
        "malformed": client.post("/api/v1/assessments", json=push, headers={"Authorization": "Basic abc"}),
        "unknown": client.post("/api/v1/assessments", json=push, headers=bearer("crowd_0000_nothing")),
        "wrong scope": client.post("/api/v1/assessments", json=push, headers=bearer(reader)),
    }
    assert {k: a.status_code for k, a in answers.items()} == {"none": 401, "malformed": 401, "unknown": 401,
                                                              "wrong scope": 403}  # fmt: skip
    assert answers["none"].headers["www-authenticate"].startswith("Bearer")
    assert all("error" in a.json() for a in answers.values())
    with db.write() as session:
        token = session.exec(select(ApiToken).where(ApiToken.name == "Writer")).one()
        token.expires_at = utcnow() - timedelta(minutes=1)
        session.add(token)
    expired = client.post("/api/v1/assessments", json=push, headers=bearer(writer))
    assert expired.status_code == 401 and "expired" in expired.json()["error"]["message"]
    reader_id = next(t for t in _tokens(db) if t.name == "Reader").id
    assert priya.post(f"/declaration/signatories/{signatory_id}/tokens/{reader_id}/revoke").status_code == 200
    revoked = client.get("/api/v1/engagement", headers=bearer(reader))
    assert revoked.status_code == 401 and "revoked" in revoked.json()["error"]["message"]
    with db.read() as session:
        assert session.exec(select(Assessment)).all() == []


def _tokens(db):
    with db.read() as session:
        return list(session.exec(select(ApiToken)))


def test_only_the_signer_or_a_lead_makes_tokens_and_the_secret_is_shown_once(person, signed, db):
    priya, signatory_id = signed
    stranger = person("stranger@example.org")
    assert stranger.client.get(f"/declaration/signatories/{signatory_id}/tokens").status_code == 403
    refused = stranger.post(f"/declaration/signatories/{signatory_id}/tokens", {"name": "x", "days": "5",
                                                                                 "scopes": ["read"]})  # fmt: skip
    assert refused.status_code == 403 and _tokens(db) == []
    token = make_token(priya, signatory_id)
    listing = priya.client.get(f"/declaration/signatories/{signatory_id}/tokens")
    assert token not in listing.text and "crowd_" in listing.text  # the prefix only
    assert listing.headers["cache-control"] == "no-store"
    bad = priya.post(f"/declaration/signatories/{signatory_id}/tokens", {"name": "", "days": "999"})
    assert bad.status_code == 400
    for message in ("Give the token a name", "from 1 to 366", "Choose what the token may do"):
        assert message in bad.text
    assert len(_tokens(db)) == 1


def test_theme_and_engagement_figures_need_a_read_token_and_suppress_small_counts(client, signed):
    priya, signatory_id = signed
    assert client.get("/api/v1/engagement").status_code == 401
    reader = make_token(priya, signatory_id, scopes=("read",))
    figures = client.get("/api/v1/engagement", headers=bearer(reader))
    assert figures.status_code == 200 and figures.headers["cache-control"].startswith("private")
    body = figures.json()
    assert body["suppressed_below"] == 5
    # one signed-in person so far: every non-zero count is hidden, and so is the total
    shown = body["participants_by_role"]
    assert all(v in (0, "<5") for v in shown["counts"].values()) and shown["total"] in (0, "<5")
    assert client.get("/api/v1/workshops/nope/themes", headers=bearer(reader)).status_code == 404


def test_cors_is_off_unless_an_origin_is_configured(client, published, app):
    plain = client.get("/api/v1/declarations", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in plain.headers
    assert (
        client.options("/api/v1/declarations", headers={"Origin": "https://evil.example"}).status_code == 403
    )
    import dataclasses

    app.state.settings = dataclasses.replace(
        app.state.settings, api_cors_origins=("https://intranet.example",)
    )
    allowed = client.get("/api/v1/declarations", headers={"Origin": "https://intranet.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://intranet.example"


def test_the_openapi_document_and_its_page_describe_every_endpoint(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    assert {"/declarations", "/declarations/{number}/benchmark", "/assessments"} <= set(document["paths"])
    page = client.get("/api")
    assert page.status_code == 200 and "POST /api/v1/assessments" in page.text
    assert client.get("/api/v1/nothing-here").json()["error"]["status"] == 404


def test_the_web_form_and_the_api_record_the_same_period(client, signed):
    priya, signatory_id = signed
    _assess(priya, signatory_id, period="2026 Q3", **{f"{KEY}-value": "45"})
    token = make_token(priya, signatory_id)
    client.post("/api/v1/assessments", json={"period": "2026 Q3", "values": [{"outcome": KEY, "value": 50}]},
                headers=bearer(token))  # fmt: skip
    rows = client.get("/api/v1/declarations/1/benchmark").json()["items"]
    assert [(r["period"], r["value"]) for r in rows] == [("2026 Q3", "50%")]  # re-recording updates
