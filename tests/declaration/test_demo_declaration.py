"""The demo declaration: four TransformLDN foundations, published, signed and assessed."""

from __future__ import annotations

from crowd.demo.declaration import build_demo_declaration
from crowd.models import Access, DeclarationVersion
from crowd.services.declaration import benchmark
from crowd.services.declaration.outcomes import Rag
from tests.declaration.conftest import add_participant, post_ideas


def test_demo_builds_a_published_declaration_with_mixed_ratings(db, client):
    workshop, quotes = post_ideas(db, [f"Idea number {i} about telling my story once." for i in range(8)])
    lead_id = add_participant(db, "lead@example.org", access=Access.LEAD)
    moderator_id = add_participant(db, "mod@example.org", access=Access.MODERATOR)
    with db.write() as session:
        demo = build_demo_declaration(
            session, lead_id=lead_id, moderator_id=moderator_id, workshop_id=workshop.id, quotes=quotes
        )
    with db.read() as session:
        version = session.get(DeclarationVersion, demo.declaration_id)
        bench = benchmark.build_benchmark(session, declaration=version)
    snapshot = version.snapshot
    assert [f["title"] for f in snapshot["foundations"]] == [
        "Get Personal",
        "Make Boundaries Invisible",
        "Real Leaders, Happy Workers",
        "Focus on Outcomes",
    ]
    for foundation in snapshot["foundations"]:
        kinds = [e["kind"] for e in foundation["evidence"]]
        assert kinds.count("quote") >= 1 and "case_study" in kinds and "literature" in kinds
        assert 2 <= len(foundation["outcomes"]) <= 3
        assert all(o["target"] is not None and o["baseline"] is not None for o in foundation["outcomes"])
    assert 4 <= len(bench.signatories) <= 6
    colours = {row.cell.rag for o in bench.outcomes for row in o.rows}
    assert {Rag.GREEN, Rag.AMBER, Rag.RED} <= colours
    assert all(p.periods == ["2026 Q3", "2026 Q4"] for p in bench.progress)
    assert client.get("/declaration/benchmark").status_code == 200
    assert client.get("/declaration/foundations/real-leaders-happy-workers").status_code == 200
