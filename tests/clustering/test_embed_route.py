"""The embedder takes the route that is fastest for the CPU it runs on, unless told otherwise."""

from clustering.embed import best_route


def test_int8_where_the_cpu_has_integer_dot_products_and_fp32_elsewhere(monkeypatch):
    monkeypatch.delenv("CROWD_EMBED_ROUTE", raising=False)
    assert best_route({"sse4_2", "avx2", "fma"}) == "qint8"
    assert best_route({"avx2", "avx512f", "avx512_vnni"}) == "qint8"
    assert best_route({"sse4_2", "avx"}) == "fp32"
    assert best_route(set()) == "fp32"


def test_an_operator_can_choose_the_route(monkeypatch):
    monkeypatch.setenv("CROWD_EMBED_ROUTE", "fp32")
    assert best_route({"avx512_vnni"}) == "fp32"
    monkeypatch.setenv("CROWD_EMBED_ROUTE", "nonsense")
    assert best_route({"avx512_vnni"}) == "qint8"
