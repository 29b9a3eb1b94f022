"""A text's vector does not depend on what else is embedded with it, so a re-run of the same contributions
gives the same themes, and a vector from the cache agrees with a fresh one."""

import numpy as np
import pytest

from clustering.embed import OnnxEmbedder, int8_variant

TEXT = "Parking at the hospital costs too much for visitors who come every day"
NEIGHBOURS = [
    "ok",
    "More buses to the clinic please, they are always late and always full in the mornings",
    "The waiting room needs more chairs and a water fountain, and the signs are hard to read",
    "Night shifts are short of staff",
]


def _spread(embedder) -> float:
    """Largest difference between the text's vector alone and in batches of other lengths and content."""
    alone = embedder.embed([TEXT])[0]
    batches = [[TEXT, *NEIGHBOURS], [*NEIGHBOURS[:2], TEXT], [NEIGHBOURS[1] * 3, TEXT, "x"]]
    found = [embedder.embed(batch)[batch.index(TEXT)] for batch in batches]
    return max(float(np.abs(vector - alone).max()) for vector in found)


def test_the_default_embedder_gives_a_text_the_same_vector_in_any_batch(embedder):
    assert _spread(embedder) < 1e-5


@pytest.mark.parametrize("variant", ["u8u8", "u8s8"])
def test_each_int8_graph_gives_a_text_the_same_vector_in_any_batch(variant):
    embedder = OnnxEmbedder(variant=variant)
    assert _spread(embedder) < 1e-5
    assert embedder.name.endswith(variant)  # vectors of different graphs are never mixed in a cache


def test_fp32_onnx_pads_without_changing_a_vector():
    assert _spread(OnnxEmbedder(quantized=False)) < 1e-5


def test_the_int8_graph_follows_the_cpu():
    assert int8_variant({"avx2", "avx512f", "avx512_vnni"}) == "u8s8"
    assert int8_variant({"avx2", "avx_vnni"}) == "u8s8"
    assert int8_variant({"avx2", "fma"}) == "u8u8"  # no VNNI: u8s8's 16-bit sums could saturate
    assert int8_variant(set()) == "u8u8"


def test_an_unknown_int8_graph_is_refused_by_name():
    with pytest.raises(ValueError, match="u8s8"):
        OnnxEmbedder(variant="int4")
